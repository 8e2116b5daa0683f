import { describe, expect, it } from 'vitest';
import {
  APIError,
  AuthenticationError,
  DownloadError,
  PictorError,
  QuotaExceededError,
  RateLimitError,
  ValidationError,
} from './index.js';

describe('the error hierarchy', () => {
  it('isInstance follows the class chain', () => {
    const quota = new QuotaExceededError({ status: 429, providerMessage: 'quota' });
    expect(QuotaExceededError.isInstance(quota)).toBe(true);
    expect(RateLimitError.isInstance(quota)).toBe(true);
    expect(APIError.isInstance(quota)).toBe(true);
    expect(PictorError.isInstance(quota)).toBe(true);
    expect(AuthenticationError.isInstance(quota)).toBe(false);
    expect(quota.isRetryable).toBe(false);
    expect(new RateLimitError({ status: 429 }).isRetryable).toBe(true);
  });

  it('isInstance recognises an error from another copy of the package (no shared prototype)', () => {
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('pictor.error')]: ['RateLimitError', 'APIError', 'PictorError'],
    });
    expect(RateLimitError.isInstance(foreign)).toBe(true);
    expect(ValidationError.isInstance(foreign)).toBe(false);
    expect(PictorError.isInstance({})).toBe(false);
    expect(PictorError.isInstance(null)).toBe(false);
  });

  it('has readable names, messages and JSON', () => {
    const e = new AuthenticationError({
      status: 401,
      providerMessage: 'Invalid API key',
      requestId: 'req_1',
      attempts: 1,
    });
    expect(e.name).toBe('AuthenticationError');
    expect(e.message).toBe('401 Unauthorized: Invalid API key (request req_1)');
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({
      name: 'AuthenticationError',
      status: 401,
      providerMessage: 'Invalid API key',
      requestId: 'req_1',
    });
    const v = new ValidationError([{ field: 'steps', message: 'too big' }]);
    expect(v.message).toBe('Invalid request: steps: too big');
    expect(v.fields).toEqual(['steps']);
  });

  it('keeps the signature of a signed URL out of the JSON of a download error', () => {
    const e = new DownloadError('Downloading failed', {
      url: 'https://cdn.example/a.png?sig=SECRET',
      reason: 'status',
      status: 403,
    });
    expect(JSON.stringify(e)).not.toContain('SECRET');
    expect(e.toJSON()).toMatchObject({ url: 'https://cdn.example/a.png?…', reason: 'status', status: 403 });
  });
});

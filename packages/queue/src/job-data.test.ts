import { createPictorClient, normalizeRequest, ValidationError } from '@pictor/core';
import { describe, expect, it } from 'vitest';
import { parsePictorJobData } from './job-data.js';
import { pictorJobId } from './job-id.js';
import { pictorJobKey, toJobRequest } from './job-key.js';

const client = createPictorClient({ provider: 'sandbox', baseURL: 'http://127.0.0.1:9/together/v1' });
const KEY = 'a'.repeat(64);

describe('pictorJobId', () => {
  it('is the key with a prefix: never an integer, never a colon', () => {
    expect(pictorJobId(KEY)).toBe(`pictor-${KEY}`);
    expect(pictorJobId('1'.repeat(64))).toBe(`pictor-${'1'.repeat(64)}`);
  });

  it('refuses anything but a manifest key', () => {
    expect(() => pictorJobId('abc')).toThrow(/key: must be a manifest key/);
    expect(() => pictorJobId(`${'a'.repeat(63)}:`)).toThrow(/key/);
  });
});

describe('parsePictorJobData', () => {
  it('takes what an enqueuer writes', () => {
    const data = { key: KEY, request: { prompt: 'a fox', n: 2 }, fileName: 'fox-{index}', line: 3 };
    expect(parsePictorJobData(data)).toEqual(data);
  });

  it('names every bad field of untrusted data', () => {
    const bad = { key: 'nope', request: { prompt: 'a fox', size: 'huge', apiKey: 'x' }, fileName: '{nope}' };
    let error: unknown;
    try {
      parsePictorJobData(bad);
    } catch (caught) {
      error = caught;
    }
    expect(ValidationError.isInstance(error)).toBe(true);
    const fields = (error as ValidationError).fields;
    expect(fields).toEqual(expect.arrayContaining(['key', 'request.size', 'request.apiKey', 'fileName']));
    expect((error as Error).message).toMatch(/^Invalid job data: /);
  });

  it('refuses data that is not an object', () => {
    expect(() => parsePictorJobData('a fox')).toThrow(ValidationError);
    expect(() => parsePictorJobData(null)).toThrow(ValidationError);
  });
});

describe('toJobRequest', () => {
  it('gives back a request that validates to the same one, so to the same key', () => {
    for (const request of [
      { prompt: 'a', aspectRatio: '16:9' as const, seed: 3 },
      { prompt: 'b', size: 'auto' },
      { prompt: 'c', size: '512x768', n: 2 },
      { prompt: 'd', width: 640, height: 640, providerOptions: { x: [1, { y: 'z' }] } },
    ]) {
      const normalized = normalizeRequest(request);
      const stored = toJobRequest(normalized);
      expect(JSON.parse(JSON.stringify(stored))).toEqual(stored);
      expect(normalizeRequest(stored)).toEqual(normalized);
      expect(pictorJobKey(client, stored)).toBe(pictorJobKey(client, request));
    }
  });
});

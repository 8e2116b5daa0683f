import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.js';
import { checkFileNamePattern, fileNamePatternProblem, formatFileName, MAX_FILE_NAME_BYTES } from './file-name.js';

const VARS = {
  prompt: 'A lighthouse at dusk',
  index: 2,
  seed: 7,
  model: 'black-forest-labs/FLUX.1-schnell',
  key: 'abcdef0123456789',
  sha256: '0f'.repeat(32),
};

describe('formatFileName', () => {
  it('fills every token and appends the index when the pattern has none', () => {
    expect(formatFileName('{slug}-{seed}-{model}-{key}-{hash}', VARS)).toBe(
      'a-lighthouse-at-dusk-7-flux-1-schnell-abcdef01-0f0f0f0f',
    );
    expect(formatFileName('shot', VARS)).toBe('shot-2');
  });
});

describe('fileNamePatternProblem', () => {
  it.each(['{slug}-{key}-{index}', 'shot', '{model}/{seed}', 'é'.repeat(80)])('accepts %s', (pattern) => {
    expect(fileNamePatternProblem(pattern)).toBeUndefined();
  });

  it('refuses a pattern whose names can pass the limit, counting tokens at their longest and UTF-8 bytes', () => {
    expect(fileNamePatternProblem('n'.repeat(300))).toMatch(/can make names of 304 bytes/);
    expect(fileNamePatternProblem('é'.repeat(100))).toMatch(/204 bytes/);
    // 48 (slug) + 4 × 32 (model) + "-" × 4 + "-xxx" (the index appended) = 184: fine; one more slug (233) is not.
    expect(fileNamePatternProblem('{slug}-{model}-{model}-{model}-{model}')).toBeUndefined();
    expect(fileNamePatternProblem('{slug}-{slug}-{model}-{model}-{model}-{model}')).toMatch(
      new RegExp(`limited to ${MAX_FILE_NAME_BYTES} bytes`),
    );
  });

  it('refuses unknown tokens and an empty pattern', () => {
    expect(fileNamePatternProblem('{prompt}-{index}')).toMatch(/unknown token \{prompt\}/);
    expect(fileNamePatternProblem('{toString}')).toMatch(/unknown token/);
    expect(fileNamePatternProblem('  ')).toBe('must not be empty');
  });

  it('checkFileNamePattern throws a ValidationError naming the field', () => {
    expect(() => checkFileNamePattern('x'.repeat(250), 'fileName')).toThrow(ValidationError);
    try {
      checkFileNamePattern('x'.repeat(250), 'file-name');
    } catch (error) {
      expect((error as ValidationError).fields).toEqual(['file-name']);
    }
  });
});

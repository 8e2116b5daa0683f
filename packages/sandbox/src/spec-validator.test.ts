import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultSpecDir, SPEC_FILES, SpecValidator } from './spec-validator.js';

const validator = new SpecValidator();

describe('SpecValidator', () => {
  it('reads the vendored official spec files', () => {
    for (const file of Object.values(SPEC_FILES))
      expect(readFileSync(join(defaultSpecDir(), file), 'utf8')).toMatch(/^openapi: 3/);
  });

  it('finds the required fields of each dialect', () => {
    expect(validator.validateRequest('together', { prompt: 'p' })).toMatchObject({
      keyword: 'required',
      param: 'model',
    });
    expect(validator.validateRequest('openai', { model: 'dall-e-2' })).toMatchObject({
      keyword: 'required',
      param: 'prompt',
    });
    expect(validator.validateRequest('openai', { prompt: 'p' })).toBeUndefined();
    expect(validator.validateRequest('r9s', { prompt: 'p' })).toBeUndefined();
    expect(validator.validateRequest('ai-stats', { prompt: 'p' })).toMatchObject({
      keyword: 'required',
      param: 'model',
    });
  });

  it('checks types, enums, ranges and nested items', () => {
    expect(validator.validateRequest('together', { model: 'm', prompt: 'p', steps: 'many' })).toMatchObject({
      keyword: 'type',
      param: 'steps',
      expectedTypes: ['integer'],
    });
    expect(
      validator.validateRequest('together', { model: 'm', prompt: 'p', response_format: 'b64_json' }),
    ).toMatchObject({
      keyword: 'enum',
      param: 'response_format',
      allowed: ['base64', 'url'],
    });
    expect(
      validator.validateRequest('together', { model: 'm', prompt: 'p', image_loras: [{ path: 'x' }] }),
    ).toMatchObject({
      keyword: 'required',
      param: 'image_loras[0].scale',
    });
    expect(validator.validateRequest('openai', { prompt: 'p', n: 11 })).toMatchObject({
      keyword: 'maximum',
      limit: 10,
    });
    expect(validator.validateRequest('openai', { prompt: 'p', output_format: 'gif' })).toMatchObject({
      keyword: 'enum',
      allowed: ['png', 'jpeg', 'webp'],
    });
    expect(validator.validateRequest('r9s', { prompt: 'p', size: '16:9' })).toMatchObject({
      keyword: 'enum',
      param: 'size',
    });
    expect(validator.validateRequest('ai-stats', { model: 'm', prompt: 'p', n: 0 })).toMatchObject({
      keyword: 'minimum',
      limit: 1,
    });
  });

  it('accepts the nulls OpenAI declares nullable', () => {
    expect(
      validator.validateRequest('openai', { prompt: 'p', model: null, n: null, quality: null, size: null }),
    ).toBeUndefined();
  });

  describe('takes its rules from the files at run time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pictor-specs-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('follows an edited copy of the Together spec', () => {
      cpSync(defaultSpecDir(), dir, { recursive: true });
      const file = join(dir, SPEC_FILES.together);
      const edited = readFileSync(file, 'utf8').replace(/(\n\s+)- jpeg\n(\s+)- png\n/, '$1- jpeg$1- png$1- gif\n');
      writeFileSync(file, edited);
      const body = { model: 'm', prompt: 'p', output_format: 'gif' };
      expect(validator.validateRequest('together', body)).toMatchObject({ keyword: 'enum', param: 'output_format' });
      expect(new SpecValidator(dir).validateRequest('together', body)).toBeUndefined();
    });
  });

  it('validates responses and error bodies against the spec', () => {
    expect(
      validator.validateResponse('together', {
        id: 'i',
        model: 'm',
        object: 'list',
        data: [{ index: 0, type: 'url', url: 'u' }],
      }),
    ).toEqual([]);
    expect(validator.validateResponse('together', { id: 'i', model: 'm', object: 'dict', data: [] })).not.toEqual([]);
    expect(validator.validateError('openai', { error: { message: 'm', type: 't', param: null, code: null } })).toEqual(
      [],
    );
    expect(validator.validateError('openai', { error: { message: 'm' } })).not.toEqual([]);
    expect(
      validator.validateError('r9s', { error: { message: 'm', type: 't', param: null }, status: 400 }),
    ).not.toEqual([]);
  });
});

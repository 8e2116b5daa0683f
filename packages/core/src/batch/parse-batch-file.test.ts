import { normalizeRequest } from '../request/image-request.js';
import { describe, expect, it } from 'vitest';
import { parseBatchFile } from './parse-batch-file.js';

describe('parseBatchFile size overrides', () => {
  it('lets a line give its size in another form than the defaults', () => {
    const text = ['"a red fox"', '{"prompt":"a blue whale","aspectRatio":"16:9"}', '{"prompt":"a frog","width":640,"height":384}'].join('\n');
    const jobs = parseBatchFile(text, 'jsonl', { size: '512x512', seed: 3 });
    expect(jobs.map((j) => j.request)).toEqual([
      { prompt: 'a red fox', size: '512x512', seed: 3 },
      { prompt: 'a blue whale', aspectRatio: '16:9', seed: 3 },
      { prompt: 'a frog', width: 640, height: 384, seed: 3 },
    ].map(normalizeRequest));
  });

  it('lets YAML file defaults replace the caller’s size, and items replace both', () => {
    const text = 'defaults:\n  aspectRatio: "3:2"\nprompts:\n  - a moon\n  - { prompt: a sun, size: 256x256 }\n';
    const jobs = parseBatchFile(text, 'yaml', { width: 512, height: 512, n: 2 });
    expect(jobs.map((j) => j.request)).toEqual([
      { prompt: 'a moon', aspectRatio: '3:2', n: 2 },
      { prompt: 'a sun', size: '256x256', n: 2 },
    ].map(normalizeRequest));
  });

  it('still refuses two sizes on one line', () => {
    expect(() => parseBatchFile('{"prompt":"x","size":"512x512","aspectRatio":"1:1"}', 'jsonl')).toThrow(/line 1\.size/);
  });
});

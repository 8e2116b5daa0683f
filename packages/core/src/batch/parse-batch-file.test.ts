import { normalizeRequest } from '../request/image-request.js';
import { describe, expect, it } from 'vitest';
import { parseBatchFile } from './parse-batch-file.js';

describe('parseBatchFile size overrides', () => {
  it('lets a line give its size in another form than the defaults', () => {
    const text = [
      '"a red fox"',
      '{"prompt":"a blue whale","aspectRatio":"16:9"}',
      '{"prompt":"a frog","width":640,"height":384}',
    ].join('\n');
    const jobs = parseBatchFile(text, 'jsonl', { size: '512x512', seed: 3 });
    expect(jobs.map((j) => j.request)).toEqual(
      [
        { prompt: 'a red fox', size: '512x512', seed: 3 },
        { prompt: 'a blue whale', aspectRatio: '16:9', seed: 3 },
        { prompt: 'a frog', width: 640, height: 384, seed: 3 },
      ].map(normalizeRequest),
    );
  });

  it('lets YAML file defaults replace the caller’s size, and items replace both', () => {
    const text = 'defaults:\n  aspectRatio: "3:2"\nprompts:\n  - a moon\n  - { prompt: a sun, size: 256x256 }\n';
    const jobs = parseBatchFile(text, 'yaml', { width: 512, height: 512, n: 2 });
    expect(jobs.map((j) => j.request)).toEqual(
      [
        { prompt: 'a moon', aspectRatio: '3:2', n: 2 },
        { prompt: 'a sun', size: '256x256', n: 2 },
      ].map(normalizeRequest),
    );
  });

  it('still refuses two sizes on one line', () => {
    expect(() => parseBatchFile('{"prompt":"x","size":"512x512","aspectRatio":"1:1"}', 'jsonl')).toThrow(
      /line 1\.size/,
    );
  });
});

describe('parseBatchFile limits', () => {
  it('refuses more than 10,000 prompts with a message that says to split the file', () => {
    const error = (() => {
      try {
        parseBatchFile('a prompt\n'.repeat(10_001), 'text');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toBe(
      'Invalid batch file: file: holds more than 10000 prompts; split it into several batch files',
    );
    expect(parseBatchFile('a prompt\n'.repeat(10_000), 'text')).toHaveLength(10_000);
  });

  it('stops after 100 problems instead of listing them all', () => {
    try {
      parseBatchFile('{not json\n'.repeat(5_000), 'jsonl');
      expect.unreachable();
    } catch (error) {
      const issues = (error as { issues: Array<{ field: string }> }).issues;
      expect(issues).toHaveLength(101);
      expect(issues.at(-1)).toEqual({ field: 'file', message: 'stopped after 100 problems' });
    }
  });

  it("refuses a line's fileName that cannot be saved, naming the line", () => {
    expect(() => parseBatchFile(`{"prompt":"x","fileName":"${'n'.repeat(300)}"}`, 'jsonl')).toThrow(
      /line 1\.fileName: can make names/,
    );
  });
});

import * as core from '@actions/core';
import type * as ActionsCore from '@actions/core';
import { describeImage } from '@pictor/core';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readActionYml } from './__fixtures__/action-yml.js';
import { run } from './main.js';

vi.mock('@actions/core', async (importOriginal) => {
  const actual = await importOriginal<typeof ActionsCore>();
  return {
    // The real summary, writing to the GITHUB_STEP_SUMMARY file set below: the test reads what users see.
    summary: actual.summary,
    getInput: vi.fn(),
    getBooleanInput: vi.fn(),
    setSecret: vi.fn(),
    setOutput: vi.fn(),
    setFailed: vi.fn(),
    info: vi.fn(),
    warning: vi.fn(),
    debug: vi.fn(),
    startGroup: vi.fn(),
    endGroup: vi.fn(),
  };
});

const mocked = vi.mocked(core);
let sandbox: Sandbox;
let summaryFile: string;
let inputs: Record<string, string> = {};

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  summaryFile = join(await mkdtemp(join(tmpdir(), 'pictor-summary-')), 'summary.md');
  await writeFile(summaryFile, '');
  vi.stubEnv('GITHUB_STEP_SUMMARY', summaryFile);
  // Every folder of these tests is a temporary one: the workspace is their parent.
  vi.stubEnv('GITHUB_WORKSPACE', tmpdir());
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await sandbox.close();
});

beforeEach(async () => {
  vi.clearAllMocks();
  sandbox.setFaults(undefined);
  await writeFile(summaryFile, '');
  mocked.getInput.mockImplementation((name) => inputs[name] ?? '');
  mocked.getBooleanInput.mockImplementation((name) => {
    const value = inputs[name] ?? '';
    if (['true', 'True', 'TRUE'].includes(value)) return true;
    if (['false', 'False', 'FALSE'].includes(value)) return false;
    throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}`);
  });
});

async function freshDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'pictor-action-'));
}

/** Runs the Action with these inputs against the sandbox; returns the outputs it set. */
async function runWith(values: Record<string, string>): Promise<Record<string, unknown>> {
  inputs = { provider: 'sandbox', 'base-url': sandbox.urls.together, ...values };
  mocked.setOutput.mockClear();
  await run();
  return Object.fromEntries(mocked.setOutput.mock.calls);
}

function images(outputs: Record<string, unknown>): string[] {
  return JSON.parse(String(outputs.images)) as string[];
}

function generations(): number {
  return sandbox.stats.generations.together;
}

describe('run() with a mocked @actions/core against the sandbox', () => {
  it('generates every prompt line into output-dir, logs one line per image inside a group per prompt, and sets the outputs', async () => {
    const dir = await freshDir();
    const outputs = await runWith({
      prompt: 'a red fox\n\n# a comment line\na blue whale',
      n: '2',
      seed: '7',
      'aspect-ratio': '16:9',
      'output-dir': dir,
    });

    expect(mocked.setFailed).not.toHaveBeenCalled();
    // It reads exactly the inputs action.yml declares, so none is ignored or undocumented.
    const read = new Set([...mocked.getInput.mock.calls, ...mocked.getBooleanInput.mock.calls].map(([name]) => name));
    expect([...read].sort()).toEqual(Object.keys((await readActionYml()).inputs).sort());
    const files = images(outputs);
    expect(files).toHaveLength(4);
    expect(outputs).toMatchObject({
      count: 4,
      generated: 4,
      skipped: 0,
      failed: 0,
      manifest: join(dir, 'manifest.json'),
    });
    expect(existsSync(join(dir, 'manifest.json'))).toBe(true);
    for (const file of files) {
      expect(file.startsWith(dir)).toBe(true);
      const image = describeImage(await readFile(file));
      expect([image.width, image.height]).toEqual([1344, 768]);
    }

    const groups = mocked.startGroup.mock.calls.map(([title]) => title);
    expect(groups).toHaveLength(2);
    expect(groups.some((t) => t.includes('"a red fox"'))).toBe(true);
    for (const file of files) {
      const lines = mocked.info.mock.calls.map(([line]) => line).filter((line) => line.includes(file));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/"a (red fox|blue whale)" seed=7 size=1344x768 /);
      // The line sits inside a group: a startGroup came before it and its endGroup after it.
      const at = mocked.info.mock.invocationCallOrder[mocked.info.mock.calls.findIndex(([line]) => line === lines[0])]!;
      const opened = mocked.startGroup.mock.invocationCallOrder.filter((o) => o < at).pop()!;
      const closed = mocked.endGroup.mock.invocationCallOrder.find((o) => o > opened)!;
      expect(opened).toBeDefined();
      expect(closed).toBeGreaterThan(at);
    }
  });

  it('a rerun with unchanged prompts and parameters generates nothing; a changed parameter or skip-existing: false does', async () => {
    const dir = await freshDir();
    const first = await runWith({ prompt: 'a lighthouse\na harbour', seed: '3', 'output-dir': dir });
    expect(first).toMatchObject({ generated: 2, skipped: 0 });

    const before = generations();
    const second = await runWith({ prompt: 'a lighthouse\na harbour', seed: '3', 'output-dir': dir });
    expect(generations()).toBe(before);
    expect(second).toMatchObject({ count: 2, generated: 0, skipped: 2 });
    expect(images(second)).toEqual(images(first));

    const reseeded = await runWith({ prompt: 'a lighthouse\na harbour', seed: '4', 'output-dir': dir });
    expect(reseeded).toMatchObject({ generated: 2, skipped: 0 });

    const forced = await runWith({
      prompt: 'a lighthouse\na harbour',
      seed: '3',
      'output-dir': dir,
      'skip-existing': 'false',
    });
    expect(forced).toMatchObject({ generated: 2, skipped: 0 });
    expect(mocked.setFailed).not.toHaveBeenCalled();
  });

  it('masks the key before anything else and never passes it to the log, the outputs or the summary', async () => {
    const key = 'pictor-test-key-7f3a9c51';
    const keyed = await startSandbox({ port: 0, apiKey: key });
    try {
      const outputs = await runWith({
        prompt: 'a secret garden',
        'api-key': key,
        'base-url': keyed.urls.together,
        'output-dir': await freshDir(),
      });
      // The keyed sandbox answered, so the key was sent.
      expect(mocked.setFailed).not.toHaveBeenCalled();
      expect(outputs).toMatchObject({ generated: 1 });
    } finally {
      await keyed.close();
    }

    expect(mocked.setSecret).toHaveBeenCalledWith(key);
    const masked = mocked.setSecret.mock.invocationCallOrder[0]!;
    for (const [name, fn] of Object.entries(mocked)) {
      if (name === 'setSecret' || name === 'getInput' || !vi.isMockFunction(fn)) continue;
      for (const order of fn.mock.invocationCallOrder)
        expect(order, `${name} was called before setSecret`).toBeGreaterThan(masked);
      expect(JSON.stringify(fn.mock.calls), `${name} received the key`).not.toContain(key);
    }
    expect(await readFile(summaryFile, 'utf8')).not.toContain(key);
  });

  it.each([
    [{ n: 'two' }, 'n: must be a whole number, got "two"'],
    [{ steps: '99' }, 'steps: '],
    [{ 'aspect-ratio': '5:4' }, 'aspect-ratio: '],
    [{ width: '512' }, 'height: width and height go together'],
    [{ provider: 'together' }, 'api-key: is required for Together AI'],
    [{ provider: 'dall-e' }, 'provider: '],
    [{ 'base-url': 'ftp://example.com' }, 'base-url: must be an http(s) URL'],
    [{ prompt: '' }, 'prompt: is required'],
    [{ prompt: '# only a comment' }, 'prompt: holds no prompts'],
    [{ 'prompts-file': 'prompts.jsonl' }, 'prompt: give prompt or prompts-file, not both'],
    [{ prompt: '', 'prompts-file': 'missing.jsonl' }, 'prompts-file: cannot be read: missing.jsonl (ENOENT)'],
    [{ 'skip-existing': 'yes' }, 'skip-existing: must be true or false'],
    [{ 'output-dir': '../outside' }, 'output-dir: must be inside the workspace'],
    [{ 'output-dir': '/etc/pictor-images' }, 'output-dir: must be inside the workspace'],
    [{ 'input-images': '../photo.png' }, 'input-images: must stay inside the workspace'],
    [{ 'input-images': 'pictor-no-such-folder/*.png' }, 'input-images: no file matches "pictor-no-such-folder/*.png"'],
    [{ mask: 'mask.png' }, 'mask: needs input-images'],
    [{ 'max-cost': 'ten dollars' }, 'max-cost: must be an amount in USD'],
    [{ 'dry-run': 'perhaps' }, 'dry-run: must be true or false'],
    [{ 'prices-file': '../prices.json' }, 'prices-file: must be inside the workspace'],
  ])('a bad input (%j) fails the step naming it, before any request', async (bad, message) => {
    const before = generations();
    await runWith({ prompt: 'a kite', 'output-dir': await freshDir(), ...bad });
    expect(mocked.setFailed).toHaveBeenCalledTimes(1);
    expect(mocked.setFailed.mock.calls[0]![0]).toContain(`Invalid inputs: `);
    expect(mocked.setFailed.mock.calls[0]![0]).toContain(message);
    expect(mocked.setOutput).not.toHaveBeenCalled();
    expect(generations()).toBe(before);
  });

  it('reads a prompts-file in the CLI batch format, per-prompt overrides included, and writes the summary table', async () => {
    const dir = await freshDir();
    const file = join(dir, 'prompts.jsonl');
    await writeFile(
      file,
      [
        '"a plain kite"',
        JSON.stringify({ prompt: 'a <b>bold</b> heron', n: 2, fileName: 'heron-{index}', responseFormat: 'url' }),
      ].join('\n'),
    );
    const outputs = await runWith({ 'prompts-file': file, seed: '11', 'output-dir': join(dir, 'out') });

    expect(mocked.setFailed).not.toHaveBeenCalled();
    const files = images(outputs);
    expect(files).toHaveLength(3);
    expect(files.filter((f) => /heron-[01]\.\w+$/.test(f))).toHaveLength(2);

    const summary = await readFile(summaryFile, 'utf8');
    for (const column of ['File', 'Prompt', 'Seed', 'Size', 'SHA-256', 'Link'])
      expect(summary).toContain(`<th>${column}</th>`);
    // Prompts are user text: escaped, never raw HTML.
    expect(summary).toContain('a &#60;b&#62;bold&#60;/b&#62; heron');
    expect(summary).not.toContain('<b>bold</b>');
    for (const path of files) {
      const sha256 = createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
      expect(summary).toContain(`<code>${sha256}</code>`);
    }
    // The heron was returned as URLs: its rows link to them, the kite's row has no link.
    expect(summary.match(new RegExp(`<a href="${sandbox.url}/`, 'g'))).toHaveLength(2);
  });

  it('refuses a prompts-file or output-dir that a symbolic link leads out of the workspace, before any request', async () => {
    // A workspace of its own, and a folder beside it (not inside, wherever the temporary folder or the clone is).
    const workspace = await freshDir();
    vi.stubEnv('GITHUB_WORKSPACE', workspace);
    const dir = await mkdtemp(join(workspace, 'job-'));
    const outside = await mkdtemp(join(tmpdir(), 'pictor-outside-'));
    try {
      await writeFile(join(outside, 'secret.txt'), 'a secret prompt');
      await symlink(join(outside, 'secret.txt'), join(dir, 'prompts.txt'));
      await symlink(outside, join(dir, 'linked-out'));
      const before = generations();
      await runWith({ 'prompts-file': join(dir, 'prompts.txt'), 'output-dir': join(dir, 'linked-out', 'images') });
      const message = String(mocked.setFailed.mock.calls[0]![0]);
      expect(message).toContain('prompts-file: must be inside the workspace');
      expect(message).toContain('output-dir: must be inside the workspace');
      expect(message).not.toContain('a secret prompt');
      expect(generations()).toBe(before);
    } finally {
      vi.stubEnv('GITHUB_WORKSPACE', tmpdir());
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('neutralises workflow commands a prompt carries after a CR, and the legacy ##[ form', async () => {
    const outputs = await runWith({ prompt: 'a cat\r::error::injected ##[add-mask]x', 'output-dir': await freshDir() });
    expect(mocked.setFailed).not.toHaveBeenCalled();
    expect(images(outputs)).toHaveLength(1);
    const logged = [...mocked.info.mock.calls, ...mocked.startGroup.mock.calls].map(([text]) => String(text));
    for (const text of logged) {
      for (const line of text.split(/\r\n|\r|\n/)) {
        expect(line.trimStart().startsWith('::'), line).toBe(false);
        expect(line, line).not.toContain('##[');
      }
    }
    expect(logged.some((text) => text.includes('injected'))).toBe(true);
  });

  it('reads a YAML prompts-file with its own defaults', async () => {
    const dir = await freshDir();
    const file = join(dir, 'prompts.yml');
    await writeFile(
      file,
      'defaults:\n  size: 512x512\nprompts:\n  - a paper boat\n  - prompt: a paper plane\n    size: 640x384\n',
    );
    const outputs = await runWith({ 'prompts-file': file, 'output-dir': join(dir, 'out') });
    const sizes = await Promise.all(images(outputs).map(async (f) => describeImage(await readFile(f))));
    expect(sizes.map((s) => `${s.width}x${s.height}`)).toEqual(['512x512', '640x384']);
  });

  it('fail-on-partial: a failed prompt fails the step after outputs and summary are written; false warns instead', async () => {
    // The sandbox answers the next request with a body whose base64 is invalid: that prompt fails, unretried.
    sandbox.setFaults([{ fault: 'invalid-base64', times: 1 }]);
    const dir = await freshDir();
    const outputs = await runWith({ prompt: 'a quiet pond\na loud market', 'output-dir': dir });
    expect(outputs).toMatchObject({ count: 1, generated: 1, failed: 1 });
    expect(existsSync(images(outputs)[0]!)).toBe(true);
    expect(mocked.setFailed).toHaveBeenCalledTimes(1);
    const message = mocked.setFailed.mock.calls[0]![0] as string;
    expect(message).toMatch(
      /^1 of 2 prompt\(s\) failed:\nline [12] "a (quiet pond|loud market)": ResponseValidationError: /,
    );
    expect(mocked.setFailed.mock.invocationCallOrder[0]).toBeGreaterThan(
      Math.max(...mocked.setOutput.mock.invocationCallOrder),
    );
    expect(await readFile(summaryFile, 'utf8')).toContain('<h3>Failed prompts</h3>');

    sandbox.setFaults([{ fault: 'invalid-base64', times: 1 }]);
    vi.clearAllMocks();
    const lenient = await runWith({
      prompt: 'a quiet pond\na loud market',
      'output-dir': await freshDir(),
      'fail-on-partial': 'false',
    });
    expect(lenient).toMatchObject({ generated: 1, failed: 1 });
    expect(mocked.setFailed).not.toHaveBeenCalled();
    expect(mocked.warning).toHaveBeenCalledWith(expect.stringMatching(/^1 of 2 prompt\(s\) failed:/));

    // Nothing at all produced is never "partial".
    sandbox.setFaults([{ fault: 'invalid-base64', times: 2 }]);
    await runWith({
      prompt: 'a quiet pond\na loud market',
      'output-dir': await freshDir(),
      'fail-on-partial': 'false',
    });
    expect(mocked.setFailed).toHaveBeenCalledWith(expect.stringMatching(/^2 of 2 prompt\(s\) failed:/));
  });

  it('a wrong key stops the batch: no further prompt is sent', async () => {
    const keyed = await startSandbox({ port: 0, apiKey: 'pictor-right-key-2a6d' });
    try {
      const prompts = ['one', 'two', 'three', 'four', 'five'].map((p) => `a ${p} of a kind`).join('\n');
      const outputs = await runWith({
        prompt: prompts,
        'api-key': 'pictor-wrong-key-8c1e',
        'base-url': keyed.urls.together,
        'output-dir': await freshDir(),
      });
      // Only the calls the client lets out before the first answer (its adaptive limit starts at 4) reached it.
      expect(keyed.stats.generations.together).toBeLessThanOrEqual(4);
      expect(outputs).toMatchObject({ count: 0, failed: 5 });
      const message = mocked.setFailed.mock.calls[0]![0] as string;
      expect(message).toContain('AuthenticationError: 401 Unauthorized');
      expect(message).toMatch(/\n[1-4] prompt\(s\) not run: the batch stopped at that error$/);
    } finally {
      await keyed.close();
    }
  });
});

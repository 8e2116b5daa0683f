import { describeImage } from '@pictor/core';
import { readManifest } from '@pictor/core/storage';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { collect, lines, runPictor, spawnPictor, tempDir } from '../__fixtures__/run-pictor.js';

const SECRET = 'pictor-test-SECRET-key-5f1e2d3c';

let sandbox: Sandbox;
let dir: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.setFaults(undefined);
  sandbox.stats.reset();
  dir = await tempDir();
});
afterEach(() => dir.remove());

/** `pictor generate <prompt> …args` against the test's sandbox, writing into the test's folder. */
function generate(prompt: string, args: string[] = [], env: Record<string, string> = {}) {
  return runPictor(
    ['generate', prompt, '--provider', 'sandbox', '--base-url', sandbox.urls.together, '--out', dir.path, ...args],
    { env },
  );
}

async function dimensions(path: string) {
  const { width, height, mediaType } = describeImage(await readFile(path));
  return { width, height, mediaType };
}

describe('pictor generate', () => {
  it('writes the images and the manifest and prints one path per image', async () => {
    const run = await generate('a lighthouse at dusk', ['-n', '3', '--seed', '42']);
    expect(run.code).toBe(0);
    const printed = lines(run.stdout);
    expect(printed).toHaveLength(3);
    for (const path of printed) expect(existsSync(path)).toBe(true);

    const manifest = await readManifest(dir.path);
    expect(manifest.entries).toHaveLength(1);
    const entry = manifest.entries[0]!;
    expect(entry).toMatchObject({ prompt: 'a lighthouse at dusk', provider: 'sandbox' });
    expect(entry.images.map((i) => join(dir.path, i.file)).sort()).toEqual([...printed].sort());
    for (const image of entry.images) {
      const bytes = await readFile(join(dir.path, image.file));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(image.sha256);
    }
    expect(run.stderr).toMatch(/Saved 3 images/);
    expect(sandbox.stats.generations.together).toBe(1);
  });

  it('--json prints one JSON document describing every saved image, and nothing else on stdout', async () => {
    const run = await generate('a koi pond', ['-n', '2', '--seed', '7', '--json']);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as Record<string, unknown> & { images: Array<Record<string, unknown>> };
    expect(doc).toMatchObject({ provider: 'sandbox', prompt: 'a koi pond', failures: [], warnings: [] });
    expect(doc.manifestPath).toBe(join(dir.path, 'manifest.json'));
    expect(doc.calls).toHaveLength(1);
    expect(doc.images).toHaveLength(2);
    for (const [position, image] of doc.images.entries()) {
      expect(Object.keys(image).sort()).toEqual(
        ['bytes', 'cost', 'file', 'height', 'index', 'mediaType', 'path', 'seed', 'sha256', 'width'].sort(),
      );
      // Its share of the call: FLUX.1 [schnell] on the sandbox, priced as Together, 1.048576 MP × $0.0027.
      expect(image.cost).toEqual({ usd: expect.closeTo(1.048576 * 0.0027, 9), basis: 'estimate' });
      expect(image.index).toBe(position);
      expect(image.seed).toBe(7);
      const bytes = await readFile(image.path as string);
      expect(bytes.length).toBe(image.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(image.sha256);
      expect(await dimensions(image.path as string)).toEqual({
        width: image.width,
        height: image.height,
        mediaType: image.mediaType,
      });
    }
  });

  it.each([
    [['--size', '512x768'], { width: 512, height: 768 }],
    [['--aspect', '16:9'], { width: 1344, height: 768 }],
    [['--width', '640', '--height', '384'], { width: 640, height: 384 }],
  ])('sizes the images from %j', async (args, expected) => {
    const run = await generate('a paper boat', args);
    expect(run.code).toBe(0);
    const [path] = lines(run.stdout);
    expect(await dimensions(path!)).toMatchObject(expected);
  });

  it('--format png gives PNG files', async () => {
    const run = await generate('a paper boat', ['--format', 'png']);
    expect(run.code).toBe(0);
    const [path] = lines(run.stdout);
    expect(path).toMatch(/\.png$/);
    expect((await dimensions(path!)).mediaType).toBe('image/png');
  });

  it('warns on stderr about a setting the provider does not take, and lists it in --json', async () => {
    const run = await generate('a paper boat', ['--quality', 'high', '--json']);
    expect(run.code).toBe(0);
    expect(lines(run.stderr)).toEqual([
      expect.stringMatching(/^pictor: warning: .*does not accept quality; it was not sent$/),
    ]);
    expect(JSON.parse(run.stdout).warnings).toEqual([
      expect.objectContaining({ type: 'unsupported-setting', setting: 'quality' }),
    ]);
  });

  it('refuses an invalid request with exit 2, naming the flag, before any request', async () => {
    const run = await generate('a lighthouse', ['--steps', '0']);
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual([expect.stringMatching(/^pictor: error: invalid request: --steps: .*>=\s*1/)]);
    expect(run.stdout).toBe('');
    expect(sandbox.stats.requests).toBe(0);
    expect(await readdir(dir.path)).toEqual([]);
  });

  it('refuses two ways of giving the size with exit 2', async () => {
    const run = await generate('a lighthouse', ['--size', '512x512', '--aspect', '16:9']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--size: give only one of size, width\+height or aspectRatio/);
    expect(sandbox.stats.requests).toBe(0);
  });

  it('a usage error (bad option value) exits 2 with one line and no stack', async () => {
    const run = await generate('a lighthouse', ['--count', 'many']);
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual([
      expect.stringMatching(/^pictor: error: option '-n, --count <n>' argument 'many' is invalid/),
    ]);
    expect(sandbox.stats.requests).toBe(0);
  });

  it('a provider that asks for a key nobody gave exits 2 and says which variable to set', async () => {
    const run = await runPictor(['generate', 'a lighthouse', '--provider', 'openai', '--out', dir.path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^pictor: error: OpenAI needs an API key: set OPENAI_API_KEY/m);
  });

  describe('against a sandbox that wants another key', () => {
    let guarded: Sandbox;
    beforeAll(async () => {
      guarded = await startSandbox({ port: 0, apiKey: 'the-right-key-0000' });
    });
    afterAll(() => guarded.close());

    it.each([[[]], [['--verbose']], [['--verbose', '--json']]])(
      'a refused key exits 3 with the status, and the key never appears (%j)',
      async (extra) => {
        const run = await runPictor(
          [
            'generate',
            'a lighthouse',
            '--provider',
            'sandbox',
            '--base-url',
            guarded.urls.together,
            '--out',
            dir.path,
            ...extra,
          ],
          { env: { PICTOR_API_KEY: SECRET } },
        );
        expect(run.code).toBe(3);
        expect(run.stderr).toMatch(/^pictor: error: .*refused the API key: 401 .*check PICTOR_API_KEY/m);
        expect(run.stderr).toMatch(/request req_[0-9a-f]+/);
        expect(run.stdout + run.stderr).not.toContain(SECRET);
        if (extra.includes('--verbose')) expect(run.stderr).toMatch(/AuthenticationError/);
        if (extra.includes('--json'))
          expect(JSON.parse(run.stdout)).toMatchObject({
            error: { name: 'AuthenticationError', status: 401, exitCode: 3 },
          });
        expect(await readdir(dir.path)).toEqual([]);
      },
    );

    it('--api-key-stdin reads the key from a pipe', async () => {
      const run = await runPictor(
        [
          'generate',
          'a lighthouse',
          '--provider',
          'sandbox',
          '--base-url',
          guarded.urls.together,
          '--out',
          dir.path,
          '--api-key-stdin',
        ],
        { input: 'the-right-key-0000\n', env: { PICTOR_API_KEY: SECRET } },
      );
      expect(run.code).toBe(0);
      expect(lines(run.stdout)).toHaveLength(1);
      expect(run.stdout + run.stderr).not.toContain('the-right-key-0000');
    });

    it('--api-key-stdin with nothing piped is a usage error', async () => {
      guarded.stats.reset();
      const run = await runPictor([
        'generate',
        'a lighthouse',
        '--provider',
        'sandbox',
        '--base-url',
        guarded.urls.together,
        '--api-key-stdin',
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/--api-key-stdin: stdin was empty/);
      expect(guarded.stats.requests).toBe(0);
    });
  });

  it('an exhausted quota exits 4 at once', async () => {
    sandbox.setFaults([{ fault: 'quota' }]);
    const run = await generate('a lighthouse', [], { PICTOR_API_KEY: SECRET });
    expect(run.code).toBe(4);
    expect(lines(run.stderr)).toEqual([expect.stringMatching(/^pictor: error: .*quota is exhausted: 429 /)]);
    expect(sandbox.stats.generations.together).toBe(1);
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  });

  it('a rate limit that outlasts the retries exits 4', async () => {
    sandbox.setFaults([{ fault: 'rate-limit', retryAfter: 0, times: 2 }]);
    const run = await generate('a lighthouse', ['--retries', '1']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/rate-limited the request after 2 attempts: 429/);
    expect(sandbox.stats.generations.together).toBe(2);
  });

  it('a server error that outlasts the retries exits 5 with the status and request id', async () => {
    sandbox.setFaults([{ fault: 'server-error' }]);
    const run = await generate('a lighthouse', ['--retries', '0']);
    expect(run.code).toBe(5);
    expect(lines(run.stderr)).toEqual([
      expect.stringMatching(/^pictor: error: .* answered 500 .*\(request req_[0-9a-f]+\)/),
    ]);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('a response that is not the JSON promised exits 5, naming the request', async () => {
    sandbox.setFaults([{ fault: 'malformed-json' }]);
    const run = await generate('a lighthouse', ['--retries', '0']);
    expect(run.code).toBe(5);
    expect(lines(run.stderr)).toEqual([
      expect.stringMatching(
        /^pictor: error: Pictor sandbox sent a response Pictor cannot use: .*request req_[0-9a-f]+/,
      ),
    ]);
  });

  it('when one of several calls fails, saves the rest and exits 6', async () => {
    // Together makes at most 4 images a call: 8 images are two calls, and the first one to arrive fails.
    sandbox.setFaults([{ fault: 'server-error' }]);
    const run = await generate('a lighthouse', ['-n', '8', '--retries', '0']);
    expect(run.code).toBe(6);
    expect(lines(run.stdout)).toHaveLength(4);
    expect(run.stderr.match(/^pictor: error: image \d failed: Pictor sandbox answered 500 /gm)).toHaveLength(4);
    const [entry] = (await readManifest(dir.path)).entries;
    expect(entry!.images).toHaveLength(4);
    expect(entry!.failures).toHaveLength(4);
  });

  it('Ctrl-C cancels the generation: exit 130, nothing written', async () => {
    const slow = await startSandbox({ port: 0, latencyMs: 5_000 });
    try {
      const child = spawnPictor([
        'generate',
        'a lighthouse',
        '--provider',
        'sandbox',
        '--base-url',
        slow.urls.together,
        '--out',
        dir.path,
      ]);
      const done = collect(child);
      await vi.waitFor(() => expect(slow.stats.generations.together).toBe(1), { timeout: 10_000, interval: 50 });
      child.kill('SIGINT');
      const run = await done;
      expect(run.code).toBe(130);
      expect(lines(run.stderr)).toEqual([
        expect.stringMatching(/^pictor: interrupted: cancelling the generation/),
        'Interrupted: no image was saved.',
      ]);
      expect(await readdir(dir.path)).toEqual([]);
    } finally {
      await slow.close();
    }
  });

  it('with no key and no provider, starts the sandbox in-process and says so in one line', async () => {
    const run = await runPictor(['generate', 'a lighthouse at dusk', '-n', '2', '--out', dir.path]);
    expect(run.code).toBe(0);
    const notices = lines(run.stderr).filter((l) => /sandbox/i.test(l) && !l.startsWith('Saved'));
    expect(notices).toEqual([
      expect.stringMatching(
        /^No API key found: using the offline Pictor sandbox .*Set TOGETHER_API_KEY or pass --provider/,
      ),
    ]);
    expect(lines(run.stdout)).toHaveLength(2);
    expect(sandbox.stats.requests).toBe(0);
  });

  it('refuses a --file-name that cannot be saved before anything is sent', async () => {
    const run = await generate('x', ['--file-name', 'n'.repeat(300)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/option '--file-name <pattern>' argument .* is invalid\. can make names of 304 bytes/);
    expect(sandbox.stats.requests).toBe(0);
  });
});

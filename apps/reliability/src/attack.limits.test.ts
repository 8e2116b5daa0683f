import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createPictorClient,
  ResponseValidationError,
  TimeoutError,
  ValidationError,
  type PictorClient,
  type PictorClientOptions,
} from '@pictor/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PICTOR_BIN, requireBuilt } from './__fixtures__/front-doors.ts';
import { sendJson, startHostileGateway, type HostileGateway } from './__fixtures__/hostile-gateway.ts';
import { runNode } from './__fixtures__/run-node.ts';

// The security review's limits (issue 14, item 7), each through the front door concerned: core through its built
// entry, the CLI through its built binary.

const PNG = await readFile(
  fileURLToPath(new URL('../../../packages/core/src/__fixtures__/tiny-3x2.png', import.meta.url)),
);
const MiB = 1024 * 1024;

let dir: string;
const clients: PictorClient[] = [];
const servers: HostileGateway[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-attack-limits-'));
});
afterAll(async () => {
  for (const c of clients) await c.close();
  for (const s of servers) await s.close();
  await rm(dir, { recursive: true, force: true });
});

function client(options: PictorClientOptions): PictorClient {
  const c = createPictorClient({ provider: 'custom', model: 'm', retryDelay: { initialMs: 1, maxMs: 5 }, ...options });
  clients.push(c);
  return c;
}

async function gateway(handler: Parameters<typeof startHostileGateway>[0]): Promise<HostileGateway> {
  const server = await startHostileGateway(handler);
  servers.push(server);
  return server;
}

const ok = (res: Parameters<typeof sendJson>[0]): void =>
  sendJson(res, 200, { created: 1, data: [{ b64_json: PNG.toString('base64') }] });

describe('item 7: limits', () => {
  it('an answer drip-fed within the idle timeout stops at the call deadline', async () => {
    let finished = false;
    const api = await gateway(async (req, res) => {
      const body = Buffer.from(JSON.stringify({ created: 1, data: [{ b64_json: PNG.toString('base64') }] }));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
      // One byte every 400 ms: always inside the 1 s idle timeout, about 40 s in all.
      for (const byte of body) {
        if (res.destroyed) return;
        res.write(Buffer.of(byte));
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
      finished = true;
      res.end();
    });
    const error = await client({ baseURL: `${api.url}/v1`, timeoutMs: 1000, deadlineMs: 2000, maxRetries: 3 })
      .generate({ prompt: 'x' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(TimeoutError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/deadline/);
    expect(finished).toBe(false);
    expect(api.requests).toHaveLength(1);
  });

  it('a 300 MB answer is refused once its text passes the cap, and nothing is kept', async () => {
    let sent = 0;
    const api = await gateway(async (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"created":1,"data":[{"b64_json":"${PNG.toString('base64')}","revised_prompt":"`);
      const chunk = Buffer.alloc(MiB, 'a');
      for (let i = 0; i < 300 && !res.destroyed; i++) {
        sent += chunk.length;
        if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
      }
      res.end('"}]}');
    });
    const error = await client({ baseURL: `${api.url}/v1`, maxRetries: 0 })
      .generate({ prompt: 'x' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(ResponseValidationError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/text/);
    expect(sent).toBeLessThan(300 * MiB);
  });

  it('providerOptions nested 3,000 deep is refused before any call', async () => {
    const api = await gateway((req, res) => ok(res));
    let nested: Record<string, unknown> = {};
    for (let i = 0; i < 3000; i++) nested = { a: nested };
    const error = await client({ baseURL: `${api.url}/v1` })
      .generate({ prompt: 'x', providerOptions: nested })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(ValidationError.isInstance(error), String(error)).toBe(true);
    expect((error as ValidationError).fields).toEqual(['providerOptions']);
    expect(api.requests).toHaveLength(0);
  });

  it('a 300-character --file-name is refused before anything is generated', async () => {
    requireBuilt(PICTOR_BIN);
    const api = await gateway((req, res) => ok(res));
    const out = join(dir, 'long-name');
    const run = await runNode(
      PICTOR_BIN,
      ['generate', 'x', '--base-url', `${api.url}/v1`, '-m', 'm', '-o', out, '--file-name', 'n'.repeat(300)],
      { cwd: dir, env: { PICTOR_API_KEY: 'sk-test' } },
    );
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/--file-name/);
    expect(api.requests).toHaveLength(0);
  });

  it('a million-line batch file is refused with a clear message, without reading it all into memory', async () => {
    requireBuilt(PICTOR_BIN);
    const api = await gateway((req, res) => ok(res));
    const file = join(dir, 'million.txt');
    await writeFile(file, 'a lighthouse at dusk\n'.repeat(1_000_000));
    const run = await runNode(
      PICTOR_BIN,
      ['batch', file, '--base-url', `${api.url}/v1`, '-m', 'm', '-o', join(dir, 'million')],
      {
        cwd: dir,
        // A heap far below the 585 MiB the file once took: running out of memory fails the test.
        env: { PICTOR_API_KEY: 'sk-test', NODE_OPTIONS: '--max-old-space-size=96' },
      },
    );
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/prompts|larger than/);
    expect(api.requests).toHaveLength(0);
  });

  it('two prompts whose names collide under --file-name both keep their images', async () => {
    requireBuilt(PICTOR_BIN);
    const file = join(dir, 'two.txt');
    await writeFile(file, 'a red fox\na blue whale\n');
    const out = join(dir, 'collide');
    const run = await runNode(PICTOR_BIN, ['batch', file, '-o', out, '--file-name', 'shot', '--size', '64x64'], {
      cwd: dir,
    });
    expect(run.code, run.stderr).toBe(0);
    const files = (await readdir(out)).filter((f) => f !== 'manifest.json');
    expect(files).toHaveLength(2);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as {
      entries: Array<{ prompt: string; images: Array<{ file: string }> }>;
    };
    const recorded = manifest.entries.flatMap((e) => e.images.map((i) => i.file));
    expect(new Set(recorded).size).toBe(2);
    expect(recorded.sort()).toEqual(files.sort());
  });
});

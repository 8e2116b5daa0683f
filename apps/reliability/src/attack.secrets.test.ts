import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPictorClient, DownloadError, PictorError, ValidationError, type PictorClient } from '@pictor/core';
import { saveImages } from '@pictor/core/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PICTOR_BIN, requireBuilt } from './__fixtures__/front-doors.ts';
import { sendJson, startHostileGateway, type HostileGateway } from './__fixtures__/hostile-gateway.ts';
import { errorLeaks, KEY, leaksIn } from './__fixtures__/leak-check.ts';
import { runNode } from './__fixtures__/run-node.ts';

// The security review's secrets and internal-download findings (issue 14, items 5 and 6), each through the front
// door concerned: core through its built entry, the CLI through its built binary.

const PNG = await readFile(
  fileURLToPath(new URL('../../../packages/core/src/__fixtures__/tiny-3x2.png', import.meta.url)),
);

let dir: string;
const clients: PictorClient[] = [];
const servers: HostileGateway[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pictor-attack-secrets-'));
});
afterAll(async () => {
  for (const c of clients) await c.close();
  for (const s of servers) await s.close();
  await rm(dir, { recursive: true, force: true });
});

function client(options: Parameters<typeof createPictorClient>[0]): PictorClient {
  const c = createPictorClient({ provider: 'custom', model: 'm', retryDelay: { initialMs: 1, maxMs: 5 }, ...options });
  clients.push(c);
  return c;
}

async function gateway(handler: Parameters<typeof startHostileGateway>[0]): Promise<HostileGateway> {
  const server = await startHostileGateway(handler);
  servers.push(server);
  return server;
}

/** What `promise` rejected with (undefined when it resolved). */
async function thrown(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('item 5: secrets', () => {
  it('a DownloadError names no key a gateway put in the image URL (query or path)', async () => {
    const images = await gateway((req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('gone');
    });
    const api = await gateway((req, res) =>
      sendJson(res, 200, {
        created: 1,
        data: [
          { url: `${images.url}/img.png?key=${KEY}` },
          { url: `${images.url}/${KEY}/img.png` },
          { b64_json: PNG.toString('base64') },
        ],
      }),
    );
    const result = await client({ apiKey: KEY, baseURL: `${api.url}/v1`, maxRetries: 0 }).generate({
      prompt: 'x',
      n: 3,
    });
    expect(images.requests).toHaveLength(2);
    expect(result.failures.map((f) => f.error.name)).toEqual(['DownloadError', 'DownloadError']);
    expect(errorLeaks(Object.fromEntries(result.failures.map((f) => [`image ${f.index}`, f.error])))).toEqual({});
    expect(leaksIn(JSON.stringify(result))).toEqual([]);
  });

  it('a successful answer echoing the key leaves it out of the result and manifest.json', async () => {
    const api = await gateway((req, res) =>
      sendJson(
        res,
        200,
        {
          id: `gen-${KEY}`,
          created: 1,
          data: [{ b64_json: PNG.toString('base64'), revised_prompt: `drawn for ${KEY}` }],
          usage: { note: KEY },
        },
        { 'x-request-id': `req-${KEY}` },
      ),
    );
    const result = await client({ apiKey: KEY, baseURL: `${api.url}/v1` }).generate({ prompt: 'a harbour' });
    expect(result.images).toHaveLength(1);
    expect(leaksIn(JSON.stringify(result))).toEqual([]);
    const out = join(dir, 'echo');
    const saved = await saveImages(result, out);
    expect(leaksIn(await readFile(saved.manifestPath as string, 'utf8'))).toEqual([]);
  });

  it('pictor generate x --api-key=sk-… does not echo the key in its usage error', async () => {
    requireBuilt(PICTOR_BIN);
    for (const args of [[`--api-key=${KEY}`], [`-K${KEY}`], ['--api-key', KEY]]) {
      const run = await runNode(PICTOR_BIN, ['generate', 'x', ...args], { cwd: dir });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/unknown option/);
      expect(leaksIn(run.stdout + run.stderr), run.stderr).toEqual([]);
    }
  });

  it('a key with CR, LF or NUL is a ValidationError before the network', async () => {
    const api = await gateway((req, res) =>
      sendJson(res, 200, { created: 1, data: [{ b64_json: PNG.toString('base64') }] }),
    );
    for (const key of [`${KEY}\r\nX-Injected: 1`, `${KEY}\nx`, `${KEY}\u0000`, `sk-a\rb-${KEY}`]) {
      let error: unknown;
      try {
        await client({ apiKey: key, baseURL: `${api.url}/v1` }).generate({ prompt: 'x' });
      } catch (caught) {
        error = caught;
      }
      expect(ValidationError.isInstance(error), String(error)).toBe(true);
      expect((error as ValidationError).fields).toEqual(['apiKey']);
      expect(errorLeaks({ error })).toEqual({});
    }
    expect(api.requests).toHaveLength(0);
  });
});

describe('item 6: downloads to internal addresses', () => {
  it('an image URL on an internal address is refused, names the host and never the body; allowPrivateAddresses lets it through', async () => {
    const internal = await gateway((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('INTERNAL-SECRET aws_secret_access_key=abc');
    });
    const api = await gateway((req, res) =>
      sendJson(res, 200, {
        created: 1,
        data: [{ url: `http://metadata.cloud.example:${internal.port}/latest/meta-data/` }],
      }),
    );
    // The provider looks public; this resolver plays DNS, mapping both names to loopback (no traffic leaves it).
    const names: Record<string, string> = { 'api.gateway.example': '127.0.0.1', 'metadata.cloud.example': '127.0.0.1' };
    const resolveHost = async (host: string): Promise<string[]> => {
      const address = names[host];
      if (!address) throw new Error(`test resolver: unknown host ${host}`);
      return [address];
    };
    const baseURL = `http://api.gateway.example:${api.port}/v1`;
    const refused = await thrown(
      client({ baseURL, resolveHost, maxRetries: 0 }).generate({ prompt: 'x', responseFormat: 'url' }),
    );
    expect(DownloadError.isInstance(refused), String(refused)).toBe(true);
    expect((refused as DownloadError).reason).toBe('private-address');
    expect((refused as Error).message).toContain('metadata.cloud.example');
    expect(JSON.stringify((refused as PictorError).toJSON()) + String(refused)).not.toContain('INTERNAL-SECRET');
    expect(api.requests).toHaveLength(1);
    expect(internal.requests).toHaveLength(0);

    // A literal loopback address, and a redirect from a public-looking host to one, are refused the same way.
    const literal = await gateway((req, res) =>
      sendJson(res, 200, { created: 1, data: [{ url: `http://127.0.0.1:${internal.port}/secret` }] }),
    );
    const viaLiteral = await thrown(
      client({ baseURL: `http://api.gateway.example:${literal.port}/v1`, resolveHost, maxRetries: 0 }).generate({
        prompt: 'x',
        responseFormat: 'url',
      }),
    );
    expect((viaLiteral as DownloadError).reason).toBe('private-address');
    expect(internal.requests).toHaveLength(0);

    const allowed = await thrown(
      client({ baseURL, resolveHost, maxRetries: 0, download: { allowPrivateAddresses: true } }).generate({
        prompt: 'x',
        responseFormat: 'url',
      }),
    );
    // Allowed, it is fetched (and is no image).
    expect(internal.requests).toHaveLength(1);
    expect(PictorError.isInstance(allowed)).toBe(true);
  });
});

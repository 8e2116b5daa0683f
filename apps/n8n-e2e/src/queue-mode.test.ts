// n8n in queue mode, as n8n's scaling setup has it: a main that takes the webhook and only enqueues the execution in
// Redis, a worker that runs it, one PostgreSQL both use, and n8n-nodes-pictor installed from a registry into each
// one's own user folder (no disk shared). A webhook call runs the Pictor node on the worker; its image comes back.
import { describeImage } from '@pictor/core';
import { startRedisServer, type RedisServer } from '@pictor/queue/testing';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureN8n } from './ensure-n8n.js';
import { installFromRegistry, PACKAGE_NAME } from './install-node-package.js';
import { LocalRegistry } from './local-registry.js';
import { freePort } from '@pictor/queue/testing';
import { N8nInstance, type OutputItem } from './n8n-instance.js';
import type { N8nProcess } from './n8n-process.js';
import { startPostgresServer, type PostgresServer } from './postgres-server.js';
import { pictorCredential, pictorWebhookWorkflow } from './pictor-workflow.js';
import { queueModeEnv } from './queue-mode-env.js';

const KEY = 'e2e-key-SECRET-queue-6b1d93fe';
const WORKFLOW_ID = 'pictorQueueMode1';

let sandbox: Sandbox;
let redis: RedisServer;
let postgres: PostgresServer;
let registry: LocalRegistry;
let main: N8nInstance;
let worker: N8nInstance;
let mainProcess: N8nProcess;
let workerProcess: N8nProcess;
let n8nBin: string;
let response: { status: number; contentType: string | null; body: Buffer };

/** POSTs to the webhook until n8n has registered it (it answers 404 until then), and returns the first answer. */
async function callWebhook(url: string): Promise<typeof response> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 404) return { status: res.status, contentType: res.headers.get('content-type'), body };
    await sleep(200);
  }
  throw new Error(`the webhook ${url} was never registered:\n${mainProcess.log.slice(-3000)}`);
}

/** The execution as n8n stored it (`execution_data.data`, in n8n's own `flatted` encoding). */
function storedExecution(id: string) {
  const { parse } = createRequire(n8nBin)('flatted') as { parse: (text: string) => unknown };
  const text = postgres.query(`select data from execution_data where "executionId" = ${Number(id)}`);
  return parse(text) as { resultData: { runData: Record<string, Array<{ data: { main: OutputItem[][] } }>> } };
}

/** Files under a user folder's binary storage (n8n's `filesystem` mode would put the images there). */
function storedFiles(instance: N8nInstance): string[] {
  const storage = join(instance.userFolder, '.n8n/storage');
  return readdirSync(storage, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

beforeAll(async () => {
  n8nBin = ensureN8n();
  [sandbox, redis, postgres, registry] = await Promise.all([
    startSandbox({ port: 0, apiKey: KEY }),
    startRedisServer(),
    startPostgresServer(),
    LocalRegistry.startWith([PACKAGE_NAME]),
  ]);
  const shared = queueModeEnv({ redis, postgres, encryptionKey: 'e2e-queue-encryption-key-3f9a27c1' });
  main = await N8nInstance.create(n8nBin);
  worker = await N8nInstance.create(n8nBin);
  // The node installed on the main and on the worker, each in its own folder, as a user installs it on every host.
  for (const instance of [main, worker]) {
    for (const [name, value] of Object.entries(shared)) instance.setEnv(name, value);
    installFromRegistry(instance.userFolder, registry);
  }
  const port = await freePort();
  main.setEnv('N8N_LISTEN_ADDRESS', '127.0.0.1');
  main.setEnv('N8N_PORT', String(port));
  main.setEnv('N8N_SECURE_COOKIE', 'false');
  // The main stores the credential (encrypted with the shared key) and the workflow in PostgreSQL.
  await main.importCredentials([
    pictorCredential('pictorQueueCred1', { provider: 'together', apiKey: KEY, baseUrl: sandbox.urls.together }),
  ]);
  await main.importWorkflows([
    pictorWebhookWorkflow({
      id: WORKFLOW_ID,
      nodeType: `${PACKAGE_NAME}.pictor`,
      credentialId: 'pictorQueueCred1',
      path: 'pictor-queue',
      parameters: { prompt: 'A lighthouse at dusk', numberOfImages: 1, size: '16:9', seed: 7, outputFormat: 'png' },
    }),
  ]);
  const published = await main.run(['publish:workflow', `--id=${WORKFLOW_ID}`]);
  if (published.code !== 0) throw new Error(`n8n publish:workflow failed:\n${published.stdout}\n${published.stderr}`);

  mainProcess = main.start(['start']);
  workerProcess = worker.start(['worker']);
  await Promise.all([
    mainProcess.waitForLog(/Editor is now accessible/),
    workerProcess.waitForLog(/n8n worker is now ready/),
  ]);
  response = await callWebhook(`http://127.0.0.1:${port}/webhook/pictor-queue`);
});

afterAll(async () => {
  await Promise.all([mainProcess?.stop(), workerProcess?.stop()]);
  main?.dispose();
  worker?.dispose();
  registry?.dispose();
  await Promise.all([redis?.stop(), postgres?.stop(), sandbox?.close()]);
});

describe('n8n-nodes-pictor on an n8n worker in queue mode (Redis, PostgreSQL)', () => {
  it('answers the webhook with the PNG the Pictor node made', () => {
    expect(response.status, response.body.toString('utf8').slice(0, 500)).toBe(200);
    expect(response.contentType).toMatch(/^image\/png/);
    expect(describeImage(response.body)).toMatchObject({ mediaType: 'image/png', width: 1344, height: 768 });
    expect(sandbox.stats.generations.together).toBe(1);
  });

  it('enqueues the execution in Redis on the main and runs it on the worker', () => {
    const [id, mode, status] = postgres
      .query(`select id, mode, status from execution_entity where "workflowId" = '${WORKFLOW_ID}'`)
      .split('|');
    expect({ mode, status }).toEqual({ mode: 'webhook', status: 'success' });

    const enqueued = new RegExp(`Enqueued execution ${id} \\(job (\\d+)\\)`).exec(mainProcess.log);
    expect(enqueued, mainProcess.log).not.toBeNull();
    const job = enqueued?.[1];
    expect(workerProcess.log).toContain(`Worker started execution ${id} (job ${job})`);
    expect(workerProcess.log).toContain(`Worker finished execution ${id} (job ${job})`);
    expect(mainProcess.log).toContain(`Execution ${id} (job ${job}) finished`);
    expect(mainProcess.log).not.toContain('Worker started execution');
    // Bull's job counter for n8n's queue, in the tests' own Redis.
    const jobId = execFileSync('redis-cli', ['-p', String(redis.port), 'GET', 'bull:jobs:id'], { encoding: 'utf8' });
    expect(jobId.trim()).toBe(job);
  });

  it("keeps the image in PostgreSQL (binary data mode 'database'), where the main read it back", () => {
    const id = postgres.query(`select id from execution_entity where "workflowId" = '${WORKFLOW_ID}'`);
    const [item] = storedExecution(id).resultData.runData.Pictor?.[0]?.data.main[0] ?? [];
    const meta = item?.binary?.data;
    expect(meta).toMatchObject({
      mimeType: 'image/png',
      fileExtension: 'png',
      fileName: 'a-lighthouse-at-dusk-7-0.png',
    });
    const fileId = /^database:(.+)$/.exec(meta?.id ?? meta?.data ?? '')?.[1];
    expect(fileId, JSON.stringify(meta)).toMatch(/^[0-9a-f-]{36}$/);

    const [sourceType, sourceId, hex] = postgres
      .query(`select "sourceType", "sourceId", encode(data, 'hex') from binary_data where "fileId" = '${fileId}'`)
      .split('|');
    expect({ sourceType, sourceId }).toEqual({ sourceType: 'execution', sourceId: id });
    const bytes = Buffer.from(hex ?? '', 'hex');
    expect(bytes.equals(response.body)).toBe(true);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(item?.json.sha256);
    expect(item?.json).toMatchObject({ provider: 'together', width: 1344, height: 768, mimeType: 'image/png' });
    // Nothing went through either host's disk.
    expect([...storedFiles(main), ...storedFiles(worker)]).toEqual([]);
  });

  it('writes the API key to neither log', () => {
    expect(mainProcess.log).not.toContain(KEY);
    expect(workerProcess.log).not.toContain(KEY);
  });
});

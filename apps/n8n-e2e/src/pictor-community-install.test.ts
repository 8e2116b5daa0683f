// As a publisher would see it: every package published to a real local npm registry (Verdaccio on 127.0.0.1),
// n8n-nodes-pictor installed from it into a real n8n's community-node folder (~/.n8n/nodes), and a workflow run.
import { describeImage } from '@pictor/core';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import process from 'node:process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureN8n, REPO_ROOT } from './ensure-n8n.js';
import { installFromRegistry, PACKAGE_NAME } from './install-node-package.js';
import { LocalRegistry, PUBLISHED_PACKAGES } from './local-registry.js';
import { N8nInstance } from './n8n-instance.js';
import { pictorCredential, pictorWorkflow } from './pictor-workflow.js';

const KEY = 'e2e-key-SECRET-c41f07e2d8';
const REPO_TMP = tmpdir();

let sandbox: Sandbox;
let n8n: N8nInstance;
let registry: LocalRegistry;
let installedVersion: string;

beforeAll(async () => {
  const bin = ensureN8n();
  registry = await LocalRegistry.startWith(PUBLISHED_PACKAGES);
  sandbox = await startSandbox({ port: 0, apiKey: KEY });
  n8n = await N8nInstance.create(bin);
  installedVersion = installFromRegistry(n8n.userFolder, registry);
  await n8n.importCredentials([
    pictorCredential('pictorCommunity1', { provider: 'openai', apiKey: KEY, baseUrl: sandbox.urls.openai }),
  ]);
  await n8n.importWorkflows([
    pictorWorkflow({
      id: 'pictorCommunity1',
      nodeType: 'n8n-nodes-pictor.pictor',
      credentialId: 'pictorCommunity1',
      parameters: {
        model: { __rl: true, mode: 'id', value: 'gpt-image-1' },
        prompt: 'A paper boat',
        numberOfImages: 2,
        size: 'default',
        outputFormat: 'jpeg',
        options: { outputMode: 'allOnOne', binaryPropertyName: 'image' },
      },
    }),
  ]);
});

afterAll(async () => {
  n8n?.dispose();
  registry?.dispose();
  await sandbox?.close();
});

describe('the packages on a local npm registry', () => {
  it('publishes every package with its workspace dependencies pinned to released versions', () => {
    for (const name of [
      '@pictor/core',
      '@pictor/sandbox',
      '@pictor/queue',
      '@pictor/cli',
      '@pictor/nestjs',
      PACKAGE_NAME,
    ]) {
      const meta = JSON.parse(registry.npm(['view', name, '--json'], REPO_TMP)) as {
        name: string;
        dependencies?: Record<string, string>;
      };
      expect(meta.name).toBe(name);
      expect(Object.values(meta.dependencies ?? {}).filter((range) => range.startsWith('workspace:'))).toEqual([]);
    }
  });

  it("passes the lint legs of n8n's verification scanner on the tarball the registry serves", () => {
    // What @n8n/scan-community-package does after its (online-only) provenance check: npm pack the published
    // version from the registry, then lint it. The script is the node package's own (test/scan-package.mjs).
    const folder = mkdtempSync(join(tmpdir(), 'pictor-scan-'));
    try {
      registry.npm(['pack', `${PACKAGE_NAME}@${installedVersion}`, '--pack-destination', folder], folder);
      const tarball = readdirSync(folder).find((name) => name.endsWith('.tgz'));
      execFileSync('tar', ['-xzf', join(folder, tarball as string), '-C', folder]);
      const script = join(REPO_ROOT, 'packages/n8n-nodes-pictor/test/scan-package.mjs');
      const { NODE_ENV: _test, ...env } = process.env;
      const verdict = JSON.parse(
        execFileSync(process.execPath, [script, join(folder, 'package'), 'tarball'], { encoding: 'utf8', env }),
      ) as { passed: boolean; details: string };
      expect(verdict.details).toBe('');
      expect(verdict.passed).toBe(true);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("installs n8n-nodes-pictor into n8n's community-node folder with no runtime dependency", () => {
    expect(installedVersion).toMatch(/^\d+\.\d+\.\d+/);
    // Nothing but the package itself landed in node_modules: no dependency, and no peer (n8n provides n8n-workflow).
    const installed = readdirSync(join(n8n.userFolder, '.n8n/nodes/node_modules')).filter(
      (name) => !name.startsWith('.'),
    );
    expect(installed).toEqual([PACKAGE_NAME]);
  });
});

describe('n8n-nodes-pictor installed from the registry as a community package', () => {
  it('runs as n8n-nodes-pictor.pictor: both images on one item, as JPEG binaries', async () => {
    const run = await n8n.execute('pictorCommunity1');

    expect(run.code, run.stderr).toBe(0);
    const items = run.itemsOf('Pictor');
    expect(items).toHaveLength(1);
    const binary = items[0]?.binary ?? {};
    expect(Object.keys(binary)).toEqual(['image_0', 'image_1']);
    for (const [index, meta] of Object.values(binary).entries()) {
      expect(meta).toMatchObject({
        mimeType: 'image/jpeg',
        fileExtension: 'jpg',
        fileName: `a-paper-boat-random-${index}.jpg`,
      });
      expect(describeImage(n8n.binaryBytes(meta))).toMatchObject({
        mediaType: 'image/jpeg',
        width: 1024,
        height: 1024,
      });
    }
    expect(items[0]?.json).toMatchObject({ provider: 'openai', model: 'gpt-image-1', warnings: [] });
    expect(sandbox.stats.generations.openai).toBe(1);
  });
});

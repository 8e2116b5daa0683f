// A real n8n loads n8n-nodes-pictor the way users install community nodes: unpacked from its tarball into
// ~/.n8n/nodes/node_modules and listed in ~/.n8n/nodes/package.json.
import { describeImage } from '@pictor/core';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureN8n } from './ensure-n8n.js';
import { installAsCommunityPackage } from './install-node-package.js';
import { N8nInstance } from './n8n-instance.js';
import { pictorCredential, pictorWorkflow } from './pictor-workflow.js';

const KEY = 'e2e-key-SECRET-c41f07e2d8';

let sandbox: Sandbox;
let n8n: N8nInstance;

beforeAll(async () => {
  const bin = ensureN8n();
  sandbox = await startSandbox({ port: 0, apiKey: KEY });
  n8n = await N8nInstance.create(bin);
  installAsCommunityPackage(n8n.userFolder);
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
  await sandbox?.close();
});

describe('n8n-nodes-pictor installed as a community package', () => {
  it('runs as n8n-nodes-pictor.pictor: both images on one item, as JPEG binaries', async () => {
    const run = await n8n.execute('pictorCommunity1');

    expect(run.code, run.stderr).toBe(0);
    const items = run.itemsOf('Pictor');
    expect(items).toHaveLength(1);
    const binary = items[0]?.binary ?? {};
    expect(Object.keys(binary)).toEqual(['image_0', 'image_1']);
    for (const [index, meta] of Object.values(binary).entries()) {
      expect(meta).toMatchObject({ mimeType: 'image/jpeg', fileExtension: 'jpg', fileName: `a-paper-boat-random-${index}.jpg` });
      expect(describeImage(n8n.binaryBytes(meta))).toMatchObject({ mediaType: 'image/jpeg', width: 1024, height: 1024 });
    }
    expect(items[0]?.json).toMatchObject({ provider: 'openai', model: 'gpt-image-1', warnings: [] });
    expect(sandbox.stats.generations.openai).toBe(1);
  });
});

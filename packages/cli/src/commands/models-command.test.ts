import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, runPictor } from '../__fixtures__/run-pictor.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());

describe('pictor models', () => {
  it("lists the provider's image models, marking the default", async () => {
    const run = await runPictor(['models', '--provider', 'sandbox', '--base-url', sandbox.urls.together]);
    expect(run.code).toBe(0);
    const rows = lines(run.stdout);
    expect(rows.length).toBeGreaterThan(1);
    expect(rows).toContainEqual(expect.stringMatching(/^black-forest-labs\/FLUX\.1-schnell\s.*\(default\)$/));
    expect(run.stderr).toMatch(new RegExp(`^${rows.length} image models from Pictor sandbox$`, 'm'));
  });

  it('--json gives the list as one document; --all includes models that are not for images', async () => {
    const images = JSON.parse(
      (await runPictor(['models', '--provider', 'sandbox', '--base-url', sandbox.urls.together, '--json'])).stdout,
    );
    expect(images).toMatchObject({ provider: 'sandbox', defaultModel: 'black-forest-labs/FLUX.1-schnell' });
    expect(images.models).toContainEqual(
      expect.objectContaining({ id: 'black-forest-labs/FLUX.1-schnell', type: 'image' }),
    );
    const all = JSON.parse(
      (await runPictor(['models', '--provider', 'sandbox', '--base-url', sandbox.urls.together, '--json', '--all']))
        .stdout,
    );
    expect(all.models.length).toBeGreaterThanOrEqual(images.models.length);
    expect(images.models.every((m: { type: string }) => m.type === 'image')).toBe(true);
  });

  it('with no key, lists the embedded sandbox’s models', async () => {
    const run = await runPictor(['models']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^No API key found: using the offline Pictor sandbox/m);
    expect(run.stdout).toMatch(/FLUX\.1-schnell/);
  });
});

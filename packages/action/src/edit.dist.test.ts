import { describeImage } from '@pictor/core';
import { renderImage, startSandbox, type Sandbox } from '@pictor/sandbox';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLikeRunner } from './__fixtures__/run-like-runner.js';

// Edits through the committed bundle, run as the runner runs it (dist.test.ts does the same for generations).

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});

afterAll(async () => {
  await sandbox.close();
});

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A real PNG for the workspace, its picture decided by `prompt`. */
function inputPng(prompt: string): Promise<Buffer> {
  return renderImage({ prompt, seed: 9, index: 0, width: 320, height: 320, format: 'png' });
}

/** A workspace holding `assets/photo.png`. */
async function workspaceWithPhoto(): Promise<string> {
  const workspace = await mkdtemp(join(tmpdir(), 'pictor-edit-workspace-'));
  await mkdir(join(workspace, 'assets'));
  await writeFile(join(workspace, 'assets/photo.png'), await inputPng('a grey harbour'));
  return workspace;
}

function calls(): number {
  return sandbox.stats.generations.together + sandbox.stats.edits.openai;
}

describe('dist/index.js with input-images', () => {
  it('edits the matched images at the requested size, skips an unchanged rerun, and edits again when an input changes', async () => {
    const workspace = await workspaceWithPhoto();
    const inputs = {
      prompt: 'the same scene in watercolour',
      provider: 'sandbox',
      'base-url': sandbox.urls.together,
      'input-images': 'assets/*.png',
      size: '512x384',
      seed: '21',
      'output-dir': 'edited',
    };

    const first = await runLikeRunner(workspace, inputs);
    expect(first.stderr).toBe('');
    expect(first.exitCode, first.stdout).toBe(0);
    expect(first.stdout).toContain('Editing 1 input image(s): assets/photo.png\n');
    expect(first.outputs).toMatchObject({ count: '1', generated: '1', skipped: '0', failed: '0' });
    const [edited] = JSON.parse(first.outputs.images!) as string[];
    // Core's default name: its {key} is the edit's, which holds the inputs' hashes (checked with the manifest below).
    expect(edited).toMatch(/^edited\/the-same-scene-in-watercolour-[0-9a-f]{8}-0\.\w+$/);
    const editedBytes = await readFile(join(workspace, edited!));
    const image = describeImage(editedBytes);
    expect([image.width, image.height]).toEqual([512, 384]);
    expect(first.summary).toContain('editing assets/photo.png');

    // The same prompt, seed and size without the input: a different picture.
    const plain = await runLikeRunner(workspace, { ...inputs, 'input-images': '', 'output-dir': 'plain' });
    expect(plain.exitCode, plain.stdout).toBe(0);
    const [generated] = JSON.parse(plain.outputs.images!) as string[];
    expect(sha256(await readFile(join(workspace, generated!)))).not.toBe(sha256(editedBytes));

    // The manifest names the input by its hash, never by its bytes.
    const photo = await readFile(join(workspace, 'assets/photo.png'));
    const manifestText = await readFile(join(workspace, 'edited/manifest.json'), 'utf8');
    const entry = (JSON.parse(manifestText) as { entries: Array<Record<string, unknown>> }).entries[0]!;
    expect(entry).toMatchObject({ operation: 'edit', inputs: [{ index: 0, sha256: sha256(photo), width: 320 }] });
    expect(edited).toContain(`-${String(entry.key).slice(0, 8)}-0.`);
    expect(manifestText).not.toContain(photo.toString('base64').slice(0, 64));

    const before = calls();
    const second = await runLikeRunner(workspace, inputs);
    expect(second.exitCode).toBe(0);
    expect(calls()).toBe(before);
    expect(second.outputs).toMatchObject({ count: '1', generated: '0', skipped: '1' });
    expect(JSON.parse(second.outputs.images!)).toEqual([edited]);

    await writeFile(join(workspace, 'assets/photo.png'), await inputPng('a green forest'));
    const third = await runLikeRunner(workspace, inputs);
    expect(third.exitCode, third.stdout).toBe(0);
    expect(calls()).toBe(before + 1);
    expect(third.outputs).toMatchObject({ count: '1', generated: '1', skipped: '0' });
    const [reedited] = JSON.parse(third.outputs.images!) as string[];
    expect(sha256(await readFile(join(workspace, reedited!)))).not.toBe(sha256(editedBytes));
  });

  it('an edit and a generation of the same prompt, settings and model share a folder, each keeping its files', async () => {
    const workspace = await workspaceWithPhoto();
    const generate = {
      prompt: 'a harbour at noon',
      provider: 'sandbox',
      'base-url': sandbox.urls.together,
      model: 'black-forest-labs/FLUX.2-pro',
      seed: '5',
    };
    const edit = { ...generate, 'input-images': 'assets/photo.png' };
    const runs = [generate, edit, generate, edit];
    const results = [];
    for (const inputs of runs) results.push(await runLikeRunner(workspace, inputs));
    for (const result of results) expect(result.exitCode, result.stdout).toBe(0);
    expect(results.map((r) => r.outputs.generated)).toEqual(['1', '1', '0', '0']);
    const [generated, edited] = results.slice(0, 2).map((r) => (JSON.parse(r.outputs.images!) as string[])[0]!);
    expect(generated).not.toBe(edited);
    expect(JSON.parse(results[2]!.outputs.images!)).toEqual([generated]);
    expect(JSON.parse(results[3]!.outputs.images!)).toEqual([edited]);
  });

  it('edits with a mask on the OpenAI dialect, and a changed mask edits again', async () => {
    const workspace = await workspaceWithPhoto();
    // An all-transparent mask of the photo's size: edit everywhere.
    const mask = await renderImage({
      prompt: 'mask',
      seed: 1,
      index: 0,
      width: 320,
      height: 320,
      format: 'png',
      transparent: true,
    });
    await writeFile(join(workspace, 'assets/mask.png'), mask);
    const inputs = {
      prompt: 'a lighthouse on the quay',
      provider: 'custom',
      'base-url': sandbox.urls.openai,
      // The OpenAI stand-in wants a bearer, any bearer.
      'api-key': 'pictor-sandbox-key-3e5a',
      model: 'gpt-image-1.5',
      'input-images': 'assets/photo.png',
      mask: 'assets/mask.png',
      size: '1024x1024',
      'output-dir': 'masked',
    };
    const edits = sandbox.stats.edits.openai;
    const first = await runLikeRunner(workspace, inputs);
    expect(first.exitCode, first.stdout).toBe(0);
    expect(sandbox.stats.edits.openai).toBe(edits + 1);
    expect(first.outputs).toMatchObject({ generated: '1' });
    // The tokens the OpenAI stand-in reported for the edit, as the usage output.
    const usage = JSON.parse(first.outputs.usage!) as {
      input_tokens: number;
      output_tokens: number;
      total_tokens: number;
    };
    expect(usage.input_tokens).toBeGreaterThan(0);
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    const manifest = JSON.parse(await readFile(join(workspace, 'masked/manifest.json'), 'utf8')) as {
      entries: Array<{ mask?: { sha256: string } }>;
    };
    expect(manifest.entries[0]!.mask?.sha256).toBe(sha256(mask));
    const visible = [first.stdout.replace(`::add-mask::${inputs['api-key']}\n`, ''), first.stderr, first.summary];
    expect(visible.join('\n') + JSON.stringify(first.outputs)).not.toContain(inputs['api-key']);

    await writeFile(join(workspace, 'assets/mask.png'), await inputPng('another mask'));
    const second = await runLikeRunner(workspace, inputs);
    expect(second.exitCode, second.stdout).toBe(0);
    expect(second.outputs).toMatchObject({ generated: '1', skipped: '0' });
  });

  it('a model that cannot edit, or takes fewer images, fails each prompt naming the setting, with no request', async () => {
    const workspace = await workspaceWithPhoto();
    await writeFile(join(workspace, 'assets/second.png'), await inputPng('a blue sky'));
    const before = calls();
    const base = { prompt: 'a watercolour', provider: 'sandbox', 'base-url': sandbox.urls.together };
    const schnell = await runLikeRunner(workspace, {
      ...base,
      'input-images': 'assets/photo.png',
      model: 'black-forest-labs/FLUX.1-schnell',
    });
    expect(schnell.exitCode).toBe(1);
    expect(schnell.stdout).toMatch(
      /ValidationError: Invalid edit: model: black-forest-labs\/FLUX\.1-schnell does not edit/,
    );
    const kontext = await runLikeRunner(workspace, {
      ...base,
      'input-images': 'assets/*.png',
      model: 'black-forest-labs/FLUX.1-kontext-pro',
    });
    expect(kontext.exitCode).toBe(1);
    expect(kontext.stdout).toContain('ValidationError: Invalid edit: input-images: ');
    expect(calls()).toBe(before);
  });

  it.each([
    ['../*.png', 'input-images: must stay inside the workspace'],
    ['assets/*/../../*.png', 'input-images: must stay inside the workspace'],
    ['/etc/*', 'input-images: must stay inside the workspace'],
    ['assets/linked/*.png', 'input-images: must stay inside the workspace'],
    ['assets/*.webp', 'input-images: no file matches "assets/*.webp"'],
    ['assets/photo.png, missing.png', 'input-images: no file matches "missing.png"'],
    ['assets/notes.txt', 'input-images: "assets/notes.txt" is not an image (png, jpeg or webp)'],
  ])('refuses input-images %j before any request', async (pattern, message) => {
    const workspace = await workspaceWithPhoto();
    // A folder beside the workspace, and a link into it: whatever matches through it lies outside.
    const outside = await mkdtemp(join(tmpdir(), 'pictor-edit-outside-'));
    await writeFile(join(outside, 'secret.png'), await inputPng('a secret'));
    await symlink(outside, join(workspace, 'assets/linked'));
    await writeFile(join(workspace, 'assets/notes.txt'), 'not a picture');
    const before = calls();
    const result = await runLikeRunner(workspace, {
      prompt: 'a watercolour',
      provider: 'sandbox',
      'base-url': sandbox.urls.together,
      'input-images': pattern,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^::error::Invalid inputs: /m);
    expect(result.stdout).toContain(message);
    expect(result.outputs).toEqual({});
    expect(calls()).toBe(before);
  });
});

import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PICTOR_BIN, requireBuilt } from './__fixtures__/front-doors.ts';
import { startHostileTextProvider, type HostileTextProvider } from './__fixtures__/hostile-text-provider.ts';
import { runAction } from './__fixtures__/run-action.ts';
import { runNode, type NodeRun } from './__fixtures__/run-node.ts';

// The output folder's manifest.json as attacker input (the security review, issue 14, items 1 and 8), through
// the built front doors: the `pictor` binary (batch resume, gallery) and the Action's committed bundle run as the
// runner runs it. A manifest may come from a pull request, an artifact or a shared folder: nothing it names
// outside its folder may be read, embedded or returned, and none of its fields may reach HTML raw.

const KEY = 'sk-attack-manifest-0123456789';
const SECRET = Buffer.from("TOP-SECRET deploy key: not an image, and not Pictor's to read\n");
const UNSAFE = /is not a plain file name inside the folder/g;

interface ManifestJson {
  version: number;
  entries: Array<{ prompt: string; images: Array<Record<string, unknown>> }>;
}

let sandbox: Sandbox;
let provider: HostileTextProvider;
let root: string;
beforeAll(async () => {
  requireBuilt(PICTOR_BIN);
  [sandbox, provider, root] = await Promise.all([
    startSandbox({ port: 0 }),
    startHostileTextProvider(),
    mkdtemp(join(tmpdir(), 'pictor-attack-manifest-')),
  ]);
});
afterAll(async () => {
  await Promise.all([sandbox?.close(), provider?.close()]);
  await rm(root, { recursive: true, force: true });
});

/** A fresh folder with a secret file beside it (outside the output folder `out`). */
async function scene(): Promise<{ dir: string; out: string; secret: string }> {
  const dir = await mkdtemp(join(root, 'scene-'));
  const secret = join(dir, 'secret.txt');
  await writeFile(secret, SECRET);
  return { dir, out: join(dir, 'out'), secret };
}

function pictor(args: string[], cwd: string): Promise<NodeRun> {
  return runNode(PICTOR_BIN, args, { cwd, env: { PICTOR_API_KEY: KEY } });
}

const target = (out: string): string[] => [
  '--provider',
  'together',
  '--base-url',
  sandbox.urls.together,
  '-s',
  '64x64',
  '--seed',
  '3',
  '-o',
  out,
];

async function readJson(out: string): Promise<ManifestJson> {
  return JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as ManifestJson;
}

async function tamper(out: string, change: (manifest: ManifestJson) => void): Promise<void> {
  const manifest = await readJson(out);
  change(manifest);
  await writeFile(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2));
}

/** Points the first image of the entry for `prompt` at `file`, with the size and sha256 of the secret. */
function pointAt(prompt: string, file: string): (manifest: ManifestJson) => void {
  return (manifest) => {
    const image = manifest.entries.find((e) => e.prompt === prompt)!.images[0]!;
    Object.assign(image, { file, bytes: SECRET.length, sha256: createHash('sha256').update(SECRET).digest('hex') });
  };
}

async function batchOf(prompts: string[], s: { dir: string; out: string }): Promise<string> {
  const file = join(s.dir, 'prompts.txt');
  await writeFile(file, `${prompts.join('\n')}\n`);
  const first = await pictor(['batch', file, ...target(s.out)], s.dir);
  expect(first.code, first.stderr).toBe(0);
  return file;
}

describe('pictor under a hostile manifest', () => {
  it('gallery --embed never embeds a file the manifest names outside the folder, and says so once', async () => {
    const s = await scene();
    await batchOf(['a lighthouse', 'a harbour'], s);
    await tamper(s.out, pointAt('a lighthouse', '../secret.txt'));
    const run = await pictor(['gallery', s.out, '--embed'], s.dir);
    expect(run.code, run.stderr).toBe(0);
    const html = await readFile(join(s.out, 'index.html'), 'utf8');
    expect(html).not.toContain(SECRET.toString('base64'));
    expect(html).not.toContain('secret.txt');
    expect(html.match(/<img /g)).toHaveLength(1);
    expect(run.stderr.match(UNSAFE)).toHaveLength(1);
  });

  it('batch resume does not report an entry pointing outside the folder as finished (absolute path too), says so once', async () => {
    const s = await scene();
    const file = await batchOf(['a lighthouse', 'a harbour'], s);
    await tamper(s.out, (m) => {
      pointAt('a lighthouse', '../secret.txt')(m);
      pointAt('a harbour', s.secret)(m);
    });
    const run = await pictor(['batch', file, ...target(s.out), '--gallery', '--json'], s.dir);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as {
      skipped: number;
      generated: number;
      prompts: Array<{ status: string; files: string[] }>;
    };
    expect(report).toMatchObject({ skipped: 0, generated: 2 });
    for (const prompt of report.prompts)
      for (const path of prompt.files) expect(path.startsWith(`${s.out}/`), path).toBe(true);
    expect(run.stdout).not.toContain('secret.txt');
    expect(run.stderr.match(UNSAFE)).toHaveLength(2);
  });

  it('batch resume compares the recorded sha256: a same-size rewrite of an image is generated again', async () => {
    const s = await scene();
    const file = await batchOf(['a lighthouse'], s);
    const [entry] = (await readJson(s.out)).entries;
    const path = join(s.out, String(entry!.images[0]!.file));
    const bytes = await readFile(path);
    bytes[bytes.length - 20]! ^= 0xff;
    await writeFile(path, bytes);
    const run = await pictor(['batch', file, ...target(s.out), '--json'], s.dir);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ skipped: 0, generated: 1 });
    expect(
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex'),
    ).toBe(entry!.images[0]!.sha256);
  });

  it('gallery refuses a manifest whose fields carry markup, naming the field, and writes no page', async () => {
    const s = await scene();
    await batchOf(['a lighthouse'], s);
    await tamper(s.out, (m) =>
      Object.assign(m.entries[0]!.images[0]!, { width: '1" onerror="alert(document.domain)' }),
    );
    const run = await pictor(['gallery', s.out], s.dir);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(
      /^pictor: error: .*manifest\.json is not a Pictor manifest \(entries\.0\.images\.0\.width: /m,
    );
    expect(existsSync(join(s.out, 'index.html'))).toBe(false);
  });

  it('a malformed manifest is a clear error naming the field, not a TypeError (gallery and batch)', async () => {
    const s = await scene();
    const file = await batchOf(['a lighthouse'], s);
    await tamper(s.out, (m) => Object.assign(m.entries[0]!, { images: null }));
    for (const args of [
      ['gallery', s.out],
      ['batch', file, ...target(s.out)],
    ]) {
      const run = await pictor(args, s.dir);
      expect(run.code).not.toBe(0);
      expect(run.stderr).not.toMatch(/TypeError|is not iterable|Cannot read/);
      expect(run.stderr).toMatch(/is not a Pictor manifest \(entries\.0\.images: /);
    }
  });

  it('the gallery page carries a Content-Security-Policy that allows no script', async () => {
    const s = await scene();
    await batchOf(['a <script>alert(1)</script> lighthouse'], s);
    const run = await pictor(['gallery', s.out], s.dir);
    expect(run.code, run.stderr).toBe(0);
    const html = await readFile(join(s.out, 'index.html'), 'utf8');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(csp).toBeDefined();
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).not.toMatch(/script-src/);
    expect(html).not.toMatch(/<script/i);
  });
});

describe('the Action under a hostile manifest', () => {
  const inputs = (extra: Record<string, string>): Record<string, string> => ({
    'api-key': KEY,
    provider: 'together',
    'base-url': sandbox.urls.together,
    size: '64x64',
    seed: '3',
    prompt: 'a lighthouse\na harbour',
    ...extra,
  });

  async function workspaceWithRun(): Promise<{ workspace: string; out: string; secret: string }> {
    const s = await scene();
    const workspace = join(s.dir, 'workspace');
    await mkdir(workspace);
    const first = await runAction(inputs({}), { workspace });
    expect(first.code, first.stdout).toBe(0);
    return { workspace, out: join(workspace, 'generated-images'), secret: s.secret };
  }

  it('resume never returns a file outside the folder in the images output, and says so once', async () => {
    const { workspace, out, secret } = await workspaceWithRun();
    await tamper(out, (m) => {
      pointAt('a lighthouse', '../../secret.txt')(m);
      pointAt('a harbour', secret)(m);
    });
    const run = await runAction(inputs({}), { workspace });
    expect(run.code, run.stdout).toBe(0);
    const images = JSON.parse(run.outputs.images!) as string[];
    expect(images).toHaveLength(2);
    for (const image of images) expect(image.startsWith('generated-images/'), image).toBe(true);
    expect(run.outputs).toMatchObject({ generated: '2', skipped: '0' });
    expect(run.outputsFile).not.toContain('secret.txt');
    expect(run.summary).not.toContain('secret.txt');
    expect(run.stdout.match(UNSAFE)).toHaveLength(2);
  });

  it('a manifest with markup in its fields fails the step, naming the field, and never reaches the job summary', async () => {
    const { workspace, out } = await workspaceWithRun();
    await tamper(out, (m) =>
      Object.assign(m.entries[0]!.images[0]!, { sha256: '<img src=x onerror=alert(1)>', height: '<b>1</b>' }),
    );
    const run = await runAction(inputs({}), { workspace });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::.*is not a Pictor manifest \(entries\.0\.images\.0\.sha256: /m);
    expect(run.summary).not.toMatch(/<img|<b>/);
  });
});

describe("the Action's paths stay inside the workspace", () => {
  it.each([
    ['a relative path leading out', '../outside'],
    ['an absolute path', 'ABSOLUTE'],
  ])('output-dir: %s is refused before anything is sent or written', async (_, given) => {
    const s = await scene();
    const workspace = join(s.dir, 'workspace');
    await mkdir(workspace);
    const outputDir = given === 'ABSOLUTE' ? join(s.dir, 'outside') : given;
    const before = provider.requests();
    const run = await runAction(
      {
        'api-key': KEY,
        provider: 'custom',
        'base-url': provider.url,
        model: 'm',
        prompt: 'x',
        'output-dir': outputDir,
      },
      { workspace },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::.*output-dir: must be inside the workspace/m);
    expect(provider.requests()).toBe(before);
    expect(existsSync(join(s.dir, 'outside'))).toBe(false);
  });

  it('a prompts-file that is a symbolic link to a file outside the workspace is not read nor sent', async () => {
    const s = await scene();
    const workspace = join(s.dir, 'workspace');
    await mkdir(workspace);
    await symlink(s.secret, join(workspace, 'prompts.txt'));
    const before = provider.requests();
    const run = await runAction(
      { 'api-key': KEY, provider: 'custom', 'base-url': provider.url, model: 'm', 'prompts-file': 'prompts.txt' },
      { workspace },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::.*prompts-file: must be inside the workspace/m);
    expect(run.stdout).not.toContain('TOP-SECRET');
    expect(provider.requests()).toBe(before);
  });
});

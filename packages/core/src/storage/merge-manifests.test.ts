import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { togetherBody } from '../__fixtures__/images-response.js';
import { makePng } from '../__fixtures__/make-png.js';
import { sendJson, startTestServer, type TestServer } from '../__fixtures__/test-server.js';
import { parseBatchFile } from '../batch/parse-batch-file.js';
import { runBatch } from '../batch/run-batch.js';
import { createPictorClient } from '../client/node-client.js';
import { findCompleteEntry, readManifest, type ManifestWarning } from './manifest.js';
import { mergeManifests } from './merge-manifests.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'pictor-merge-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

interface Image {
  file: string;
  bytes: Buffer;
  /** What the manifest claims, when it should differ from the file written. */
  record?: Buffer;
  write?: boolean;
}

function entry(key: string, images: Image[], extra: Record<string, unknown> = {}) {
  return {
    key,
    prompt: `prompt of ${key}`,
    provider: 'together',
    model: 'm',
    parameters: {},
    createdAt: '2026-01-01T00:00:00.000Z',
    images: images.map(({ file, bytes, record = bytes }, index) => ({
      file,
      index,
      sha256: sha256(record),
      mediaType: 'image/png',
      width: 6,
      height: 4,
      bytes: record.length,
    })),
    ...extra,
  };
}

/** A folder with these entries in its manifest and their files written (unless `write: false`). */
async function folder(name: string, entries: Array<{ entry: ReturnType<typeof entry>; images: Image[] }>) {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  for (const { images } of entries)
    for (const image of images) if (image.write !== false) await writeFile(join(dir, image.file), image.bytes);
  const manifest = { version: 1, generator: 'pictor', entries: entries.map((e) => e.entry) };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

const one = (key: string, images: Image[], extra: Record<string, unknown> = {}) => ({
  entry: entry(key, images, extra),
  images,
});

/** Every file of a folder with its bytes, to show that nothing changed. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files = (await readdir(dir)).sort();
  return Object.fromEntries(await Promise.all(files.map(async (f) => [f, sha256(await readFile(join(dir, f)))])));
}

describe('mergeManifests', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer((req, res) => {
      const body = JSON.parse(req.body) as { n: number; seed?: number };
      sendJson(res, 200, togetherBody(body.n, 8, 8, body.seed ?? 0));
    });
  });
  afterEach(async () => {
    await server.close();
  });

  it('joins the shards of a batch into one folder a rerun finds complete; merging twice changes nothing', async () => {
    const client = createPictorClient({ provider: 'sandbox', baseURL: `${server.url}/v1`, maxRetries: 0 });
    const text = Array.from({ length: 12 }, (_, i) => JSON.stringify({ prompt: `shot ${i}`, seed: i, n: 2 }));
    const jobs = () => parseBatchFile(`${text.join('\n')}\n`, 'jsonl');
    try {
      const shards = [join(root, 'shard-1'), join(root, 'shard-2'), join(root, 'shard-3')];
      for (const [i, outDir] of shards.entries()) await runBatch({ client, jobs: jobs(), outDir, shard: `${i + 1}/3` });
      expect(server.requests).toHaveLength(12);

      const into = join(root, 'all');
      const report = await mergeManifests(into, shards);
      expect(report.problems).toEqual([]);
      expect(report.conflicts).toEqual([]);
      expect(report.merged).toHaveLength(12);
      const manifest = await readManifest(into);
      expect(manifest.entries).toHaveLength(12);
      for (const e of manifest.entries) expect(await findCompleteEntry(into, e.key, manifest)).toBeDefined();

      // The merged folder is what one machine would have made: a rerun of the whole batch sends nothing.
      const rerun = await runBatch({ client, jobs: jobs(), outDir: into });
      expect(rerun).toMatchObject({ skipped: 12, generated: 0 });
      expect(server.requests).toHaveLength(12);

      const before = await snapshot(into);
      const again = await mergeManifests(into, shards);
      expect(again).toMatchObject({ merged: [], conflicts: [], problems: [] });
      expect(again.skipped).toHaveLength(12);
      expect(await snapshot(into)).toEqual(before);
    } finally {
      await client.close();
    }
  });
});

describe('mergeManifests (hand-made folders)', () => {
  const red = makePng(6, 4, 1);
  const blue = makePng(6, 4, 2);
  const green = makePng(6, 4, 3);

  it('keeps what the target holds, and gives a clashing file name -2', async () => {
    const into = await folder('into', [one('k-held', [{ file: 'held.png', bytes: green }])]);
    const a = await folder('a', [one('k-a', [{ file: 'same.png', bytes: red }])]);
    const b = await folder('b', [one('k-b', [{ file: 'same.png', bytes: blue }])]);
    const report = await mergeManifests(into, [a, b]);
    expect(report.merged.map((m) => [m.key, m.files])).toEqual([
      ['k-a', ['same.png']],
      ['k-b', ['same-2.png']],
    ]);
    const manifest = await readManifest(into);
    expect(manifest.entries.map((e) => e.key)).toEqual(['k-held', 'k-a', 'k-b']);
    expect(await readFile(join(into, 'same.png'))).toEqual(red);
    expect(await readFile(join(into, 'same-2.png'))).toEqual(blue);
    for (const e of manifest.entries) expect(await findCompleteEntry(into, e.key, manifest)).toBeDefined();
  });

  it('merges the same key with the same images from two shards once', async () => {
    const a = await folder('a', [one('k', [{ file: 'x.png', bytes: red }])]);
    const b = await folder('b', [one('k', [{ file: 'x.png', bytes: red }])]);
    const report = await mergeManifests(join(root, 'into'), [a, b]);
    expect(report.merged.map((m) => m.source)).toEqual([a]);
    expect(report.skipped.map((s) => [s.key, s.source])).toEqual([['k', b]]);
    expect(await readdir(join(root, 'into'))).toEqual(['manifest.json', 'x.png']);
  });

  it('reports every untrusted entry that does not check out and merges the others', async () => {
    await writeFile(join(root, 'secret.png'), red);
    const html = Buffer.from('<script>alert(1)</script>');
    const a = await folder('a', [
      one('k-good', [{ file: 'good.png', bytes: red }]),
      one('k-changed', [{ file: 'changed.png', bytes: blue, record: red }]),
      one('k-missing', [
        { file: 'there.png', bytes: red },
        { file: 'gone.png', bytes: blue, write: false },
      ]),
      one('k-up', [{ file: '../secret.png', bytes: red, write: false }]),
      one('k-html', [{ file: 'evil.html', bytes: html }]),
    ]);
    const warnings: Array<ManifestWarning & { source: string }> = [];
    const into = join(root, 'into');
    const report = await mergeManifests(into, [a, join(root, 'nowhere')], { onWarning: (w) => warnings.push(w) });
    expect(report.merged.map((m) => m.key)).toEqual(['k-good']);
    expect(report.problems.map((p) => [p.kind, p.key, p.file])).toEqual([
      ['unsafe-entry', 'k-up', '../secret.png'],
      ['checksum-mismatch', 'k-changed', 'changed.png'],
      ['missing-file', 'k-missing', 'gone.png'],
      ['not-an-image', 'k-html', 'evil.html'],
      ['no-manifest', undefined, undefined],
    ]);
    expect(report.problems[1]!.message).toMatch(/entry k-changed not merged: "changed.png" does not match/);
    expect(warnings.map((w) => [w.key, w.source])).toEqual([['k-up', a]]);
    // Nothing of a refused entry was copied, not even its good file.
    expect(await readdir(into)).toEqual(['good.png', 'manifest.json']);
  });

  it('passes over the target folder when it is among the sources', async () => {
    const a = await folder('shards/a', [one('k', [{ file: 'x.png', bytes: red }])]);
    const into = join(root, 'shards/all');
    const report = await mergeManifests(into, [a, into]);
    expect(report).toMatchObject({ problems: [], skipped: [] });
    expect(report.merged.map((m) => m.key)).toEqual(['k']);
  });

  it('reports a manifest that is not one, and merges the other sources', async () => {
    const broken = join(root, 'broken');
    await mkdir(broken);
    await writeFile(join(broken, 'manifest.json'), '{"version":1,"entries":[{"key":""}]}');
    const a = await folder('a', [one('k', [{ file: 'x.png', bytes: red }])]);
    const report = await mergeManifests(join(root, 'into'), [broken, a]);
    expect(report.problems.map((p) => [p.kind, p.source])).toEqual([['unreadable-manifest', broken]]);
    expect(report.problems[0]!.message).toMatch(/is not a Pictor manifest \(entries\.0\.key/);
    expect(report.merged.map((m) => m.key)).toEqual(['k']);
  });

  it('keeps the complete entry of a key over one with failures, whichever is newer', async () => {
    const partial = one('k', [{ file: 'p.png', bytes: blue }], {
      createdAt: '2026-05-01T00:00:00.000Z',
      failures: [{ index: 1, error: 'refused' }],
    });
    const a = await folder('a', [one('k', [{ file: 'c.png', bytes: red }])]);
    const b = await folder('b', [partial]);
    const report = await mergeManifests(join(root, 'into'), [b, a]);
    expect(report.conflicts).toEqual([
      {
        key: 'k',
        prompt: 'prompt of k',
        kept: { source: a, createdAt: '2026-01-01T00:00:00.000Z', complete: true },
        dropped: { source: b, createdAt: '2026-05-01T00:00:00.000Z', complete: false },
        reason: 'complete',
      },
    ]);
    const manifest = await readManifest(join(root, 'into'));
    expect(manifest.entries.map((e) => e.images.map((i) => i.file))).toEqual([['c.png']]);
  });

  it('replaces the target entry of a key with a newer complete one, and says so', async () => {
    const into = await folder('into', [one('k', [{ file: 'k.png', bytes: red }])]);
    const newer = await folder('a', [
      one('k', [{ file: 'k.png', bytes: blue }], { createdAt: '2026-02-01T00:00:00Z' }),
    ]);
    const older = await folder('b', [
      one('k', [{ file: 'k.png', bytes: green }], { createdAt: '2025-12-01T00:00:00Z' }),
    ]);
    const report = await mergeManifests(into, [older, newer]);
    expect(report.conflicts.map((c) => [c.kept.source, c.dropped.source, c.reason])).toEqual([
      [into, older, 'newer'],
      [newer, into, 'newer'],
    ]);
    expect(report.merged.map((m) => [m.source, m.files])).toEqual([[newer, ['k.png']]]);
    // The entry's own file name is rewritten (as saveImages rewrites a request's files), not taken as a clash.
    expect(await readFile(join(into, 'k.png'))).toEqual(blue);
    const manifest = await readManifest(into);
    expect(manifest.entries).toHaveLength(1);
    expect(await findCompleteEntry(into, 'k', manifest)).toMatchObject({ createdAt: '2026-02-01T00:00:00Z' });
  });

  it('repairs a target entry whose file was damaged from a shard holding the same images', async () => {
    const into = await folder('into', [one('k', [{ file: 'k.png', bytes: blue, record: red }])]);
    const a = await folder('a', [one('k', [{ file: 'k.png', bytes: red }])]);
    const report = await mergeManifests(into, [a]);
    expect(report.merged.map((m) => m.key)).toEqual(['k']);
    expect(await readFile(join(into, 'k.png'))).toEqual(red);
    expect(await findCompleteEntry(into, 'k')).toBeDefined();
  });
});

import { readManifest } from '@pictor/core/storage';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, runPictor, tempDir } from '../__fixtures__/run-pictor.js';

const ARTIFACTS = fileURLToPath(new URL('../../artifacts/', import.meta.url));
const ENSURE_CHROMIUM = fileURLToPath(new URL('../../../../scripts/ensure-chromium.sh', import.meta.url));
// Flags from shared/TOOLCHAIN.md (playwright gives each launch a fresh profile of its own).
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const PROMPT = 'a "lighthouse" <at> dusk & sea';

/** The chromium binary, installed with the repository's script when it is missing (Debian's package, as root). */
function chromiumPath(): string {
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    return execFileSync('bash', [ENSURE_CHROMIUM], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
      .trim()
      .split('\n')
      .pop()!;
  }
}

let sandbox: Sandbox;
let browser: Browser;
let dir: { path: string; remove: () => Promise<void> };
let out: string;

beforeAll(async () => {
  const executablePath = chromiumPath();
  [sandbox, browser, dir] = await Promise.all([
    startSandbox({ port: 0 }),
    chromium.launch({ executablePath, args: CHROMIUM_FLAGS }),
    tempDir(),
  ]);
  out = join(dir.path, 'images');
  await mkdir(ARTIFACTS, { recursive: true });
  const target = ['--provider', 'sandbox', '--base-url', sandbox.urls.together, '--out', out];
  const square = await runPictor(['generate', PROMPT, '-n', '3', '--seed', '5', '--gallery', ...target]);
  expect(square.code).toBe(0);
  const wide = await runPictor([
    'generate',
    'a wide field of sunflowers',
    '--aspect',
    '16:9',
    '--format',
    'png',
    '--seed',
    '9',
    ...target,
  ]);
  expect(wide.code).toBe(0);
}, 600_000);

afterAll(async () => {
  await Promise.all([browser?.close(), sandbox?.close()]);
  await dir?.remove();
});

/** Opens a gallery page in Chromium, waits for every image, and returns what each <img> decoded to. */
async function open(indexPath: string, screenshot: string) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(pathToFileURL(indexPath).href, { waitUntil: 'load' });
    // These callbacks run in the page (the package is typed without the DOM lib, hence the local types).
    const images = await page.$$eval('img', (imgs) =>
      imgs.map((el) => {
        const img = el as unknown as {
          naturalWidth: number;
          naturalHeight: number;
          getAttribute(name: string): string | null;
        };
        return { src: img.getAttribute('src') ?? '', naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight };
      }),
    );
    const captions = await page.$$eval('figcaption', (els) =>
      els.map((el) => (el as unknown as { innerText: string }).innerText),
    );
    await page.screenshot({ path: join(ARTIFACTS, screenshot), fullPage: true });
    return { images, captions, title: await page.title() };
  } finally {
    await page.close();
  }
}

describe('pictor gallery', () => {
  it('writes a contact sheet whose every image renders in Chromium, with prompt, seed, model, size and file', async () => {
    const run = await runPictor(['gallery', out, '--title', 'Test sheet']);
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual([join(out, 'index.html')]);

    const manifest = await readManifest(out);
    const expected = manifest.entries.flatMap((e) => e.images.map((i) => ({ ...i, prompt: e.prompt, model: e.model })));
    expect(expected).toHaveLength(4);

    const { images, captions, title } = await open(join(out, 'index.html'), 'gallery.png');
    expect(title).toBe('Test sheet');
    expect(images).toHaveLength(4);
    for (const image of images) expect(image.naturalWidth).toBeGreaterThan(0);
    for (const [i, want] of expected.entries()) {
      expect(images[i]).toMatchObject({ naturalWidth: want.width, naturalHeight: want.height });
      expect(decodeURIComponent(images[i]!.src)).toBe(want.file);
      expect(captions[i]).toContain(want.prompt);
      expect(captions[i]).toContain(`seed ${want.seed}`);
      expect(captions[i]).toContain(`${want.width}×${want.height}`);
      expect(captions[i]).toContain(want.model.split('/').pop());
      expect(captions[i]).toContain(want.file);
    }
  });

  it('--embed makes a page that renders on its own, away from the image files', async () => {
    const run = await runPictor(['gallery', out, '--embed']);
    expect(run.code).toBe(0);
    const alone = join(dir.path, 'alone');
    await mkdir(alone);
    await copyFile(join(out, 'index.html'), join(alone, 'index.html'));
    const { images } = await open(join(alone, 'index.html'), 'gallery-embedded.png');
    expect(images).toHaveLength(4);
    for (const image of images) {
      expect(image.src).toMatch(/^data:image\/(jpeg|png);base64,/);
      expect(image.naturalWidth).toBeGreaterThan(0);
    }
  });

  it('escapes prompts, and shows a file the manifest lists but the folder lacks as missing', async () => {
    const manifest = await readManifest(out);
    const gone = manifest.entries[0]!.images[1]!.file;
    await rm(join(out, gone));
    const run = await runPictor(['gallery', out]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`pictor: warning: ${gone} is in the manifest but not in the folder`);
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(html).not.toContain('<at>');
    expect(html).toContain('a &quot;lighthouse&quot; &lt;at&gt; dusk &amp; sea');
    expect(html.match(/<img /g)).toHaveLength(3);
    expect(html).toContain('file missing');
  });

  it('refuses a folder without a manifest with exit 2', async () => {
    const run = await runPictor(['gallery', dir.path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^pictor: error: .* has no manifest\.json/m);
  });
});

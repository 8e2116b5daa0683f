import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chromiumPath, CHROMIUM_FLAGS } from './__fixtures__/chromium.js';
import { bootOpenAiApp, captureLogs } from './__fixtures__/openai-app.js';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const API_KEY = 'nest-page-provider-key-51d2';

let sandbox: Sandbox;
let browser: Browser;
let app: INestApplication;

beforeAll(async () => {
  // Events come latencyMs / (partialImages + 1) apart: with two previews, three seconds between each, time
  // enough to see the previews on the page before the final image.
  [sandbox, browser] = await Promise.all([
    startSandbox({ port: 0, apiKey: API_KEY, latencyMs: 9_000 }),
    chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS }),
    mkdir(ARTIFACTS, { recursive: true }),
  ]);
  app = await bootOpenAiApp(sandbox, API_KEY, captureLogs().logger);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await Promise.all([browser?.close(), sandbox?.close()]);
});

/** What the user sees of the images in a part of the page. */
function images(selector: string) {
  return (page: Page) =>
    page.$$eval(`${selector} img`, (imgs) =>
      imgs.map((el) => {
        // This callback runs in the page (the app is typed without the DOM lib, hence the local type).
        const img = el as unknown as { naturalWidth: number; naturalHeight: number; src: string; complete: boolean };
        return { naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight, src: img.src };
      }),
    );
}

const texts = (page: Page, selector: string) =>
  page.$$eval(selector, (els) => els.map((el) => (el as unknown as { textContent: string }).textContent.trim()));

it('shows the previews arriving, then the final image at its size', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
  try {
    const origin = await app.getUrl();
    const response = await page.goto(`${origin}/`, { waitUntil: 'load' });
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.fill('input[name=prompt]', 'a lighthouse at dusk');
    await page.selectOption('select[name=partialImages]', '2');
    sandbox.stats.reset();
    await page.click('button[type=submit]');

    // The first preview is on the page while the final image is still being made.
    await page.waitForSelector('#partials li.partial img');
    await page.waitForFunction(() => {
      const img = (
        globalThis as unknown as { document: { querySelector(s: string): { complete: boolean } | null } }
      ).document.querySelector('#partials img');
      return img?.complete === true;
    });
    await page.screenshot({ path: join(ARTIFACTS, 'stream-page-partial.png'), fullPage: true });
    expect(await images('#final')(page)).toEqual([]);
    expect(await texts(page, '#status')).toEqual(['Preview 1 received…']);

    // Then the second preview and the final image; the page closes the stream.
    await page.waitForSelector('#status:has-text("Done")', { timeout: 60_000 });
    await page.waitForFunction(() => {
      const img = (
        globalThis as unknown as { document: { querySelector(s: string): { complete: boolean } | null } }
      ).document.querySelector('#final img');
      return img?.complete === true;
    });
    await page.screenshot({ path: join(ARTIFACTS, 'stream-page-final.png'), fullPage: true });

    expect(await texts(page, '#events li')).toEqual(['partial 0.0', 'partial 0.1', 'image 0', 'done']);
    const previews = await images('#partials')(page);
    expect(previews).toHaveLength(2);
    for (const preview of previews) {
      expect(preview.src).toMatch(/^data:image\/png;base64,/);
      expect(preview).toMatchObject({ naturalWidth: 1024, naturalHeight: 1024 });
    }
    const final = await images('#final')(page);
    expect(final).toHaveLength(1);
    expect(final[0]).toMatchObject({ naturalWidth: 1024, naturalHeight: 1024 });
    expect(final[0]!.src).toMatch(new RegExp(`^${origin}/images/[0-9a-f-]{36}$`));
    expect(await texts(page, '#final figcaption')).toEqual(['1024×1024 image/png']);
    expect(await texts(page, '#status')).toEqual(['Done: 1 image(s) from gpt-image-1.']);
    expect(sandbox.stats.generations.openai).toBe(1);
  } finally {
    await page.close();
  }
}, 120_000);

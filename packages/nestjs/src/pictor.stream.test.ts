import 'reflect-metadata';
import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { Test, type TestingModule } from '@nestjs/testing';
import { AbortError, ValidationError, type GeneratedImage } from '@pictor/core';
import { startSandbox, type Sandbox } from '@pictor/sandbox';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PictorModule, PictorService, type PictorModuleOptions, type PictorStreamEvent } from './index.js';

const API_KEY = 'nest-stream-test-key-81c4';
const PROMPT = 'a red kite over a green field';
let sandbox: Sandbox;
let moduleRef: TestingModule | undefined;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, apiKey: API_KEY });
});
afterAll(() => sandbox.close());
afterEach(async () => {
  await moduleRef?.close();
  moduleRef = undefined;
});

function openai(baseURL = sandbox.urls.openai): PictorModuleOptions {
  return { provider: 'openai', apiKey: API_KEY, baseURL, model: 'gpt-image-1', maxRetries: 0 };
}

async function service(options = openai()): Promise<PictorService> {
  moduleRef = await Test.createTestingModule({ imports: [PictorModule.forRoot(options)] }).compile();
  return moduleRef.get(PictorService);
}

/** A PNG to edit: a generation of another prompt. */
async function inputPng(pictor: PictorService): Promise<GeneratedImage> {
  const result = await pictor.generate({ prompt: 'a calm blue sea', size: '1024x1024', outputFormat: 'png' });
  return result.images[0]!;
}

const types = (events: PictorStreamEvent[]) => events.map((e) => e.type);

describe('PictorService.edit', () => {
  it('edits an uploaded image into one derived from it, described by hash in the result', async () => {
    const pictor = await service();
    const input = await inputPng(pictor);
    sandbox.stats.reset();

    const result = await pictor.edit({ prompt: PROMPT, images: [input.bytes], size: '1024x1024' });
    expect(sandbox.stats.edits.openai).toBe(1);
    expect(result.operation).toBe('edit');
    expect(result.images).toHaveLength(1);
    expect(result.images[0]).toMatchObject({ width: 1024, height: 1024 });
    expect(result.inputs).toEqual([expect.objectContaining({ index: 0, sha256: input.sha256, width: 1024 })]);

    const generated = await pictor.generate({ prompt: PROMPT, size: '1024x1024' });
    expect(result.images[0]!.sha256).not.toBe(generated.images[0]!.sha256);
    expect(result.images[0]!.sha256).not.toBe(input.sha256);
  });

  it('refuses an edit without images before any network call, naming the field', async () => {
    const pictor = await service();
    sandbox.stats.reset();
    const error = await pictor.edit({ prompt: PROMPT, images: [] }).catch((e: unknown) => e);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).fields).toContain('images');
    expect(sandbox.stats.edits.openai).toBe(0);
  });
});

describe('PictorService.stream', () => {
  it('emits the partial images, then the final image, then the result, and completes', async () => {
    const pictor = await service();
    const events = await lastValueFrom(
      pictor.stream({ prompt: PROMPT, size: '1024x1024', partialImages: 2 }).pipe(toArray()),
    );
    expect(types(events)).toEqual(['partial', 'partial', 'image', 'result']);
    const partials = events.flatMap((e) => (e.type === 'partial' ? [e.partial] : []));
    expect(partials.map((p) => [p.index, p.partialIndex])).toEqual([
      [0, 0],
      [0, 1],
    ]);
    for (const partial of partials) {
      expect(partial.mediaType).toBe('image/png');
      expect(partial.bytes.length).toBeGreaterThan(0);
    }
    const image = events.find((e) => e.type === 'image')!.image;
    const result = events.find((e) => e.type === 'result')!.result;
    expect(result.images.map((i) => i.sha256)).toEqual([image.sha256]);
    expect(image).toMatchObject({ width: 1024, height: 1024 });
    // The previews are rougher renders, not the final image.
    for (const partial of partials) expect(Buffer.from(partial.bytes).equals(Buffer.from(image.bytes))).toBe(false);
  });

  it('starts one generation per subscription', async () => {
    const pictor = await service();
    const stream = pictor.stream({ prompt: PROMPT, size: '1024x1024', partialImages: 1 });
    sandbox.stats.reset();
    expect(sandbox.stats.generations.openai).toBe(0);
    await lastValueFrom(stream);
    await lastValueFrom(stream);
    expect(sandbox.stats.generations.openai).toBe(2);
  });

  it('errors with the ValidationError of a bad request, before any network call', async () => {
    const pictor = await service();
    sandbox.stats.reset();
    const error = await lastValueFrom(
      pictor.stream({ prompt: PROMPT, partialImages: 7 as unknown as 1 }).pipe(toArray()),
    ).catch((e: unknown) => e);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).fields).toContain('partialImages');
    expect(sandbox.stats.generations.openai).toBe(0);
  });
});

describe('PictorService.streamEdit', () => {
  it('streams the partials and the result of an edit', async () => {
    const pictor = await service();
    const input = await inputPng(pictor);
    const events = await lastValueFrom(
      pictor
        .streamEdit({ prompt: PROMPT, images: [{ bytes: input.bytes, name: 'sea.png' }], partialImages: 2 })
        .pipe(toArray()),
    );
    expect(types(events)).toEqual(['partial', 'partial', 'image', 'result']);
    const result = events.find((e) => e.type === 'result')!.result;
    expect(result.operation).toBe('edit');
    expect(result.inputs?.map((i) => i.sha256)).toEqual([input.sha256]);
    expect(result.images[0]!.sha256).toBe((events[2] as { image: GeneratedImage }).image.sha256);
  });
});

describe('cancelling a stream', () => {
  // A slow provider: the first partial goes out at once, the rest only after ten minutes.
  let slow: Sandbox;
  let proxy: Server;
  const open = new Set<Socket>();
  let proxyURL: string;

  beforeAll(async () => {
    slow = await startSandbox({ port: 0, apiKey: API_KEY, latencyMs: 600_000 });
    // A TCP relay in front of it, to see the client's sockets close.
    proxy = createServer((socket) => {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      const upstream = connect(slow.port, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
      socket.on('close', () => upstream.destroy());
      upstream.on('close', () => socket.destroy());
    });
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    proxyURL = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/openai/v1`;
  });
  afterAll(async () => {
    for (const socket of open) socket.destroy();
    await new Promise((resolve) => proxy.close(resolve));
    await slow.close();
  });

  it('unsubscribing aborts the call: the provider sees its stream cancelled and the socket closes', async () => {
    const pictor = await service(openai(proxyURL));
    const events: PictorStreamEvent[] = [];
    const subscription = pictor
      .stream({ prompt: PROMPT, size: '1024x1024', partialImages: 3 })
      .subscribe({ next: (e) => events.push(e), error: () => {} });
    await vi.waitFor(() => expect(types(events)).toEqual(['partial']), { timeout: 15_000, interval: 20 });
    expect(open.size).toBe(1);

    subscription.unsubscribe();
    await vi.waitFor(() => expect(slow.stats.streamsCancelled).toBe(1), { timeout: 15_000, interval: 20 });
    await vi.waitFor(() => expect(open.size).toBe(0), { timeout: 15_000, interval: 20 });
    expect(types(events)).toEqual(['partial']);
  });

  it("the caller's signal aborts it too, and the stream errors with AbortError", async () => {
    const pictor = await service(openai(proxyURL));
    slow.stats.reset();
    const controller = new AbortController();
    const events: PictorStreamEvent[] = [];
    const done = new Promise<unknown>((resolve) => {
      pictor
        .stream({ prompt: PROMPT, size: '1024x1024', partialImages: 3 }, { signal: controller.signal })
        .subscribe({ next: (e) => events.push(e), error: resolve, complete: () => resolve('completed') });
    });
    await vi.waitFor(() => expect(events).toHaveLength(1), { timeout: 15_000, interval: 20 });
    controller.abort();
    expect(AbortError.isInstance(await done)).toBe(true);
    await vi.waitFor(() => expect(slow.stats.streamsCancelled).toBe(1), { timeout: 15_000, interval: 20 });
    await vi.waitFor(() => expect(open.size).toBe(0), { timeout: 15_000, interval: 20 });
  });
});

import { expect, it, vi } from 'vitest';

// An app without Redis (no @nestjs/bullmq, bullmq or @pictor/queue installed) must be able to load the main entry.
vi.mock('@nestjs/bullmq', () => {
  throw new Error('@nestjs/bullmq is not installed');
});
vi.mock('bullmq', () => {
  throw new Error('bullmq is not installed');
});
vi.mock('@pictor/queue', () => {
  throw new Error('@pictor/queue is not installed');
});

it('loads the main entry point without the queue packages; only the queue entry point needs them', async () => {
  await expect(import('./index.js')).resolves.toHaveProperty('PictorModule');
  const error = await import('./queue.js').then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(String(error?.cause)).toMatch(/is not installed/);
});

import { expect, it, vi } from 'vitest';

// An app without @nestjs/terminus must be able to load the main entry point.
vi.mock('@nestjs/terminus', () => {
  throw new Error('@nestjs/terminus is not installed');
});

it('loads the main entry point without @nestjs/terminus; only the health entry point needs it', async () => {
  await expect(import('./index.js')).resolves.toHaveProperty('PictorModule');
  const error = await import('./health.js').then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error?.cause).toEqual(new Error('@nestjs/terminus is not installed'));
});

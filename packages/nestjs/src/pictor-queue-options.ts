import { ValidationError, type FieldIssue } from '@pictor/core';
import type { ConnectionOptions } from 'bullmq';
import type { PictorQueueModuleOptions } from './interfaces/pictor-queue-module-options.interface.js';

const OPTIONS = new Set<string>([
  'connection',
  'prefix',
  'outDir',
  'processor',
  'concurrency',
  'globalConcurrency',
  'rateLimit',
  'client',
  'pictor',
]);

const isWhole = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 1;
const isText = (value: unknown): boolean => typeof value === 'string' && value.trim() !== '';

/**
 * Checks a `PictorQueueModule`'s options when the app starts: a bad one stops the boot with a `ValidationError`
 * naming each field (values are never echoed: a Redis URL may hold a password). The client's own options are
 * checked by core when the client is made.
 */
export function validateQueueOptions(input: unknown): PictorQueueModuleOptions {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new ValidationError([{ field: '(options)', message: 'must be an object' }], 'PictorQueueModule options');
  const o = input as Record<string, unknown>;
  const issues: FieldIssue[] = Object.keys(o)
    .filter((key) => !OPTIONS.has(key) && o[key] !== undefined)
    .map((field) => ({ field, message: 'is not an option of PictorQueueModule' }));
  const check = (field: string, ok: boolean, message: string) => {
    if (o[field] !== undefined && !ok) issues.push({ field, message });
  };
  if (o.connection === undefined)
    issues.push({ field: 'connection', message: 'is required (a redis:// URL or options)' });
  check(
    'connection',
    typeof o.connection === 'string'
      ? isRedisUrl(o.connection)
      : typeof o.connection === 'object' && o.connection !== null,
    'must be a redis:// or rediss:// URL, or BullMQ connection options',
  );
  if (!isText(o.outDir)) issues.push({ field: 'outDir', message: 'is required: the folder workers save images into' });
  check('prefix', isText(o.prefix), 'must be a non-empty string');
  check('processor', typeof o.processor === 'boolean', 'must be true or false');
  check('concurrency', isWhole(o.concurrency), 'must be a whole number of at least 1');
  check('globalConcurrency', isWhole(o.globalConcurrency), 'must be a whole number of at least 1');
  check('client', typeof o.client === 'object' && o.client !== null, 'must be Pictor client options');
  check('pictor', isText(o.pictor), 'must be the name of a PictorModule client');
  if (o.rateLimit !== undefined) {
    const limit = o.rateLimit as Record<string, unknown> | null;
    if (typeof limit !== 'object' || limit === null)
      issues.push({ field: 'rateLimit', message: 'must be { max, duration }' });
    else {
      if (!isWhole(limit.max)) issues.push({ field: 'rateLimit.max', message: 'must be a whole number of at least 1' });
      if (!isWhole(limit.duration))
        issues.push({ field: 'rateLimit.duration', message: 'must be a whole number of milliseconds, at least 1' });
    }
  }
  if (issues.length) throw new ValidationError(issues, 'PictorQueueModule options');
  return o as unknown as PictorQueueModuleOptions;
}

function isRedisUrl(text: string): boolean {
  return URL.canParse(text) && ['redis:', 'rediss:'].includes(new URL(text).protocol);
}

/** BullMQ's connection for the module's `connection` option: a URL is handed to ioredis as `{ url }`. */
export function bullConnectionOf(connection: string | ConnectionOptions): ConnectionOptions {
  return typeof connection === 'string' ? { url: connection } : connection;
}

import { BlockList, isIP } from 'node:net';
import { ValidationError, type FieldIssue } from '@pictor/core';
import type { Env } from './env.js';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Shortest `APP_API_KEY` accepted: a guessable key is no key. */
export const MIN_APP_API_KEY_LENGTH = 16;

export interface ListenAddress {
  host: string;
  port: number;
  /** Only this machine can connect (127.0.0.0/8, ::1, localhost). */
  loopback: boolean;
  /** `APP_API_KEY` is set: callers must present it. */
  keyed: boolean;
}

/** Whether `host` is reachable only from this machine. A host name other than `localhost` counts as not. */
export function isLoopback(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  const family = isIP(host);
  return family !== 0 && LOOPBACK.check(host, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * Where the app listens: `HOST` (default 127.0.0.1) and `PORT` (default 3000). Listening beyond loopback needs
 * `APP_API_KEY`: an open app on a network lets anyone spend the provider account's credits. Values are not
 * echoed in the errors, in case a secret was pasted into the wrong variable.
 */
export function listenAddressFrom(env: Env): ListenAddress {
  const issues: FieldIssue[] = [];
  const host = env.HOST?.trim() || '127.0.0.1';
  const port = Number(env.PORT?.trim() || 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    issues.push({ field: 'PORT', message: 'must be a port number (0 to 65535)' });
  const apiKey = env.APP_API_KEY?.trim();
  if (apiKey && apiKey.length < MIN_APP_API_KEY_LENGTH) {
    issues.push({
      field: 'APP_API_KEY',
      message: `must be at least ${MIN_APP_API_KEY_LENGTH} characters (e.g. \`openssl rand -hex 32\`)`,
    });
  }
  const loopback = isLoopback(host);
  if (!loopback && !apiKey) {
    issues.push({
      field: 'APP_API_KEY',
      message:
        'is required when HOST is not a loopback address (127.0.0.1, ::1, localhost): set one, or listen on 127.0.0.1',
    });
  }
  if (issues.length) throw new ValidationError(issues, 'configuration');
  return { host, port, loopback, keyed: Boolean(apiKey) };
}

import { InvalidArgumentError } from 'commander';

/** Where a queue lives, from `--queue redis://[user:password@]host[:port][/db]`. */
export interface RedisTarget {
  /** The URL as given, for the connection only: it may hold a password, so it is never printed. */
  url: string;
  /** `host:port`: what may be shown. */
  where: string;
  /** The password, to be registered as a secret. */
  password: string | undefined;
}

/** A commander parser for `--queue`: a redis:// or rediss:// URL. The value is never echoed (it may hold a password). */
export function redisUrl(value: string): RedisTarget {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new InvalidArgumentError('must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379');
  }
  if (!url.hostname) throw new InvalidArgumentError('must name a host, e.g. redis://127.0.0.1:6379');
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  return { url: value, where: `${url.hostname}:${url.port || '6379'}`, password };
}

/** A commander parser for `--rate-limit N/s` (also `/m`, `/h`): jobs started per period across all workers. */
export function rateLimit(value: string): { max: number; duration: number } {
  const match = /^\s*(\d{1,9})\s*\/\s*(s|m|h)\s*$/.exec(value);
  const max = Number(match?.[1]);
  if (!match || max < 1) throw new InvalidArgumentError('must be N/s, N/m or N/h with N ≥ 1, e.g. 10/s');
  return { max, duration: { s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'] };
}

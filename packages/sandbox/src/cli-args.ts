import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseFaultPlan } from './fault-plan.js';
import { SANDBOX_DEFAULT_PORT } from './providers.js';
import type { SandboxOptions } from './start-sandbox.js';

export const USAGE = `Usage: pictor-sandbox [options]

An offline images API: Together, OpenAI, r9s and AI Stats stand-ins under one server.

Options:
  --port <n>            port to listen on (default ${SANDBOX_DEFAULT_PORT}; 0 picks a free one)
  --host <addr>         interface to listen on (default 127.0.0.1; 0.0.0.0 for containers)
  --latency <ms>        delay per generated image (default 0)
  --key <key>           require this bearer token, on /_sandbox/ too (default: any non-empty token)
  --faults <plan.json>  scripted fault plan (see README)
  --url-ttl <ms>        lifetime of image URLs (default 3600000)
  --rate-limit <c[/r]>  token bucket per key: capacity c, refilled at r per second (default r = c/60)
  --rate-limit-headers <current|all>
                        rate-limit headers: what each provider documents today (default), or also
                        the older documented ones (Together's per-second set on every answer)
  --public-url <url>    origin written into image URLs (default http://<host>:<port>)
  --content-credentials embed C2PA content credentials in GPT image models' images (OpenAI stand-in)
  --quiet               do not log requests
  -h, --help            show this help`;

export interface CliConfig {
  options: SandboxOptions;
  quiet: boolean;
  help: boolean;
}

function nonNegative(flag: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${flag} expects a number >= 0, got '${raw}'`);
  return value;
}

/** Parses the command line into sandbox options (throws with a readable message). */
export function parseCliArgs(argv: string[]): CliConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      latency: { type: 'string' },
      key: { type: 'string' },
      faults: { type: 'string' },
      'url-ttl': { type: 'string' },
      'rate-limit': { type: 'string' },
      'rate-limit-headers': { type: 'string' },
      'public-url': { type: 'string' },
      'content-credentials': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const options: SandboxOptions = {
    port: values.port === undefined ? SANDBOX_DEFAULT_PORT : nonNegative('--port', values.port),
  };
  if (values.host) options.host = values.host;
  if (values.latency !== undefined) options.latencyMs = nonNegative('--latency', values.latency);
  if (values.key) options.apiKey = values.key;
  if (values['url-ttl'] !== undefined) options.urlTtlMs = nonNegative('--url-ttl', values['url-ttl']);
  if (values['public-url']) options.publicUrl = values['public-url'];
  if (values['content-credentials']) options.contentCredentials = true;
  if (values['rate-limit'] !== undefined) {
    const [capacity, refill] = values['rate-limit'].split('/');
    const c = nonNegative('--rate-limit', capacity ?? '');
    options.rateLimit = {
      capacity: c,
      refillPerSecond: refill === undefined ? c / 60 : nonNegative('--rate-limit', refill),
    };
  }
  const headers = values['rate-limit-headers'];
  if (headers !== undefined) {
    if (headers !== 'current' && headers !== 'all')
      throw new Error(`--rate-limit-headers expects 'current' or 'all', got '${headers}'`);
    if (!options.rateLimit) throw new Error('--rate-limit-headers needs --rate-limit');
    options.rateLimit.headers = headers;
  }
  if (values.faults) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(values.faults, 'utf8'));
    } catch (error) {
      throw new Error(`--faults: cannot read ${values.faults}: ${(error as Error).message}`, { cause: error });
    }
    options.faults = parseFaultPlan(json);
  }
  return { options, quiet: values.quiet === true, help: values.help === true };
}

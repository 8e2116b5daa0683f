import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli-args.js';

describe('parseCliArgs', () => {
  it('defaults to port 8787', () => {
    expect(parseCliArgs([])).toEqual({ options: { port: 8787 }, quiet: false, help: false });
  });

  it('reads every option', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pictor-cli-'));
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, JSON.stringify([{ fault: 'rate-limit', times: 2 }]));
    const { options } = parseCliArgs([
      '--port',
      '9000',
      '--host',
      '0.0.0.0',
      '--latency',
      '250',
      '--key',
      'k',
      '--faults',
      plan,
      '--url-ttl',
      '1000',
      '--rate-limit',
      '10/2',
      '--public-url',
      'http://sandbox:9000',
      '--content-credentials',
    ]);
    expect(options).toEqual({
      port: 9000,
      host: '0.0.0.0',
      latencyMs: 250,
      apiKey: 'k',
      faults: [{ fault: 'rate-limit', times: 2 }],
      urlTtlMs: 1000,
      rateLimit: { capacity: 10, refillPerSecond: 2 },
      publicUrl: 'http://sandbox:9000',
      contentCredentials: true,
    });
  });

  it('explains bad input', () => {
    expect(() => parseCliArgs(['--latency', 'soon'])).toThrow(/--latency expects a number/);
    expect(() => parseCliArgs(['--faults', '/nonexistent/plan.json'])).toThrow(/--faults: cannot read/);
    expect(() => parseCliArgs(['--bogus'])).toThrow();
    expect(() => parseCliArgs(['--rate-limit', '5', '--rate-limit-headers', 'old'])).toThrow(
      /--rate-limit-headers expects 'current' or 'all', got 'old'/,
    );
    expect(() => parseCliArgs(['--rate-limit-headers', 'all'])).toThrow(/needs --rate-limit/);
  });

  it('reads --rate-limit-headers into the bucket options', () => {
    const { options } = parseCliArgs(['--rate-limit', '2/1', '--rate-limit-headers', 'all']);
    expect(options.rateLimit).toEqual({ capacity: 2, refillPerSecond: 1, headers: 'all' });
  });
});

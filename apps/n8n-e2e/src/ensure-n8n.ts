import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The folder of a real n8n, from `scripts/ensure-n8n.sh`: installed once into a cache outside the repo
 * (keyed by `N8N_VERSION`, default 2.41.1), found at once afterwards. Returns the path of n8n's bin script.
 */
export function ensureN8n(): string {
  const script = join(REPO_ROOT, 'scripts/ensure-n8n.sh');
  const folder = execFileSync('bash', [script], {
    encoding: 'utf8',
    // The script needs Node 24 first on PATH: the one running these tests.
    env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 15 * 60_000,
  })
    .trim()
    .split('\n')
    .pop() as string;
  const bin = join(folder, 'node_modules/n8n/bin/n8n');
  if (!existsSync(bin)) throw new Error(`ensure-n8n.sh printed ${folder}, which holds no n8n`);
  return bin;
}

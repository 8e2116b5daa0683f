import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ENSURE_CHROMIUM = fileURLToPath(new URL('../../../../scripts/ensure-chromium.sh', import.meta.url));

/** Flags from shared/TOOLCHAIN.md (playwright gives each launch a fresh profile of its own). */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The chromium binary, installed with the repository's script when it is missing (Debian's package), as the CLI's gallery test finds it. */
export function chromiumPath(): string {
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    return execFileSync('bash', [ENSURE_CHROMIUM], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
      .trim()
      .split('\n')
      .pop()!;
  }
}

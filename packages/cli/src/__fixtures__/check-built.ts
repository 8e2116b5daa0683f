import { existsSync } from 'node:fs';
import { BIN } from './run-pictor.js';

/** vitest global setup: the tests run the built binary, as a user would. */
export default function checkBuilt(): void {
  if (!existsSync(BIN)) {
    throw new Error(`${BIN} is missing: build first (npx -y pnpm@12.21.0 --filter @pictor/cli... run build)`);
  }
}

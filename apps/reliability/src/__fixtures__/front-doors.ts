import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const at = (path: string): string => fileURLToPath(new URL(`../../../../${path}`, import.meta.url));

/** The built front doors, as users run them. */
export const PICTOR_BIN = at('packages/cli/dist/bin.js');
export const ACTION_BUNDLE = at('packages/action/dist/index.js');
export const N8N_NODE = at('packages/n8n-nodes-pictor/dist/nodes/Pictor/Pictor.node.js');
export const NEST_MAIN = at('apps/nest-example/dist/main.js');

/** Fails early, with the command to run, when a front door is not built. */
export function requireBuilt(file: string): string {
  if (!existsSync(file))
    throw new Error(
      `${file} is not built: run \`npx -y pnpm@12.21.0 turbo run build --filter=@pictor/reliability...\``,
    );
  return file;
}

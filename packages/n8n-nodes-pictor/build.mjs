// Builds the package as n8n loads it: each entry (credential, node) bundled with core's portable kernel into one
// CommonJS file under dist/, so the published package has no runtime dependencies. n8n-workflow and zod stay
// external: n8n provides both to community nodes (its own copies are on the module path), and a bundled zod
// would touch `globalThis`, which n8n's verification refuses. Icons and the codex file are copied beside the node.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');

await rm(dist, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['credentials/PictorApi.credentials.ts', 'nodes/Pictor/Pictor.node.ts'],
  outdir: dist,
  outbase: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  external: ['n8n-workflow', 'zod'],
  // The kernel's sources: no undici, file system or YAML, and esbuild drops what the node does not use.
  alias: { '@pictor/core/kernel': '../core/src/kernel.ts' },
  // Core's errors take their names from their classes.
  keepNames: true,
  legalComments: 'eof',
  logLevel: 'warning',
});

for (const file of ['pictor.svg', 'pictor.dark.svg', 'Pictor.node.json']) {
  await mkdir(join(dist, 'nodes/Pictor'), { recursive: true });
  await copyFile(join(root, 'nodes/Pictor', file), join(dist, 'nodes/Pictor', file));
}

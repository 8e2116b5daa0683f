// Builds the package as n8n loads it: each entry (credential, node) bundled with @pictor/core and what core
// needs into one CommonJS file under dist/, so the published package has no runtime dependencies;
// n8n-workflow stays external (n8n provides it). Icons and the codex file are copied beside the node.
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
  external: ['n8n-workflow'],
  // Core's sources, so esbuild drops what the node does not use (saving, manifests, batch files).
  alias: { '@pictor/core': '../core/src/index.ts' },
  // The node reads no environment variable: bundled libraries see none (undici's tuning switches included).
  define: { 'process.env': '{}' },
  // Core's errors take their names from their classes.
  keepNames: true,
  legalComments: 'eof',
  logLevel: 'warning',
});

for (const file of ['pictor.svg', 'pictor.dark.svg', 'Pictor.node.json']) {
  await mkdir(join(dist, 'nodes/Pictor'), { recursive: true });
  await copyFile(join(root, 'nodes/Pictor', file), join(dist, 'nodes/Pictor', file));
}

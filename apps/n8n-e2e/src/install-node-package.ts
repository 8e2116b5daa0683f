import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './ensure-n8n.js';
import type { LocalRegistry } from './local-registry.js';

export const PACKAGE_NAME = 'n8n-nodes-pictor';
const PACKAGE_DIR = join(REPO_ROOT, 'packages/n8n-nodes-pictor');

/** Packs the built package as `npm publish` would (only its `files`) and unpacks the tarball into `dest`. */
function unpackInto(dest: string): void {
  if (!existsSync(join(PACKAGE_DIR, 'dist/nodes/Pictor/Pictor.node.js'))) {
    throw new Error('n8n-nodes-pictor is not built: run `pnpm --filter n8n-nodes-pictor... run build` first');
  }
  const packDir = mkdtempSync(join(tmpdir(), 'pictor-pack-'));
  try {
    execFileSync('npm', ['pack', '--silent', '--pack-destination', packDir], { cwd: PACKAGE_DIR, stdio: 'ignore' });
    const tarball = readdirSync(packDir).find((file) => file.endsWith('.tgz'));
    if (!tarball) throw new Error('npm pack produced no tarball');
    mkdirSync(dest, { recursive: true });
    execFileSync('tar', ['-xzf', join(packDir, tarball), '-C', dest, '--strip-components=1']);
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
}

/**
 * For `N8N_CUSTOM_EXTENSIONS`: a folder holding the unpacked package. n8n names its node `CUSTOM.pictor`.
 */
export function installAsCustomExtension(root: string): string {
  const extensions = join(root, 'custom-extensions');
  unpackInto(join(extensions, PACKAGE_NAME));
  return extensions;
}

/**
 * As n8n installs community nodes, from a registry: the package in `<user folder>/.n8n/nodes/node_modules/`,
 * listed in `nodes/package.json`, its dependencies installed and its peer dependencies not (n8n's installer strips
 * them: n8n-workflow resolves to n8n's own copy). n8n names its node `n8n-nodes-pictor.pictor`.
 */
export function installFromRegistry(userFolder: string, registry: LocalRegistry): string {
  const nodes = join(userFolder, '.n8n/nodes');
  mkdirSync(nodes, { recursive: true });
  writeFileSync(
    join(nodes, 'package.json'),
    `${JSON.stringify({ name: 'installed-nodes', private: true }, null, 2)}\n`,
  );
  registry.npm(['install', PACKAGE_NAME, '--legacy-peer-deps', '--ignore-scripts'], nodes);
  const installed = join(nodes, 'node_modules', PACKAGE_NAME, 'package.json');
  return (JSON.parse(readFileSync(installed, 'utf8')) as { version: string }).version;
}

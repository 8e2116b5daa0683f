import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './ensure-n8n.js';

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
 * As users install community nodes: the package in `<user folder>/.n8n/nodes/node_modules/`, listed in
 * `nodes/package.json`. n8n names its node `n8n-nodes-pictor.pictor`. n8n-workflow is not installed there:
 * n8n resolves the peer dependency to its own copy.
 */
export function installAsCommunityPackage(userFolder: string): void {
  const nodes = join(userFolder, '.n8n/nodes');
  const installed = join(nodes, 'node_modules', PACKAGE_NAME);
  unpackInto(installed);
  const { version } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { version: string };
  writeFileSync(
    join(nodes, 'package.json'),
    `${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: version } }, null, 2)}\n`,
  );
}

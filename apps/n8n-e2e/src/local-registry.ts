import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@pictor/queue/testing';
import { REPO_ROOT } from './ensure-n8n.js';

/** The packages `changeset publish` releases, in dependency order. */
export const PUBLISHED_PACKAGES = ['core', 'sandbox', 'queue', 'cli', 'nestjs', 'n8n-nodes-pictor'];

/**
 * A real npm registry (Verdaccio) on 127.0.0.1 with a throwaway storage and no uplink: what it serves is what we
 * published to it, and nothing leaves the machine. `publish()` packs a workspace package as pnpm publishes it
 * (`workspace:*` becomes the version) and publishes the tarball with npm, as a maintainer would.
 */
export class LocalRegistry {
  readonly url: string;
  /** An npm user config with the registry and a publish token. */
  readonly npmrc: string;
  private constructor(
    private readonly folder: string,
    private readonly child: ChildProcess,
    port: number,
  ) {
    this.url = `http://127.0.0.1:${port}/`;
    this.npmrc = join(folder, 'npmrc');
  }

  static async start(): Promise<LocalRegistry> {
    const folder = mkdtempSync(join(tmpdir(), 'pictor-registry-'));
    const port = await freePort();
    writeFileSync(
      join(folder, 'config.yaml'),
      [
        `storage: ${join(folder, 'storage')}`,
        `auth: { htpasswd: { file: ${join(folder, 'htpasswd')}, max_users: 10 } }`,
        'uplinks: {}',
        "packages: { '**': { access: $all, publish: $authenticated } }",
        'max_body_size: 200mb',
        `listen: 127.0.0.1:${port}`,
        'log: { type: stdout, format: pretty, level: warn }',
      ].join('\n'),
    );
    const bin = join(dirname(createRequire(import.meta.url).resolve('verdaccio/package.json')), 'bin/verdaccio');
    const child = spawn(process.execPath, [bin, '--config', join(folder, 'config.yaml')], { stdio: 'ignore' });
    const registry = new LocalRegistry(folder, child, port);
    try {
      await registry.waitUntilUp();
      const token = await registry.addUser();
      writeFileSync(registry.npmrc, `registry=${registry.url}\n//127.0.0.1:${port}/:_authToken=${token}\n`);
    } catch (error) {
      registry.dispose();
      throw error;
    }
    return registry;
  }

  /** Starts a registry and publishes these workspace packages to it (`packages/<name>`, in the order given). */
  static async startWith(packages: readonly string[]): Promise<LocalRegistry> {
    const registry = await LocalRegistry.start();
    try {
      for (const name of packages) registry.publish(name);
    } catch (error) {
      registry.dispose();
      throw error;
    }
    return registry;
  }

  private async waitUntilUp(): Promise<void> {
    for (let i = 0; i < 300; i++) {
      if (this.child.exitCode !== null) throw new Error(`verdaccio exited with code ${this.child.exitCode}`);
      const ok = await fetch(`${this.url}-/ping`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await sleep(100);
    }
    throw new Error('verdaccio did not answer within 30 s');
  }

  private async addUser(): Promise<string> {
    const res = await fetch(`${this.url}-/user/org.couchdb.user:pictor-maintainer`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'pictor-maintainer',
        password: 'local-registry-only',
        email: 'maintainer@example.com',
      }),
    });
    const { token } = (await res.json()) as { token?: string };
    if (!token) throw new Error(`verdaccio refused to create a user (HTTP ${res.status})`);
    return token;
  }

  /** Packs `packages/<name>` with pnpm and publishes the tarball with npm. */
  publish(name: string): void {
    const packDir = mkdtempSync(join(this.folder, 'pack-'));
    execFileSync('npx', ['-y', 'pnpm@12.21.0', 'pack', '--pack-destination', packDir], {
      cwd: join(REPO_ROOT, 'packages', name),
      stdio: 'ignore',
    });
    const tarball = readdirSync(packDir).find((file) => file.endsWith('.tgz'));
    if (!tarball) throw new Error(`pnpm pack of ${name} produced no tarball`);
    this.npm(['publish', join(packDir, tarball)], packDir);
  }

  /** Runs npm against this registry only. */
  npm(args: string[], cwd: string): string {
    return execFileSync(
      'npm',
      [...args, '--registry', this.url, '--userconfig', this.npmrc, '--no-audit', '--no-fund'],
      {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, npm_config_cache: join(this.folder, 'npm-cache') },
      },
    );
  }

  dispose(): void {
    this.child.kill();
    rmSync(this.folder, { recursive: true, force: true });
  }
}

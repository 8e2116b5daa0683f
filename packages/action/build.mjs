// Bundles the Action into one committed file, dist/index.js, as GitHub runs it (`runs.using: node24`).
// Deterministic: same sources, same bytes (no timestamps, no absolute paths), so check-dist can compare.
// `node build.mjs [outfile]` — the check-dist test builds into a temporary folder.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const outfile = resolve(process.argv[2] ?? resolve(root, 'dist/index.js'));

// undici's index pulls in fetch, WebSocket, caches and mocks: about 600 KB the Action never runs. Every
// `import … from 'undici'` (core's Agent: the only one left once OIDC is out, below) gets what it names from
// core's own undici instead, with the dispatcher API methods attached exactly as undici's index.js attaches them.
// A new import of anything else from 'undici' fails the build ("No matching export"), never the run.
const undiciDir = dirname(
  createRequire(createRequire(`${root}/`).resolve('@pictor/core')).resolve('undici/package.json'),
);
const undiciSubset = {
  name: 'undici-subset',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'undici-subset' }));
    b.onLoad({ filter: /.*/, namespace: 'undici-subset' }, () => ({
      resolveDir: undiciDir,
      loader: 'js',
      contents: [
        "import Agent from './lib/dispatcher/agent.js';",
        "import Dispatcher from './lib/dispatcher/dispatcher.js';",
        "import api from './lib/api/index.js';",
        'Object.assign(Dispatcher.prototype, api);',
        'export { Agent };',
      ].join('\n'),
    }));
  },
};

// zod's `locales` namespace holds some 40 translations of its messages (300 KB); core's messages are English.
// Only that namespace is trimmed: zod registers English from its own en.js, which stays.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer)
        ? { path: resolve(args.resolveDir, args.path), namespace: 'zod-english-only' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      resolveDir: dirname(args.path),
      loader: 'js',
      contents: "export { default as en } from './en.js';",
    }));
  },
};

// @actions/core's OIDC client (`core.getIDToken`, which the Action never calls) is its only user of
// @actions/http-client, which brings undici's ProxyAgent and the CommonJS `tunnel` package: run at start-up (it
// loads https, tls and net before the first request) and 15 KB. The stub keeps `getIDToken` failing loudly.
const actionsCoreWithoutOidc = {
  name: 'actions-core-without-oidc',
  setup(b) {
    b.onResolve({ filter: /^\.\/oidc-utils\.js$/ }, (args) =>
      /[\\/]@actions[\\/]core[\\/]/.test(args.importer)
        ? { path: 'oidc-utils', namespace: 'actions-core-without-oidc' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'actions-core-without-oidc' }, () => ({
      loader: 'js',
      contents: [
        'export class OidcClient {',
        "  static async getIDToken() { throw new Error('getIDToken is not available in the Pictor Action bundle'); }",
        '}',
      ].join('\n'),
    }));
  },
};

// yaml's `node` export is CommonJS: esbuild can neither tree-shake it nor defer it, so all of it (119 KB) ran
// before the first request although only YAML prompt files need it. Its ESM build (`default` export, same code)
// keeps what core uses (`parse`), set up at import as plain ESM. Its two differences do not reach the Action:
// warnings go to console.warn rather than process.emitWarning (both stderr), and YAML 1.1 `!!binary` scalars
// become a Uint8Array rather than a Buffer (no request field takes either).
const yamlDir = dirname(createRequire(createRequire(`${root}/`).resolve('@pictor/core')).resolve('yaml/package.json'));
const yamlEsm = {
  name: 'yaml-esm',
  setup(b) {
    b.onResolve({ filter: /^yaml$/ }, () => ({ path: resolve(yamlDir, 'browser/index.js') }));
  },
};

// undici's Client requires its HTTP/2 half at load, and that loads node:http2 (~10 ms) before the first
// request, HTTP/2 or not. Here it is required on the first HTTP/2 connection instead, otherwise unchanged.
const CONNECT_H2 = "const connectH2 = require('./client-h2.js')";
const undiciLazyH2 = {
  name: 'undici-lazy-h2',
  setup(b) {
    b.onLoad({ filter: /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes(CONNECT_H2)) throw new Error(`undici-lazy-h2: ${args.path} no longer has: ${CONNECT_H2}`);
      const lazy =
        "let clientH2\nconst connectH2 = (client, socket) => (clientH2 ??= require('./client-h2.js'))(client, socket)";
      return { contents: source.replace(CONNECT_H2, lazy), loader: 'js' };
    });
  },
};

await build({
  absWorkingDir: root,
  entryPoints: ['src/index.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  // ESM, as package.json says (`"type": "module"`); the CommonJS packages inside (undici, tunnel) get a require.
  format: 'esm',
  banner: {
    js: "import { createRequire as __pictorCreateRequire } from 'node:module'; const require = __pictorCreateRequire(import.meta.url);",
  },
  target: 'node24',
  minify: true,
  // Core's errors derive their names from their classes.
  keepNames: true,
  legalComments: 'eof',
  // undici's switch for bundlers (Node builds its own undici so): leaves out its experimental Milo parser.
  define: { esbuildDetection: 'true' },
  plugins: [undiciSubset, zodEnglishOnly, actionsCoreWithoutOidc, yamlEsm, undiciLazyH2],
  logLevel: 'warning',
});

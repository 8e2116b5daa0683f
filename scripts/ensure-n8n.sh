#!/usr/bin/env bash
# Installs a real n8n (for the end-to-end test of n8n-nodes-pictor) into a cache folder outside the repo,
# keyed by version, and prints that folder. A second call finds the finished install and returns at once.
# Needs Node 24 first on PATH (every `pnpm run` script has it: the root pins the `node` package) and the
# workspace installed (the pinned Node's headers are found from the repository root).
set -euo pipefail
version="${N8N_VERSION:-2.41.1}"
cache="${PICTOR_CACHE_DIR:-$HOME/.cache/pictor}"
dir="$cache/n8n-$version"
root="$(cd "$(dirname "$0")/.." && pwd)"
# Only a folder that reached the end of this script holds .complete (written last, then moved into place in one
# rename), so an interrupted run leaves at most "$dir.tmp.*", which is never taken for an install.
if [ -f "$dir/.complete" ] && [ -x "$dir/node_modules/.bin/n8n" ]; then
  echo "$dir"
  exit 0
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 24 ]; then
  echo "ensure-n8n: n8n $version needs Node >= 24 on PATH (found $(node --version))" >&2
  exit 1
fi
# node-gyp would download these headers from nodejs.org; the pinned node package already has them.
nodedir=$(node "$root/scripts/node-headers-dir.cjs")
mkdir -p "$cache"
rm -rf "$dir".tmp.*
work=$(mktemp -d "$dir.tmp.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
# linkedom 0.18.15 needs a package the registry lacks; 0.18.14 works.
printf '{"private":true,"overrides":{"linkedom":"0.18.14"}}\n' > package.json
# --ignore-scripts: a Kafka client's install script downloads a binary; the two native modules n8n needs are rebuilt below.
npm install --no-audit --no-fund --loglevel=error --ignore-scripts "n8n@$version" >&2
npm_config_nodedir="$nodedir" npm rebuild --nodedir="$nodedir" sqlite3 isolated-vm >&2
# A rebuild that "succeeds" without producing the addons would fail much later inside n8n: check them here.
node -e 'require("sqlite3"); require("isolated-vm")' >&2
touch .complete
cd "$cache"
rm -rf "$dir"
mv "$work" "$dir"
trap - EXIT
echo "$dir"

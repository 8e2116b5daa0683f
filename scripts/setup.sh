#!/usr/bin/env bash
# Installs the workspace (pnpm 12 through npx, Node 24 as a pinned devDependency) and builds every package.
# Needs only Node (>= 20) and npm on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm() { npx -y pnpm@12.21.0 "$@"; }
pnpm install --frozen-lockfile
pnpm run build

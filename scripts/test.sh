#!/usr/bin/env bash
# The project's one test command (README "Test"; CI runs exactly this): installs what the tests need, then
# lints, type-checks, builds and tests every package through turbo.
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm() { npx -y pnpm@12.21.0 "$@"; }
pnpm install --frozen-lockfile
# Heavy, version-keyed installs live outside the repo (PICTOR_CACHE_DIR, default ~/.cache/pictor).
PATH="$PWD/node_modules/.bin:$PATH" bash scripts/ensure-n8n.sh >/dev/null
bash scripts/ensure-chromium.sh >/dev/null
pnpm exec turbo run lint typecheck build test --output-logs=errors-only

#!/usr/bin/env bash
# The project's one test command (README "Test"; CI runs exactly this): installs what the tests need, then
# lints, type-checks, builds and tests every package through turbo, and prints one closing summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
pnpm() { npx -y pnpm@12.21.0 "$@"; }
pnpm install --frozen-lockfile
# Heavy, version-keyed installs live outside the repo (PICTOR_CACHE_DIR, default ~/.cache/pictor).
PATH="$PWD/node_modules/.bin:$PATH" bash scripts/ensure-n8n.sh >/dev/null
bash scripts/ensure-chromium.sh >/dev/null
bash scripts/ensure-redis.sh >/dev/null
bash scripts/ensure-postgres.sh >/dev/null
rm -f packages/*/artifacts/vitest-report.json apps/*/artifacts/vitest-report.json
# Formatting first (prettier, the whole tree), then each package's eslint, types and build.
pnpm exec prettier --check . >/dev/null
pnpm exec turbo run lint typecheck build --output-logs=errors-only
status=0
pnpm exec turbo run test --output-logs=errors-only --continue --concurrency=2 -- \
  --reporter=default --reporter=json --outputFile.json=artifacts/vitest-report.json || status=$?
node scripts/test-summary.mjs
exit "$status"

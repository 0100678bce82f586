#!/usr/bin/env bash
# `npm run demo [-- options]`: installs what it lacks (Redis from Debian's packages,
# node_modules, the dist/ build, rebuilt when a source file is newer), then runs the demo from
# the built package: node dist/tsc/demo/main.js (src/demo/main.ts says what it does and takes).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-redis.sh
if [ ! -x node_modules/.bin/tsc ]; then
  echo "demo: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
if [ ! -f dist/tsc/demo/main.js ] || [ -n "$(find src -newer dist/tsc/demo/main.js -print -quit)" ]; then
  echo "demo: building Vigil (npm run build)"
  npm run build
fi
exec node dist/tsc/demo/main.js "$@"

#!/usr/bin/env bash
# `npm run demo [-- --impl redis]`: installs what it lacks (Redis from Debian's packages,
# node_modules, the dist/ build), then runs scripts/demo.ts — a local topology of 1 master,
# 2 replicas and 3 sentinels whose events stream to the terminal until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

impl=vigil
prev=""
for arg in "$@"; do
  case "$arg" in
    --impl=*) impl="${arg#--impl=}" ;;
  esac
  if [ "$prev" = "--impl" ]; then impl="$arg"; fi
  prev="$arg"
done

bash scripts/install-redis.sh
if [ ! -x node_modules/.bin/tsx ]; then
  echo "demo: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
if [ "$impl" = "vigil" ] && [ ! -f dist/main.js ]; then
  echo "demo: building Vigil (npm run build)"
  npm run build
fi
exec node --import tsx scripts/demo.ts "$@"

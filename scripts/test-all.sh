#!/usr/bin/env bash
# What `npm test` runs: typecheck, lint, format check, then the unit, simulation and end-to-end mocha suites.
# Installs what it lacks first (node_modules via `npm ci`, Redis via scripts/install-redis.sh).
# Ends with the plain line "N passed, N failed[, N skipped]" computed from mocha's own results
# (scripts/mocha-count-reporter.js); a failed typecheck, lint or build counts as one failure.
# Exits non-zero on any failure. With CI set, mocha runs with --forbid-only.
set -uo pipefail

cd "$(dirname "$0")/.."
repo="$(pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/vigil-test-all.XXXXXX")"
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
skipped=0
steps=()

note() { printf '\n== %s\n' "$*"; }
record() { steps+=("$1: $2"); }

if [ ! -x node_modules/.bin/mocha ]; then
  note "node_modules missing: npm ci"
  npm ci || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
fi
if ! bash scripts/install-redis.sh --with-systemd; then
  echo "Redis is missing and could not be installed (see above)."
  echo "0 passed, 1 failed"
  exit 1
fi

check() {
  local name="$1"
  shift
  note "$name: $*"
  if "$@"; then
    record "$name" ok
  else
    record "$name" FAILED
    failed=$((failed + 1))
  fi
}

mocha_args=(--reporter "$repo/scripts/mocha-count-reporter.js")
if [ -n "${CI:-}" ]; then mocha_args+=(--forbid-only); fi

suite() {
  local name="$1" dir="$2"
  shift 2
  if [ -z "$(find "$dir" -name '*.test.ts' -print -quit 2>/dev/null)" ]; then
    note "$name: no test files under $dir yet"
    record "$name" "no tests"
    return
  fi
  note "$name: mocha $dir"
  local counts="$work/$name.json"
  VIGIL_COUNT_FILE="$counts" node_modules/.bin/mocha "${mocha_args[@]}" "$@" "$dir/**/*.test.ts"
  local rc=$?
  if [ ! -s "$counts" ]; then
    # Mocha stopped before running (a load error, say): count the suite as one failure.
    record "$name" "FAILED to run (exit $rc)"
    failed=$((failed + 1))
    return
  fi
  local p f s
  read -r p f s < <(node -e 'const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(c.passes, c.failures, c.pending)' "$counts")
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + s))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); fi
  record "$name" "$p passed, $f failed, $s skipped (exit $rc)"
}

check typecheck node_modules/.bin/tsc -p tsconfig.json --noEmit
check lint node_modules/.bin/eslint .
check format node_modules/.bin/prettier --check .
suite unit test/unit
suite sim test/sim
# The same build as `npm run build`: tsc, then the bundle bin/vigil loads (scripts/bundle.ts).
check build npm run build
suite e2e test/e2e --timeout 120000

note "summary"
for step in "${steps[@]}"; do echo "  $step"; done
line="$passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then line="$line, $skipped skipped"; fi
echo "$line"
if [ "$failed" -gt 0 ]; then exit 1; fi
if [ "$passed" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit 0

// The second step of `npm run build`, after tsc has compiled src/ to dist/: bundles the daemon
// into dist/main.js (the entry bin/vigil, the systemd unit, the Dockerfile and the e2e harness
// run) plus one file in dist/chunks/ per module main.ts imports lazily (the config loader, the
// daemon, the YAML front end, the metrics endpoint) and for the code those share. Node then loads
// ~10 files instead of ~150 modules: resolving that many imports was the start's hottest code,
// compiled by V8's optimizing compiler, whose machine code and the heap it used stayed resident
// (issue #18, docs/ARCHITECTURE.md "Build"). npm packages stay outside the bundle, loaded from
// node_modules when a run needs them. The input is tsc's output (already without comments:
// esbuild keeps some, and one non-ASCII character in them would store the whole source in two
// bytes a character), so the bundle's source maps go on to src/*.ts through tsc's.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { resolve } from "node:path";

const dist = resolve(import.meta.dirname, "../dist");
rmSync(resolve(dist, "chunks"), { recursive: true, force: true });
await build({
  entryPoints: [resolve(dist, "main.js")],
  outdir: dist,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: true,
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
});

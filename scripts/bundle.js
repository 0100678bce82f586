// The second half of `npm run build`: after tsc has written dist/, esbuild bundles the daemon's
// entry point (src/main.ts) into dist/main.js, which bin/vigil, docs/vigil.service, the Docker
// image and the e2e harness run. The modules main.ts imports dynamically (the config loader, the
// daemon, the HTTP endpoint, daemonize) become chunks in dist/chunks/, loaded when they are now:
// `--version` still loads nothing heavy. Packages stay in node_modules (zod, yaml, pino,
// prom-client and ioredis are imported only by the configurations that need them).
// One file instead of ~150 modules: about 2–3 MB less peak RSS for a one-master sentinel
// (issue #18). The rest of dist/ (the demo, the topology tools) stays tsc's output.
import { rmSync } from "node:fs";
import { build } from "esbuild";

rmSync("dist/chunks", { recursive: true, force: true });
await build({
  entryPoints: ["src/main.ts"],
  outdir: "dist",
  entryNames: "[name]",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
});

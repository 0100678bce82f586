// The second step of `npm run build`, after tsc has compiled src/ to dist/tsc/: bundles the daemon
// into one CommonJS file, dist/main.js (the entry bin/vigil, the systemd unit, the Dockerfile and
// the e2e harness run; dist/package.json says it is CommonJS). Node then loads one file instead
// of ~150 modules, and not its ES module loader at all: resolving that many imports was the
// start's hottest code, compiled by V8's optimizing compiler, and the ESM loader's own code and
// heap stayed resident (issue #18, docs/ARCHITECTURE.md "Build"). The modules main.ts imports
// lazily (the config loader, the daemon, the YAML front end, the metrics endpoint) still run only
// when first imported. npm packages stay outside the bundle, loaded from node_modules when a run
// needs them. The input is tsc's output (already without comments: esbuild keeps some, and one
// non-ASCII character in them would store the whole source in two bytes a character), so the
// bundle's source map goes on to src/*.ts through tsc's. tsc's per-file output stays runnable as
// ES modules (dist/tsc/package.json): `npm run demo` runs dist/tsc/demo/main.js.
import { build } from "esbuild";
import { rmSync, statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

const dist = resolve(import.meta.dirname, "../dist");
/** dist/main.js's largest size, bytes: one below where its read cost 1 MiB more (see the end). */
const MAIN_MAX_BYTES = 512 * 1024;
// What earlier builds left: per-file output at the top and the ESM bundle's chunks.
for (const stale of [
  "chunks",
  "commands",
  "config",
  "core",
  "demo",
  "protocol",
  "shell",
  "topology",
])
  rmSync(resolve(dist, stale), { recursive: true, force: true });
rmSync(resolve(dist, "errors.js"), { force: true });
rmSync(resolve(dist, "errors.js.map"), { force: true });
writeFileSync(resolve(dist, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
writeFileSync(resolve(dist, "tsc/package.json"), `${JSON.stringify({ type: "module" })}\n`);
// Two steps: an ES module bundle split into chunks (one per lazily imported module and one per
// code they share), then that bundle as CommonJS. Bundled straight to CommonJS, esbuild wraps each
// of the ~170 modules reached through a lazy import in an init closure of its own; through the
// chunks they are 17, and a one-master sentinel's start held ~1 MB less (issue #18).
// Inside dist/ with a fixed name: esbuild names each chunk's init function by its path, which
// then reads `dist/.chunks/chunks/daemon-<hash>.js` in stack traces, the same in every build.
const chunked = resolve(dist, ".chunks");
rmSync(chunked, { recursive: true, force: true });
try {
  await build({
    entryPoints: [resolve(dist, "tsc/main.js")],
    outdir: chunked,
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
  await build({
    entryPoints: [resolve(chunked, "main.js")],
    outfile: resolve(dist, "main.js"),
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    packages: "external",
    sourcemap: true,
    // Whitespace and syntax minified, names kept: stack traces still name the functions (and
    // `node --enable-source-maps` maps them to src/*.ts). A quarter of the unminified file was
    // indentation and line breaks, and V8 keeps a script's source for the whole run (issue #18).
    minifyWhitespace: true,
    minifySyntax: true,
    // import.meta.url (main.ts: the package's files, the daemonized child's entry) as CommonJS has it.
    define: { "import.meta.url": "__vigil_import_meta_url" },
    banner: {
      js: 'const __vigil_import_meta_url = require("node:url").pathToFileURL(__filename).href;',
    },
    logLevel: "warning",
  });
} finally {
  rmSync(chunked, { recursive: true, force: true });
}
// Past 512 KiB the file costs a step of 1 MiB: the same minified bundle padded with a comment to
// 506 KB and to 526 KB, a one-master sentinel's malloc heap and peak RSS held 1 MiB more above the
// line (issue #18; likely the buffer Node reads the file into, grown by doubling).
const size = statSync(resolve(dist, "main.js")).size;
if (size > MAIN_MAX_BYTES)
  throw new Error(
    `dist/main.js is ${size} bytes, more than ${MAIN_MAX_BYTES} (see scripts/bundle.ts)`,
  );

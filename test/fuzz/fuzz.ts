// npm run fuzz -- [--target <name>|all] [--inputs N] [--seed S] [--replay I]
// Runs the pure-JS fuzzers (test/fuzz/targets): one line per target with inputs, time, failures
// and peak memory, then a JSON summary. A failure prints its index and input; replay it with
// --seed S --replay I. Exits 1 when any target failed.
import { inputOf, runTarget } from "./runner.js";
import type { FuzzResult } from "./runner.js";
import { TARGETS, targetByName } from "./targets.js";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

const targetName = arg("target") ?? "all";
const inputs = Number(arg("inputs") ?? "100000");
const seed = Number(arg("seed") ?? "1");
const replay = arg("replay");
const targets = targetName === "all" ? TARGETS : [targetByName(targetName)];
if (targets.some((t) => t === undefined) || !Number.isInteger(inputs) || !Number.isInteger(seed)) {
  console.error(
    `usage: npm run fuzz -- --target <${TARGETS.map((t) => t.name).join("|")}|all> --inputs N --seed S [--replay I]`,
  );
  process.exit(2);
}

const results: FuzzResult[] = [];
for (const target of targets) {
  if (target === undefined) continue;
  if (replay !== undefined) {
    const index = Number(replay);
    console.log(`input ${index} (base64): ${inputOf(target, seed, index).toString("base64")}`);
  }
  const result = runTarget(target, {
    inputs,
    seed,
    ...(replay !== undefined ? { only: Number(replay) } : {}),
    progress: (done) => {
      console.error(`  ${target.name}: ${done} inputs`);
    },
  });
  results.push(result);
  const verdict = result.failures.length === 0 ? "ok" : `${result.failures.length} FAILED`;
  console.log(
    `${target.name}: ${result.inputs} inputs, seed ${seed}, ${(result.ms / 1000).toFixed(1)} s, ${verdict}, rss ${result.startRssMiB}→${result.peakRssMiB} MiB peak, heap+buffers ${result.peakHeapMiB} MiB peak`,
  );
  for (const f of result.failures) {
    // A replay prints the whole message (the diff of a rewrite, say).
    const lines = f.message.split("\n");
    const shown = replay === undefined ? lines.slice(0, 6) : lines;
    console.log(`  input ${f.index}: ${shown.join("\n    ")}`);
    console.log(
      `    bytes (base64, ${Buffer.from(f.input, "base64").length}): ${f.input.slice(0, 400)}`,
    );
  }
}
console.log(
  JSON.stringify(
    results.map((r) => ({
      target: r.target,
      inputs: r.inputs,
      seed: r.seed,
      ms: r.ms,
      failures: r.failures.length,
      peakRssMiB: r.peakRssMiB,
    })),
  ),
);
process.exit(results.some((r) => r.failures.length > 0) ? 1 : 0);

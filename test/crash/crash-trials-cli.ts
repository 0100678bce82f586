// CRASH_TRIALS=100 npm run crash-trials [-- --seed S]: runs the crash trials (crash-trials.ts)
// and ends with one summary line: trials, failures, time. Exits 1 when a trial failed; a failed
// trial prints its detail and keeps its topology's temp dir (logs, rewritten configs).
import { runCrashTrials } from "./crash-trials.js";

const seedAt = process.argv.indexOf("--seed");
const seed = Number(seedAt === -1 ? (process.env["CRASH_SEED"] ?? "1") : process.argv[seedAt + 1]);
const trials = Number(process.env["CRASH_TRIALS"] ?? "100");

const summary = await runCrashTrials({
  trials,
  seed,
  log: (line) => {
    console.log(line);
  },
});
for (const r of summary.results.filter((x) => !x.ok))
  console.log(`--- trial ${r.index}\n${r.detail}`);
// Where the crashes landed in the failover, as the logs showed it at the kill.
const phases = new Map<string, number>();
for (const r of summary.results) {
  const phase = /killed at \d+ ms \(([^)]+)\)/.exec(r.detail)?.[1];
  if (phase !== undefined) phases.set(phase, (phases.get(phase) ?? 0) + 1);
}
console.log(`crashes landed: ${[...phases].map(([p, n]) => `${p} ${n}`).join(", ")}`);
console.log(
  `crash trials: ${summary.trials} trials, ${summary.failures} failures, ${(summary.ms / 1000).toFixed(0)} s (seed ${seed})`,
);
process.exit(summary.failures > 0 ? 1 : 0);

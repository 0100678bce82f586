/**
 * `npm run test:sim [-- options]`: runs the simulation tests (scenarios, golden traces, swarm)
 * with mocha, passing the swarm settings through the environment, or prints failover metrics.
 *
 *   --seeds N        swarm budget (SIM_SEEDS, default 2000)
 *   --from N         first seed (SIM_SEED_FROM, default 1)
 *   --seed N         replay one swarm seed bit for bit, with its full trace on failure (SIM_SEED)
 *   --workers N      swarm worker processes (SIM_WORKERS, default: one per core)
 *   --only NAME      run only test/sim/NAME.test.ts (swarm, data-driven, golden, replay)
 *   --strict 0       only record the mixed-epoch tally quirk of Redis's exact tally (SIM_STRICT=0)
 *   --update-golden  rewrite golden traces (UPDATE_GOLDEN=1)
 *   --rewrite        write actual outputs into test/sim/scenarios/*.txt (REWRITE=1)
 *   --measure N      print failover time and split-vote rate for 3/5/7 sentinels over N seeds
 *   --measure-first N  the same for bench/failover.ts's set-up (down-after 1000, kill and
 *                    pause, first +switch-master)
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { realCore } from "./harness/core-factory.js";
import { LAN_PATH } from "./harness/fake-network.js";
import type { FailoverStats } from "./harness/measure.js";
import {
  measureFailover,
  measureFirstSwitch,
  summarize,
  summarizeFirstSwitch,
} from "./harness/measure.js";

function parseArgs(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (!arg.startsWith("--")) throw new Error(`unexpected argument ${arg}`);
    const key = arg.slice(2);
    if (key === "update-golden" || key === "rewrite") {
      out.set(key, "1");
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${arg} needs a value`);
    out.set(key, value);
    i++;
  }
  return out;
}

const HEADER = "sentinels runs no-switch split-rate p50-ms p90-ms p99-ms max-ms";

/** One row under HEADER: times rounded to the ms. */
function printRow(s: FailoverStats): void {
  const pct = `${(s.splitRate * 100).toFixed(1)}%`;
  console.log(
    [s.sentinels, s.runs, s.failed, pct, s.p50, s.p90, s.p99, s.max]
      .map((v) => (typeof v === "number" ? String(Math.round(v)) : v))
      .join(" "),
  );
}

function measure(runs: number): void {
  const paths = [
    ["LAN 0.1-1 ms", LAN_PATH],
    ["WAN 5-50 ms", { ...LAN_PATH, minDelay: 5, maxDelay: 50 }],
  ] as const;
  for (const [label, path] of paths) {
    console.log(
      `${label}, down-after 5000, failover-timeout 30000: kill master -> every sentinel switched`,
    );
    console.log(HEADER);
    for (const n of [3, 5, 7]) {
      const samples = Array.from({ length: runs }, (_, i) =>
        measureFailover(realCore, n, 10_000 + i, 30_000, path),
      );
      printRow(summarize(n, samples));
    }
  }
}

/** bench/failover.ts's set-up in virtual time: down-after 1000, first +switch-master. */
function measureFirst(runs: number): void {
  for (const fault of ["kill", "pause"] as const) {
    console.log(
      `LAN 0.1-1 ms, down-after 1000: ${fault} master -> first +switch-master (ms after the fault)`,
    );
    console.log(HEADER);
    for (const n of [3, 5, 7]) {
      const samples = Array.from({ length: runs }, (_, i) =>
        measureFirstSwitch(realCore, n, 10_000 + i, 1000, fault),
      );
      printRow(summarizeFirstSwitch(n, samples));
    }
  }
}

const args = parseArgs(process.argv.slice(2));
const measureRuns = args.get("measure");
const measureFirstRuns = args.get("measure-first");
if (measureRuns !== undefined || measureFirstRuns !== undefined) {
  if (measureRuns !== undefined) measure(Number(measureRuns));
  if (measureFirstRuns !== undefined) measureFirst(Number(measureFirstRuns));
} else {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const map: readonly (readonly [string, string])[] = [
    ["seeds", "SIM_SEEDS"],
    ["from", "SIM_SEED_FROM"],
    ["seed", "SIM_SEED"],
    ["workers", "SIM_WORKERS"],
    ["strict", "SIM_STRICT"],
    ["update-golden", "UPDATE_GOLDEN"],
    ["rewrite", "REWRITE"],
  ];
  for (const [flag, name] of map) {
    const value = args.get(flag);
    if (value !== undefined) env[name] = value;
  }
  const only = args.get("only");
  const spec = only === undefined ? "test/sim/**/*.test.ts" : `test/sim/${only}.test.ts`;
  const mocha = fileURLToPath(new URL("../../node_modules/mocha/bin/mocha.js", import.meta.url));
  const child = spawn(process.execPath, [mocha, spec], { env, stdio: "inherit" });
  child.on("exit", (code, signal) => {
    process.exitCode = code ?? (signal === null ? 1 : 1);
  });
}

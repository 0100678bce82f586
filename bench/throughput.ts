// Throughput benchmark: redis-benchmark against a sentinel's port (50 clients, pipeline 1 and
// 16) for PING, SENTINEL get-master-addr-by-name, SENTINEL master, SENTINEL replicas and INFO
// sentinel — requests per second for each implementation and the vigil/redis ratio. The
// sentinel monitors a real master with one replica; both sentinels run for the whole bench and
// their runs alternate. Each cell is the median of --repeat runs, with the min–max of requests
// per second. Beside requests per second it reports the sentinel's CPU time per request (user +
// system, from /proc), which depends much less than req/s on what else the machine is doing
// (redis-benchmark itself needs a core), and the machine's load average before and after.
//
// With --tls each sentinel listens on a plain port and a TLS port (tls-port beside port, the
// topology on TLS) and every cell is measured on both, so TLS and plain figures come from the
// same processes in the same run ("vigil+tls" is Vigil's TLS port).
//
// With --base <dist dir> a second Vigil build runs beside them ("base": a copy of another
// build's dist/ inside the repo, e.g. .ab/dist-base/, so its imports find node_modules), its runs
// alternating with the others': an A/B of two builds over the same minutes, vigil/base per cell.
// --commands (ping, gmabn, master, replicas, info) and --pipelines pick cells, for short runs.
//
//   tsx bench/throughput.ts [--impl redis|vigil|both] [--requests 100000] [--clients 50]
//                           [--repeat 3] [--tls] [--base <dist dir>]
//                           [--commands gmabn,ping] [--pipelines 1,16]
import { execFile } from "node:child_process";
import { loadavg } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "../test/e2e/harness/ports.js";
import type { TlsFiles } from "../test/e2e/harness/tls-files.js";
import { startTopology, type Topology } from "../test/e2e/harness/topology.js";
import { Args } from "./lib/args.js";
import { cpuSeconds } from "./lib/proc-stats.js";
import { printTable, ratio, round, summarize } from "./lib/stats.js";

const run = promisify(execFile);
const REDIS_BENCHMARK = process.env["REDIS_BENCHMARK_BIN"] ?? "redis-benchmark";

/** The measured commands, by the short name --commands takes. */
const COMMANDS: Readonly<Record<string, readonly string[]>> = {
  ping: ["PING"],
  gmabn: ["SENTINEL", "get-master-addr-by-name", "mymaster"],
  master: ["SENTINEL", "master", "mymaster"],
  replicas: ["SENTINEL", "replicas", "mymaster"],
  info: ["INFO", "sentinel"],
};
const PIPELINES = [1, 16] as const;

function commandsOf(args: Args): (readonly string[])[] {
  const names = args.string("commands", Object.keys(COMMANDS).join(",")).split(",");
  return names.map((name) => {
    const command = COMMANDS[name];
    if (command === undefined)
      throw new Error(`--commands wants ${Object.keys(COMMANDS).join(", ")}; got ${name}`);
    return command;
  });
}

interface Cell {
  /** The implementation, with "+tls" for its TLS port. */
  impl: string;
  command: string;
  pipeline: number;
  /** Median requests per second, with the slowest and fastest run. */
  rps: number;
  rpsMin: number;
  rpsMax: number;
  p50Ms: number;
  /** Sentinel CPU microseconds (user + system) per request. */
  cpuUs: number;
}

/** One redis-benchmark run; returns [requests/s, p50 ms] parsed from its --csv output. */
async function benchmark(
  port: number,
  command: readonly string[],
  pipeline: number,
  requests: number,
  clients: number,
  tls: TlsFiles | undefined,
): Promise<[number, number]> {
  const args = [
    ...(tls === undefined
      ? []
      : ["--tls", "--cacert", tls.caCert, "--cert", tls.cert, "--key", tls.key]),
    "-h",
    "127.0.0.1",
    "-p",
    String(port),
    "-c",
    String(clients),
    "-n",
    String(requests),
    "-P",
    String(pipeline),
    "--csv",
    ...command,
  ];
  const { stdout } = await run(REDIS_BENCHMARK, args, { timeout: 120_000, maxBuffer: 1 << 20 });
  const line = stdout
    .trim()
    .split("\n")
    .find((l) => !l.startsWith('"test"'));
  const cols = (line ?? "").split(",").map((c) => c.replaceAll('"', ""));
  const rps = Number(cols[1]);
  if (!Number.isFinite(rps) || rps <= 0)
    throw new Error(`could not read redis-benchmark output: ${stdout}`);
  return [rps, Number(cols[4])];
}

interface Target {
  readonly impl: string;
  readonly port: number;
  readonly pid: number;
  readonly tls: TlsFiles | undefined;
}

/** The bench's targets in a topology: its sentinel's port, and with TLS its TLS port too. */
function targetsOf(t: Topology, impl: string, plainPort: number | undefined): Target[] {
  const sentinel = t.sentinels[0];
  const pid = sentinel?.pid ?? 0;
  const port = sentinel?.port ?? 0;
  if (plainPort === undefined) return [{ impl, port, pid, tls: undefined }];
  return [
    { impl, port: plainPort, pid, tls: undefined },
    { impl: `${impl}+tls`, port, pid, tls: t.tls },
  ];
}

interface Samples {
  readonly rps: number[];
  readonly p50: number[];
  readonly cpu: number[];
}

/** A sentinel to measure: its label in the table, its implementation, and a Vigil's entry. */
interface Side {
  readonly label: string;
  readonly impl: "redis" | "vigil";
  readonly entry: string | undefined;
}

async function main(): Promise<void> {
  const args = new Args();
  const base = args.has("base") ? path.resolve(args.string("base", ""), "main.js") : undefined;
  const sides: Side[] = args.impls("both").map((impl) => ({ label: impl, impl, entry: undefined }));
  if (base !== undefined) sides.push({ label: "base", impl: "vigil", entry: base });
  const commands = commandsOf(args);
  const pipelines = args.intList("pipelines", PIPELINES);
  const requests = args.int("requests", 100_000);
  const clients = args.int("clients", 50);
  const repeat = args.int("repeat", 3);
  const withTls = args.has("tls");
  const cells: Cell[] = [];
  const loadBefore = loadavg().map((l) => round(l, 2));
  const labels = sides.flatMap(({ label }) => (withTls ? [label, `${label}+tls`] : [label]));
  // Both sentinels run for the whole bench and their runs alternate (redis, vigil, vigil,
  // redis, …): on a shared 2-core machine the load from elsewhere drifts over minutes, and
  // measuring one program after the other put all of a drift on one side of the ratio.
  const topologies = [];
  const targets: Target[] = [];
  try {
    for (const side of sides) {
      // With --tls: `port <plain>` after the TLS lines gives the sentinel both listeners.
      const plainPort = withTls ? await freePort() : undefined;
      const t = await startTopology({
        replicas: 1,
        sentinels: [side.impl],
        quorum: 1,
        tls: withTls,
        ...(plainPort === undefined ? {} : { sentinelConfig: [`port ${plainPort}`] }),
        ...(side.entry === undefined ? {} : { vigilEntry: side.entry }),
      });
      topologies.push(t);
      targets.push(...targetsOf(t, side.label, plainPort));
    }
    for (const command of commands) {
      for (const pipeline of pipelines) {
        const n = requests * (pipeline === 1 ? 1 : 4);
        const samples = new Map<string, Samples>();
        for (const target of targets) {
          samples.set(target.impl, { rps: [], p50: [], cpu: [] });
          // A discarded warm-up run first: a fresh Node process runs its first thousands of
          // requests unoptimized (the JIT has not compiled the hot path yet).
          await benchmark(
            target.port,
            command,
            pipeline,
            Math.max(10_000, Math.floor(n / 5)),
            clients,
            target.tls,
          );
        }
        for (let i = 0; i < repeat; i++) {
          const order = i % 2 === 0 ? targets : [...targets].reverse();
          for (const target of order) {
            const before = cpuSeconds(target.pid);
            const [r, p] = await benchmark(target.port, command, pipeline, n, clients, target.tls);
            const mine = samples.get(target.impl);
            mine?.cpu.push(((cpuSeconds(target.pid) - before) * 1e6) / n);
            mine?.rps.push(r);
            mine?.p50.push(p);
          }
        }
        for (const target of targets) {
          const mine = samples.get(target.impl);
          const rps = summarize(mine?.rps ?? []);
          const cell = {
            impl: target.impl,
            command: command.join(" "),
            pipeline,
            rps: round(rps?.median ?? 0),
            rpsMin: round(rps?.min ?? 0),
            rpsMax: round(rps?.max ?? 0),
            p50Ms: summarize(mine?.p50 ?? [])?.median ?? 0,
            cpuUs: round(summarize(mine?.cpu ?? [])?.median ?? 0, 2),
          };
          console.error(JSON.stringify(cell));
          cells.push(cell);
        }
      }
    }
  } finally {
    for (const topology of topologies) await topology.teardown();
  }
  const header = [
    "command",
    "-P",
    ...labels.map((i) => `${i} req/s`),
    ...labels.map((i) => `${i} p50 ms`),
    ...labels.map((i) => `${i} CPU µs/req`),
  ];
  const suffixes = withTls ? ["", "+tls"] : [""];
  // The ratios shown: each Vigil against redis, and this build against the base build.
  const has = (label: string): boolean => sides.some((s) => s.label === label);
  const pairs: [string, string][] = [];
  if (has("redis")) for (const v of ["vigil", "base"]) if (has(v)) pairs.push([v, "redis"]);
  if (has("vigil") && has("base")) pairs.push(["vigil", "base"]);
  for (const [a, b] of pairs) {
    for (const x of suffixes) header.push(`${a}${x}/${b}${x} req/s`, `${a}${x}/${b}${x} CPU`);
  }
  const ratios: Record<string, number | null> = {};
  const cpuRatios: Record<string, number | null> = {};
  const rows = commands.flatMap((command) =>
    pipelines.map((pipeline) => {
      const name = command.join(" ");
      const cell = (impl: string): Cell | undefined =>
        cells.find((c) => c.impl === impl && c.command === name && c.pipeline === pipeline);
      const mine = labels.map(cell);
      const row = [
        name,
        String(pipeline),
        ...mine.map((c) => (c === undefined ? "n/a" : `${c.rps} (${c.rpsMin}–${c.rpsMax})`)),
        ...mine.map((c) => String(c?.p50Ms ?? "n/a")),
        ...mine.map((c) => String(c?.cpuUs ?? "n/a")),
      ];
      for (const [a, b] of pairs) {
        for (const x of suffixes) {
          const [mineA, mineB] = [cell(`${a}${x}`), cell(`${b}${x}`)];
          const r = ratio(mineA?.rps, mineB?.rps);
          const c = ratio(mineA?.cpuUs, mineB?.cpuUs);
          // The JSON keeps its vigil/redis keys; other pairs are named.
          const key = `${name} -P ${pipeline}${x}${a === "vigil" && b === "redis" ? "" : ` ${a}/${b}`}`;
          ratios[key] = r;
          cpuRatios[key] = c;
          row.push(r === null ? "n/a" : String(r), c === null ? "n/a" : String(c));
        }
      }
      return row;
    }),
  );
  const loadAfter = loadavg().map((l) => round(l, 2));
  console.log(
    `\nredis-benchmark against the sentinel port: ${clients} clients, median of ${repeat} runs`,
  );
  console.log(`load average before ${loadBefore.join(" ")}, after ${loadAfter.join(" ")}`);
  printTable(header, rows);
  console.log(
    JSON.stringify({
      bench: "throughput",
      tls: withTls,
      clients,
      requests,
      repeat,
      loadBefore,
      loadAfter,
      results: cells,
      ratio: ratios,
      cpuRatio: cpuRatios,
    }),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

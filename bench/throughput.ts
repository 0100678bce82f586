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
//   tsx bench/throughput.ts [--impl redis|vigil|both] [--requests 100000] [--clients 50]
//                           [--repeat 3] [--tls]
import { execFile } from "node:child_process";
import { loadavg } from "node:os";
import { promisify } from "node:util";
import { freePort } from "../test/e2e/harness/ports.js";
import type { TlsFiles } from "../test/e2e/harness/tls-files.js";
import { startTopology, type Topology } from "../test/e2e/harness/topology.js";
import { Args } from "./lib/args.js";
import { cpuSeconds } from "./lib/proc-stats.js";
import { printTable, ratio, round, summarize } from "./lib/stats.js";

const run = promisify(execFile);
const REDIS_BENCHMARK = process.env["REDIS_BENCHMARK_BIN"] ?? "redis-benchmark";

const COMMANDS: readonly (readonly string[])[] = [
  ["PING"],
  ["SENTINEL", "get-master-addr-by-name", "mymaster"],
  ["SENTINEL", "master", "mymaster"],
  ["SENTINEL", "replicas", "mymaster"],
  ["INFO", "sentinel"],
];
const PIPELINES = [1, 16] as const;

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

async function main(): Promise<void> {
  const args = new Args();
  const impls = args.impls("both");
  const requests = args.int("requests", 100_000);
  const clients = args.int("clients", 50);
  const repeat = args.int("repeat", 3);
  const withTls = args.has("tls");
  const cells: Cell[] = [];
  const loadBefore = loadavg().map((l) => round(l, 2));
  const labels = impls.flatMap((impl) => (withTls ? [impl, `${impl}+tls`] : [impl]));
  // Both sentinels run for the whole bench and their runs alternate (redis, vigil, vigil,
  // redis, …): on a shared 2-core machine the load from elsewhere drifts over minutes, and
  // measuring one program after the other put all of a drift on one side of the ratio.
  const topologies = [];
  const targets: Target[] = [];
  try {
    for (const impl of impls) {
      // With --tls: `port <plain>` after the TLS lines gives the sentinel both listeners.
      const plainPort = withTls ? await freePort() : undefined;
      const t = await startTopology({
        replicas: 1,
        sentinels: [impl],
        quorum: 1,
        tls: withTls,
        ...(plainPort === undefined ? {} : { sentinelConfig: [`port ${plainPort}`] }),
      });
      topologies.push(t);
      targets.push(...targetsOf(t, impl, plainPort));
    }
    for (const command of COMMANDS) {
      for (const pipeline of PIPELINES) {
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
  if (impls.length === 2) {
    for (const x of suffixes) header.push(`vigil${x}/redis${x} req/s`, `vigil${x}/redis${x} CPU`);
  }
  const ratios: Record<string, number | null> = {};
  const cpuRatios: Record<string, number | null> = {};
  const rows = COMMANDS.flatMap((command) =>
    PIPELINES.map((pipeline) => {
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
      if (impls.length === 2) {
        for (const x of suffixes) {
          const [vigil, redis] = [cell(`vigil${x}`), cell(`redis${x}`)];
          const r = ratio(vigil?.rps, redis?.rps);
          const c = ratio(vigil?.cpuUs, redis?.cpuUs);
          ratios[`${name} -P ${pipeline}${x}`] = r;
          cpuRatios[`${name} -P ${pipeline}${x}`] = c;
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

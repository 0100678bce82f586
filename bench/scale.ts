// Scale benchmark: one sentinel monitoring 1, 100 and 1000 masters, each with one replica.
// Masters are real redis-servers (small: --hz 1, no persistence); replicas are cheap
// FakeReplica instances in this process that replicate from their master for real (so the
// master lists them and the sentinel discovers them through INFO) and answer the sentinel.
// For each size and implementation we measure: time until the sentinel reports every master
// status=ok with its replica, then — after a warm-up — CPU seconds per minute (/proc/<pid>/stat),
// peak RSS (VmHWM), established TCP connections, and for Vigil the event-loop lag p99 if its
// INFO exposes it (field `event_loop_lag_p99_ms`, see lagP99 below). The default run is short
// (1 and 100 masters); the full one is `--sizes 1,100,1000` (about 3 minutes per implementation).
//
//   tsx bench/scale.ts [--impl redis|vigil|both] [--sizes 1,100] [--duration 15]
//                      [--warmup 5]
import { RedisProcess } from "../test/e2e/harness/redis-process.js";
import { freePort } from "../test/e2e/harness/ports.js";
import {
  SentinelProcess,
  type MonitorSpec,
  type SentinelImpl,
} from "../test/e2e/harness/sentinel-process.js";
import { delay, waitFor } from "../test/e2e/harness/wait-for.js";
import { Args } from "./lib/args.js";
import { FakeReplica } from "./lib/fake-replica.js";
import { cpuSeconds, establishedTcp, peakRssMiB } from "./lib/proc-stats.js";
import { printTable, ratio, round } from "./lib/stats.js";

interface Farm {
  masters: RedisProcess[];
  replicas: FakeReplica[];
}

interface ScaleResult {
  size: number;
  impl: SentinelImpl;
  discoveryMs: number;
  cpuSecondsPerMinute: number;
  peakRssMiB: number;
  tcpConnections: number;
  lagP99Ms: number | null;
}

async function inBatches<T>(
  count: number,
  batch: number,
  make: (i: number) => Promise<T>,
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    out.push(...(await Promise.all(Array.from({ length: n }, (_, k) => make(i + k)))));
  }
  return out;
}

async function startFarm(size: number): Promise<Farm> {
  const farm: Farm = { masters: [], replicas: [] };
  try {
    farm.masters = await inBatches(size, 50, () =>
      RedisProcess.start({
        extraArgs: ["--hz", "1", "--maxclients", "64"],
        readyTimeoutMs: 30_000,
      }),
    );
    farm.replicas = await inBatches(size, 100, async (i) =>
      FakeReplica.start(await freePort(), farm.masters[i]?.port ?? 0),
    );
    await waitFor(
      `${size} fake replicas to finish their initial sync`,
      () => farm.replicas.every((r) => r.synced),
      {
        timeoutMs: 30_000 + size * 20,
        intervalMs: 100,
      },
    );
  } catch (error: unknown) {
    await stopFarm(farm);
    throw error;
  }
  return farm;
}

async function stopFarm(farm: Farm): Promise<void> {
  for (const replica of farm.replicas) replica.close();
  await inBatches(farm.masters.length, 100, (i) => farm.masters[i]?.cleanup() ?? Promise.resolve());
}

/**
 * Hook for Vigil's event-loop lag: reads `event_loop_lag_p99_ms` from INFO if the sentinel
 * exposes it (redis-sentinel does not: null).
 */
async function lagP99(sentinel: SentinelProcess): Promise<number | null> {
  const info = await sentinel.info("all");
  const value = info.get("event_loop_lag_p99_ms");
  return value === undefined ? null : Number(value);
}

/** Every master in INFO sentinel is status=ok with slaves=1. */
async function allMastersHealthy(sentinel: SentinelProcess, size: number): Promise<boolean> {
  const info = await sentinel.info("sentinel");
  let healthy = 0;
  for (const [key, value] of info) {
    if (key.startsWith("master") && value.includes("status=ok,") && value.includes(",slaves=1,"))
      healthy++;
  }
  if (healthy === size) return true;
  throw new Error(`${healthy}/${size} masters status=ok with 1 replica`);
}

async function measure(
  impl: SentinelImpl,
  farm: Farm,
  durationS: number,
  warmupS: number,
): Promise<ScaleResult> {
  const size = farm.masters.length;
  const monitors: MonitorSpec[] = farm.masters.map((m, i) => ({
    name: `master-${i}`,
    port: m.port,
    quorum: 1,
  }));
  const startedAt = performance.now();
  const sentinel = await SentinelProcess.start({ impl, monitors, readyTimeoutMs: 30_000 });
  try {
    await waitFor(
      `sentinel to see all ${size} masters healthy`,
      () => allMastersHealthy(sentinel, size),
      {
        timeoutMs: 60_000 + size * 60,
        intervalMs: 200,
      },
    );
    const discoveryMs = performance.now() - startedAt;
    const pid = sentinel.pid ?? 0;
    await delay(warmupS * 1_000);
    const cpuBefore = cpuSeconds(pid);
    const t0 = performance.now();
    await delay(durationS * 1_000);
    const elapsedS = (performance.now() - t0) / 1_000;
    const cpu = cpuSeconds(pid) - cpuBefore;
    return {
      size,
      impl,
      discoveryMs: round(discoveryMs),
      cpuSecondsPerMinute: round((cpu / elapsedS) * 60, 2),
      peakRssMiB: round(peakRssMiB(pid), 1),
      tcpConnections: establishedTcp(pid),
      lagP99Ms: await lagP99(sentinel),
    };
  } finally {
    await sentinel.cleanup();
  }
}

async function main(): Promise<void> {
  const args = new Args();
  const impls = args.impls("both");
  const sizes = args.intList("sizes", [1, 100]);
  const durationS = args.int("duration", 15);
  const warmupS = args.int("warmup", 5);
  const results: ScaleResult[] = [];
  for (const size of sizes) {
    console.error(`starting ${size} masters with one replica each…`);
    const farm = await startFarm(size);
    try {
      for (const impl of impls) {
        const result = await measure(impl, farm, durationS, warmupS);
        console.error(JSON.stringify(result));
        results.push(result);
      }
    } finally {
      await stopFarm(farm);
    }
  }
  const header = [
    "masters",
    "impl",
    "discovery ms",
    "CPU s/min",
    "peak RSS MiB",
    "TCP conns",
    "lag p99 ms",
  ];
  const rows = results.map((r) => [
    String(r.size),
    r.impl,
    String(r.discoveryMs),
    String(r.cpuSecondsPerMinute),
    String(r.peakRssMiB),
    String(r.tcpConnections),
    r.lagP99Ms === null ? "n/a" : String(r.lagP99Ms),
  ]);
  const ratios: Record<string, Record<string, number | null>> = {};
  if (impls.length === 2) {
    for (const size of sizes) {
      const v = results.find((r) => r.size === size && r.impl === "vigil");
      const r = results.find((x) => x.size === size && x.impl === "redis");
      const entry = {
        discoveryMs: ratio(v?.discoveryMs, r?.discoveryMs),
        cpuSecondsPerMinute: ratio(v?.cpuSecondsPerMinute, r?.cpuSecondsPerMinute),
        peakRssMiB: ratio(v?.peakRssMiB, r?.peakRssMiB),
        tcpConnections: ratio(v?.tcpConnections, r?.tcpConnections),
      };
      ratios[String(size)] = entry;
      rows.push([
        String(size),
        "vigil/redis",
        ...Object.values(entry).map((x) => (x === null ? "n/a" : String(x))),
        "",
      ]);
    }
  }
  console.log(
    `\nOne sentinel, N masters with one replica each; ${durationS} s window after ${warmupS} s warm-up`,
  );
  printTable(header, rows);
  console.log(JSON.stringify({ bench: "scale", durationS, warmupS, results, ratio: ratios }));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

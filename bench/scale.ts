// Scale benchmark: 1 or more sentinels of one implementation monitoring 1, 100 or 1000 masters,
// each with one replica. master-0 and its replica are real redis-servers (small: --hz 1, no
// persistence); the other masters are real redis-servers each with a cheap FakeReplica in this
// process that replicates from it for real, or, with --farm fake, FakeMaster pairs served by two
// worker processes (bench/lib/scale-farm.ts).
// With N sentinels (quorum 2 when N ≥ 2, else 1) all N monitor every master. For each size, N
// and implementation we measure: time until every sentinel reports every master status=ok with
// its replica and the N-1 other sentinels; then — after a warm-up — per sentinel CPU seconds per
// minute (/proc/<pid>/stat), peak RSS (VmHWM), established TCP connections, and for Vigil the
// event-loop lag p50, p99 and max of the window (from INFO's cumulative `event_loop_lag_histogram`
// read at its start and end; the max as the bound of its histogram bucket), reported as the median (min–max) over the N sentinels, plus the CPU
// summed over them. Then one real failover while all other masters stay monitored: master-0
// (down-after-milliseconds --down-after, default 1000 ms, set with SENTINEL SET just before; the
// others keep the 30 s default) is SIGKILLed, and we time the first +switch-master on any
// sentinel and the moment every sentinel answers the replica's address (a failover that does
// not finish within --failover-wait seconds is reported as TIMEOUT). Prints one table (with
// vigil/redis ratio rows when both run) and a one-line JSON summary; ratios are keyed
// "<masters>x<sentinels>".
//
// Defaults are short (1 and 100 masters, 1 sentinel). Issue #6's sizes are
// `--sizes 1,100,1000 --sentinels 1,3`; `--sizes 1000 --sentinels 3` alone took about 3 min for
// both implementations on 2 cores (redis-sentinel needs ~95 s there to discover its 2 peers:
// it rewrites and fsyncs its config for each peer on each master). The machine must allow
// ~2 × masters × (1 + sentinels) open files (checked at start); masters get --maxclients 64,
// enough for 2 links from each of up to 24 sentinels. Every process started is killed by pid
// and every temp dir removed, also on error or Ctrl-C (bench/lib/exit-cleanup.ts).
//
//   tsx bench/scale.ts [--impl redis|vigil|both] [--sizes 1,100] [--sentinels 1[,3]]
//                      [--duration 30] [--warmup 15] [--down-after 1000] [--failover-wait 60]
//                      [--skip-failover] [--rounds 1] [--farm-policy auto|idle|nice|normal]
//                      [--seed auto|yes|no] [--farm auto|real|fake] [--fake-replicas yes|no]
//                      [--healthy-wait 0] [--sentinel-policy normal|session|rt]
//                      [--metrics off|on|ab] [--scrape 5] [--redis-maxclients auto|default|N]
//                      [--keep-logs DIR]
//
// --metrics on starts every Vigil sentinel with `metrics-port` and scrapes its /metrics every
// --scrape seconds (default 5, as Prometheus would) from warm-up to the end of the window; ab
// measures Vigil both ways in each round, alternating which goes first, so that the cost of
// the endpoint is read on the same farm and the same loaded machine (row `vigil+metrics`).
//
// --farm fake serves masters 1…size-1 and their replicas from two worker processes
// (bench/lib/fake-master.ts) instead of a redis-server per master; master-0 and its replica stay
// real. auto (the default) does so with two or more sentinels: three sentinels kept a thousand
// redis-servers so busy that they alone filled both CPUs of a 2-core machine.
//
// --fake-replicas no: the fake masters have no replica (master-0 keeps its real one), so a
// sentinel holds 2 descriptors per master instead of 4. Where the hard open-file limit cannot be
// raised (a container's 20,000), that is what lets one sentinel monitor 9,980 masters, the most
// that limit allows: 2 × 9,981 links (the masters and master-0's replica) + the sentinel's own
// 22 descriptors (Vigil; redis-sentinel 10) + the bench's clients and a config rewrite's temp
// file (fd-limit.ts: sentinelFds). The fake masters listen on 127.0.0.2, 127.0.0.3, … (ports
// 20000–31999 on each), and are spread over as many workers as their descriptors need
// (scale-farm.ts). A request makes a worker next to no garbage (fake-resp.ts reads commands as
// spans, replies are buffers made once): at 9,980 masters the farm used ~20 s of CPU per minute
// in all (column "farm CPU s/min"), two thirds of it system time, beside a sentinel's ~25.
// redis-sentinel polls descriptors below maxclients + 128 only (10,128 by default): with
// --redis-maxclients auto (the default) it is started with `maxclients` (the limit less 32)
// where its links need more; `default` leaves it at 10,000, a number sets it.
// The "+tilt" column counts each sentinel's `+tilt` log lines from its start to the end of the
// failover.
// --healthy-wait S bounds the wait until every master is healthy (default: 60 s + 60 ms per
// master and sentinel); one that does not get there fails its row with its progress.
//
// --seed yes starts every sentinel with a config that already names each master's replica and
// the other sentinels (`myid`, `known-replica`, `known-sentinel`), as after a restart of a
// deployment that has run before; the first column then times the reconnect, not discovery.
// auto (the default) seeds with two or more sentinels: without it redis-sentinel rewrites and
// fsyncs its 1000-master config for every peer it discovers on every master (2000 times for
// 3 sentinels) and, on a slow disk, did not answer PING within 240 s.
//
// With one sentinel (--farm-policy auto, the default, when every --sentinels count is 1; or
// idle) the farm (this process and the redis-servers it starts) runs under SCHED_IDLE and the
// sentinels under SCHED_OTHER (bench/lib/farm-policy.ts; normal: all alike), so a sentinel does
// not wait for a CPU behind a thousand redis-servers on 2 cores (nice: the farm at nice 10, the
// sentinels at 0 — on a machine loaded by others an idle farm starved past down-after and its
// masters went down); the "CPU wait" column is the
// time each sentinel still waited for one (ms per second). This process returns to SCHED_OTHER
// while it times the failover, so that its event subscribers are not the ones late. The
// "wake-ups/s" column counts how often each sentinel's main thread was woken (its voluntary
// context switches, bench/lib/proc-stats.ts: issue #18's idle wake-ups).
//
// --sentinel-policy rt starts every sentinel under SCHED_FIFO (farm-policy.ts: REALTIME_LAUNCHER),
// whatever the farm's policy: on a 2-core machine loaded by other work (load 10-15), a sentinel
// at nice 0 waited for a CPU for longer than it ran, and its lag p99 (60-80 ms at 1000 masters)
// measured the machine. Under rt the lag is the program's own: its longest batches and GC pauses.
// It also wakes at every reply instead of after a wait for a CPU that gathered many: both
// implementations read fewer replies per wake-up and their CPU rises (redis-sentinel's 8 → 23 s
// per minute at 1000 masters), so CPU ratios are read without it. rt is for one sentinel: three
// real-time sentinels discovering 1000 masters took both CPUs and starved the farm. session
// starts each sentinel in a session of its own (OWN_SESSION_LAUNCHER): with autogroup scheduling
// it has a CPU share of its own instead of sharing the bench's with the farm.
//
// --rounds N measures each implementation N times on the same farm, alternating which goes
// first, and reports the rounds combined: on this 2-core machine one CPU window moves by
// ±0.2× from run to run at 1000 masters, so a ratio worth quoting needs several.
import type { MonitorSpec, SentinelImpl } from "../test/e2e/harness/sentinel-process.js";
import { freePorts } from "../test/e2e/harness/ports.js";
import type { MetricsMode, Variant } from "./lib/scale-metrics.js";
import { label, metricsRatioRows, startScraper, variantsOf } from "./lib/scale-metrics.js";
import { delay } from "../test/e2e/harness/wait-for.js";
import { Args } from "./lib/args.js";
import { checkFdLimit, maxClientsOption, redisMaxClients, softFdLimit } from "./lib/fd-limit.js";
import {
  checkSentinelPolicy,
  FARM_NICE,
  sentinelLauncher,
  setNice,
  setPolicy,
  type SentinelPolicy,
} from "./lib/farm-policy.js";
import { failoverMaster0 } from "./lib/scale-failover.js";
import * as proc from "./lib/proc-stats.js";
import {
  farmIdle,
  fakeMasters,
  readyMaster0,
  startFarm,
  stopFarm,
  type Farm,
} from "./lib/scale-farm.js";
import { SentinelGroup } from "./lib/sentinel-group.js";
import { printTable, ratio, round } from "./lib/stats.js";
import {
  cell,
  combine,
  failoverCell,
  failoverValue,
  lagFigures,
  spread,
  type ScaleResult,
} from "./lib/scale-result.js";

interface Options {
  durationS: number;
  warmupS: number;
  downAfterMs: number;
  failoverWaitS: number;
  skipFailover: boolean;
  /** The farm runs under SCHED_IDLE (farm-policy.ts), the sentinels under SCHED_OTHER. */
  farmIdle: boolean;
  /** --farm-policy nice: the farm at nice FARM_NICE, the sentinels at 0 (farm-policy.ts). */
  farmNice: boolean;
  /**
   * --sentinel-policy: rt, the sentinels under SCHED_FIFO (farm-policy.ts: REALTIME_LAUNCHER);
   * session, each in a session (autogroup) of its own (OWN_SESSION_LAUNCHER).
   */
  sentinelPolicy: SentinelPolicy;
  /** --seed: auto (with 2 or more sentinels), yes or no. */
  seed: "auto" | "yes" | "no";
  /** Masters 1…size-1 are FakeMaster pairs (scale-farm.ts). */
  fakeMasters: boolean;
  /** --fake-replicas no: the fake masters have no replica (master-0 keeps its real one). */
  fakeReplicas: boolean;
  /** --healthy-wait: the bound on the wait until every master is healthy (s; 0: by size). */
  healthyWaitS: number;
  /** --redis-maxclients: auto (raised where links need it: fd-limit.ts), default, or a number. */
  redisMaxClients: "auto" | "default" | number;
  /** --metrics: Vigil without, with, or both ways (the HTTP endpoint's cost). */
  metrics: MetricsMode;
  scrapeS: number;
  /** A directory to copy every sentinel's log into before its temp dir goes ("" = none). */
  keepLogs: string;
}

async function measure(
  variant: Variant,
  count: number,
  farm: Farm,
  options: Options,
): Promise<ScaleResult> {
  const impl = variant.impl;
  const metricsPorts = variant.metrics ? await freePorts(count) : [];
  const size = farm.masterPorts.length;
  const monitors: MonitorSpec[] = farm.masterPorts.map((port, i) => ({
    name: `master-${i}`,
    host: farm.hosts[i] ?? "127.0.0.1",
    port,
    quorum: count >= 2 ? 2 : 1,
  }));
  await readyMaster0(farm);
  // master-0 and its replica are what the failover measures: they run like the sentinels.
  if (options.farmIdle || options.farmNice) {
    for (const redis of [farm.masters[0], farm.replica0]) {
      if (redis?.pid === undefined) continue;
      if (options.farmIdle) setPolicy(redis.pid, "other");
      else setNice(redis.pid, 0);
    }
  }
  const seeded = options.seed === "yes" || (options.seed === "auto" && count >= 2);
  const maxClients =
    impl === "redis"
      ? redisMaxClients(
          options.redisMaxClients,
          size,
          count,
          options.fakeMasters,
          options.fakeReplicas,
        )
      : null;
  if (maxClients !== null) console.error(`redis-sentinel: maxclients ${maxClients}`);
  const replicaPorts = farm.replicaPorts;
  const startedAt = performance.now();
  const boundMs =
    options.healthyWaitS > 0 ? options.healthyWaitS * 1_000 : 60_000 + size * 60 * count;
  const group = await SentinelGroup.start(
    impl,
    count,
    monitors,
    boundMs,
    sentinelLauncher(options.sentinelPolicy, options.farmIdle, options.farmNice),
    seeded ? { replicaPorts, hosts: farm.hosts } : undefined,
    (i) => [
      ...(variant.metrics ? [`metrics-port ${metricsPorts[i] ?? 0}`] : []),
      ...(maxClients === null ? [] : [`maxclients ${maxClients}`]),
    ],
  );
  let scraper: { stop(): number } | null = null;
  try {
    await group.waitHealthy(size, boundMs, farm.replicaPorts.length);
    const discoveryMs = performance.now() - startedAt;
    const pids = group.pids;
    if (variant.metrics) scraper = startScraper(metricsPorts, options.scrapeS);
    await delay(options.warmupS * 1_000);
    const lagBefore = await group.lagHistograms();
    const cpuRate = proc.rateSince(pids, proc.cpuSeconds);
    const waitRate = proc.rateSince(pids, proc.runQueueWaitSeconds);
    const wakeRate = proc.rateSince(pids, proc.mainThreadWakeups);
    const farmPids = farm.workers.flatMap((w) => (w.pid === undefined ? [] : [w.pid]));
    const farmRate = proc.rateSince(farmPids, proc.cpuSeconds);
    const t0 = performance.now();
    await delay(options.durationS * 1_000);
    const elapsedS = (performance.now() - t0) / 1_000;
    const cpu = cpuRate(elapsedS).map((s) => s * 60);
    const waits = waitRate(elapsedS).map((s) => s * 1_000);
    const wakeups = wakeRate(elapsedS);
    const farmCpu = farmRate(elapsedS).reduce((a, b) => a + b, 0) * 60;
    const cpuPerSentinel = spread(cpu, 2);
    // The lag of this window only, not of the discovery before it.
    const lagAfter = await group.lagHistograms();
    const scrapes = scraper?.stop();
    scraper = null;
    const result: ScaleResult = {
      size,
      sentinels: count,
      impl,
      ...(variant.metrics ? { metrics: true, scrapes: scrapes ?? 0 } : {}),
      seeded,
      discoveryMs: round(discoveryMs),
      cpuSecondsPerMinute: cpuPerSentinel,
      cpuSecondsPerMinuteSum: round(
        cpu.reduce((a, b) => a + b, 0),
        2,
      ),
      cpuMsPerMinutePerMaster: round((cpuPerSentinel.median * 1_000) / size, 3),
      peakRssMiB: spread(pids.map(proc.peakRssMiB), 1),
      tcpConnections: spread(pids.map(proc.establishedTcp), 0),
      ...lagFigures(lagBefore, lagAfter),
      runQueueWaitMsPerS: spread(waits, 1),
      wakeupsPerS: spread(wakeups, 1),
      farmCpuSecondsPerMinute: round(farmCpu, 2),
      tiltEvents: spread([], 0),
      failover: null,
      wallS: 0,
    };
    if (!options.skipFailover) {
      // The failover is timed by this process's event subscribers: under SCHED_IDLE they would
      // see the events only once the sentinels leave a CPU free, so they run normally meanwhile.
      if (options.farmIdle) setPolicy(process.pid, "other");
      if (options.farmNice) setNice(process.pid, 0);
      try {
        result.failover = await failoverMaster0(
          group,
          farm,
          options.downAfterMs,
          options.failoverWaitS,
        );
      } finally {
        if (options.farmIdle) setPolicy(process.pid, "idle");
        if (options.farmNice) setNice(process.pid, FARM_NICE);
      }
    }
    result.tiltEvents = spread(group.tiltCounts(), 0);
    result.wallS = round((performance.now() - startedAt) / 1_000, 1);
    return result;
  } finally {
    scraper?.stop();
    if (options.keepLogs !== "") group.keepLogs(options.keepLogs);
    await group.cleanup();
  }
}

async function main(): Promise<number> {
  const args = new Args();
  const impls = args.impls("both");
  const sizes = args.intList("sizes", [1, 100]);
  const counts = args.intList("sentinels", [1]);
  const farmPolicy = args.choice("farm-policy", ["auto", "idle", "nice", "normal"]);
  const options: Options = {
    durationS: args.int("duration", 30),
    warmupS: args.int("warmup", 15),
    downAfterMs: args.int("down-after", 1_000),
    failoverWaitS: args.int("failover-wait", 60),
    skipFailover: args.has("skip-failover"),
    farmIdle: farmIdle(farmPolicy, counts),
    farmNice: farmPolicy === "nice",
    sentinelPolicy: args.choice("sentinel-policy", ["normal", "session", "rt"]),
    seed: args.choice("seed", ["auto", "yes", "no"]),
    fakeMasters: fakeMasters(args.choice("farm", ["auto", "real", "fake"]), counts),
    fakeReplicas: args.choice("fake-replicas", ["yes", "no"]) === "yes",
    healthyWaitS: args.int("healthy-wait", 0),
    redisMaxClients: maxClientsOption(args.string("redis-maxclients", "auto")),
    metrics: args.choice("metrics", ["off", "on", "ab"]),
    scrapeS: args.int("scrape", 5),
    keepLogs: args.string("keep-logs", ""),
  };
  const variants = variantsOf(impls, options.metrics);
  if (options.farmIdle) setPolicy(process.pid, "idle");
  if (options.farmNice) setNice(process.pid, FARM_NICE);
  const maxSentinels = Math.max(...counts);
  checkSentinelPolicy(options.sentinelPolicy, maxSentinels);
  checkFdLimit(Math.max(...sizes), maxSentinels, options.fakeMasters, options.fakeReplicas);
  const rounds = args.int("rounds", 1);
  if (rounds < 1) throw new Error("--rounds must be at least 1");
  /** One per implementation, size and sentinel count: the rounds combined. */
  const results: ScaleResult[] = [];
  /** Every round's own result, for the JSON summary. */
  const perRound: ScaleResult[] = [];
  const failures: {
    size: number;
    sentinels: number;
    impl: SentinelImpl;
    round: number;
    detail: string;
  }[] = [];
  const farmStartS: Record<string, number> = {};
  const benchStart = performance.now();
  for (const size of sizes) {
    console.error(`starting ${size} masters with one replica each…`);
    const farmStartedAt = performance.now();
    const farm = await startFarm(
      size,
      maxSentinels,
      options.fakeMasters,
      options.fakeReplicas,
      softFdLimit(),
    );
    farmStartS[String(size)] = round((performance.now() - farmStartedAt) / 1_000, 1);
    console.error(`farm of ${size} ready in ${farmStartS[String(size)]} s`);
    try {
      for (const count of counts) {
        const measured: ScaleResult[] = [];
        for (let round = 0; round < rounds; round++) {
          // Alternate which implementation goes first, so drift in the machine's speed over
          // the run does not favour one of them.
          const order = round % 2 === 0 ? variants : [...variants].reverse();
          for (const variant of order) {
            const impl = variant.impl;
            console.error(
              `measuring ${label(variant)} × ${count} sentinel(s) on ${size} masters (round ${round + 1}/${rounds})…`,
            );
            try {
              const result = await measure(variant, count, farm, options);
              console.error(JSON.stringify(result));
              measured.push(result);
            } catch (error: unknown) {
              // One implementation failing a size (redis-sentinel not answering PING while it
              // fsyncs its config for every peer it discovers) must not lose the other's figures.
              const detail = error instanceof Error ? error.message : String(error);
              console.error(`${impl} × ${count} on ${size} masters failed: ${detail}`);
              failures.push({ size, sentinels: count, impl, round: round + 1, detail });
            }
          }
        }
        perRound.push(...measured);
        for (const variant of variants) {
          const mine = measured.filter(
            (r) => r.impl === variant.impl && (r.metrics ?? false) === variant.metrics,
          );
          if (mine.length > 0) results.push(combine(mine));
        }
      }
    } finally {
      await stopFarm(farm);
    }
  }
  const header = [
    "masters",
    "sentinels",
    "impl",
    "discovery ms",
    "CPU s/min per sentinel",
    "CPU s/min sum",
    "CPU ms/min per master",
    "peak RSS MiB",
    "TCP conns",
    "lag p50 ms",
    "lag p99 ms",
    "lag max ≤ ms",
    "CPU wait ms/s",
    "wake-ups/s",
    "farm CPU s/min",
    "+tilt",
    "+switch-master ms",
    "all answer ms",
  ];
  const rows = results.map((r) => [
    String(r.size),
    String(r.sentinels),
    label({ impl: r.impl, metrics: r.metrics ?? false }),
    `${r.discoveryMs}${r.seeded ? " (seeded)" : ""}`,
    cell(r.cpuSecondsPerMinute),
    String(r.cpuSecondsPerMinuteSum),
    String(r.cpuMsPerMinutePerMaster),
    cell(r.peakRssMiB),
    cell(r.tcpConnections),
    cell(r.lagP50Ms),
    cell(r.lagP99Ms),
    cell(r.lagMaxMs),
    cell(r.runQueueWaitMsPerS),
    cell(r.wakeupsPerS),
    String(r.farmCpuSecondsPerMinute),
    cell(r.tiltEvents),
    failoverCell(r, "switchMs"),
    failoverCell(r, "allAnswerMs"),
  ]);
  const ratios: Record<string, Record<string, number | null>> = {};
  if (options.metrics === "ab") metricsRatioRows(results, sizes, counts, rows, ratios);
  if (impls.length === 2) {
    for (const size of sizes) {
      for (const count of counts) {
        const find = (impl: SentinelImpl): ScaleResult | undefined =>
          results.find((x) => x.size === size && x.sentinels === count && x.impl === impl);
        const v = find("vigil");
        const r = find("redis");
        const entry = {
          discoveryMs: ratio(v?.discoveryMs, r?.discoveryMs),
          cpuSecondsPerMinute: ratio(v?.cpuSecondsPerMinute.median, r?.cpuSecondsPerMinute.median),
          cpuSecondsPerMinuteSum: ratio(v?.cpuSecondsPerMinuteSum, r?.cpuSecondsPerMinuteSum),
          cpuMsPerMinutePerMaster: ratio(v?.cpuMsPerMinutePerMaster, r?.cpuMsPerMinutePerMaster),
          peakRssMiB: ratio(v?.peakRssMiB.median, r?.peakRssMiB.median),
          tcpConnections: ratio(v?.tcpConnections.median, r?.tcpConnections.median),
          wakeupsPerS: ratio(v?.wakeupsPerS.median, r?.wakeupsPerS.median),
          failoverSwitchMs: ratio(failoverValue(v, "switchMs"), failoverValue(r, "switchMs")),
          failoverAllAnswerMs: ratio(
            failoverValue(v, "allAnswerMs"),
            failoverValue(r, "allAnswerMs"),
          ),
        };
        ratios[`${size}x${count}`] = entry;
        const show = (x: number | null): string => (x === null ? "n/a" : String(x));
        rows.push([
          String(size),
          String(count),
          "vigil/redis",
          show(entry.discoveryMs),
          show(entry.cpuSecondsPerMinute),
          show(entry.cpuSecondsPerMinuteSum),
          show(entry.cpuMsPerMinutePerMaster),
          show(entry.peakRssMiB),
          show(entry.tcpConnections),
          ...Array<string>(4).fill(""), // the lag and CPU wait columns
          show(entry.wakeupsPerS),
          "", // farm CPU
          "", // +tilt
          show(entry.failoverSwitchMs),
          show(entry.failoverAllAnswerMs),
        ]);
      }
    }
  }
  const totalS = round((performance.now() - benchStart) / 1_000, 1);
  console.log(
    `\nN sentinels, each monitoring every master (one replica each); ${rounds} round(s) per row, implementations alternating; ${options.durationS} s window after ${options.warmupS} s warm-up; per-sentinel values are median (min–max) over the N sentinels of every round; other values the median over the rounds;` +
      ` failover: SIGKILL of master-0 (down-after ${options.downAfterMs} ms), ms to the first +switch-master and to every sentinel answering the new address`,
  );
  printTable(header, rows);
  for (const f of failures) {
    console.log(
      `FAILED: ${f.impl} × ${f.sentinels} on ${f.size} masters, round ${f.round}: ${f.detail.split("\n")[0] ?? ""}`,
    );
  }
  console.log(
    JSON.stringify({
      bench: "scale",
      ...options,
      rounds,
      sizes,
      sentinels: counts,
      farmStartS,
      totalS,
      results,
      perRound,
      failures,
      ratio: ratios,
    }),
  );
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

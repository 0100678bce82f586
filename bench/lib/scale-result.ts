// The scale benchmark's result for one implementation, size and sentinel count, and how its
// rounds combine: per-sentinel readings pooled over the rounds, per-round figures as medians.
import type { SentinelImpl } from "../../test/e2e/harness/sentinel-process.js";
import type { FailoverTiming } from "./failover-probe.js";
import { round, summarize } from "./stats.js";
import {
  LAG_BOUNDS_MS,
  lagBetween,
  lagQuantile,
  type LagSnapshot,
} from "../../src/commands/lag-histogram.js";

export interface Spread {
  median: number;
  min: number;
  max: number;
  values: number[];
}

export interface ScaleResult {
  size: number;
  sentinels: number;
  impl: SentinelImpl;
  /** Vigil with metrics-port on, /metrics scraped every --scrape seconds (scale.ts --metrics). */
  metrics?: boolean;
  /** Scrapes answered during the measurement (with `metrics`). */
  scrapes?: number;
  /** The sentinels started knowing the replicas and each other (sentinel-group.ts: GroupSeed). */
  seeded: boolean;
  /** Start until every sentinel sees every master healthy with its replica and peers. */
  discoveryMs: number;
  /** Per sentinel. */
  cpuSecondsPerMinute: Spread;
  cpuSecondsPerMinuteSum: number;
  /** The median sentinel's CPU per monitored master, ms per minute. */
  cpuMsPerMinutePerMaster: number;
  peakRssMiB: Spread;
  tcpConnections: Spread;
  /** null when no sentinel exposes it (redis-sentinel). */
  lagP99Ms: Spread | null;
  lagP50Ms: Spread | null;
  /**
   * The longest lag of the window as the histogram knows it: the upper bound of the highest
   * bucket holding a sample (Infinity above its last bound). null as lagP99Ms.
   */
  lagMaxMs: Spread | null;
  /** Per sentinel: ms per second its threads waited for a CPU during the window. */
  runQueueWaitMsPerS: Spread;
  /** Per sentinel: its main thread's wake-ups per second in the window (proc-stats.ts). */
  wakeupsPerS: Spread;
  /**
   * The stand-in farm's CPU over the same window, s per minute summed over its worker processes
   * (0 without fake masters): what the machine spent answering the sentinels.
   */
  farmCpuSecondsPerMinute: number;
  /** Per sentinel: `+tilt` lines in its log from its start to the end of the failover. */
  tiltEvents: Spread;
  /** null with --skip-failover. */
  failover: (FailoverTiming | { status: "error"; detail: string }) | null;
  /** Wall time of this measurement: sentinels' start to their cleanup, s. */
  wallS: number;
}

export function spread(values: readonly number[], digits: number): Spread {
  const s = summarize(values);
  return {
    median: round(s?.median ?? NaN, digits),
    min: round(s?.min ?? NaN, digits),
    max: round(s?.max ?? NaN, digits),
    values: values.map((v) => round(v, digits)),
  };
}

/** The upper bound of the highest histogram bucket holding a sample (0: none; Infinity: +Inf). */
function lagMaxBound(window: LagSnapshot): number {
  if (window.count <= 0) return 0;
  for (let i = 0; i < LAG_BOUNDS_MS.length; i++) {
    if ((window.le[i] ?? 0) >= window.count) return LAG_BOUNDS_MS[i] ?? Infinity;
  }
  return Infinity;
}

/**
 * The lag figures of a window from each sentinel's cumulative histogram read at its start and
 * end (null where a sentinel exposes none: redis-sentinel).
 */
export function lagFigures(
  before: readonly (LagSnapshot | null)[],
  after: readonly (LagSnapshot | null)[],
): Pick<ScaleResult, "lagP50Ms" | "lagP99Ms" | "lagMaxMs"> {
  const windows = after.flatMap((end, i) => {
    const start = before[i];
    if (end === null || start === null || start === undefined) return [];
    return [lagBetween(start, end)];
  });
  const of = (figure: (w: LagSnapshot) => number, digits: number): Spread | null =>
    windows.length === 0 ? null : spread(windows.map(figure), digits);
  return {
    lagP50Ms: of((w) => lagQuantile(w, 0.5), 2),
    lagP99Ms: of((w) => lagQuantile(w, 0.99), 2),
    lagMaxMs: of(lagMaxBound, 0),
  };
}

export function cell(s: Spread | null): string {
  if (s === null) return "n/a";
  return s.values.length === 1 ? String(s.median) : `${s.median} (${s.min}–${s.max})`;
}

function medianOf(values: readonly number[], digits: number): number {
  return round(summarize(values)?.median ?? NaN, digits);
}

function pooled(spreads: readonly (Spread | null)[], digits: number): Spread | null {
  const values = spreads.flatMap((s) => s?.values ?? []);
  return values.length === 0 ? null : spread(values, digits);
}

/** pooled, for a reading every round has: NaN only if the rounds somehow hold no value. */
function pooledAlways(spreads: readonly Spread[], digits: number): Spread {
  return pooled(spreads, digits) ?? spread([NaN], digits);
}

/**
 * The rounds of one implementation, size and sentinel count as one result: per-sentinel
 * readings pooled over the rounds (median, min–max), per-round figures as their median, and
 * the failover as the median of the rounds that completed (TIMEOUT when none did).
 */
export function combine(rounds: readonly ScaleResult[]): ScaleResult {
  const first = rounds[0];
  if (first === undefined) throw new Error("no rounds to combine");
  if (rounds.length === 1) return first;
  const cpu = pooledAlways(
    rounds.map((r) => r.cpuSecondsPerMinute),
    2,
  );
  const timings = rounds.flatMap((r) =>
    r.failover !== null && r.failover.status !== "error" ? [r.failover] : [],
  );
  const fromRounds = (key: "sdownMs" | "odownMs" | "switchMs" | "allAnswerMs"): number | null => {
    const values = timings.flatMap((t) => (t[key] === null ? [] : [t[key]]));
    return values.length === 0 ? null : medianOf(values, 0);
  };
  let failover: ScaleResult["failover"] = null;
  if (rounds.some((r) => r.failover !== null)) {
    failover =
      timings.length === 0
        ? { status: "error", detail: "no round completed its failover measurement" }
        : {
            status: timings.every((t) => t.status === "ok") ? "ok" : "timeout",
            sdownMs: fromRounds("sdownMs"),
            odownMs: fromRounds("odownMs"),
            switchMs: fromRounds("switchMs"),
            allAnswerMs: fromRounds("allAnswerMs"),
          };
  }
  return {
    size: first.size,
    sentinels: first.sentinels,
    impl: first.impl,
    ...(first.metrics === true ? { metrics: true } : {}),
    seeded: first.seeded,
    discoveryMs: medianOf(
      rounds.map((r) => r.discoveryMs),
      0,
    ),
    cpuSecondsPerMinute: cpu,
    cpuSecondsPerMinuteSum: medianOf(
      rounds.map((r) => r.cpuSecondsPerMinuteSum),
      2,
    ),
    cpuMsPerMinutePerMaster: round((cpu.median * 1_000) / first.size, 3),
    peakRssMiB: pooledAlways(
      rounds.map((r) => r.peakRssMiB),
      1,
    ),
    tcpConnections: pooledAlways(
      rounds.map((r) => r.tcpConnections),
      0,
    ),
    lagP99Ms: pooled(
      rounds.map((r) => r.lagP99Ms),
      2,
    ),
    lagP50Ms: pooled(
      rounds.map((r) => r.lagP50Ms),
      2,
    ),
    lagMaxMs: pooled(
      rounds.map((r) => r.lagMaxMs),
      0,
    ),
    runQueueWaitMsPerS: pooledAlways(
      rounds.map((r) => r.runQueueWaitMsPerS),
      1,
    ),
    wakeupsPerS: pooledAlways(
      rounds.map((r) => r.wakeupsPerS),
      1,
    ),
    farmCpuSecondsPerMinute: medianOf(
      rounds.map((r) => r.farmCpuSecondsPerMinute),
      2,
    ),
    tiltEvents: pooledAlways(
      rounds.map((r) => r.tiltEvents),
      0,
    ),
    failover,
    wallS: round(
      rounds.reduce((a, r) => a + r.wallS, 0),
      1,
    ),
  };
}

/** A failover column: its ms, or skipped / ERROR / TIMEOUT. */
export function failoverCell(r: ScaleResult, key: "switchMs" | "allAnswerMs"): string {
  const f = r.failover;
  if (f === null) return "skipped";
  if (f.status === "error") return "ERROR";
  const value = f[key];
  return value === null ? "TIMEOUT" : String(value);
}

/** A failover reading as a number for the ratio rows (null when there is none). */
export function failoverValue(
  r: ScaleResult | undefined,
  key: "switchMs" | "allAnswerMs",
): number | null {
  const f = r?.failover;
  return f === null || f === undefined || f.status === "error" ? null : f[key];
}

/**
 * Failover metrics on healthy deployments: kill the master, measure the virtual time until every
 * sentinel reports the new address, and count the epochs tried (more than one = a split vote or a
 * failed election before the successful one). `timing` overrides the core's Timing, e.g.
 * REDIS_ELECTION_TIMING for the baseline.
 */
import { addrKey } from "../../../src/core/basics/addr.js";
import type { Timing } from "../../../src/core/model/timing.js";
import type { PathConfig } from "./fake-network.js";
import { LAN_PATH } from "./fake-network.js";
import type { CoreFactory } from "./sim-sentinel.js";
import { SimCluster } from "./sim-cluster.js";

export interface FailoverSample {
  readonly seed: number;
  /** Kill → all sentinels switched, ms of virtual time; null if it did not happen in time. */
  readonly switchMs: number | null;
  readonly epochsTried: number;
}

export interface FailoverStats {
  readonly sentinels: number;
  readonly runs: number;
  readonly failed: number;
  readonly splitRate: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * Timing overrides that give back Redis's election timing (sentinel.c): stand at once on ODOWN,
 * and after any lost election wait for the election timeout and then 2 × failover-timeout.
 * Compare `measureFailover(…, path, REDIS_ELECTION_TIMING)` with the defaults.
 */
export const REDIS_ELECTION_TIMING: Readonly<Partial<Timing>> = {
  candidateDelay: 0,
  splitRetryDelay: 0,
};

/** What differs between the measured deployments: the rest is one master and two replicas. */
interface Deployment {
  readonly sentinels: number;
  readonly downAfter: number;
  readonly failoverTimeout: number;
  readonly path: PathConfig;
  readonly timing?: Partial<Timing> | undefined;
}

/** A healthy deployment, started and run 10-12 s of virtual time so that it settles. */
function settledCluster(factory: CoreFactory, seed: number, deployment: Deployment): SimCluster {
  const { sentinels, downAfter, failoverTimeout, path, timing } = deployment;
  const c = new SimCluster({
    seed,
    topology: {
      sentinels,
      masters: 1,
      replicas: 2,
      preseed: true,
      downAfter,
      failoverTimeout,
      path,
      ...(timing === undefined ? {} : { timing }),
    },
    factory,
    trace: { keepLast: 50 },
  });
  c.start();
  c.run(10_000 + c.random.fork("measure").int(2000));
  return c;
}

/** How many epochs the sentinels tried a failover in (the checker's log). */
function epochsTried(c: SimCluster): number {
  return new Set((c.checker?.tryLog ?? []).map((t) => t.epoch)).size;
}

export function measureFailover(
  factory: CoreFactory,
  sentinels: number,
  seed: number,
  failoverTimeout: number,
  path: PathConfig = LAN_PATH,
  timing?: Partial<Timing>,
): FailoverSample {
  const deployment = { sentinels, downAfter: 5000, failoverTimeout, path, timing };
  const c = settledCluster(factory, seed, deployment);
  const old = addrKey(c.group("mymaster")[0]!.addr);
  c.kill("r1.0");
  const killedAt = c.now();
  const switched = (): boolean =>
    c.sentinels.every((s) => {
      const m = s.state?.masters.get("mymaster");
      return m !== undefined && addrKey(m.addr) !== old;
    });
  const ok = c.runUntilTrue(switched, 4 * failoverTimeout + 60_000, 10);
  return { seed, switchMs: ok ? c.now() - killedAt : null, epochsTried: epochsTried(c) };
}

export interface FirstSwitchSample {
  readonly seed: number;
  /** Fault → the first +switch-master of any sentinel, ms of virtual time; null if none. */
  readonly firstSwitchMs: number | null;
  readonly epochsTried: number;
}

/**
 * The failover time bench/failover.ts reports (kill or freeze the master, time the first
 * +switch-master), with a short down-after, on a healthy deployment of `sentinels`.
 */
export function measureFirstSwitch(
  factory: CoreFactory,
  sentinels: number,
  seed: number,
  downAfter: number,
  fault: "kill" | "pause",
  path: PathConfig = LAN_PATH,
): FirstSwitchSample {
  const c = settledCluster(factory, seed, { sentinels, downAfter, failoverTimeout: 30_000, path });
  if (fault === "kill") c.kill("r1.0");
  else c.pause("r1.0");
  const faultAt = c.now();
  const switched = (): boolean => c.eventsOf("+switch-master").some((e) => e.time >= faultAt);
  const ok = c.runUntilTrue(switched, 120_000, 10);
  const first = c.eventsOf("+switch-master").find((e) => e.time >= faultAt);
  return {
    seed,
    firstSwitchMs: ok && first !== undefined ? first.time - faultAt : null,
    epochsTried: epochsTried(c),
  };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export function summarize(sentinels: number, samples: readonly FailoverSample[]): FailoverStats {
  const times = samples
    .flatMap((s) => (s.switchMs === null ? [] : [s.switchMs]))
    .sort((a, b) => a - b);
  return {
    sentinels,
    runs: samples.length,
    failed: samples.filter((s) => s.switchMs === null).length,
    splitRate: samples.filter((s) => s.epochsTried > 1).length / Math.max(1, samples.length),
    p50: percentile(times, 50),
    p90: percentile(times, 90),
    p99: percentile(times, 99),
    max: times[times.length - 1] ?? NaN,
  };
}

/** summarize for first-switch samples. */
export function summarizeFirstSwitch(
  sentinels: number,
  samples: readonly FirstSwitchSample[],
): FailoverStats {
  return summarize(
    sentinels,
    samples.map((s) => ({ seed: s.seed, switchMs: s.firstSwitchMs, epochsTried: s.epochsTried })),
  );
}

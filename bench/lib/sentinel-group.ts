// N sentinel processes of one implementation monitoring the same masters, for the scale
// benchmark: started together, each in a temp dir from exit-cleanup.ts; a bounded wait until
// every one of them sees every master healthy with its replica and the N-1 others; and their
// per-process resource readings.
import {
  SentinelProcess,
  type MonitorSpec,
  type SentinelImpl,
} from "../../test/e2e/harness/sentinel-process.js";
import { parseInfo } from "../../test/e2e/harness/resp-client.js";
import { waitFor } from "../../test/e2e/harness/wait-for.js";
import crypto from "node:crypto";
import fs from "node:fs";
import { freePort } from "../../test/e2e/harness/ports.js";
import { makeDir, removeDir } from "./exit-cleanup.js";
import { parseLagHistogram, type LagSnapshot } from "../../src/commands/lag-histogram.js";

/**
 * What every sentinel of a group is told up front, as in the config of a deployment that has run
 * before: each master's replica (`known-replica`) and the other sentinels (`myid` and
 * `known-sentinel`), so that none of them rewrites its config for every replica and peer it
 * would otherwise discover. `replicaPorts[i]` is master-i's replica (monitors[i]).
 */
export interface GroupSeed {
  readonly replicaPorts: readonly number[];
  /** hosts[i]: the address of master-i's replica (default 127.0.0.1). */
  readonly hosts?: readonly string[];
}

interface Identity {
  port: number;
  myId: string;
}

/** The config lines that make `self` start knowing every replica and every other sentinel. */
function seedLines(
  monitors: readonly MonitorSpec[],
  seed: GroupSeed,
  self: Identity,
  all: readonly Identity[],
): string[] {
  const lines = [`sentinel myid ${self.myId}`];
  monitors.forEach((m, i) => {
    const replica = seed.replicaPorts[i];
    const host = seed.hosts?.[i] ?? "127.0.0.1";
    if (replica !== undefined) lines.push(`sentinel known-replica ${m.name} ${host} ${replica}`);
    for (const peer of all) {
      if (peer !== self)
        lines.push(`sentinel known-sentinel ${m.name} 127.0.0.1 ${peer.port} ${peer.myId}`);
    }
  });
  return lines;
}

async function startOne(
  impl: SentinelImpl,
  monitors: readonly MonitorSpec[],
  readyTimeoutMs: number,
  launcher: readonly string[] | undefined,
  identity: Identity | undefined,
  extraConfig: readonly string[],
): Promise<SentinelProcess> {
  const dir = makeDir(`${impl}-sentinel-`);
  try {
    return await SentinelProcess.start({
      impl,
      monitors,
      dir,
      readyTimeoutMs,
      extraConfig,
      ...(identity === undefined ? {} : { port: identity.port }),
      ...(launcher === undefined ? {} : { launcher }),
    });
  } catch (error: unknown) {
    removeDir(dir);
    throw error;
  }
}

/** `a=1,b=2` (one master's line of INFO sentinel) as a map. */
function fieldsOf(line: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const pair of line.split(",")) {
    const eq = pair.indexOf("=");
    if (eq > 0) fields.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return fields;
}

export class SentinelGroup {
  readonly impl: SentinelImpl;
  readonly sentinels: SentinelProcess[];

  private constructor(impl: SentinelImpl, sentinels: SentinelProcess[]) {
    this.impl = impl;
    this.sentinels = sentinels;
  }

  /**
   * Starts `count` sentinels at once; if one fails to start, the others are stopped. The bound
   * on each one's PING readiness must be generous: redis-sentinel rewrites and fsyncs its config
   * for every peer it discovers on every master (2000 rewrites of a 1000-master file for 3
   * sentinels), and meanwhile answers PING in more than the harness's 500 ms per attempt.
   * `launcher`: a command prefix every sentinel is started through (SentinelOptions.launcher).
   * `seed`: start every sentinel knowing the replicas and its peers (GroupSeed).
   */
  static async start(
    impl: SentinelImpl,
    count: number,
    monitors: readonly MonitorSpec[],
    readyTimeoutMs: number,
    launcher?: readonly string[],
    seed?: GroupSeed,
    /** More config lines for sentinel i (scale.ts: its metrics-port). */
    perSentinel?: (index: number) => readonly string[],
  ): Promise<SentinelGroup> {
    const identities: Identity[] = [];
    if (seed !== undefined) {
      for (let i = 0; i < count; i++)
        identities.push({ port: await freePort(), myId: crypto.randomBytes(20).toString("hex") });
    }
    const settled = await Promise.allSettled(
      Array.from({ length: count }, (_, i) => {
        const identity = identities[i];
        const extra = [
          ...(seed === undefined || identity === undefined
            ? []
            : seedLines(monitors, seed, identity, identities)),
          ...(perSentinel?.(i) ?? []),
        ];
        return startOne(impl, monitors, readyTimeoutMs, launcher, identity, extra);
      }),
    );
    const group = new SentinelGroup(
      impl,
      settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : [])),
    );
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed !== undefined) {
      await group.cleanup();
      const reason: unknown = failed.reason;
      throw reason instanceof Error ? reason : new Error(String(reason));
    }
    return group;
  }

  get pids(): number[] {
    return this.sentinels.map((s) => s.pid ?? 0);
  }

  /**
   * Every sentinel reports, in INFO sentinel, all `size` masters with status=ok, sentinels=N
   * (itself and the N-1 others), and `replicas` of them (all by default) with slaves=1. Throws a
   * progress summary while not yet.
   */
  async allHealthy(size: number, replicas = size): Promise<true> {
    const n = this.sentinels.length;
    const states = await Promise.all(
      this.sentinels.map(async (sentinel) => {
        const info = await sentinel.info("sentinel");
        let ok = 0;
        let withReplica = 0;
        let withPeers = 0;
        for (const [key, value] of info) {
          if (!/^master\d+$/.test(key)) continue;
          const fields = fieldsOf(value);
          if (fields.get("status") === "ok") ok++;
          if (fields.get("slaves") === "1") withReplica++;
          if (fields.get("sentinels") === String(n)) withPeers++;
        }
        return { port: sentinel.port, ok, withReplica, withPeers };
      }),
    );
    if (states.every((s) => s.ok === size && s.withReplica === replicas && s.withPeers === size))
      return true;
    throw new Error(
      states
        .map(
          (s) =>
            `:${s.port} status=ok ${s.ok}/${size}, slaves=1 ${s.withReplica}/${replicas}, sentinels=${n} ${s.withPeers}/${size}`,
        )
        .join("; "),
    );
  }

  /**
   * Bounded wait for `allHealthy`, printing progress to stderr every 15 s. At 1000 masters an
   * INFO sentinel reply is ~100 KB per sentinel, so it is polled once a second, not 5 times.
   */
  async waitHealthy(size: number, timeoutMs: number, replicas = size): Promise<void> {
    let lastPrint = performance.now();
    await waitFor(
      `${this.sentinels.length} ${this.impl} sentinel(s) to see all ${size} masters healthy with their replica and peers`,
      async () => {
        try {
          return await this.allHealthy(size, replicas);
        } catch (error: unknown) {
          if (performance.now() - lastPrint > 15_000) {
            lastPrint = performance.now();
            console.error(`  ${error instanceof Error ? error.message : String(error)}`);
          }
          throw error;
        }
      },
      { timeoutMs, intervalMs: size >= 500 ? 1_000 : 200 },
    );
  }

  /**
   * Each sentinel's cumulative event-loop lag histogram from INFO all (Vigil's
   * `event_loop_lag_histogram`; redis-sentinel has none: null). Two readings subtract to the lag
   * of the window between them (src/commands/lag-histogram.ts). A loaded sentinel may take
   * seconds to send INFO all: a generous bound, and null on failure.
   */
  async lagHistograms(): Promise<(LagSnapshot | null)[]> {
    return Promise.all(
      this.sentinels.map(async (sentinel) => {
        try {
          const reply = await sentinel.command(["INFO", "all"], 15_000);
          const info = parseInfo(typeof reply === "string" ? reply : "");
          const text = info.get("event_loop_lag_histogram");
          const sum = Number(info.get("event_loop_lag_sum_ms") ?? 0);
          return text === undefined ? null : parseLagHistogram(text, sum);
        } catch (error: unknown) {
          console.error(
            `INFO all from ${this.impl} sentinel :${sentinel.port} failed: ${error instanceof Error ? error.message : String(error)}`,
          );
          return null;
        }
      }),
    );
  }

  /** Each sentinel's `+tilt` lines in its log so far (both implementations log `+tilt`). */
  tiltCounts(): number[] {
    return this.sentinels.map((sentinel) => {
      try {
        return fs
          .readFileSync(sentinel.logPath, "utf8")
          .split("\n")
          .filter((line) => line.includes(" +tilt ")).length;
      } catch {
        return NaN;
      }
    });
  }

  /** Copies each sentinel's log to `dir` as `<impl>-<port>.log` (scale.ts --keep-logs). */
  keepLogs(dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
    for (const sentinel of this.sentinels) {
      try {
        fs.copyFileSync(sentinel.logPath, `${dir}/${this.impl}-${sentinel.port}.log`);
      } catch (error: unknown) {
        console.error(
          `log of :${sentinel.port}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }

  async cleanup(): Promise<void> {
    await Promise.all(
      this.sentinels.map(async (sentinel) => {
        await sentinel.cleanup();
        removeDir(sentinel.dir);
      }),
    );
  }
}

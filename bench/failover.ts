// Failover benchmark: how long after the master dies does each step of a failover happen?
// Topology per run: 1 master + 2 replicas (redis-server) + 3 sentinels of one implementation,
// quorum 2, down-after 1000 ms. The master is killed (SIGKILL) or frozen (SIGSTOP) and we time,
// from that instant: the first +sdown, +odown, +elected-leader, +promoted-slave and +switch-master
// (any sentinel), +switch-master published by every sentinel (the leader's comes once the other
// replica is reconfigured), all sentinels answering the new address, the first successful write of an
// ioredis client in sentinel mode (writing every ~10 ms), and the other replica reporting
// master_link_status:up towards the promoted one, and counts the +try-failover events (one per
// candidate and epoch: more than one in a run is two candidates or a failed election) and the
// -failover-abort-not-elected events (an election nobody won: a split vote). Prints medians with min–max per metric and
// implementation, the vigil/redis ratio, and a final one-line JSON summary.
//
// With --tls every process runs on TLS only (port 0 + tls-port, tls-replication yes; the
// harness's Topology tls option), and the client, the event recorder and the polls too.
//
//   tsx bench/failover.ts [--impl redis|vigil|both] [--runs 10] [--modes SIGKILL,SIGSTOP]
//                         [--down-after 1000] [--timeout 30000] [--tls]
import { Redis } from "ioredis";
import { RespConnection, parseInfo } from "../test/e2e/harness/resp-client.js";
import { EventRecorder, type SentinelImpl } from "../test/e2e/harness/sentinel-process.js";
import { tlsClientOptions } from "../test/e2e/harness/tls-files.js";
import { startTopology, type Topology } from "../test/e2e/harness/topology.js";
import { delay } from "../test/e2e/harness/wait-for.js";
import { Args } from "./lib/args.js";
import { printTable, ratio, round, summarize, type Summary } from "./lib/stats.js";

const METRICS = [
  ["sdown", "first +sdown"],
  ["odown", "first +odown"],
  ["elected", "+elected-leader"],
  ["promoted", "+promoted-slave"],
  ["switch", "first +switch-master"],
  ["allSwitch", "every sentinel +switch-master"],
  ["allAnswer", "all sentinels answer new addr"],
  ["firstWrite", "first client write ok"],
  ["replicaUp", "other replica link up"],
  // A count, not a time: more than one in a run is a split vote or a failed election.
  ["tries", "+try-failover events (count)"],
  ["aborts", "-failover-abort-not-elected (count)"],
] as const;
type Metric = (typeof METRICS)[number][0];
type Mode = "SIGKILL" | "SIGSTOP";
type Timings = Partial<Record<Metric, number>>;

const EVENT_OF: Partial<Record<Metric, string>> = {
  sdown: "+sdown",
  odown: "+odown",
  elected: "+elected-leader",
  promoted: "+promoted-slave",
  switch: "+switch-master",
};

interface RunConfig {
  impl: SentinelImpl;
  mode: Mode;
  downAfterMs: number;
  timeoutMs: number;
  tls: boolean;
}

/** An ioredis client in sentinel mode writing every ~10 ms; remembers when writes succeeded. */
class Writer {
  private readonly client: Redis;
  private running = true;
  private readonly done: Promise<void>;
  /** [start, end] of each successful write (performance.now()). */
  readonly successes: [number, number][] = [];
  /** The last few write errors, "<performance.now()> <message>". */
  readonly errors: string[] = [];
  readonly clientEvents: string[] = [];

  constructor(topology: Topology) {
    const tls = topology.tls === undefined ? undefined : tlsClientOptions(topology.tls);
    this.client = new Redis({
      ...(tls === undefined ? {} : { tls, sentinelTLS: tls, enableTLSForSentinelMode: true }),
      sentinels: topology.sentinels.map((s) => ({ host: "127.0.0.1", port: s.port })),
      name: topology.masterName,
      failoverDetector: true,
      // Short retries, so the measurement is the sentinels' speed and not the client's back-off.
      retryStrategy: () => 20,
      sentinelRetryStrategy: () => 20,
      maxRetriesPerRequest: 1,
      commandTimeout: 200,
      connectTimeout: 500,
      // After +switch-master ioredis ends the old socket and, if the peer never answers (SIGSTOP),
      // waits disconnectTimeout (default 2 s) before reconnecting: keep that short too.
      disconnectTimeout: 100,
      enableOfflineQueue: true,
    });
    this.client.on("error", () => {
      // Expected while the master is down.
    });
    // ioredis race: a +switch-master arriving while the SentinelConnector is resolving the
    // master (its reconnect loop) makes connect() fail with "Connection is closed." and the
    // client ends for good. Reconnect as an application would, so the metric stays measurable.
    this.client.on("end", () => {
      if (this.running) {
        setTimeout(() => {
          if (this.running) this.client.connect().catch(() => undefined);
        }, 20);
      }
    });
    for (const event of ["connect", "ready", "close", "reconnecting", "end", "+switch-master"]) {
      this.client.on(event, () => {
        this.clientEvents.push(`${round(performance.now())} ${event}`);
        if (this.clientEvents.length > 10) this.clientEvents.shift();
      });
    }
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    let i = 0;
    while (this.running) {
      const start = performance.now();
      const write = this.client.set("bench:failover", String(i++)).then(
        () => {
          this.successes.push([start, performance.now()]);
        },
        (error: unknown) => {
          // Timed by absence; the last few errors are kept to explain a run with no success.
          this.errors.push(
            `${round(performance.now())} ${error instanceof Error ? error.message : String(error)}`,
          );
          if (this.errors.length > 5) this.errors.shift();
        },
      );
      // Never let one stuck command stop the loop: a write still pending after 1 s is left to
      // finish (or fail) on its own while the next one starts.
      await Promise.race([write, delay(1_000)]);
      await delay(10);
    }
  }

  /** Completion time of the first successful write that started after `t`. */
  firstSuccessAfter(t: number): number | undefined {
    const ends = this.successes.filter(([start]) => start >= t).map(([, end]) => end);
    return ends.length === 0 ? undefined : Math.min(...ends);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
    this.client.disconnect();
  }
}

async function pollUntil(
  deadline: number,
  probe: () => Promise<boolean>,
): Promise<number | undefined> {
  while (performance.now() < deadline) {
    try {
      if (await probe()) return performance.now();
    } catch {
      // Not yet.
    }
    await delay(10);
  }
  return undefined;
}

/** Time at which every sentinel answers a master address other than `oldPort`; and that address. */
async function watchSentinels(
  topology: Topology,
  oldPort: number,
  deadline: number,
): Promise<[number | undefined, number | undefined]> {
  const connections = await Promise.all(
    topology.sentinels.map((s) => RespConnection.connect(s.port, 2_000, "127.0.0.1", s.tls)),
  );
  let newPort: number | undefined;
  try {
    const at = await pollUntil(deadline, async () => {
      const replies = await Promise.all(
        connections.map((c) =>
          c.call(["SENTINEL", "get-master-addr-by-name", topology.masterName], 500),
        ),
      );
      const ports = new Set(replies.map((r) => (Array.isArray(r) ? Number(r[1]) : NaN)));
      const [only] = [...ports];
      if (ports.size !== 1 || only === undefined || only === oldPort || Number.isNaN(only))
        return false;
      newPort = only;
      return true;
    });
    return [at, newPort];
  } finally {
    for (const c of connections) c.close();
  }
}

async function watchOtherReplica(
  topology: Topology,
  promoted: () => number | undefined,
  deadline: number,
): Promise<number | undefined> {
  return pollUntil(deadline, async () => {
    const port = promoted();
    if (port === undefined) return false;
    const other = topology.replicas.find((r) => r.port !== port);
    if (other === undefined) return false;
    const info = parseInfo(String(await other.command(["INFO", "replication"], 500)));
    return info.get("master_port") === String(port) && info.get("master_link_status") === "up";
  });
}

/** When the last sentinel published its first +switch-master after `since`, or undefined. */
function allSwitchedAt(
  recorder: EventRecorder,
  topology: Topology,
  since: number,
): number | undefined {
  let last = 0;
  for (const s of topology.sentinels) {
    const event = recorder.first("+switch-master", { since, sentinelPort: s.port });
    if (event === undefined) return undefined;
    last = Math.max(last, event.at);
  }
  return last;
}

function promotedFromSwitch(recorder: EventRecorder, since: number): number | undefined {
  const event = recorder.first("+switch-master", { since });
  return event === undefined ? undefined : Number(event.message.split(" ")[4]);
}

async function oneRun(config: RunConfig): Promise<Timings> {
  const topology = await startTopology({
    replicas: 2,
    sentinels: [config.impl, config.impl, config.impl],
    quorum: 2,
    downAfterMs: config.downAfterMs,
    failoverTimeoutMs: 10_000,
    tls: config.tls,
  });
  const recorder = await EventRecorder.start(topology.sentinels);
  const writer = new Writer(topology);
  try {
    const oldPort = topology.master.port;
    await pollUntil(performance.now() + 10_000, () => Promise.resolve(writer.successes.length > 0));
    const killedAt = performance.now();
    if (config.mode === "SIGKILL") await topology.master.kill();
    else topology.master.pause();
    const deadline = killedAt + config.timeoutMs;
    const [[allAnswerAt], replicaUpAt] = await Promise.all([
      watchSentinels(topology, oldPort, deadline),
      watchOtherReplica(topology, () => promotedFromSwitch(recorder, killedAt), deadline),
    ]);
    await pollUntil(deadline, () =>
      Promise.resolve(writer.firstSuccessAfter(killedAt) !== undefined),
    );
    await pollUntil(deadline, () =>
      Promise.resolve(allSwitchedAt(recorder, topology, killedAt) !== undefined),
    );
    const timings: Timings = {};
    const polled: Partial<Record<Metric, number | undefined>> = {
      allAnswer: allAnswerAt,
      allSwitch: allSwitchedAt(recorder, topology, killedAt),
      replicaUp: replicaUpAt,
      firstWrite: writer.firstSuccessAfter(killedAt),
    };
    const tries = recorder.all("+try-failover", { since: killedAt }).length;
    const aborts = recorder.all("-failover-abort-not-elected", { since: killedAt }).length;
    for (const [metric] of METRICS) {
      const event = EVENT_OF[metric];
      const at =
        event === undefined
          ? polled[metric]
          : recorder.first(event, {
              since: killedAt,
              ...(metric === "sdown" ? { contains: "master " } : {}),
            })?.at;
      if (metric === "tries") timings.tries = tries;
      else if (metric === "aborts") timings.aborts = aborts;
      else if (at !== undefined) timings[metric] = round(at - killedAt);
    }
    if (timings.firstWrite === undefined) {
      console.error(
        `no successful write after the kill (at ${round(killedAt)}); last errors: ${JSON.stringify(writer.errors)}; client events: ${JSON.stringify(writer.clientEvents)}`,
      );
    }
    return timings;
  } finally {
    await writer.stop();
    recorder.stop();
    await topology.teardown();
  }
}

type Results = Record<string, Partial<Record<Mode, Partial<Record<Metric, Summary | null>>>>>;

function fmt(s: Summary | null | undefined): string {
  return s === null || s === undefined
    ? "n/a"
    : `${round(s.median)} (${round(s.min)}–${round(s.max)}) n=${s.n}`;
}

async function main(): Promise<void> {
  const args = new Args();
  const impls = args.impls("both");
  const runs = args.int("runs", 10);
  const downAfterMs = args.int("down-after", 1_000);
  const timeoutMs = args.int("timeout", 30_000);
  const modes = args.string("modes", "SIGKILL,SIGSTOP").split(",") as Mode[];
  const tls = args.has("tls");
  const results: Results = {};
  for (const impl of impls) {
    results[impl] = {};
    for (const mode of modes) {
      const samples = new Map<Metric, number[]>(METRICS.map(([m]) => [m, []]));
      for (let run = 1; run <= runs; run++) {
        const timings = await oneRun({ impl, mode, downAfterMs, timeoutMs, tls });
        for (const [metric, value] of Object.entries(timings) as [Metric, number][])
          samples.get(metric)?.push(value);
        console.error(`${impl} ${mode} run ${run}/${runs}: ${JSON.stringify(timings)}`);
      }
      const perMetric: Partial<Record<Metric, Summary | null>> = {};
      for (const [metric] of METRICS) perMetric[metric] = summarize(samples.get(metric) ?? []);
      (results[impl] ??= {})[mode] = perMetric;
    }
  }
  const ratios: Partial<Record<Mode, Partial<Record<Metric, number | null>>>> = {};
  for (const mode of modes) {
    console.log(
      `\nFailover timings after ${mode} of the master${tls ? ", every link on TLS" : ""}, ms from the kill: median (min–max), ${runs} runs, down-after ${downAfterMs}`,
    );
    const header = ["metric", ...impls];
    if (impls.length === 2) header.push("vigil/redis");
    const rows = METRICS.map(([metric, label]) => {
      const cells = [label, ...impls.map((impl) => fmt(results[impl]?.[mode]?.[metric]))];
      if (impls.length === 2) {
        const r = ratio(
          results["vigil"]?.[mode]?.[metric]?.median,
          results["redis"]?.[mode]?.[metric]?.median,
        );
        (ratios[mode] ??= {})[metric] = r;
        cells.push(r === null ? "n/a" : String(r));
      }
      return cells;
    });
    printTable(header, rows);
  }
  console.log(
    JSON.stringify({ bench: "failover", tls, runs, downAfterMs, modes, results, ratio: ratios }),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

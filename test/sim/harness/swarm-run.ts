/**
 * One swarm run: a random topology and a random fault schedule drawn from the seed, a safety phase
 * with faults (checker after every step), then the faults stop and a liveness phase must converge.
 * Everything derives from the seed, so `runSeed(n)` replays a run bit for bit.
 */
import type { CoreFactory, VoteReply, VoteRequest } from "./sim-sentinel.js";
import { SafetyViolation } from "./checker.js";
import { Prng } from "./prng.js";
import { SimCluster } from "./sim-cluster.js";
import type { Topology } from "./sim-cluster.js";

export interface SwarmOptions {
  readonly factory: CoreFactory;
  /** Inject the broken vote rule (votes for every asker) to prove the checker catches it. */
  readonly brokenVotes?: boolean;
  /** Trace lines kept for the failure report (0 = all). */
  readonly keepTrace?: number;
  /** Fail on the tolerated mixed-epoch tally quirk too. */
  readonly strict?: boolean;
  /** Every master with fence-isolated-master yes, under the FenceWatch invariant. */
  readonly fence?: boolean;
}

export interface SeedResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly phase: "safety" | "liveness" | "done";
  readonly message: string;
  readonly summary: string;
  readonly tail: readonly string[];
  readonly trace: string;
  readonly virtualMs: number;
  readonly steps: number;
  readonly faults: number;
  /** `+fence` events of the run (with `fence`). */
  readonly fences: number;
  /** `+convert-to-slave` sent before Redis's wait was over (ConvertWatch). */
  readonly earlyConverts: number;
}

/** The broken vote rule of the checker self-test: answers every asker as if voting for it. */
export function voteForEveryone(request: VoteRequest, reply: VoteReply): VoteReply {
  return request.runId === "*"
    ? reply
    : { down: reply.down, leader: request.runId, leaderEpoch: request.epoch };
}

export function drawTopology(r: Prng): Topology {
  const sentinels = r.pick([3, 3, 3, 5, 5, 7]);
  const masters = r.pick([1, 1, 1, 1, 2, 3]);
  const replicas = Array.from({ length: masters }, () => r.range(1, 3));
  const majority = Math.floor(sentinels / 2) + 1;
  return {
    sentinels,
    masters,
    replicas,
    quorum: r.chance(0.7) ? majority : r.range(1, sentinels),
    downAfter: r.pick([1000, 2000, 3000, 5000]),
    failoverTimeout: r.pick([6000, 10_000, 20_000, 30_000]),
    parallelSyncs: r.range(1, 2),
    priorities: replicas.map((n) =>
      Array.from({ length: n }, () => (r.chance(0.1) ? 0 : r.pick([100, 100, 50, 150]))),
    ),
    preseed: r.chance(0.5),
    loadingTime: r.pick([0, 0, 500, 2000]),
  };
}

function describeTopology(t: Topology): string {
  const reps = typeof t.replicas === "number" ? String(t.replicas) : t.replicas.join("/");
  return `sentinels=${t.sentinels} masters=${t.masters} replicas=${reps} quorum=${t.quorum ?? "majority"} down-after=${t.downAfter ?? "-"} failover-timeout=${t.failoverTimeout ?? "-"} preseed=${t.preseed === true}`;
}

type Fault = (cluster: SimCluster, r: Prng, undo: (after: number, run: () => void) => void) => void;

const FAULTS: readonly (readonly [number, Fault])[] = [
  [
    4,
    (c, r, undo) => {
      // Kill the node that is master now (the interesting case), sometimes bring it back later.
      const group = c.group(r.pick(c.masterNames));
      const master = group.find((n) => n.up && n.role === "master") ?? r.pick(group);
      c.kill(master.name);
      if (r.chance(0.6))
        undo(r.range(2000, 40_000), () => {
          c.restart(master.name);
        });
    },
  ],
  [
    2,
    (c, r, undo) => {
      const node = r.pick(c.redis);
      c.kill(node.name);
      if (r.chance(0.6))
        undo(r.range(1000, 30_000), () => {
          c.restart(node.name);
        });
    },
  ],
  [
    2,
    (c, r, undo) => {
      const s = r.pick(c.sentinels);
      c.kill(s.name);
      if (r.chance(0.7))
        undo(r.range(500, 30_000), () => {
          c.restart(s.name);
        });
    },
  ],
  [
    2,
    (c, r, undo) => {
      const name = r.pick(c.names());
      c.pause(name);
      undo(r.range(500, 15_000), () => {
        c.resume(name);
      });
    },
  ],
  [
    3,
    (c, r, undo) => {
      const heal = c.isolate(r.pick(c.names()));
      undo(r.range(1000, 40_000), heal);
    },
  ],
  [
    3,
    (c, r, undo) => {
      const names = c.names();
      const side = names.filter(() => r.chance(0.4));
      if (side.length === 0 || side.length === names.length) return;
      const heal = c.partition(side);
      undo(r.range(1000, 40_000), heal);
    },
  ],
  [
    1,
    (c, r, undo) => {
      const names = c.names();
      const from = names.filter(() => r.chance(0.3));
      const to = names.filter((n) => !from.includes(n) && r.chance(0.5));
      if (from.length === 0 || to.length === 0) return;
      const heal = c.oneWay(from, to);
      undo(r.range(1000, 30_000), heal);
    },
  ],
  [
    1,
    (c, r) => {
      const s = r.pick(c.sentinels);
      c.clockJump(s.name, r.chance(0.5) ? r.range(3000, 60_000) : -r.range(3000, 60_000));
    },
  ],
  [
    2,
    (c, r, undo) => {
      const names = c.names();
      const a = r.pick(names);
      const b = r.pick(names);
      if (a === b) return;
      c.degrade(a, b, {
        minDelay: 0.1,
        maxDelay: r.pick([1, 20, 200]),
        loss: r.float() * 0.3,
        duplicate: r.float() * 0.2,
        reorder: r.float() * 0.3,
      });
      undo(r.range(2000, 40_000), () => {
        c.restorePaths();
      });
    },
  ],
  [
    1,
    (c, r, undo) => {
      // Crash right after persisting a vote, before the reply leaves.
      const s = r.pick(c.sentinels);
      s.crashAfterPersistWhen = (ready) => ready.events.some((e) => e.type === "+vote-for-leader");
      undo(r.range(2000, 30_000), () => {
        s.crashAfterPersistWhen = null;
        s.crashBeforePersistWhen = null;
        c.restart(s.name);
      });
    },
  ],
  [
    1,
    (c, r, undo) => {
      // Crash while writing our vote for ourselves, after the vote requests left, or while
      // writing the promotion, after the new configuration's hellos and SLAVEOFs left
      // (crashBeforePersistWhen; core/model/ready.ts: commandsBeforePersist).
      const s = r.pick(c.sentinels);
      undo(r.range(2000, 30_000), () => {
        s.crashAfterPersistWhen = null;
        s.crashBeforePersistWhen = null;
        c.restart(s.name);
      });
      s.crashBeforePersistMs = r.range(0, 30);
      const at = r.pick(["+try-failover", "+promoted-slave"] as const);
      s.crashBeforePersistWhen = (ready) => ready.events.some((e) => e.type === at);
    },
  ],
  [
    1,
    (c, r) => {
      const s = r.pick(c.sentinels);
      c.admin(s.name, { op: "failover", name: r.pick(c.masterNames) });
    },
  ],
];

function pickFault(r: Prng): Fault {
  const total = FAULTS.reduce((n, [w]) => n + w, 0);
  let x = r.int(total);
  for (const [w, fault] of FAULTS) {
    if (x < w) return fault;
    x -= w;
  }
  return FAULTS[0]![1];
}

export function runSeed(seed: number, options: SwarmOptions): SeedResult {
  const r = new Prng(seed).fork("swarm");
  const drawn = drawTopology(r);
  const topology = options.fence === true ? { ...drawn, fence: true } : drawn;
  const cluster = new SimCluster({
    seed,
    topology,
    factory: options.factory,
    trace: { keepLast: options.keepTrace ?? 300 },
    strict: options.strict ?? true,
  });
  if (options.brokenVotes === true)
    for (const s of cluster.sentinels) s.replyFilter = voteForEveryone;
  const summary = describeTopology(topology);
  let phase: SeedResult["phase"] = "safety";
  let faults = 0;
  const finish = (ok: boolean, message: string): SeedResult => ({
    seed,
    ok,
    phase,
    message: cluster.trace.substitute(message),
    summary,
    tail: cluster.trace.tail(60),
    trace: cluster.trace.text(),
    virtualMs: cluster.now(),
    steps: cluster.sentinels.reduce((n, s) => n + s.steps, 0),
    faults,
    fences: cluster.fenceWatch?.fences ?? 0,
    earlyConverts: cluster.convertWatch?.early ?? 0,
  });
  try {
    cluster.start();
    cluster.run(r.range(3000, 15_000));
    const start = cluster.now();
    const duration = r.range(20_000, 90_000);
    const count = r.range(1, 8);
    const faultRandom = r.fork("faults");
    const timers = [];
    for (let i = 0; i < count; i++) {
      const at = start + faultRandom.int(duration - 5000);
      const fault = pickFault(faultRandom);
      timers.push(
        cluster.clock.at(at, () => {
          faults++;
          fault(cluster, faultRandom, (after, run) => {
            timers.push(cluster.clock.after(after, run));
          });
        }),
      );
    }
    cluster.runUntil(start + duration);
    for (const t of timers) cluster.clock.cancel(t);
    phase = "liveness";
    cluster.stopFaults();
    const ft = topology.failoverTimeout ?? 30_000;
    const deadline = cluster.now() + 60_000 + 6 * ft + 35_000;
    let stable = 0;
    while (cluster.now() < deadline && stable < 6) {
      cluster.run(500);
      stable = cluster.convergedAll() === null ? stable + 1 : 0;
    }
    const reason = cluster.convergedAll();
    if (reason !== null) return finish(false, `no convergence after the faults stopped: ${reason}`);
    phase = "done";
    const quirks = cluster.checker?.quirks ?? [];
    return finish(true, quirks.length === 0 ? "ok" : `ok; tolerated: ${quirks.join("; ")}`);
  } catch (error) {
    const kind = error instanceof SafetyViolation ? "safety violation" : "exception";
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return finish(false, `${kind}: ${text}`);
  }
}

export function formatFailure(result: SeedResult): string {
  return [
    `SIM FAILURE seed=${result.seed} phase=${result.phase} at ${(result.virtualMs / 1000).toFixed(3)} s`,
    `  ${result.summary}`,
    `  ${result.message}`,
    `  replay: SIM_SEED=${result.seed} npm run test:sim -- --only swarm`,
    "  trace tail:",
    ...result.tail.map((l) => `    ${l}`),
  ].join("\n");
}

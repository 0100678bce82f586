// Crash trials (issue #16): kill -9 one Vigil sentinel at a random moment of a failover and restart
// it from the config it rewrote. One topology (1 master, 2 replicas, 3 Vigil sentinels, real
// processes through the e2e harness) serves trial after trial; a trial that fails gets a fresh one.
//
// A trial: SIGKILL the current master; after a random delay (mostly inside the failover: SDOWN,
// ODOWN, election, promotion, reconfiguration) SIGKILL a random sentinel; after another random
// delay check that its config loads (`--test-config`) and restart it from it (it must start);
// once the sentinels agree on a new master, restart the old one as it was (a master). It passes
// when every sentinel names the same new master, that server is a master, the old one and the
// other replica replicate from it, and no sentinel voted twice in one epoch (its own
// `+vote-for-leader` lines and its peers' `<id> voted for` lines, across every restart).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { Rng } from "../fuzz/rng.js";
import { VIGIL_ENTRY } from "../e2e/harness/sentinel-process.js";
import type { SentinelProcess } from "../e2e/harness/sentinel-process.js";
import type { RedisProcess } from "../e2e/harness/redis-process.js";
import { Topology } from "../e2e/harness/topology.js";
import { delay, waitFor } from "../e2e/harness/wait-for.js";
import { doubleVotes, votesInLog } from "./vote-check.js";
import type { Vote } from "./vote-check.js";

export interface TrialOptions {
  readonly trials: number;
  readonly seed: number;
  readonly log: (line: string) => void;
  /** down-after-milliseconds (default 500) and failover-timeout (default 2000). */
  readonly downAfterMs?: number;
  readonly failoverTimeoutMs?: number;
  /** Bound on convergence after the restarts (default 60 s). */
  readonly convergeTimeoutMs?: number;
}

export interface TrialResult {
  readonly index: number;
  readonly ok: boolean;
  readonly ms: number;
  /** What happened: the delays, the sentinel killed, the new master; or the failure. */
  readonly detail: string;
}

export interface TrialsSummary {
  readonly trials: number;
  readonly failures: number;
  readonly ms: number;
  readonly results: readonly TrialResult[];
}

const MASTER = "mymaster";

/** The failover's steps as the logs show them, in order: where a crash landed. */
const PHASES = [
  "+sdown",
  "+odown",
  "+try-failover",
  "+elected-leader",
  "+selected-slave",
  "+promoted-slave",
  "+switch-master",
] as const;

function logSizes(sentinels: readonly SentinelProcess[]): number[] {
  return sentinels.map((s) => (fs.existsSync(s.logPath) ? fs.statSync(s.logPath).size : 0));
}

/** The furthest failover step any sentinel logged since `sizes` ("before +sdown" if none). */
function phaseSince(sentinels: readonly SentinelProcess[], sizes: readonly number[]): string {
  let furthest = -1;
  sentinels.forEach((s, i) => {
    const text = fs.existsSync(s.logPath)
      ? fs.readFileSync(s.logPath, "latin1").slice(sizes[i])
      : "";
    PHASES.forEach((p, at) => {
      if (at > furthest && text.includes(` ${p} `)) furthest = at;
    });
  });
  return furthest === -1 ? "before +sdown" : `after ${PHASES[furthest]!}`;
}

/**
 * Where the crash lands: mostly inside the failover, sometimes before or well after it. Vigil
 * goes from SDOWN (down-after past the kill) to +switch-master in about 500 ms on a quiet machine.
 */
function crashDelay(rng: Rng, downAfterMs: number): number {
  if (rng.chance(0.8)) return rng.range(downAfterMs - 50, downAfterMs + 600);
  return rng.range(0, downAfterMs + 3000);
}

function testConfig(sentinel: SentinelProcess): string | null {
  const r = spawnSync(process.execPath, [VIGIL_ENTRY, sentinel.configPath, "--test-config"], {
    encoding: "utf8",
    timeout: 30_000,
  });
  if (r.status === 0 && r.stdout.includes("Configuration test passed")) return null;
  return `--test-config exit ${String(r.status)}: ${r.stdout}${r.stderr}`;
}

/** The votes all sentinel logs tell of, and the problems with them (none when `problems` is empty). */
export function checkVotes(sentinels: readonly SentinelProcess[]): {
  votes: number;
  problems: string[];
} {
  const votes: Vote[] = [];
  const problems: string[] = [];
  for (const s of sentinels) {
    const text = fs.existsSync(s.logPath) ? fs.readFileSync(s.logPath, "utf8") : "";
    const found = votesInLog(`sentinel :${s.port}`, text);
    if (found.ids.size > 1)
      problems.push(`sentinel :${s.port} changed its id: ${[...found.ids].join(" ")}`);
    votes.push(...found.votes);
  }
  return { votes: votes.length, problems: problems.concat(doubleVotes(votes)) };
}

async function masterPortOf(topology: Topology): Promise<number> {
  return waitFor(
    "every sentinel to name the same master",
    async () => {
      const addrs = await Promise.all(topology.sentinels.map((s) => s.getMasterAddr(MASTER)));
      const ports = new Set(addrs.map((a) => a?.port ?? 0));
      return ports.size === 1 && !ports.has(0) ? [...ports][0]! : null;
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );
}

async function converged(
  topology: Topology,
  oldMaster: RedisProcess,
  timeoutMs: number,
): Promise<number> {
  return waitFor(
    "the sentinels to agree on a new master and every other server to replicate from it",
    async () => {
      const addrs = await Promise.all(topology.sentinels.map((s) => s.getMasterAddr(MASTER)));
      const port = addrs[0]?.port;
      if (port === undefined || port === oldMaster.port || addrs.some((a) => a?.port !== port)) {
        throw new Error(`sentinels answer ${addrs.map((a) => String(a?.port)).join(" ")}`);
      }
      const master = topology.serverOn(port);
      if ((await master.info()).get("role") !== "master")
        throw new Error(`:${port} is not a master`);
      for (const server of topology.servers) {
        if (server === master) continue;
        const info = await server.info();
        if (info.get("role") !== "slave" || info.get("master_port") !== String(port)) {
          throw new Error(
            `:${server.port} is ${info.get("role") ?? "?"} of ${info.get("master_port") ?? "-"}`,
          );
        }
      }
      return port;
    },
    { timeoutMs, intervalMs: 200 },
  );
}

async function oneTrial(topology: Topology, rng: Rng, opts: TrialOptions): Promise<string> {
  const downAfter = opts.downAfterMs ?? 500;
  const oldPort = await masterPortOf(topology);
  const oldMaster = topology.serverOn(oldPort);
  const victim = rng.pick(topology.sentinels);
  const crashAt = crashDelay(rng, downAfter);
  const downFor = rng.range(0, 1500);
  const sizes = logSizes(topology.sentinels);
  const started = performance.now();
  await oldMaster.kill();
  await delay(Math.max(0, crashAt - (performance.now() - started)));
  await victim.kill();
  const killedAt = Math.round(performance.now() - started);
  const phase = phaseSince(topology.sentinels, sizes);
  await delay(downFor);
  const checkedAt = performance.now();
  const refused = testConfig(victim);
  if (refused !== null)
    throw new Error(`sentinel :${victim.port} config refused: ${refused}\n${victim.readConfig()}`);
  try {
    await victim.restart(60_000);
  } catch (err) {
    throw new Error(
      `sentinel :${victim.port} did not restart from its config: ${String(err)}\n${victim.readConfig()}`,
      { cause: err },
    );
  }
  const restartMs = Math.round(performance.now() - checkedAt);
  // The old master comes back as it was, once the others moved on (sooner, it would stay master).
  await waitFor(
    "the sentinels to leave the old master",
    async () => {
      const addrs = await Promise.all(topology.sentinels.map((s) => s.getMasterAddr(MASTER)));
      return addrs.every((a) => a !== null && a.port !== oldPort);
    },
    { timeoutMs: opts.convergeTimeoutMs ?? 60_000, intervalMs: 100 },
  );
  const switchedAt = Math.round(performance.now() - started);
  await oldMaster.restart({ replicaOf: null });
  const newPort = await converged(topology, oldMaster, opts.convergeTimeoutMs ?? 60_000);
  const convergedAt = Math.round(performance.now() - started);
  const { votes, problems } = checkVotes(topology.sentinels);
  if (problems.length > 0) throw new Error(`votes: ${problems.join("; ")}`);
  return `master :${oldPort} killed; sentinel :${victim.port} killed at ${killedAt} ms (${phase}) for ${downFor} ms, config checked and restarted in ${restartMs} ms; all left the old master at ${switchedAt} ms; new master :${newPort}, old one its replica at ${convergedAt} ms; ${votes} votes logged, none twice in an epoch`;
}

function startTopology(opts: TrialOptions): Promise<Topology> {
  return Topology.start({
    sentinels: ["vigil", "vigil", "vigil"],
    replicas: 2,
    quorum: 2,
    downAfterMs: opts.downAfterMs ?? 500,
    failoverTimeoutMs: opts.failoverTimeoutMs ?? 2000,
    // Peers log the votes they receive at this level.
    sentinelConfig: ["loglevel verbose"],
    discoveryTimeoutMs: 60_000,
    sentinelReadyTimeoutMs: 60_000,
  });
}

export async function runCrashTrials(opts: TrialOptions): Promise<TrialsSummary> {
  const results: TrialResult[] = [];
  const started = performance.now();
  let topology: Topology | null = null;
  try {
    for (let i = 0; i < opts.trials; i++) {
      const rng = Rng.forInput(opts.seed, i);
      const t0 = performance.now();
      let result: TrialResult;
      try {
        topology ??= await startTopology(opts);
        const detail = await oneTrial(topology, rng, opts);
        result = { index: i, ok: true, ms: Math.round(performance.now() - t0), detail };
      } catch (err) {
        const logs = topology?.sentinels.map((s) => s.logs(40)).join("\n") ?? "";
        const detail = `${err instanceof Error ? err.message : String(err)}\n${logs}`;
        result = { index: i, ok: false, ms: Math.round(performance.now() - t0), detail };
        // A failed trial may leave the group anywhere: the next one starts afresh.
        if (topology !== null) {
          process.env["KEEP_TMP"] ??= "1";
          opts.log(`trial ${i}: keeping ${topology.dir}`);
          await topology.teardown();
          topology = null;
        }
      }
      results.push(result);
      opts.log(
        `trial ${i}: ${result.ok ? "ok" : "FAILED"} (${result.ms} ms) ${result.detail.split("\n")[0] ?? ""}`,
      );
    }
  } finally {
    await topology?.teardown();
  }
  return {
    trials: results.length,
    failures: results.filter((r) => !r.ok).length,
    ms: Math.round(performance.now() - started),
    results,
  };
}

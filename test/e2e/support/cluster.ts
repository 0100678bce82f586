// Helpers shared by the monitoring, failover and mixed-quorum e2e tests, on top of the harness:
// SENTINEL SENTINELS / REPLICAS as field maps, MYID, "every sentinel published this event",
// convergence of every sentinel on one master address and config epoch, and the replication
// state of the real redis-servers. Every wait is bounded (harness waitFor).
import { RespError, pairsToMap, type RespValue } from "../harness/resp-client.js";
import type { RedisProcess } from "../harness/redis-process.js";
import {
  EventRecorder,
  type RecordedEvent,
  type SentinelProcess,
} from "../harness/sentinel-process.js";
import { startTopology, type Topology, type TopologyOptions } from "../harness/topology.js";
import { waitFor } from "../harness/wait-for.js";

export type Fields = Map<string, string>;

function listOfMaps(reply: RespValue, what: string): Fields[] {
  if (reply instanceof RespError) throw reply;
  if (!Array.isArray(reply)) throw new Error(`${what}: not an array: ${JSON.stringify(reply)}`);
  return reply.map((entry) => pairsToMap(entry));
}

/** `SENTINEL SENTINELS <name>`, one field map per known peer. */
export async function peersOf(sentinel: SentinelProcess, name = "mymaster"): Promise<Fields[]> {
  return listOfMaps(await sentinel.command(["SENTINEL", "SENTINELS", name]), "SENTINEL SENTINELS");
}

/** `SENTINEL REPLICAS <name>`, one field map per known replica. */
export async function replicasOf(sentinel: SentinelProcess, name = "mymaster"): Promise<Fields[]> {
  return listOfMaps(await sentinel.command(["SENTINEL", "REPLICAS", name]), "SENTINEL REPLICAS");
}

/** `SENTINEL MYID`. */
export async function myIdOf(sentinel: SentinelProcess): Promise<string> {
  const reply = await sentinel.command(["SENTINEL", "MYID"]);
  if (typeof reply !== "string") throw new Error(`SENTINEL MYID: ${JSON.stringify(reply)}`);
  return reply;
}

/** Waits until every sentinel in `sentinels` has published `channel` containing `contains`. */
export async function waitForEventOnEach(
  recorder: EventRecorder,
  sentinels: readonly SentinelProcess[],
  channel: string,
  query: { contains?: string; since?: number },
  timeoutMs = 30_000,
): Promise<RecordedEvent[]> {
  return waitFor(
    `${channel}${query.contains === undefined ? "" : ` "${query.contains}"`} on all ${sentinels.length} sentinels`,
    () => {
      const seen = sentinels.map((s) =>
        recorder.first(channel, { ...query, sentinelPort: s.port }),
      );
      const missing = sentinels.filter((_, i) => seen[i] === undefined).map((s) => s.port);
      if (missing.length === 0) return seen.filter((e) => e !== undefined);
      throw new Error(`not yet from :${missing.join(" :")}`);
    },
    { timeoutMs, intervalMs: 20 },
  );
}

export interface Converged {
  port: number;
  configEpoch: string;
}

/**
 * Waits until every sentinel answers the same master address (other than `oldPort`) and the
 * same non-zero config-epoch in SENTINEL MASTER.
 */
export async function waitForConvergence(
  sentinels: readonly SentinelProcess[],
  oldPort: number,
  timeoutMs = 30_000,
  name = "mymaster",
): Promise<Converged> {
  return waitFor(
    `all ${sentinels.length} sentinels to agree on a new master address and config epoch`,
    async () => {
      const views = await Promise.all(
        sentinels.map(async (s) => {
          const master = await s.master(name);
          return { port: Number(master.get("port")), epoch: master.get("config-epoch") ?? "?" };
        }),
      );
      const first = views[0];
      const agree =
        first !== undefined &&
        first.port !== oldPort &&
        first.epoch !== "0" &&
        views.every((v) => v.port === first.port && v.epoch === first.epoch);
      if (agree) return { port: first.port, configEpoch: first.epoch };
      throw new Error(`views (port/epoch): ${views.map((v) => `${v.port}/${v.epoch}`).join(" ")}`);
    },
    { timeoutMs, intervalMs: 100 },
  );
}

/** Waits until `replica` reports role slave of `masterPort` with the link up. */
export async function waitForReplicaOf(
  replica: RedisProcess,
  masterPort: number,
  timeoutMs = 30_000,
): Promise<void> {
  await waitFor(
    `redis-server :${replica.port} to replicate from :${masterPort} with master_link_status:up`,
    async () => {
      const info = await replica.info();
      const state = `role=${info.get("role")} master_port=${info.get("master_port")} link=${info.get("master_link_status")}`;
      if (
        info.get("role") === "slave" &&
        info.get("master_port") === String(masterPort) &&
        info.get("master_link_status") === "up"
      ) {
        return true;
      }
      throw new Error(state);
    },
    { timeoutMs, intervalMs: 100 },
  );
}

/** `ROLE` of a redis-server: "master" or "slave". */
export async function roleOf(server: RedisProcess): Promise<string> {
  const reply = await server.command(["ROLE"]);
  if (!Array.isArray(reply)) throw new Error(`ROLE: ${JSON.stringify(reply)}`);
  return String(reply[0]);
}

/** On failure, the logs of every sentinel (for the assertion message). */
export function sentinelLogs(sentinels: readonly SentinelProcess[], lines = 40): string {
  return sentinels.map((s) => `=== ${s.impl} :${s.port}\n${s.logs(lines)}`).join("\n");
}

/**
 * Waits until every sentinel has the INFO of every replica (master-link-status ok, link up),
 * i.e. could select one of them in a failover right now.
 */
export async function waitForReplicasReady(
  sentinels: readonly SentinelProcess[],
  replicaCount: number,
  timeoutMs = 30_000,
  name = "mymaster",
): Promise<void> {
  await waitFor(
    `all ${sentinels.length} sentinels to hold the INFO of ${replicaCount} replicas`,
    async () => {
      const views = await Promise.all(sentinels.map((s) => replicasOf(s, name)));
      const ready = views.every(
        (replicas) =>
          replicas.length === replicaCount &&
          replicas.every((r) => r.get("flags") === "slave" && r.get("master-link-status") === "ok"),
      );
      if (ready) return true;
      throw new Error(
        views
          .map((rs) =>
            rs
              .map((r) => `${r.get("port")}:${r.get("flags")}:${r.get("master-link-status")}`)
              .join(","),
          )
          .join(" | "),
      );
    },
    { timeoutMs, intervalMs: 100 },
  );
}

/** On failure, every recorded event (for the assertion message). */
export function eventLog(recorder: EventRecorder | undefined): string {
  if (recorder === undefined) return "";
  return recorder.events
    .map((e) => `${e.at.toFixed(0)} :${e.sentinelPort} ${e.channel} ${e.message}`)
    .join("\n");
}

/**
 * One topology per test with its event recorder: started with the cluster tests' defaults
 * (1 master, 2 replicas, 3 Vigil, quorum 2, down-after 1000), torn down by `finish`, which first
 * prints the sentinels' logs and the recorded events when the test failed.
 */
export class ClusterRun {
  private topology: Topology | undefined;
  private recorder: EventRecorder | undefined;

  async start(options: TopologyOptions = {}): Promise<{ t: Topology; rec: EventRecorder }> {
    const t = await startTopology({
      replicas: 2,
      sentinels: ["vigil", "vigil", "vigil"],
      quorum: 2,
      downAfterMs: 1_000,
      discoveryTimeoutMs: 30_000,
      ...options,
    });
    this.topology = t;
    const rec = await EventRecorder.start(t.sentinels);
    this.recorder = rec;
    return { t, rec };
  }

  async finish(failed: boolean): Promise<void> {
    if (failed && this.topology !== undefined) {
      console.log(sentinelLogs(this.topology.sentinels));
      console.log(eventLog(this.recorder));
    }
    this.recorder?.stop();
    this.recorder = undefined;
    await this.topology?.teardown();
    this.topology = undefined;
  }
}

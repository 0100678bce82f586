// One failover scenario, run the same way against three redis-sentinel or three Vigil processes,
// capturing what an operator sees: every event of every sentinel (from just before `kill -9` of
// the master to the old master's return as a replica), and — once while the old master is down,
// once after it came back — each sentinel's SENTINEL MASTER / REPLICAS / SENTINELS replies,
// INFO sentinel section and config file. parity.e2e.test.ts compares the two captures.
import {
  EventRecorder,
  type RecordedEvent,
  type SentinelImpl,
} from "../harness/sentinel-process.js";
import { startTopology, type Topology } from "../harness/topology.js";
import { waitFor } from "../harness/wait-for.js";
import {
  myIdOf,
  peersOf,
  replicasOf,
  waitForConvergence,
  waitForEventOnEach,
  waitForReplicaOf,
  waitForReplicasReady,
  type Fields,
} from "./cluster.js";

export interface SentinelSnapshot {
  port: number;
  myId: string;
  master: Fields;
  replicas: Fields[];
  peers: Fields[];
  /** The raw `INFO sentinel` text. */
  info: string;
  config: string;
}

export interface ScenarioCapture {
  impl: SentinelImpl;
  oldPort: number;
  newPort: number;
  /** Port of the redis-server that stayed a replica. */
  otherPort: number;
  leaderPort: number;
  /** Port → SENTINEL MYID of every sentinel of the run. */
  ids: Map<number, string>;
  /** Every sentinel of the run, by port. */
  sentinelPorts: number[];
  events: RecordedEvent[];
  /** While the old master is down (after the failover ended everywhere). */
  down: SentinelSnapshot[];
  /** After the old master came back and every sentinel lists it as a healthy replica. */
  restarted: SentinelSnapshot[];
}

async function snapshot(t: Topology): Promise<SentinelSnapshot[]> {
  return Promise.all(
    t.sentinels.map(async (s) => ({
      port: s.port,
      myId: await myIdOf(s),
      master: await s.master(),
      replicas: await replicasOf(s),
      peers: await peersOf(s),
      info: String(await s.command(["INFO", "sentinel"])),
      config: s.readConfig(),
    })),
  );
}

/** Waits until every sentinel lists the replica on `port` with exactly these flags. */
async function waitForReplicaFlags(
  t: Topology,
  port: number,
  flags: string,
  timeoutMs: number,
  extra: (r: Fields) => boolean = () => true,
): Promise<void> {
  await waitFor(
    `every sentinel to list replica :${port} with flags "${flags}"`,
    async () => {
      const views = await Promise.all(t.sentinels.map((s) => replicasOf(s)));
      const seen = views.map((rs) => {
        const r = rs.find((x) => x.get("port") === String(port));
        return r === undefined ? "absent" : `${r.get("flags")}/${r.get("master-link-status")}`;
      });
      const ok = views.every((rs) => {
        const r = rs.find((x) => x.get("port") === String(port));
        return r?.get("flags") === flags && extra(r);
      });
      if (ok) return true;
      throw new Error(`seen: ${seen.join(" ")}`);
    },
    { timeoutMs, intervalMs: 100 },
  );
}

/**
 * Waits until every sentinel shows the new master with flags exactly "master": redis-sentinel may
 * hold it SDOWN for a few ms after the switch (parity-normalize.ts: IGNORED_TEXTS).
 */
async function waitForMasterHealthy(t: Topology, port: number): Promise<void> {
  await waitFor(
    `every sentinel to show the master :${port} with flags "master"`,
    async () => {
      const views = await Promise.all(t.sentinels.map((s) => s.master()));
      const seen = views.map((m) => `${m.get("port")}/${m.get("flags")}`);
      if (seen.every((v) => v === `${port}/master`)) return true;
      throw new Error(`seen: ${seen.join(" ")}`);
    },
    { timeoutMs: 60_000, intervalMs: 50 },
  );
}

/**
 * 3 sentinels of `impl` (quorum 2, down-after 1000 ms) on 1 master + 2 replicas: kill -9 of the
 * master, failover, then restart of the old master (as a master) until it is a replica again.
 * `onTopology` hands the topology to the caller at once so that its afterEach can tear it down.
 */
export async function runFailoverScenario(
  impl: SentinelImpl,
  onTopology: (t: Topology, recorder: EventRecorder | undefined) => void,
): Promise<ScenarioCapture> {
  const t = await startTopology({
    replicas: 2,
    sentinels: [impl, impl, impl],
    quorum: 2,
    downAfterMs: 1_000,
    discoveryTimeoutMs: 30_000,
  });
  onTopology(t, undefined);
  const rec = await EventRecorder.start(t.sentinels);
  onTopology(t, rec);
  await waitForReplicasReady(t.sentinels, 2, 30_000);
  const old = t.master;
  rec.clear();
  const killedAt = performance.now();
  await old.kill();

  const switches = await waitForEventOnEach(
    rec,
    t.sentinels,
    "+switch-master",
    { since: killedAt },
    60_000,
  );
  const newPort = Number(switches[0]?.message.split(" ")[4]);
  const { port } = await waitForConvergence(t.sentinels, old.port, 60_000);
  if (port !== newPort) throw new Error(`converged on :${port}, switched to :${newPort}`);
  const other = t.replicas.find((r) => r.port !== newPort);
  if (other === undefined) throw new Error(`no replica other than :${newPort}`);
  const leader = await rec.waitForEvent(
    "+elected-leader",
    { since: killedAt },
    { timeoutMs: 5_000 },
  );
  await rec.waitForEvent(
    "+failover-end",
    { since: killedAt, sentinelPort: leader.sentinelPort },
    { timeoutMs: 60_000 },
  );
  await waitForReplicaOf(other, newPort, 60_000);
  // Every sentinel lists the other replica healthy under the new master, and the old master as
  // a replica that is down.
  await waitForReplicaFlags(
    t,
    other.port,
    "slave",
    60_000,
    (r) => r.get("master-link-status") === "ok",
  );
  await waitForReplicaFlags(t, old.port, "s_down,slave,disconnected", 60_000);
  await waitForEventOnEach(
    rec,
    t.sentinels,
    "+sdown",
    { since: killedAt, contains: `slave 127.0.0.1:${old.port} ` },
    60_000,
  );
  await waitForMasterHealthy(t, newPort);
  const down = await snapshot(t);

  await old.restart({ replicaOf: null });
  await waitForReplicaOf(old, newPort, 60_000);
  await waitForReplicaFlags(
    t,
    old.port,
    "slave",
    60_000,
    (r) => r.get("master-link-status") === "ok" && r.get("master-port") === String(newPort),
  );
  await waitForEventOnEach(
    rec,
    t.sentinels,
    "-sdown",
    { since: killedAt, contains: `slave 127.0.0.1:${old.port} ` },
    60_000,
  );
  await waitForMasterHealthy(t, newPort);
  const restarted = await snapshot(t);
  rec.stop();

  return {
    impl,
    oldPort: old.port,
    newPort,
    otherPort: other.port,
    leaderPort: leader.sentinelPort,
    ids: new Map(down.map((s) => [s.port, s.myId])),
    sentinelPorts: t.sentinels.map((s) => s.port),
    events: [...rec.events],
    down,
    restarted,
  };
}

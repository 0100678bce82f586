// The monitored side of the scale benchmark: `size` real redis-servers as masters (small: --hz 1,
// no persistence). master-0 has a real redis-server replica, so a sentinel can fail it over for
// real; every other master has a FakeReplica (fake-replica.ts) that replicates from it, so the
// master lists it and a sentinel discovers it, without 1000 more redis-server processes.
import { freePort } from "../../test/e2e/harness/ports.js";
import { RedisProcess } from "../../test/e2e/harness/redis-process.js";
import { waitFor } from "../../test/e2e/harness/wait-for.js";
import { makeDir, removeDir } from "./exit-cleanup.js";
import { FakeReplica } from "./fake-replica.js";

export interface Farm {
  /** masters[i] is monitored as `master-<i>`. */
  readonly masters: RedisProcess[];
  /** The real replica of master-0 (null until started). */
  replica0: RedisProcess | null;
  /** The FakeReplicas of masters 1…size-1. */
  readonly fakes: FakeReplica[];
}

/**
 * `--maxclients` for masters and master-0's replica: each sentinel holds 2 links to each (commands
 * + pub/sub), plus a replica's link and the benchmark's own probes. 64 covers up to 24 sentinels.
 */
export function maxClientsFor(sentinels: number): number {
  return Math.max(64, 2 * sentinels + 16);
}

async function startRedis(extraArgs: readonly string[], replicaOf?: number): Promise<RedisProcess> {
  const dir = makeDir("redis-");
  try {
    return await RedisProcess.start({
      dir,
      extraArgs,
      readyTimeoutMs: 30_000,
      ...(replicaOf === undefined ? {} : { replicaOf }),
    });
  } catch (error: unknown) {
    removeDir(dir);
    throw error;
  }
}

async function stopRedis(redis: RedisProcess): Promise<void> {
  await redis.cleanup();
  removeDir(redis.dir);
}

/** Runs `make(0…count-1)` `batch` at a time, pushing each success to `out` (so a failure leaks nothing). */
async function startInto<T>(
  out: T[],
  count: number,
  batch: number,
  make: (i: number) => Promise<T>,
): Promise<void> {
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    const settled = await Promise.allSettled(Array.from({ length: n }, (_, k) => make(i + k)));
    for (const s of settled) if (s.status === "fulfilled") out.push(s.value);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed !== undefined) {
      const reason: unknown = failed.reason;
      throw reason instanceof Error ? reason : new Error(String(reason));
    }
  }
}

async function replicaLinkUp(replica: RedisProcess, masterPort: number): Promise<boolean> {
  const info = await replica.info("replication");
  if (info.get("master_port") === String(masterPort) && info.get("master_link_status") === "up")
    return true;
  throw new Error(
    `role=${info.get("role") ?? "?"} master_port=${info.get("master_port") ?? "-"} link=${info.get("master_link_status") ?? "-"}`,
  );
}

export async function startFarm(size: number, maxSentinels: number): Promise<Farm> {
  const farm: Farm = { masters: [], replica0: null, fakes: [] };
  const extraArgs = ["--hz", "1", "--maxclients", String(maxClientsFor(maxSentinels))];
  try {
    await startInto(farm.masters, size, 50, () => startRedis(extraArgs));
    const master0 = farm.masters[0];
    if (master0 === undefined) throw new Error("a farm needs at least one master");
    farm.replica0 = await startRedis(extraArgs, master0.port);
    await startInto(farm.fakes, size - 1, 100, async (i) =>
      FakeReplica.start(await freePort(), farm.masters[i + 1]?.port ?? 0),
    );
    await waitFor(
      `${size - 1} fake replicas to finish their initial sync`,
      () => farm.fakes.every((r) => r.synced),
      { timeoutMs: 30_000 + size * 20, intervalMs: 100 },
    );
    await readyMaster0(farm);
  } catch (error: unknown) {
    await stopFarm(farm);
    throw error;
  }
  return farm;
}

/**
 * Puts master-0 and its replica back as they started, after a failover (or a failed one) left the
 * old master killed and the replica promoted; waits (bounded) until the replica's link is up.
 */
export async function readyMaster0(farm: Farm): Promise<void> {
  const master = farm.masters[0];
  const replica = farm.replica0;
  if (master === undefined || replica === null) throw new Error("farm has no master-0 pair");
  if (!master.running) await master.restart({ replicaOf: null, readyTimeoutMs: 30_000 });
  if ((await master.info("replication")).get("role") !== "master")
    await master.command(["REPLICAOF", "NO", "ONE"]);
  if (!replica.running) await replica.restart({ replicaOf: master.port, readyTimeoutMs: 30_000 });
  if ((await replica.info("replication")).get("master_port") !== String(master.port))
    await replica.command(["REPLICAOF", "127.0.0.1", master.port]);
  await waitFor(
    `master-0's replica to sync from :${master.port}`,
    () => replicaLinkUp(replica, master.port),
    { timeoutMs: 30_000, intervalMs: 100 },
  );
}

export async function stopFarm(farm: Farm): Promise<void> {
  for (const fake of farm.fakes) fake.close();
  if (farm.replica0 !== null) await stopRedis(farm.replica0);
  const masters = farm.masters;
  for (let i = 0; i < masters.length; i += 100) {
    await Promise.all(masters.slice(i, i + 100).map(stopRedis));
  }
}

// The monitored side of the scale benchmark. master-0 and its replica are real redis-servers
// (small: --hz 1, no persistence), so a sentinel can fail it over for real. Masters 1…size-1 are
// either
// - real redis-servers, each with a FakeReplica (fake-replica.ts) in this process that
//   replicates from it, so the master lists it and a sentinel discovers it; or
// - with `fakeMasters`, FakeMaster pairs (fake-master.ts) served by a few worker processes
//   (fake-farm-worker.ts), answering INFO at a real redis-server's size. A thousand redis-server
//   processes woken by three sentinels kept both CPUs of a 2-core machine busy on their own
//   (load average ~50): the sentinels under test then measured the farm, not themselves.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { freePort } from "../../test/e2e/harness/ports.js";
import { waitForExit } from "../../test/e2e/harness/managed-process.js";
import { registerPid, unregisterPid } from "../../test/e2e/harness/pid-registry.js";
import { RedisProcess } from "../../test/e2e/harness/redis-process.js";
import { waitFor } from "../../test/e2e/harness/wait-for.js";
import { makeDir, removeDir } from "./exit-cleanup.js";
import { InfoTemplate } from "./fake-instance.js";
import type { WorkerSpec } from "./fake-farm-worker.js";
import { FakeReplica } from "./fake-replica.js";

export interface Farm {
  /** The real redis-server masters: all of them, or master-0 alone with fake masters. */
  readonly masters: RedisProcess[];
  /** masterPorts[i] on hosts[i] is monitored as `master-<i>`. */
  readonly masterPorts: number[];
  /** The loopback address of master-<i> and its replica: 127.0.0.1, or 127.0.0.x for fakes. */
  readonly hosts: string[];
  /** replicaPorts[i] is master-<i>'s replica (only master-0's with --fake-replicas no). */
  readonly replicaPorts: number[];
  /** The real replica of master-0 (null until started). */
  replica0: RedisProcess | null;
  /** The FakeReplicas of real masters 1…size-1 (in this process). */
  readonly fakes: FakeReplica[];
  /** Worker processes serving FakeMaster pairs. */
  readonly workers: ChildProcess[];
}

/** Worker processes for the fake masters at least: the load spreads over both CPUs. */
const MIN_FAKE_WORKERS = 2;

/**
 * Workers enough that none runs out of file descriptors under `fdLimit`: each instance it serves
 * holds its listening socket and 2 links (commands + pub/sub) from each sentinel.
 */
export function fakeWorkersFor(
  size: number,
  maxSentinels: number,
  replicas: boolean,
  fdLimit: number,
): number {
  const perPair = (replicas ? 2 : 1) * (1 + 2 * maxSentinels);
  const budget = Math.max(1_000, fdLimit - 512);
  return Math.max(MIN_FAKE_WORKERS, Math.ceil((size * perPair) / budget));
}
const WORKER_SCRIPT = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "fake-farm-worker.ts",
);

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

/**
 * SIGTERM by pid (unless it has exited: the worker then exits by itself, writing a --cpu-prof
 * profile), SIGKILL if it has not within 3 s; then a bounded wait until it is reaped.
 */
async function stopWorker(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return;
  worker.kill("SIGTERM");
  try {
    await waitForExit(worker, 3_000);
  } catch {
    worker.kill("SIGKILL");
    await waitForExit(worker, 5_000);
  }
}

/** Starts one worker with `spec`; resolves once it printed "ready" (bounded), else kills it. */
async function startWorker(spec: WorkerSpec, timeoutMs: number): Promise<ChildProcess> {
  const dir = makeDir("fake-farm-");
  const specPath = path.join(dir, "spec.json");
  fs.writeFileSync(specPath, JSON.stringify(spec));
  // process.execArgv carries tsx's loader flags: the worker is TypeScript like this process.
  // FARM_NODE_ARGS: node flags for the workers only (profiling the farm: --cpu-prof).
  const nodeArgs = (process.env["FARM_NODE_ARGS"] ?? "").split(" ").filter((a) => a !== "");
  const child = spawn(
    process.execPath,
    [...nodeArgs, ...process.execArgv, WORKER_SCRIPT, specPath],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  if (child.pid === undefined) throw new Error("could not spawn a fake-farm worker");
  const pid = child.pid;
  registerPid(pid, "fake-farm worker");
  child.once("exit", () => {
    unregisterPid(pid);
    removeDir(dir);
  });
  const lines = readline.createInterface({ input: child.stdout ?? process.stdin });
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`fake-farm worker ${pid} not ready within ${timeoutMs} ms`));
    }, timeoutMs);
    lines.once("line", (line) => {
      clearTimeout(timer);
      if (line.startsWith("ready ")) resolve();
      else reject(new Error(`fake-farm worker ${pid}: ${line}`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`fake-farm worker ${pid} exited with ${String(code)} while starting`));
    });
  });
  try {
    await ready;
  } catch (error: unknown) {
    await stopWorker(child);
    throw error;
  }
  return child;
}

function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => {
      resolve(false);
    });
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

/**
 * `count` free (host, port) pairs for fake instances, off 127.0.0.1: ports 20000–31999 (below the
 * ephemeral range, as free-port.ts) on 127.0.0.2, then 127.0.0.3, … so that ten thousand fake
 * masters and their replicas neither run 127.0.0.1's range dry nor take ports the other
 * processes on this machine (tests, other benches) draw there. A pair of a bucket that does not
 * bind is skipped; a pair two buckets race for fails its worker's start loudly.
 */
async function loopbackPorts(count: number): Promise<{ host: string; port: number }[]> {
  const out: { host: string; port: number }[] = [];
  const perHost = 12_000;
  for (let h = 2; h < 255 && out.length < count; h++) {
    const host = `127.0.0.${h}`;
    for (let start = 0; start < perHost && out.length < count; start += 500) {
      const batch = Array.from({ length: 500 }, (_, k) => 20_000 + start + k);
      const free = await Promise.all(batch.map((port) => canBind(host, port)));
      batch.forEach((port, k) => {
        if (free[k] === true && out.length < count) out.push({ host, port });
      });
    }
  }
  if (out.length < count) throw new Error(`only ${out.length} of ${count} loopback ports free`);
  return out;
}

async function infoText(redis: RedisProcess): Promise<string> {
  const reply = await redis.command(["INFO"]);
  if (typeof reply !== "string") throw new Error(`INFO of :${redis.port}: ${String(reply)}`);
  return reply;
}

/**
 * `size` masters with one replica each (see the top of this file); `fakeMasters`: masters
 * 1…size-1 are FakeMaster pairs in worker processes.
 */
export async function startFarm(
  size: number,
  maxSentinels: number,
  fakeMasters: boolean,
  /** With fake masters: each has a fake replica (false: none, scale.ts --fake-replicas no). */
  fakeReplicas = true,
  fdLimit = Infinity,
): Promise<Farm> {
  const farm: Farm = {
    masters: [],
    masterPorts: [],
    hosts: [],
    replicaPorts: [],
    replica0: null,
    fakes: [],
    workers: [],
  };
  const extraArgs = ["--hz", "1", "--maxclients", String(maxClientsFor(maxSentinels))];
  try {
    await startInto(farm.masters, fakeMasters ? 1 : size, 50, () => startRedis(extraArgs));
    const master0 = farm.masters[0];
    if (master0 === undefined) throw new Error("a farm needs at least one master");
    farm.replica0 = await startRedis(extraArgs, master0.port);
    await readyMaster0(farm);
    const masterInfo = await infoText(master0);
    const replicaInfo = await infoText(farm.replica0);
    farm.masterPorts.push(master0.port);
    farm.hosts.push("127.0.0.1");
    farm.replicaPorts.push(farm.replica0.port);
    if (fakeMasters) {
      const ports = await loopbackPorts((size - 1) * (fakeReplicas ? 2 : 1));
      const pairs: WorkerSpec["pairs"] = [];
      for (let i = 0; i < size - 1; i++) {
        const master = fakeReplicas ? ports[2 * i] : ports[i];
        const replica = fakeReplicas ? ports[2 * i + 1] : undefined;
        if (master === undefined) throw new Error("loopbackPorts returned too few ports");
        pairs.push({
          host: master.host,
          masterPort: master.port,
          replicaPort: replica?.port ?? 0,
        });
      }
      const workers = fakeWorkersFor(size, maxSentinels, fakeReplicas, fdLimit);
      const specs = Array.from({ length: workers }, (_, w) => ({
        pairs: pairs.filter((_, i) => i % workers === w),
        masterInfo,
        replicaInfo,
      })).filter((spec) => spec.pairs.length > 0);
      await startInto(farm.workers, specs.length, specs.length, (w) => {
        const spec = specs[w];
        if (spec === undefined) throw new Error(`no fake-farm spec ${w}`);
        return startWorker(spec, 30_000 + size * 20);
      });
      farm.masterPorts.push(...pairs.map((p) => p.masterPort));
      farm.hosts.push(...pairs.map((p) => p.host));
      if (fakeReplicas) farm.replicaPorts.push(...pairs.map((p) => p.replicaPort));
    } else {
      const replicaTemplate = new InfoTemplate(replicaInfo);
      await startInto(farm.fakes, size - 1, 100, async (i) =>
        FakeReplica.start(await freePort(), farm.masters[i + 1]?.port ?? 0, replicaTemplate),
      );
      await waitFor(
        `${size - 1} fake replicas to finish their initial sync`,
        () => farm.fakes.every((r) => r.synced),
        { timeoutMs: 30_000 + size * 20, intervalMs: 100 },
      );
      farm.masterPorts.push(...farm.masters.slice(1).map((m) => m.port));
      farm.hosts.push(...farm.masters.slice(1).map(() => "127.0.0.1"));
      farm.replicaPorts.push(...farm.fakes.map((f) => f.port));
    }
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
  await Promise.all(farm.workers.map(stopWorker));
  if (farm.replica0 !== null) await stopRedis(farm.replica0);
  const masters = farm.masters;
  for (let i = 0; i < masters.length; i += 100) {
    await Promise.all(masters.slice(i, i + 100).map(stopRedis));
  }
}

/**
 * `auto`: the farm under SCHED_IDLE only when every measurement has one sentinel. With three
 * sentinels × 1000 masters their start-up bursts kept both CPUs busy, the idle farm could not
 * answer them, and a sentinel was still not answering PING after 240 s: the farm then runs
 * like the sentinels.
 */
export function farmIdle(
  policy: "auto" | "idle" | "nice" | "normal",
  counts: readonly number[],
): boolean {
  return policy === "auto" ? Math.max(...counts) === 1 : policy === "idle";
}

/** `auto`: fake masters when some measurement has two or more sentinels. */
export function fakeMasters(farm: "auto" | "real" | "fake", counts: readonly number[]): boolean {
  return farm === "auto" ? Math.max(...counts) >= 2 : farm === "fake";
}

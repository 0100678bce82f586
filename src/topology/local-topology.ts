// A local Sentinel topology on free loopback ports: one master and N replicas (redis-server)
// watched by M sentinels (Vigil or Debian's redis-sentinel), all in one temp dir. Every process
// is tracked by the pid of the child spawned here; stop() ends them all (SIGTERM, then SIGKILL
// after a bounded wait) and killNow() is the synchronous last resort for process exit.
import { TopologyError } from "../errors.js";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { redisServerArgs, sentinelConfigText } from "./command-lines.js";
import { freePort } from "./free-port.js";
import { infoFields, oneCommand, until } from "./one-command.js";

export type SentinelImpl = "vigil" | "redis";

export interface LocalTopologyOptions {
  readonly replicas: number;
  readonly sentinels: number;
  readonly impl: SentinelImpl;
  /** Vigil's launcher (bin/vigil), run as an operator runs it: its first line gives node's flags. */
  readonly vigilBin: string;
  readonly masterName?: string;
  readonly quorum?: number;
  readonly downAfterMs?: number;
  readonly failoverTimeoutMs?: number;
  readonly redisServerBin?: string;
  readonly redisSentinelBin?: string;
  /** Called for every process spawned (restarts too), e.g. to print its pid. */
  readonly onSpawn?: (node: LocalNode) => void;
}

export interface LocalNode {
  readonly kind: "redis-server" | "sentinel";
  readonly port: number;
  readonly dir: string;
  readonly logfile: string;
  child: ChildProcess | null;
}

function alive(node: LocalNode): boolean {
  const c = node.child;
  return c !== null && c.exitCode === null && c.signalCode === null;
}

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      resolve(false);
    }, timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-15).join("\n");
  } catch {
    return "(no log)";
  }
}

export class LocalTopology {
  readonly dir: string;
  readonly masterName: string;
  readonly servers: LocalNode[] = [];
  readonly sentinels: LocalNode[] = [];
  private readonly options: LocalTopologyOptions;

  private constructor(dir: string, options: LocalTopologyOptions) {
    this.dir = dir;
    this.options = options;
    this.masterName = options.masterName ?? "mymaster";
  }

  /** A topology with nothing started yet: `start()` it (and `stop()` it, even if start fails). */
  static create(options: LocalTopologyOptions): LocalTopology {
    return new LocalTopology(fs.mkdtempSync(path.join(os.tmpdir(), "vigil-demo-")), options);
  }

  /** Starts everything and waits (bounded) until the sentinels know every replica and peer. */
  async start(): Promise<void> {
    const master = await this.newServer("master", undefined);
    for (let i = 0; i < this.options.replicas; i++) {
      await this.newServer(`replica-${i}`, master.port);
    }
    for (const replica of this.servers.slice(1)) {
      await until(
        `replica :${replica.port} to sync with :${master.port}`,
        async () => {
          const info = await oneCommand(replica.port, ["INFO", "replication"]);
          return typeof info === "string" && infoFields(info).get("master_link_status") === "up";
        },
        15_000,
      );
    }
    for (let i = 0; i < this.options.sentinels; i++) await this.newSentinel(i, master.port);
    await this.waitForDiscovery();
  }

  /** Pids of the processes running now. */
  pids(): number[] {
    return [...this.servers, ...this.sentinels]
      .filter(alive)
      .map((n) => n.child?.pid)
      .filter((pid): pid is number => pid !== undefined);
  }

  isRunning(node: LocalNode): boolean {
    return alive(node);
  }

  serverOn(port: number): LocalNode | undefined {
    return this.servers.find((s) => s.port === port);
  }

  /** SIGKILL by pid; resolves once the child is reaped (bounded). */
  async kill(node: LocalNode): Promise<void> {
    const child = node.child;
    if (child === null || !alive(node) || child.pid === undefined) return;
    process.kill(child.pid, "SIGKILL");
    await exited(child, 5_000);
  }

  /** Starts a killed redis-server again on its port, as a master: the sentinels reconfigure it. */
  async restart(node: LocalNode): Promise<void> {
    if (alive(node)) return;
    await this.spawnServer(node, undefined);
  }

  /** Ends every process (SIGTERM, SIGKILL after 3 s) and removes the temp dir. */
  async stop(): Promise<void> {
    const running = [...this.sentinels, ...this.servers]
      .map((n) => n.child)
      .filter((c): c is ChildProcess => c !== null && c.exitCode === null && c.signalCode === null);
    for (const child of running) if (child.pid !== undefined) process.kill(child.pid, "SIGTERM");
    const clean = await Promise.all(running.map((c) => exited(c, 3_000)));
    if (clean.includes(false)) this.killNow();
    await Promise.all(running.map((c) => exited(c, 2_000)));
    if (process.env["KEEP_TMP"] === undefined)
      fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** SIGKILL for every process still running, synchronously (for the 'exit' handler). */
  killNow(): void {
    for (const node of [...this.sentinels, ...this.servers]) {
      const pid = node.child?.pid;
      if (pid === undefined || !alive(node)) continue;
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }

  private async newServer(name: string, replicaOf: number | undefined): Promise<LocalNode> {
    const dir = path.join(this.dir, name);
    fs.mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const node: LocalNode = {
      kind: "redis-server",
      port,
      dir,
      logfile: path.join(dir, "redis.log"),
      child: null,
    };
    this.servers.push(node);
    await this.spawnServer(node, replicaOf);
    return node;
  }

  private async spawnServer(node: LocalNode, replicaOf: number | undefined): Promise<void> {
    const bin = this.options.redisServerBin ?? "/usr/bin/redis-server";
    const args = redisServerArgs({
      port: node.port,
      dir: node.dir,
      logfile: node.logfile,
      replicaOf,
    });
    await this.adopt(node, spawn(bin, args, { stdio: "ignore" }));
  }

  private async newSentinel(i: number, masterPort: number): Promise<void> {
    const dir = path.join(this.dir, `sentinel-${i}`);
    fs.mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const node: LocalNode = {
      kind: "sentinel",
      port,
      dir,
      logfile: path.join(dir, "sentinel.log"),
      child: null,
    };
    const config = path.join(dir, "sentinel.conf");
    const quorum = this.options.quorum ?? Math.floor(this.options.sentinels / 2) + 1;
    const monitor = {
      name: this.masterName,
      port: masterPort,
      quorum,
      downAfterMs: this.options.downAfterMs ?? 5_000,
      failoverTimeoutMs: this.options.failoverTimeoutMs ?? 60_000,
      parallelSyncs: 1,
    };
    fs.writeFileSync(config, sentinelConfigText([`port ${port}`], dir, node.logfile, [monitor]));
    const [file, args] =
      this.options.impl === "redis"
        ? [this.options.redisSentinelBin ?? "/usr/bin/redis-sentinel", [config]]
        : [this.options.vigilBin, [config]];
    this.sentinels.push(node);
    const out = fs.openSync(path.join(dir, "output.log"), "a");
    const child = spawn(file, args, { stdio: ["ignore", out, out], cwd: dir });
    fs.closeSync(out);
    await this.adopt(node, child);
  }

  /** Takes a spawned child: reports it, then waits (bounded) until it answers PING. */
  private async adopt(node: LocalNode, child: ChildProcess): Promise<void> {
    child.once("error", () => undefined);
    node.child = child;
    if (child.pid === undefined)
      throw new TopologyError(`could not start ${node.kind} :${node.port}`);
    this.options.onSpawn?.(node);
    await until(
      `${node.kind} :${node.port} (pid ${child.pid}) to answer PING`,
      // A child that died ends the wait at once; the check below reports it.
      async () => !alive(node) || (await oneCommand(node.port, ["PING"], 500)) === "PONG",
      10_000,
      20,
    );
    if (!alive(node))
      throw new TopologyError(`${node.kind} :${node.port} exited; log:\n${tail(node.logfile)}`);
  }

  /** INFO sentinel's `slaves=` and `sentinels=` for the master, on every sentinel. */
  private async waitForDiscovery(): Promise<void> {
    const want = `slaves=${this.servers.length - 1},sentinels=${this.sentinels.length}`;
    await until(
      `every sentinel to know ${want}`,
      async () => {
        const infos = await Promise.all(
          this.sentinels.map((s) => oneCommand(s.port, ["INFO", "sentinel"])),
        );
        return infos.every((i) => typeof i === "string" && i.includes(want));
      },
      30_000,
      100,
    );
  }
}

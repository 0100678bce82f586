// A redis-server on 127.0.0.1 in its own temp dir, with persistence off (`--save "" --appendonly
// no`). It can be killed (SIGKILL), paused (SIGSTOP), resumed (SIGCONT) and restarted on the same
// port — always by the pid of the child we spawned. Readiness means "answers PING".
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { registerPid, unregisterPid } from "./pid-registry.js";
import { freePort } from "./ports.js";
import {
  RespConnection,
  RespError,
  parseInfo,
  sendCommand,
  type RespValue,
} from "./resp-client.js";
import { waitFor } from "./wait-for.js";

export const REDIS_SERVER_BIN = process.env["REDIS_SERVER_BIN"] ?? "/usr/bin/redis-server";

export interface RedisOptions {
  /** Port to listen on (default: a free one). */
  port?: number;
  /** Start as a replica of this loopback port. */
  replicaOf?: number;
  /** Working dir (default: a new temp dir, removed by `cleanup()`). */
  dir?: string;
  /** Extra `--directive value` arguments. */
  extraArgs?: readonly string[];
  /** Bound on the wait for PING (default 10 s). */
  readyTimeoutMs?: number;
}

export function tailOf(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Waits (bounded) for a child to be reaped after a signal that ends it. */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`pid ${String(child.pid)} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export class RedisProcess {
  readonly port: number;
  readonly dir: string;
  private child: ChildProcess | null = null;
  private replicaOf: number | undefined;
  private readonly extraArgs: readonly string[];
  private readonly ownsDir: boolean;
  private paused = false;

  private constructor(port: number, dir: string, ownsDir: boolean, options: RedisOptions) {
    this.port = port;
    this.dir = dir;
    this.ownsDir = ownsDir;
    this.replicaOf = options.replicaOf;
    this.extraArgs = options.extraArgs ?? [];
  }

  static async start(options: RedisOptions = {}): Promise<RedisProcess> {
    const port = options.port ?? (await freePort());
    const ownsDir = options.dir === undefined;
    const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), `vigil-redis-${port}-`));
    fs.mkdirSync(dir, { recursive: true });
    const redis = new RedisProcess(port, dir, ownsDir, options);
    await redis.launch(options.readyTimeoutMs ?? 10_000);
    return redis;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  get logPath(): string {
    return path.join(this.dir, "redis.log");
  }

  private args(): string[] {
    const args = [
      "--port",
      String(this.port),
      "--bind",
      "127.0.0.1",
      "--dir",
      this.dir,
      "--logfile",
      this.logPath,
      "--daemonize",
      "no",
      "--save",
      "",
      "--appendonly",
      "no",
      // Full syncs start at once instead of after Redis 7's 5 s diskless delay.
      "--repl-diskless-sync-delay",
      "0",
    ];
    if (this.replicaOf !== undefined) args.push("--replicaof", "127.0.0.1", String(this.replicaOf));
    return args.concat(this.extraArgs);
  }

  private async launch(readyTimeoutMs: number): Promise<void> {
    const child = spawn(REDIS_SERVER_BIN, this.args(), { stdio: "ignore", detached: false });
    if (child.pid === undefined) throw new Error(`could not spawn ${REDIS_SERVER_BIN}`);
    const pid = child.pid;
    registerPid(pid, `redis-server :${this.port}`);
    child.once("exit", () => {
      unregisterPid(pid);
    });
    child.once("error", () => {
      unregisterPid(pid);
    });
    this.child = child;
    this.paused = false;
    await waitFor(
      `redis-server :${this.port} (pid ${pid}) to answer PING`,
      async () => {
        if (!this.running) throw new Error(`exited; log tail:\n${tailOf(this.logPath)}`);
        return (await sendCommand(this.port, ["PING"], 500)) === "PONG";
      },
      { timeoutMs: readyTimeoutMs, intervalMs: 20 },
    );
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined || !this.running)
      throw new Error(`redis-server :${this.port} is not running`);
    process.kill(pid, signal);
  }

  /** SIGKILL by pid, then wait (bounded) until the child is reaped. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === null || !this.running) return;
    this.signal("SIGKILL");
    await waitForExit(child, 5_000);
  }

  /** SIGSTOP: the process keeps its sockets but answers nothing. */
  pause(): void {
    this.signal("SIGSTOP");
    this.paused = true;
  }

  /** SIGCONT after `pause()`. */
  resume(): void {
    this.signal("SIGCONT");
    this.paused = false;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * Starts again on the same port and dir. By default it comes back as it was first started;
   * pass `{ replicaOf: null }` to come back as a master, or a port to come back as a replica.
   */
  async restart(
    options: { replicaOf?: number | null; readyTimeoutMs?: number } = {},
  ): Promise<void> {
    if (this.running) {
      if (this.paused) this.resume();
      await this.kill();
    }
    if (options.replicaOf !== undefined) this.replicaOf = options.replicaOf ?? undefined;
    await this.launch(options.readyTimeoutMs ?? 10_000);
  }

  /** One command on a fresh connection (bounded). A `-ERR` reply is thrown as RespError. */
  async command(args: readonly (string | number)[], timeoutMs = 2_000): Promise<RespValue> {
    const reply = await sendCommand(this.port, args, timeoutMs);
    if (reply instanceof RespError) throw reply;
    return reply;
  }

  async info(section = "replication"): Promise<Map<string, string>> {
    const text = await this.command(["INFO", section]);
    return parseInfo(typeof text === "string" ? text : "");
  }

  /** A persistent connection (caller closes it). */
  connect(): Promise<RespConnection> {
    return RespConnection.connect(this.port);
  }

  logTail(lines = 30): string {
    return tailOf(this.logPath, lines);
  }

  /** Kills the process if it runs (resuming it first if paused) and removes its temp dir. */
  async cleanup(): Promise<void> {
    if (this.running) {
      if (this.paused) this.resume();
      await this.kill();
    }
    if (this.ownsDir && process.env["KEEP_TMP"] === undefined) {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

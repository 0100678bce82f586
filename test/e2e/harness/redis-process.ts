// A redis-server on 127.0.0.1 in its own temp dir, with persistence off (`--save "" --appendonly
// no`). It can be killed (SIGKILL), paused (SIGSTOP), resumed (SIGCONT) and restarted on the same
// port — always by the pid of the child we spawned. Readiness means "answers PING".
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { redisServerArgs } from "../../../src/topology/command-lines.js";
import { ManagedProcess } from "./managed-process.js";
import { freePort } from "./ports.js";
import type { TlsFiles } from "./tls-files.js";
import { redisTlsArgs, tlsClientOptions } from "./tls-files.js";
import {
  RespConnection,
  RespError,
  parseInfo,
  sendCommand,
  type RespValue,
} from "./resp-client.js";

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
  /** TLS only (`port` becomes tls-port), replication on TLS too. */
  tls?: TlsFiles;
}

export function tailOf(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

export { waitForExit } from "./managed-process.js";

export class RedisProcess extends ManagedProcess {
  private replicaOf: number | undefined;
  private readonly extraArgs: readonly string[];
  private readonly tlsFiles: TlsFiles | undefined;

  private constructor(port: number, dir: string, ownsDir: boolean, options: RedisOptions) {
    super(
      port,
      dir,
      ownsDir,
      options.tls === undefined ? undefined : tlsClientOptions(options.tls),
    );
    this.replicaOf = options.replicaOf;
    this.extraArgs = options.extraArgs ?? [];
    this.tlsFiles = options.tls;
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

  protected get label(): string {
    return `redis-server :${this.port}`;
  }

  get logPath(): string {
    return path.join(this.dir, "redis.log");
  }

  private args(): string[] {
    const args = redisServerArgs({ port: this.port, dir: this.dir, logfile: this.logPath });
    if (this.tlsFiles !== undefined) args.push(...redisTlsArgs(this.tlsFiles, this.port));
    if (this.replicaOf !== undefined) args.push("--replicaof", "127.0.0.1", String(this.replicaOf));
    return args.concat(this.extraArgs);
  }

  private async launch(readyTimeoutMs: number): Promise<void> {
    const child = spawn(REDIS_SERVER_BIN, this.args(), { stdio: "ignore", detached: false });
    await this.adopt(child, readyTimeoutMs, () => `exited; log tail:\n${tailOf(this.logPath)}`);
  }

  /** SIGKILL by pid, then wait (bounded) until the child is reaped. */
  async kill(): Promise<void> {
    await this.sigkill();
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
    const reply = await sendCommand(this.port, args, timeoutMs, this.tls);
    if (reply instanceof RespError) throw reply;
    return reply;
  }

  async info(section = "replication"): Promise<Map<string, string>> {
    const text = await this.command(["INFO", section]);
    return parseInfo(typeof text === "string" ? text : "");
  }

  /** A persistent connection (caller closes it). */
  connect(): Promise<RespConnection> {
    return RespConnection.connect(this.port, 2_000, "127.0.0.1", this.tls);
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
    this.removeOwnDir();
  }
}

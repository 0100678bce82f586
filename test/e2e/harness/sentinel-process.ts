// One sentinel process — Vigil (`node <bin/vigil's flags> dist/main.js <conf>`) or Debian's
// `/usr/bin/redis-sentinel <conf>` — started from a generated config in its own temp dir, with its
// log captured there. Both are driven the same way, so every e2e test and benchmark is
// parametrised by implementation.
// Also: EventRecorder, which PSUBSCRIBEs `*` on sentinels and timestamps every event.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { sentinelConfigText, type MonitorSpec } from "../../../src/topology/command-lines.js";
import { ManagedProcess, waitForExit } from "./managed-process.js";
import type { ConnectionOptions } from "node:tls";
import { launcherEnv, launcherFlags } from "./node-flags.js";
import { freePort } from "./ports.js";
import type { TlsFiles } from "./tls-files.js";
import { sentinelTlsLines, tlsClientOptions } from "./tls-files.js";
import { tailOf } from "./redis-process.js";
import { RespError, pairsToMap, parseInfo, sendCommand, type RespValue } from "./resp-client.js";
import { waitFor, type WaitOptions } from "./wait-for.js";

export const SENTINEL_IMPLS = ["vigil", "redis"] as const;
export type SentinelImpl = (typeof SENTINEL_IMPLS)[number];

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const VIGIL_ENTRY = path.join(REPO_ROOT, "dist", "main.js");
export const REDIS_SENTINEL_BIN = process.env["REDIS_SENTINEL_BIN"] ?? "/usr/bin/redis-sentinel";

export type { MonitorSpec };

export interface SentinelOptions {
  impl: SentinelImpl;
  /** Port to listen on (default: a free one). */
  port?: number;
  /** Masters to monitor (`sentinel monitor` + per-master directives). */
  monitors: readonly MonitorSpec[];
  /** More config lines, written verbatim after the generated ones. */
  extraConfig?: readonly string[];
  /** More command-line arguments after the config path (`--directive value`). */
  extraArgs?: readonly string[];
  /** Working dir (default: a new temp dir, removed by `cleanup()`). */
  dir?: string;
  /** Bound on the wait for PING (default 10 s). */
  readyTimeoutMs?: number;
  /**
   * A command prefix the sentinel is started through; it must exec the sentinel, so that the
   * pid stays the sentinel's (the scale bench uses `chrt --other 0` to run its sentinels at
   * normal priority beside a farm under SCHED_IDLE).
   */
  launcher?: readonly string[];
  /** TLS only (`port` becomes tls-port), every link on TLS (tls-replication yes). */
  tls?: TlsFiles;
  /** Vigil's entry point (default VIGIL_ENTRY; a bench compares another build's dist/main.js). */
  entry?: string;
}

export interface MasterAddr {
  host: string;
  port: number;
}

/** The config file text for `options` (Redis sentinel.conf syntax, understood by both). */
export function sentinelConfig(port: number, dir: string, options: SentinelOptions): string {
  const listen = options.tls === undefined ? [`port ${port}`] : sentinelTlsLines(options.tls, port);
  const logfile = path.join(dir, "sentinel.log");
  return sentinelConfigText(listen, dir, logfile, options.monitors, options.extraConfig ?? []);
}

export class SentinelProcess extends ManagedProcess {
  readonly impl: SentinelImpl;
  readonly configPath: string;
  private readonly options: SentinelOptions;

  private constructor(port: number, dir: string, ownsDir: boolean, options: SentinelOptions) {
    super(
      port,
      dir,
      ownsDir,
      options.tls === undefined ? undefined : tlsClientOptions(options.tls),
    );
    this.impl = options.impl;
    this.options = options;
    this.configPath = path.join(dir, "sentinel.conf");
  }

  static async start(options: SentinelOptions): Promise<SentinelProcess> {
    const port = options.port ?? (await freePort());
    const ownsDir = options.dir === undefined;
    const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), `vigil-sentinel-${port}-`));
    fs.mkdirSync(dir, { recursive: true });
    const sentinel = new SentinelProcess(port, dir, ownsDir, options);
    fs.writeFileSync(sentinel.configPath, sentinelConfig(port, dir, options));
    await sentinel.launch(options.readyTimeoutMs ?? 10_000);
    return sentinel;
  }

  protected get label(): string {
    return `${this.impl} sentinel :${this.port}`;
  }

  get logPath(): string {
    return path.join(this.dir, "sentinel.log");
  }

  /** stdout + stderr of the process (Vigil may log there as well as to `logfile`). */
  get outputPath(): string {
    return path.join(this.dir, "output.log");
  }

  private command_(): { file: string; args: string[]; env: Record<string, string> } {
    const { file, args, env } = this.bareCommand();
    const [launcher, ...launcherArgs] = this.options.launcher ?? [];
    return launcher === undefined
      ? { file, args, env }
      : { file: launcher, args: [...launcherArgs, file, ...args], env };
  }

  /** The command, and the variables it adds to the environment (bin/vigil's for Vigil). */
  private bareCommand(): { file: string; args: string[]; env: Record<string, string> } {
    const extra = [...(this.options.extraArgs ?? [])];
    if (this.impl === "redis")
      return { file: REDIS_SENTINEL_BIN, args: [this.configPath, ...extra], env: {} };
    const entry = this.options.entry ?? VIGIL_ENTRY;
    if (!fs.existsSync(entry)) {
      throw new Error(`${entry} is missing: run \`npm run build\` first`);
    }
    // bin/vigil's flags, then VIGIL_NODE_ARGS: more node flags for Vigil only (profiling a bench:
    // --perf-basic-prof, --trace-gc), which win over the first.
    const nodeArgs = (process.env["VIGIL_NODE_ARGS"] ?? "").split(" ").filter((a) => a !== "");
    return {
      file: process.execPath,
      args: [...launcherFlags(), ...nodeArgs, entry, this.configPath, ...extra],
      env: launcherEnv(),
    };
  }

  private async launch(readyTimeoutMs: number): Promise<void> {
    const { file, args, env } = this.command_();
    const out = fs.openSync(this.outputPath, "a");
    const child = spawn(file, args, {
      env: { ...process.env, ...env },
      stdio: ["ignore", out, out],
      cwd: this.dir,
      detached: false,
    });
    fs.closeSync(out);
    await this.adopt(
      child,
      readyTimeoutMs,
      () => `exited (${String(child.exitCode ?? child.signalCode)}); output:\n${this.logs(20)}`,
    );
  }

  /** SIGCONT if paused, then SIGKILL by pid and a bounded wait until the child is reaped. */
  async kill(): Promise<void> {
    if (this.running && this.paused) this.resume();
    await this.sigkill();
  }

  /** SIGTERM and a bounded wait for a clean exit (then SIGKILL). */
  async terminate(timeoutMs = 5_000): Promise<void> {
    const child = this.child;
    if (child === null || !this.running) return;
    if (this.paused) this.resume();
    this.signal("SIGTERM");
    try {
      await waitForExit(child, timeoutMs);
    } catch {
      await this.kill();
    }
  }

  /** Kill (if running) and start again with the config file as the sentinel last rewrote it. */
  async restart(readyTimeoutMs = 10_000): Promise<void> {
    await this.kill();
    await this.launch(readyTimeoutMs);
  }

  /** One command on a fresh connection. A `-ERR` reply is returned as a RespError value. */
  command(args: readonly (string | number)[], timeoutMs = 2_000): Promise<RespValue> {
    return sendCommand(this.port, args, timeoutMs, this.tls);
  }

  /** `SENTINEL get-master-addr-by-name`; null for an unknown name. */
  async getMasterAddr(name = "mymaster"): Promise<MasterAddr | null> {
    const reply = await this.command(["SENTINEL", "get-master-addr-by-name", name]);
    if (reply instanceof RespError) throw reply;
    if (!Array.isArray(reply) || reply.length !== 2) return null;
    return { host: String(reply[0]), port: Number(reply[1]) };
  }

  /** `SENTINEL MASTER <name>` as field → value. */
  async master(name = "mymaster"): Promise<Map<string, string>> {
    const reply = await this.command(["SENTINEL", "MASTER", name]);
    if (reply instanceof RespError) throw reply;
    return pairsToMap(reply);
  }

  async info(section = "sentinel"): Promise<Map<string, string>> {
    const reply = await this.command(["INFO", section]);
    return parseInfo(typeof reply === "string" ? reply : "");
  }

  /** The config file as the sentinel has (re)written it. */
  readConfig(): string {
    return fs.readFileSync(this.configPath, "utf8");
  }

  /** Tail of the logfile and of stdout/stderr. */
  logs(lines = 50): string {
    return `--- ${this.logPath}\n${tailOf(this.logPath, lines)}\n--- ${this.outputPath}\n${tailOf(this.outputPath, lines)}`;
  }

  async cleanup(): Promise<void> {
    await this.kill();
    this.removeOwnDir();
  }
}

export interface RecordedEvent {
  sentinelPort: number;
  channel: string;
  message: string;
  /** performance.now() when the message arrived (monotonic ms). */
  at: number;
  /** Date.now() when the message arrived. */
  wallClockMs: number;
}

export interface EventQuery {
  /** Only events that arrived at or after this performance.now() value. */
  since?: number;
  sentinelPort?: number;
  /** Substring the message must contain. */
  contains?: string;
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${what} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Every Sentinel event published by a set of sentinels, in arrival order, with timestamps. */
export class EventRecorder {
  readonly events: RecordedEvent[] = [];
  private readonly clients = new Map<number, Redis>();
  private readonly listeners: ((event: RecordedEvent) => void)[] = [];

  /** Subscribes to every sentinel; on failure closes what it opened and rethrows. */
  static async start(
    sentinels: readonly { port: number; tls?: ConnectionOptions | undefined }[],
    timeoutMs = 5_000,
  ): Promise<EventRecorder> {
    const recorder = new EventRecorder();
    try {
      for (const s of sentinels) await recorder.add(s.port, timeoutMs, s.tls);
    } catch (error: unknown) {
      recorder.stop();
      throw error;
    }
    return recorder;
  }

  /**
   * Subscribes to one more sentinel; resolves once its PSUBSCRIBE is confirmed (within
   * `timeoutMs`; a busy sentinel watching thousands of masters may need more than 5 s). On
   * timeout the connection is closed.
   */
  async add(port: number, timeoutMs = 5_000, tls?: ConnectionOptions): Promise<void> {
    const client = new Redis({
      ...(tls === undefined ? {} : { tls }),
      host: "127.0.0.1",
      port,
      lazyConnect: true,
      protocol: 2,
      enableReadyCheck: false,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      connectTimeout: 2_000,
      // Keep listening across sentinel restarts; ioredis re-subscribes on reconnect.
      retryStrategy: () => 100,
      autoResubscribe: true,
      connectionName: "vigil-event-recorder",
    });
    client.on("error", () => {
      // Reconnects are expected while a sentinel is killed or restarted.
    });
    client.on("pmessage", (_pattern: string, channel: string, message: string) => {
      const event = {
        sentinelPort: port,
        channel,
        message,
        at: performance.now(),
        wallClockMs: Date.now(),
      };
      this.events.push(event);
      for (const listener of this.listeners) listener(event);
    });
    this.clients.set(port, client);
    try {
      await withTimeout(
        (async () => {
          await client.connect();
          await client.psubscribe("*");
        })(),
        timeoutMs,
        `PSUBSCRIBE * on sentinel :${port}`,
      );
    } catch (error: unknown) {
      this.clients.delete(port);
      client.disconnect();
      throw error;
    }
  }

  onEvent(listener: (event: RecordedEvent) => void): void {
    this.listeners.push(listener);
  }

  all(channel: string, query: EventQuery = {}): RecordedEvent[] {
    return this.events.filter(
      (e) =>
        e.channel === channel &&
        (query.since === undefined || e.at >= query.since) &&
        (query.sentinelPort === undefined || e.sentinelPort === query.sentinelPort) &&
        (query.contains === undefined || e.message.includes(query.contains)),
    );
  }

  first(channel: string, query: EventQuery = {}): RecordedEvent | undefined {
    return this.all(channel, query)[0];
  }

  waitForEvent(
    channel: string,
    query: EventQuery = {},
    options: WaitOptions = {},
  ): Promise<RecordedEvent> {
    const where =
      query.sentinelPort === undefined ? "any sentinel" : `sentinel :${query.sentinelPort}`;
    const what = query.contains === undefined ? "" : ` containing "${query.contains}"`;
    return waitFor(`event ${channel}${what} from ${where}`, () => this.first(channel, query), {
      intervalMs: 5,
      ...options,
    });
  }

  clear(): void {
    this.events.length = 0;
  }

  stop(): void {
    for (const client of this.clients.values()) client.disconnect();
    this.clients.clear();
  }
}

/** Polls until every sentinel answers `get-master-addr-by-name` with `port` (bounded). */
export function waitForMasterAddr(
  sentinels: readonly SentinelProcess[],
  port: number,
  name = "mymaster",
  options: WaitOptions = {},
): Promise<true> {
  return waitFor(
    `all ${sentinels.length} sentinels to answer get-master-addr-by-name ${name} = 127.0.0.1:${port}`,
    async () => {
      const addrs = await Promise.all(sentinels.map((s) => s.getMasterAddr(name)));
      if (addrs.every((a) => a?.port === port)) return true;
      throw new Error(
        `answers: ${addrs.map((a) => (a === null ? "nil" : String(a.port))).join(" ")}`,
      );
    },
    options,
  );
}

// Helpers for the client and script e2e tests: bounded child processes (python3, redis-cli) that
// are registered by pid with the harness safety net, a redis-cli SUBSCRIBE reader, a bounded
// promise race, and a list of things to close after each test.
import { spawn, type ChildProcess } from "node:child_process";
import { registerPid, unregisterPid } from "../harness/pid-registry.js";
import { waitForExit } from "../harness/redis-process.js";
import { delay, waitFor } from "../harness/wait-for.js";

export const REDIS_CLI_BIN = process.env["REDIS_CLI_BIN"] ?? "/usr/bin/redis-cli";
/** Debian's python3, which has python3-redis (the one in PATH may be another interpreter). */
export const PYTHON_BIN = process.env["VIGIL_PYTHON_BIN"] ?? "/usr/bin/python3";

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion, SIGKILLing it (by pid) if it outlives `timeoutMs`. */
export function runBounded(
  file: string,
  args: readonly string[],
  timeoutMs: number,
  input?: string,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ["pipe", "pipe", "pipe"] });
    if (child.pid === undefined) {
      reject(new Error(`could not spawn ${file}`));
      return;
    }
    const pid = child.pid;
    registerPid(pid, `${file} ${args.slice(0, 3).join(" ")}`);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      unregisterPid(pid);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      unregisterPid(pid);
      if (timedOut) {
        reject(
          new Error(
            `${file} ${args.join(" ")} killed after ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`,
          ),
        );
        return;
      }
      resolve({ code, signal, stdout, stderr });
    });
    // A program that exits without reading its input (redis-cli given a command) closes the
    // pipe: the write then fails with EPIPE, which is no failure of the run ("close" reports it).
    child.stdin.on("error", () => undefined);
    child.stdin.end(input ?? "");
  });
}

/** `redis-cli -p <port> args…` (non-tty output), bounded. */
export function redisCli(
  port: number,
  args: readonly string[],
  timeoutMs = 5_000,
): Promise<RunResult> {
  return runBounded(REDIS_CLI_BIN, ["-h", "127.0.0.1", "-p", String(port), ...args], timeoutMs);
}

/** `/usr/bin/python3 -c <script> args…`, bounded. */
export function python(
  script: string,
  args: readonly string[],
  timeoutMs = 20_000,
): Promise<RunResult> {
  return runBounded(PYTHON_BIN, ["-c", script, ...args], timeoutMs);
}

/** A long-running `redis-cli … SUBSCRIBE <channel>` whose stdout lines are collected. */
export class CliSubscriber {
  readonly lines: string[] = [];
  private partial = "";
  private readonly child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.child = child;
    child.stdout?.on("data", (chunk: Buffer) => {
      const text = this.partial + chunk.toString("utf8");
      const parts = text.split("\n");
      this.partial = parts.pop() ?? "";
      this.lines.push(...parts);
    });
  }

  /** Starts the subscriber and waits (bounded) for its subscribe confirmation. */
  static async start(port: number, channel: string, timeoutMs = 10_000): Promise<CliSubscriber> {
    const child = spawn(
      REDIS_CLI_BIN,
      ["-h", "127.0.0.1", "-p", String(port), "SUBSCRIBE", channel],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    if (child.pid === undefined) throw new Error("could not spawn redis-cli");
    const pid = child.pid;
    registerPid(pid, `redis-cli SUBSCRIBE ${channel}`);
    child.once("exit", () => {
      unregisterPid(pid);
    });
    const subscriber = new CliSubscriber(child);
    await waitFor(
      `redis-cli SUBSCRIBE ${channel} on :${port} to be confirmed`,
      () => {
        if (child.exitCode !== null) throw new Error(`redis-cli exited ${child.exitCode}`);
        return subscriber.lines.join("\n").includes(`subscribe\n${channel}\n1`);
      },
      { timeoutMs, intervalMs: 20 },
    );
    return subscriber;
  }

  /** Payloads of every `message` frame received on `channel` (non-tty redis-cli: 3 lines each). */
  messages(channel: string): string[] {
    const out: string[] = [];
    for (let i = 0; i + 2 < this.lines.length; i++) {
      if (this.lines[i] === "message" && this.lines[i + 1] === channel) {
        out.push(this.lines[i + 2] ?? "");
        i += 2;
      }
    }
    return out;
  }

  async stop(): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined || this.child.exitCode !== null || this.child.signalCode !== null) return;
    process.kill(pid, "SIGKILL");
    await waitForExit(this.child, 5_000);
  }
}

/** Races a promise against a deadline; the error names what did not happen. */
export function bounded<T>(what: string, promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`timed out after ${timeoutMs} ms: ${what}`));
    }, timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

/** Cleanups registered during a test and run (all, errors swallowed) in afterEach. */
export class Closers {
  private readonly list: (() => unknown)[] = [];

  add(close: () => unknown): void {
    this.list.push(close);
  }

  async closeAll(): Promise<void> {
    const list = this.list.splice(0).reverse();
    await Promise.allSettled(
      list.map(async (close) => {
        await bounded("client close", Promise.resolve().then(close), 5_000);
      }),
    );
  }
}

/** `tcp_port` from an INFO server text: which redis-server a client is really talking to. */
export function tcpPort(info: string): number {
  const match = /^tcp_port:(\d+)\r?$/m.exec(info);
  if (match === null) throw new Error(`no tcp_port in INFO: ${info.slice(0, 200)}`);
  return Number(match[1]);
}

export function roleOf(info: string): string {
  const match = /^role:(\w+)\r?$/m.exec(info);
  if (match === null) throw new Error(`no role in INFO: ${info.slice(0, 200)}`);
  return match[1] ?? "";
}

/** What redis-py sees through the sentinels; also writes `key=value` via master_for. */
export const REDIS_PY_PROBE = `
import json, sys
from redis.sentinel import Sentinel
ports = [int(p) for p in sys.argv[1].split(",")]
key, value = sys.argv[2], sys.argv[3]
sentinel = Sentinel([("127.0.0.1", p) for p in ports], socket_timeout=2.0)
master = sentinel.discover_master("mymaster")
slaves = sentinel.discover_slaves("mymaster")
client = sentinel.master_for("mymaster", socket_timeout=2.0)
client.set(key, value)
info = client.info("server")
replication = client.info("replication")
print(json.dumps({
    "master": [master[0], int(master[1])],
    "slaves": sorted([[h, int(p)] for h, p in slaves]),
    "get": client.get(key).decode(),
    "tcp_port": info["tcp_port"],
    "role": replication["role"],
}))
`;

export interface PyProbe {
  master: [string, number];
  slaves: [string, number][];
  get: string;
  tcp_port: number;
  role: string;
}

export interface WriteLoopResult {
  /** The write (its sequence number) that first landed on another server, or null on timeout. */
  moved: { value: number; port: number } | null;
  /** Successful writes, per server port. */
  okByPort: Map<number, number>;
  failed: number;
  lastError: string;
}

/**
 * A client writing in a loop: `write(n)` writes value n and resolves with the port of the server
 * that took it (each call must be bounded by the client's own timeout). Runs until a write lands
 * on a port other than `fromPort`, `stop.stopped` is set, or `timeoutMs` passes; `done` never
 * rejects, and `live` shows the progress so far.
 */
export function writeLoop(
  write: (n: number) => Promise<number>,
  fromPort: number,
  timeoutMs: number,
  stop: { stopped: boolean },
): { live: WriteLoopResult; done: Promise<WriteLoopResult> } {
  const live: WriteLoopResult = { moved: null, okByPort: new Map(), failed: 0, lastError: "" };
  const run = async (): Promise<WriteLoopResult> => {
    const deadline = performance.now() + timeoutMs;
    for (let n = 1; performance.now() < deadline && !stop.stopped; n++) {
      try {
        const port = await write(n);
        live.okByPort.set(port, (live.okByPort.get(port) ?? 0) + 1);
        if (port !== fromPort) {
          live.moved = { value: n, port };
          return live;
        }
      } catch (error: unknown) {
        live.failed++;
        live.lastError = error instanceof Error ? error.message : String(error);
      }
      // Pacing only (not a wait for a condition): keeps a connected client from spinning.
      await delay(20);
    }
    return live;
  };
  return { live, done: run() };
}

// Small helpers for the shell's e2e tests: free loopback ports, real redis-server processes in
// temp dirs (killed by pid), redis-cli calls, and bounded polling instead of fixed sleeps.
import { spawn, execFile } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VIGIL_BIN } from "../harness/node-flags.js";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** A child process whose stdout and stderr are kept, apart and interleaved, for the test to read. */
export interface CapturedProcess {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  /** stdout and stderr in arrival order. */
  readonly output: string[];
  readonly exited: Promise<number | null>;
}

export function spawnCaptured(
  file: string,
  argv: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
  stdin?: string,
): CapturedProcess {
  const child = spawn(file, [...argv], {
    cwd,
    env,
    stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  child.stdin?.end(stdin);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const output: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout.push(chunk.toString("utf8"));
    output.push(chunk.toString("utf8"));
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr.push(chunk.toString("utf8"));
    output.push(chunk.toString("utf8"));
  });
  const exited = new Promise<number | null>((done) =>
    child.once("exit", (code) => {
      done(code);
    }),
  );
  return { child, stdout, stderr, output, exited };
}

/** Which sentinel a test runs: Debian's redis-sentinel or this repository's bin/vigil. */
export type SentinelImpl = "redis" | "vigil";

const REDIS_SENTINEL_BIN = process.env["REDIS_SENTINEL_BIN"] ?? "redis-sentinel";

/** Starts redis-sentinel or bin/vigil with the same arguments, as an operator would. */
export function spawnSentinelImpl(
  impl: SentinelImpl,
  argv: readonly string[],
  cwd = process.cwd(),
  stdin?: string,
): CapturedProcess {
  return impl === "vigil"
    ? spawnCaptured(VIGIL_BIN, argv, cwd, process.env, stdin)
    : spawnCaptured(REDIS_SENTINEL_BIN, argv, cwd, process.env, stdin);
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
export async function stopProcess(p: CapturedProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill("SIGTERM");
  const timer = setTimeout(() => p.child.kill("SIGKILL"), 5000);
  await p.exited;
  clearTimeout(timer);
}

/** The process's exit code; SIGKILLed if it has not exited within `ms`. */
export async function exitCodeWithin(p: CapturedProcess, ms = 10_000): Promise<number | null> {
  const timer = setTimeout(() => p.child.kill("SIGKILL"), ms);
  const code = await p.exited;
  clearTimeout(timer);
  return code;
}

export async function waitFor(
  what: string,
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function redisCli(port: number, args: readonly string[], password = ""): Promise<string> {
  const auth = password === "" ? [] : ["-a", password, "--no-auth-warning"];
  return new Promise((resolve) => {
    execFile(
      "redis-cli",
      ["-h", "127.0.0.1", "-p", String(port), ...auth, ...args],
      { timeout: 5000 },
      (err, stdout) => {
        resolve(err === null ? stdout : `__error__ ${err.message}`);
      },
    );
  });
}

export interface RedisProcess {
  readonly port: number;
  readonly child: ChildProcess;
  readonly dir: string;
  stop(): Promise<void>;
}

/** Starts `redis-server` on a free port with `extra` arguments; resolves once `probe` answers. */
export async function startRedis(
  extra: readonly string[] = [],
  password = "",
  probe: readonly string[] = ["PING"],
  expected = "PONG",
): Promise<RedisProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "vigil-redis-"));
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--daemonize",
      "no",
      ...extra,
    ],
    { stdio: "ignore", detached: false },
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`redis-server on ${port}`, async () =>
      (await redisCli(port, probe, password)).includes(expected),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, child, dir, stop };
}

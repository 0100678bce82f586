// Small helpers for the shell's e2e tests: free loopback ports, real redis-server processes in
// temp dirs (killed by pid), redis-cli calls, and bounded polling instead of fixed sleeps.
import { spawn, execFile } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

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

// What redis-server and sentinel processes of the harness share: the spawned child, signals by
// its pid (SIGKILL, SIGSTOP, SIGCONT), the registration that kills leftovers at exit, the bounded
// wait until it answers PING, and the temp dir it owns.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import type { ConnectionOptions } from "node:tls";
import { registerPid, unregisterPid } from "./pid-registry.js";
import { sendCommand } from "./resp-client.js";
import { waitFor } from "./wait-for.js";

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

export abstract class ManagedProcess {
  readonly port: number;
  readonly dir: string;
  /** Set when the process listens on TLS only: how the harness's own clients connect. */
  readonly tls: ConnectionOptions | undefined;
  protected child: ChildProcess | null = null;
  protected paused = false;
  private readonly ownsDir: boolean;

  protected constructor(port: number, dir: string, ownsDir: boolean, tls?: ConnectionOptions) {
    this.tls = tls;
    this.port = port;
    this.dir = dir;
    this.ownsDir = ownsDir;
  }

  /** How the process is named in errors and in the pid registry, e.g. `redis-server :6379`. */
  protected abstract get label(): string;

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * Takes a freshly spawned child: registers its pid for the exit-time safety net, then waits
   * (bounded) until it answers PING. `exited` describes a child that died while starting.
   */
  protected async adopt(
    child: ChildProcess,
    readyTimeoutMs: number,
    exited: () => string,
  ): Promise<void> {
    if (child.pid === undefined) throw new Error(`could not spawn ${this.label}`);
    const pid = child.pid;
    registerPid(pid, this.label);
    child.once("exit", () => {
      unregisterPid(pid);
    });
    child.once("error", () => {
      unregisterPid(pid);
    });
    this.child = child;
    this.paused = false;
    // A child that died ends the wait at once (a throw inside waitFor would count as "not yet"
    // and wait out the whole bound).
    let died = false;
    await waitFor(
      `${this.label} (pid ${pid}) to answer PING`,
      async () => {
        if (!this.running) {
          died = true;
          return true;
        }
        return (await sendCommand(this.port, ["PING"], 500, this.tls)) === "PONG";
      },
      { timeoutMs: readyTimeoutMs, intervalMs: 20 },
    );
    if (died) throw new Error(exited());
  }

  protected signal(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined || !this.running) throw new Error(`${this.label} is not running`);
    process.kill(pid, signal);
  }

  /** SIGKILL by pid, then wait (bounded) until the child is reaped. */
  protected async sigkill(): Promise<void> {
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

  /** Removes the temp dir this process owns, unless KEEP_TMP is set. */
  protected removeOwnDir(): void {
    if (this.ownsDir && process.env["KEEP_TMP"] === undefined) {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

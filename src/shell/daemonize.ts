/**
 * `daemonize yes` (server.c: daemonize). Node cannot fork, so the launcher starts the same entry
 * point again as a detached child (its own session, like setsid), stdin/stdout/stderr on
 * /dev/null as Redis redirects them, and waits: it exits 0 once the child reports that it serves
 * (port bound, pidfile written), or with the child's exit code if the child dies first (Redis's
 * parent exits 0 at once, before the child even listens; waiting lets a start script see a failed
 * start). The config is loaded and checked in the launcher first, so a bad file is still reported
 * on the terminal with exit 1, as with Redis (which loads the config before it forks).
 */
import { closeSync, openSync } from "node:fs";

/** Set in the daemon's environment: the process that must serve, not fork again. */
export const DAEMON_ENV = "VIGIL_DAEMONIZED";

interface ServingMessage {
  readonly vigil: "serving";
}

function isServing(message: unknown): message is ServingMessage {
  return (
    typeof message === "object" &&
    message !== null &&
    "vigil" in message &&
    message.vigil === "serving"
  );
}

/** True in the daemon; the mark is removed so that scripts and their children never see it. */
export function takeDaemonChildMark(): boolean {
  const child = process.env[DAEMON_ENV] === "1";
  Reflect.deleteProperty(process.env, DAEMON_ENV);
  return child;
}

/** Starts the daemon and resolves with the launcher's exit code. */
export function launchDaemon(
  entry: string,
  argv: readonly string[],
  stdinConfig?: string,
): Promise<number> {
  const devNull = openSync("/dev/null", "r+");
  // node:child_process is loaded only by the parent of a daemon, not by every start.
  const child = process
    .getBuiltinModule("node:child_process")
    .spawn(process.execPath, [...process.execArgv, entry, ...argv], {
      detached: true,
      // The config read from stdin (`-`) goes to the daemon, which reads it again, on a pipe.
      stdio: [stdinConfig === undefined ? devNull : "pipe", devNull, devNull, "ipc"],
      env: { ...process.env, [DAEMON_ENV]: "1" },
    });
  closeSync(devNull);
  child.stdin?.end(stdinConfig);
  return new Promise((resolve) => {
    const done = (code: number): void => {
      child.removeAllListeners();
      if (child.connected) child.disconnect();
      child.unref();
      resolve(code);
    };
    child.on("message", (message: unknown) => {
      if (isServing(message)) done(0);
    });
    child.once("exit", (code) => {
      done(code ?? 1);
    });
    child.once("error", () => {
      done(1);
    });
  });
}

/** In the daemon: tells the launcher it serves, and lets go of the channel. */
export function reportServing(): void {
  if (process.send === undefined) return;
  const message: ServingMessage = { vigil: "serving" };
  process.send(message, () => {
    process.disconnect();
  });
}

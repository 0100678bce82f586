/**
 * Redis's `supervised` (server.c: redisIsSupervised, redisCommunicateSystemd): telling systemd
 * (Type=notify) or upstart (`expect stop`) when the sentinel is ready and when it stops.
 * - systemd (or auto with NOTIFY_SOCKET set): "STATUS=Redis is loading..." at start, then
 *   "STATUS=Ready to accept connections" and "READY=1" once the config is loaded, the port bound
 *   and the sentinel running, "STOPPING=1" when the shutdown starts. Node cannot send a unix
 *   datagram itself, so each message is one run of `systemd-notify VAR=VALUE` (no native code);
 *   it is a child of Vigil, so the unit needs NotifyAccess=all (docs/vigil.service). The runs
 *   are chained, in order, each bounded.
 * - upstart (or auto with UPSTART_JOB set): SIGSTOP to itself once, as Redis does.
 * The log lines are Redis's.
 */
import type { Supervised } from "../config/types.js";
import type { Logger } from "./logger.js";
import { logAt } from "./logger.js";

/** Runs `systemd-notify <assignments>`; resolves with null, or the failure's text. */
export type NotifyRunner = (assignment: string, env: NodeJS.ProcessEnv) => Promise<string | null>;

const NOTIFY_TIMEOUT_MS = 5_000;

export const runSystemdNotify: NotifyRunner = (assignment, env) =>
  new Promise((resolve) => {
    const child = process
      .getBuiltinModule("node:child_process")
      .spawn("systemd-notify", [assignment], {
        env,
        stdio: ["ignore", "ignore", "pipe"],
      });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
    }, NOTIFY_TIMEOUT_MS);
    child.once("error", (error) => {
      clearTimeout(timer);
      resolve(`systemd-notify: ${error.message}`);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(null);
      else resolve(stderr.trim().split("\n")[0] || `systemd-notify exited ${code ?? signal}`);
    });
  });

export interface Supervision {
  /** The sentinel serves: READY=1. */
  ready(): void;
  /** The shutdown starts: STOPPING=1; resolves once it is sent (bounded). */
  stopping(): Promise<void>;
}

const NONE: Supervision = { ready: () => undefined, stopping: () => Promise.resolve() };

class SystemdSupervision implements Supervision {
  private chain: Promise<void> = Promise.resolve();
  private readonly logger: Logger;
  private readonly run: NotifyRunner;
  private readonly env: NodeJS.ProcessEnv;

  constructor(logger: Logger, run: NotifyRunner, env: NodeJS.ProcessEnv) {
    this.logger = logger;
    this.run = run;
    this.env = env;
  }

  send(assignment: string): Promise<void> {
    this.chain = this.chain.then(async () => {
      const failure = await this.run(assignment, this.env);
      if (failure !== null) logAt(this.logger, "warning", `systemd supervision error: ${failure}`);
    });
    return this.chain;
  }

  ready(): void {
    void this.send("STATUS=Ready to accept connections");
    void this.send("READY=1");
  }

  stopping(): Promise<void> {
    return this.send("STOPPING=1");
  }
}

/**
 * Starts supervision as `mode` asks (before the first boot line, as Redis does). Resolves once
 * the first systemd message is sent, so that Redis's "Supervised by systemd" line is logged
 * only when it worked.
 */
export async function startSupervision(
  mode: Supervised,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
  run: NotifyRunner = runSystemdNotify,
): Promise<Supervision> {
  const resolved =
    mode !== "auto"
      ? mode
      : env["UPSTART_JOB"] !== undefined
        ? "upstart"
        : env["NOTIFY_SOCKET"] !== undefined
          ? "systemd"
          : "no";
  if (resolved === "no") return NONE;
  if (resolved === "upstart") {
    if (env["UPSTART_JOB"] === undefined) {
      logAt(logger, "warning", "upstart supervision requested, but UPSTART_JOB not found!");
      return NONE;
    }
    logAt(logger, "notice", "supervised by upstart, will stop to signal readiness.");
    process.kill(process.pid, "SIGSTOP");
    delete env["UPSTART_JOB"];
    return NONE;
  }
  if (env["NOTIFY_SOCKET"] === undefined) {
    logAt(logger, "warning", "systemd supervision error: NOTIFY_SOCKET not found!");
    return NONE;
  }
  const systemd = new SystemdSupervision(logger, run, env);
  const failure = await run("STATUS=Redis is loading...", env);
  if (failure !== null) {
    logAt(logger, "warning", `systemd supervision error: ${failure}`);
    return systemd;
  }
  logAt(
    logger,
    "notice",
    "Supervised by systemd. Please make sure you set appropriate values for TimeoutStartSec and TimeoutStopSec in your service unit.",
  );
  return systemd;
}

/**
 * Notification and client-reconfig scripts (docs/PROTOCOL.md §11; sentinel.c:
 * sentinelScheduleScriptExecution, sentinelRunPendingScripts, sentinelCollectTerminatedScripts,
 * sentinelKillTimedoutScripts).
 *
 * - The queue holds at most 256 jobs, running ones included; on overflow the oldest job that is
 *   not running is dropped. At most 16 run at once, oldest first.
 * - Exit 0: done. Exit 1 or death by a signal: run again after scriptRetryDelay × 2^(n−1) ms,
 *   while fewer than 10 runs were made. Exit ≥ 2, or the last run failing: `-script-error
 *   <path> <signal> <exit>`. A script that cannot be executed counts as exit 2 (the child's
 *   `_exit(2)` after a failed execve in Redis); a failed spawn for lack of resources is reported
 *   as signal 99 and retried, as Redis does for a failed fork.
 * - Runtime above scriptMaxRuntime: SIGKILL and `-script-timeout <path> <pid>`; the death by signal
 *   is then retried like any other.
 *
 * Children get no shell, /dev/null for stdio, the inherited environment, and no other fds.
 *
 * A queued job starts in a later turn of the event loop, never inside the batch that produced
 * its event: a spawn blocks the thread for 6–9 ms here, and the batch's link writes go out only
 * when it returns. A candidate's +new-epoch and +try-failover scripts held back its vote
 * requests that long, so two other candidates could stand meanwhile and split the vote (3 of 30
 * runs of the scripts e2e test). sentinel.c too starts scripts from its timer, not at the event.
 */
import type { ChildProcess } from "node:child_process";
import type { SentinelEvent, SentinelEventType, Timing } from "../core/index.js";
import { EVENT_LEVELS } from "../core/index.js";

export const SCRIPT_MAX_QUEUE = 256;
export const SCRIPT_MAX_RUNNING = 16;
export const SCRIPT_MAX_RUNS = 10;

/** Exit status Redis gives a script whose execve failed. */
const EXEC_FAILURE_EXIT = 2;
/** The pseudo signal Redis reports when the fork itself failed. */
const FORK_FAILURE_SIGNAL = 99;

export interface ScriptRunnerOptions {
  /** Monotonic milliseconds. */
  readonly now: () => number;
  /** Current SCRIPT-MAX-RUNTIME and SCRIPT-RETRY-DELAY (SENTINEL DEBUG may change them). */
  readonly timing: () => Pick<Timing, "scriptMaxRuntime" | "scriptRetryDelay">;
  /** -script-error, -script-timeout, ±script-child: logged and published like core events. */
  readonly onEvent: (event: SentinelEvent) => void;
  /** Runs the start of queued jobs later (default setImmediate; tests may run it at once). */
  readonly defer?: (run: () => void) => void;
}

/** One row of SENTINEL PENDING-SCRIPTS. */
export interface PendingScript {
  readonly argv: readonly string[];
  readonly running: boolean;
  /** 0 when not running. */
  readonly pid: number;
  /** ms since start when running, ms until the next run otherwise (never negative). */
  readonly runTime: number;
  readonly runDelay: number;
  readonly retryNum: number;
}

interface ScriptJob {
  readonly argv: readonly [string, ...string[]];
  running: boolean;
  child: ChildProcess | null;
  pid: number;
  /** Running: when it started. Otherwise: when it may run (0 = at once). */
  startTime: number;
  retryNum: number;
  /** SIGKILL already sent for running over scriptMaxRuntime. */
  killSent: boolean;
}

/** sentinel.c: sentinelScriptRetryDelay. */
export function scriptRetryDelay(baseDelay: number, retryNum: number): number {
  let delay = baseDelay;
  for (let n = retryNum; n > 1; n--) delay *= 2;
  return delay;
}

function signalNumber(signal: NodeJS.Signals | null): number {
  if (signal === null) return 0;
  // node:os only once a script ran: a start without scripts does not load it (issue #18).
  return process.getBuiltinModule("node:os").constants.signals[signal];
}

function event(type: SentinelEventType, text: string): SentinelEvent {
  return { type, level: EVENT_LEVELS[type], text, master: null };
}

export class ScriptRunner {
  private readonly options: ScriptRunnerOptions;
  private readonly queue: ScriptJob[] = [];
  private running = 0;
  /** A deferred runPending is scheduled. */
  private startScheduled = false;

  constructor(options: ScriptRunnerOptions) {
    this.options = options;
  }

  /** sentinel_running_scripts */
  get runningCount(): number {
    return this.running;
  }

  /** sentinel_scripts_queue_length (running jobs included, as in Redis). */
  get queueLength(): number {
    return this.queue.length;
  }

  /** Queues `path args…`; it starts in a later turn of the loop if a slot is free. */
  enqueue(path: string, args: readonly string[]): void {
    this.queue.push({
      argv: [path, ...args],
      running: false,
      child: null,
      pid: 0,
      startTime: 0,
      retryNum: 0,
      killSent: false,
    });
    if (this.queue.length > SCRIPT_MAX_QUEUE) {
      const victim = this.queue.findIndex((job) => !job.running);
      if (victim >= 0) this.queue.splice(victim, 1);
    }
    if (this.startScheduled) return;
    this.startScheduled = true;
    (this.options.defer ?? setImmediate)(() => {
      this.startScheduled = false;
      this.runPending();
    });
  }

  /** Called every tick: start due jobs, kill overdue ones. */
  tick(): void {
    this.runPending();
    this.killTimedOut();
  }

  pending(): PendingScript[] {
    const now = this.options.now();
    return this.queue.map((job) => ({
      argv: job.argv,
      running: job.running,
      pid: job.pid,
      runTime: job.running ? now - job.startTime : 0,
      runDelay: !job.running && job.startTime > 0 ? Math.max(0, job.startTime - now) : 0,
      retryNum: job.retryNum,
    }));
  }

  private runPending(): void {
    const now = this.options.now();
    for (const job of this.queue) {
      if (this.running >= SCRIPT_MAX_RUNNING) return;
      if (job.running || (job.startTime !== 0 && job.startTime > now)) continue;
      this.start(job, now);
    }
  }

  private start(job: ScriptJob, now: number): void {
    job.running = true;
    job.killSent = false;
    job.startTime = now;
    job.retryNum++;
    this.running++;
    const [path, ...args] = job.argv;
    // node:child_process is loaded at the first script run, not by every start.
    const child = process.getBuiltinModule("node:child_process").spawn(path, args, {
      shell: false,
      stdio: "ignore",
      detached: false,
      env: process.env,
      windowsHide: true,
    });
    job.child = child;
    job.pid = child.pid ?? 0;
    if (job.pid !== 0) this.options.onEvent(event("+script-child", String(job.pid)));
    child.once("error", (err: NodeJS.ErrnoException) => {
      // Only a failed spawn (no pid) ends the job here; a running child always reports "exit".
      if (job.child !== child || job.pid !== 0) return;
      if (err.code === "EAGAIN" || err.code === "ENOMEM") this.forkFailed(job);
      else this.finish(job, EXEC_FAILURE_EXIT, 0);
    });
    child.once("exit", (code, signal) => {
      if (job.child !== child) return;
      this.options.onEvent(
        event("-script-child", `${job.pid} ${code ?? 0} ${signalNumber(signal)}`),
      );
      this.finish(job, code, signalNumber(signal));
    });
  }

  /** sentinel.c: sentinelCollectTerminatedScripts. */
  private finish(job: ScriptJob, exitCode: number | null, signal: number): void {
    job.child = null;
    job.running = false;
    job.pid = 0;
    this.running--;
    const exit = exitCode ?? 0;
    if ((signal !== 0 || exit === 1) && job.retryNum < SCRIPT_MAX_RUNS) {
      job.startTime =
        this.options.now() + scriptRetryDelay(this.options.timing().scriptRetryDelay, job.retryNum);
    } else {
      if (signal !== 0 || exit !== 0) {
        this.options.onEvent(event("-script-error", `${job.argv[0]} ${signal} ${exit}`));
      }
      const index = this.queue.indexOf(job);
      if (index >= 0) this.queue.splice(index, 1);
    }
    this.runPending();
  }

  /** Like a failed fork in Redis: reported as signal 99, due again at the next tick. */
  private forkFailed(job: ScriptJob): void {
    job.child = null;
    job.running = false;
    this.running--;
    this.options.onEvent(event("-script-error", `${job.argv[0]} ${FORK_FAILURE_SIGNAL} 0`));
  }

  /** sentinel.c: sentinelKillTimedoutScripts. */
  private killTimedOut(): void {
    const now = this.options.now();
    const limit = this.options.timing().scriptMaxRuntime;
    for (const job of this.queue) {
      if (!job.running || job.child === null || job.killSent || now - job.startTime <= limit)
        continue;
      job.killSent = true;
      this.options.onEvent(event("-script-timeout", `${job.argv[0]} ${job.pid}`));
      job.child.kill("SIGKILL");
    }
  }
}

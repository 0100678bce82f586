/**
 * What every core decision function receives: the current time, the state, randomness and the
 * output being built for the next Ready. Decision modules are functions of (ctx, record, …);
 * they never keep state of their own.
 */
import type { Random } from "../basics/random.js";
import type { AdminResult, Command, CoreLog, CoreReply, Ready, ScriptJob } from "./ready.js";
import type { EventLevel, SentinelEvent, SentinelEventType } from "./events.js";
import { EVENT_LEVELS } from "./events.js";
import type { SentinelState } from "./state.js";
import type { PersistedState } from "./config.js";

export interface CoreContext {
  readonly now: number;
  readonly state: SentinelState;
  readonly random: Random;
  readonly out: ReadyBuilder;
}

/** What read-only decisions need: the time and the state (a CoreContext is one). */
export type CoreView = Pick<CoreContext, "now" | "state">;

/** Accumulates one Ready. `flush()` marks that the state must be persisted (snapshot taken at take). */
export class ReadyBuilder {
  /** A master's notification-script ("" = none), read when its event is produced. */
  private readonly notificationScript: (master: string) => string;
  private persistWanted = false;
  /** flushSoon was called (and flush was not): Ready.persistSoon. */
  private persistSoonWanted = false;
  private replies: CoreReply[] = [];
  private commands: Command[] = [];
  private events: SentinelEvent[] = [];
  private logs: CoreLog[] = [];
  private notifications: ScriptJob[] = [];
  private scripts: ScriptJob[] = [];
  private exitCode: number | null = null;
  /** Ticks asked for and not had yet, ascending, no duplicates (wake-ups outlive a take). */
  private readonly wakeups: number[] = [];
  /** The records the last tick visited (Ready.tickRecords). */
  private tickRecords = 0;
  /** Calls that added anything, ever: a step that changed it produced output (quiet-gate.ts). */
  private writes = 0;
  private commandWrites = 0;

  constructor(notificationScript: (master: string) => string = () => "") {
    this.notificationScript = notificationScript;
  }

  get writeCount(): number {
    return this.writes;
  }

  /** Writes other than commands: events, replies, scripts, flushes, exits. */
  get notableWriteCount(): number {
    return this.writes - this.commandWrites;
  }

  /** sentinel.c: sentinelFlushConfig. The snapshot is taken when the Ready is taken. */
  flush(): void {
    this.writes++;
    this.persistWanted = true;
  }

  /**
   * A flush nothing in this Ready waits for (a replica or peer discovered: sentinel.c flushes
   * at once): the executor may write it a little later, together with the next ones
   * (Ready.persistSoon). A flush() in the same Ready covers it.
   */
  flushSoon(): void {
    this.writes++;
    this.persistSoonWanted = true;
  }

  get flushRequested(): boolean {
    return this.persistWanted;
  }

  /**
   * The commands of the Ready being built when it will carry a persist (and no exit code), else
   * null: the same objects take() returns, so that the driver may write the ones it sends before
   * the persist (commandsBeforePersist) before take() snapshots the state.
   */
  get commandsAheadOfPersist(): readonly Command[] | null {
    return this.persistWanted && this.exitCode === null ? this.commands : null;
  }

  /** exit() was called: the process ends after this Ready's persist, with nothing sent. */
  get exitRequested(): boolean {
    return this.exitCode !== null;
  }

  command(command: Command): void {
    this.writes++;
    this.commandWrites++;
    this.commands.push(command);
  }

  /** An event; a warning about a master also runs its notification-script (sentinel.c: sentinelEvent). */
  event(type: SentinelEventType, text: string, master: string | null): void {
    this.writes++;
    const level = EVENT_LEVELS[type];
    this.events.push({ type, level, text, master });
    if (level !== "warning" || master === null) return;
    const path = this.notificationScript(master);
    if (path !== "")
      this.notifications.push({ kind: "notification", master, path, args: [type, text] });
  }

  /**
   * Asks for a tick at monotonic time `at` (at or before now: at once, after this batch), when a
   * decision can be taken before the regular tick would come (docs/ARCHITECTURE.md, "Ready").
   * Not output: the quiet gate does not count it.
   */
  wake(at: number): void {
    const w = this.wakeups;
    let i = w.length;
    while (i > 0 && w[i - 1]! > at) i--;
    if (i > 0 && w[i - 1] === at) return;
    w.splice(i, 0, at);
  }

  /** The records a tick visits, counted at each tick (Ready.tickRecords). */
  tickVisited(records: number): void {
    this.tickRecords = records;
  }

  /** A tick at `now` is being stepped: the wake-ups it answers are done. */
  ticked(now: number): void {
    let n = 0;
    while (n < this.wakeups.length && this.wakeups[n]! <= now) n++;
    if (n > 0) this.wakeups.splice(0, n);
  }

  /** A plain log line (not an event: never published, never a script argument). */
  log(level: EventLevel, text: string): void {
    this.writes++;
    this.logs.push({ kind: "text", at: this.events.length, level, text });
  }

  /** "Next failover delay: …", `waitMs` before the gate opens. */
  failoverDelayLog(waitMs: number): void {
    this.writes++;
    this.logs.push({ kind: "failover-delay", at: this.events.length, waitMs });
  }

  script(job: ScriptJob): void {
    this.writes++;
    this.scripts.push(job);
  }

  reply(reply: CoreReply): void {
    this.writes++;
    this.replies.push(reply);
  }

  adminReply(requestId: number, result: AdminResult): void {
    this.writes++;
    this.replies.push({ kind: "admin", requestId, result, afterPersist: this.persistWanted });
  }

  exit(code: number): void {
    this.writes++;
    this.exitCode = code;
  }

  take(snapshot: () => PersistedState): Ready {
    const ready: Ready = {
      persist: this.persistWanted ? snapshot() : null,
      persistSoon: this.persistSoonWanted && !this.persistWanted,
      replies: this.replies,
      commands: this.commands,
      events: this.events,
      logs: this.logs,
      notifications: this.notifications,
      scripts: this.scripts,
      exitCode: this.exitCode,
      wakeAt: this.wakeups[0] ?? null,
      tickRecords: this.tickRecords,
    };
    this.persistWanted = false;
    this.persistSoonWanted = false;
    this.replies = [];
    this.commands = [];
    this.events = [];
    this.logs = [];
    this.notifications = [];
    this.scripts = [];
    this.exitCode = null;
    return ready;
  }
}

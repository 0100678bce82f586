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
  private persistWanted = false;
  private replies: CoreReply[] = [];
  private commands: Command[] = [];
  private events: SentinelEvent[] = [];
  private logs: CoreLog[] = [];
  private scripts: ScriptJob[] = [];
  private exitCode: number | null = null;
  /** Calls that added anything, ever: a step that changed it produced output (quiet-gate.ts). */
  private writes = 0;
  private commandWrites = 0;

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

  get flushRequested(): boolean {
    return this.persistWanted;
  }

  command(command: Command): void {
    this.writes++;
    this.commandWrites++;
    this.commands.push(command);
  }

  event(type: SentinelEventType, text: string, master: string | null): void {
    this.writes++;
    this.events.push({ type, level: EVENT_LEVELS[type], text, master });
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
      replies: this.replies,
      commands: this.commands,
      events: this.events,
      logs: this.logs,
      scripts: this.scripts,
      exitCode: this.exitCode,
    };
    this.persistWanted = false;
    this.replies = [];
    this.commands = [];
    this.events = [];
    this.logs = [];
    this.scripts = [];
    this.exitCode = null;
    return ready;
  }
}

/**
 * The single-consumer loop that drives the pure core (docs/ARCHITECTURE.md §4.1). Links, the scheduler and
 * the RESP server push Inputs into one queue; the loop steps the core with every queued input,
 * takes the Ready and carries it out in the order `core/model/ready.ts` fixes:
 *
 *   persist (awaited) → replies → commands → events → notifications → scripts → exit code,
 *
 * the vote requests, PINGs, INFOs, hellos and SLAVEOF <host> <port> among the commands (core
 * `commandsBeforePersist`) sent before the persist starts, and the connects after the other
 * commands (each link's in order); the commands are written to the sockets before the events
 * are logged and published,
 *
 * then follows the core's `wakeAt` (wake-plan.ts): a tick at once, or a timer.
 *
 * Inputs that arrive while a persist is awaited wait in the queue, so the core never runs
 * concurrently with itself, as Redis has one event loop.
 *
 * One batch per turn of the event loop: a push schedules the loop with setImmediate, so every
 * reply read in the same turn is stepped in one batch with one `now`, and the Ready is carried
 * out synchronously unless it has something to persist. At a thousand masters, a loop of
 * promises per input (thousands of replies a second) was a visible share of the CPU. If the persist fails, `persist-failed`
 * is fed back first thing in the next batch and every reply marked `afterPersist` is answered with
 * Redis's "Failed to save config file" error instead (sentinel.c: sentinelFlushConfig callers).
 */
import type {
  Command,
  CoreLog,
  CoreReply,
  Input,
  PersistedState,
  Ready,
  ScriptJob,
  SentinelEvent,
  SentinelState,
} from "../core/index.js";
import { commandsBeforePersist } from "../core/index.js";
import type { CoreAnswer } from "../commands/host.js";
import { wallNow as systemWallNow } from "./clock.js";
import { ctime } from "./log-line.js";
import { logAt, logEvent, type Logger } from "./logger.js";
import { WakePlan } from "./wake-plan.js";
import { takeBatch, type UrgentSource } from "./urgent-batch.js";

export const SAVE_FAILED_ERROR = "ERR Failed to save config file. Check server logs.";

const NONE: ReadonlySet<Command> = new Set();

/** The longest delay setTimeout honours (2^31-1 ms); a longer one fires after 1 ms. */
const MAX_TIMER_DELAY = 2_147_483_647;

/**
 * A deferrable save (Ready.persistSoon) waits until the last save is this many times its own
 * duration old: saves then take at most a fifth of the time. A small config (a few ms to write)
 * is written at once or within tens of ms; at ten thousand masters (hundreds of ms per write)
 * the discovery of every replica and peer is written in a few writes instead of one each.
 */
export const SOFT_SAVE_SPACING = 4;

/** What the runtime needs from SentinelCore (`state` only for the log level). */
export interface CoreDriver extends UrgentSource {
  step(now: number, input: Input): void;
  takeReady(): Ready;
  /** The state to write for a deferred save (Ready.persistSoon), taken when it is written. */
  snapshot(): PersistedState;
  /**
   * The next Ready's commands when it will carry a persist, else null (SentinelCore): those
   * sent before the persist go out before takeReady() snapshots the state.
   */
  commandsAheadOfPersist?(): readonly Command[] | null;
  readonly state: Pick<SentinelState, "global">;
}

/** What the runtime needs from ConfigStore. */
export interface PersistStore {
  save(state: PersistedState): Promise<void>;
  /** The file each save replaces, named in the debug line after a save (ConfigStore.target). */
  readonly target?: string;
}

export interface RuntimeOptions {
  readonly core: CoreDriver;
  readonly store: PersistStore;
  /**
   * `flush`, when given, writes the commands given so far to the sockets (resp-link.ts:
   * flushLinkWrites); called once a Ready's commands are given, before its events.
   */
  readonly commands: { execute(command: Command): void; flush?(): void };
  readonly scripts: { enqueue(path: string, args: readonly string[]): void };
  /** Delivers an event to local subscribers of the channel named after it. */
  readonly publish: (channel: string, message: string) => void;
  readonly logger: Logger;
  /** Monotonic milliseconds, the core's `now`. */
  readonly now: () => number;
  /** Wall-clock milliseconds for the ticks it steps itself (TILT). Default: Date.now. */
  readonly wallNow?: () => number;
  /** Ends the process (SENTINEL SIMULATE-FAILURE, or a core assertion). */
  readonly exit: (code: number) => void;
  /**
   * Sees every event after it is logged and published (the HTTP endpoint's counters, ring and
   * failover records, shell/http). Read-only: it must not feed anything back into the core.
   */
  readonly observeEvent?: (event: SentinelEvent) => void;
  /** After the queue drained (the idle tick stretch: scheduler.ts holdUntil). */
  readonly afterRun?: () => void;
}

type Resolver = (answer: CoreAnswer) => void;

const SHUTTING_DOWN: CoreAnswer = { kind: "refused", message: "ERR Sentinel is shutting down" };

export class Runtime {
  private readonly options: RuntimeOptions;
  private readonly queue: Input[] = [];
  private readonly waiting = new Map<number, Resolver>();
  private nextRequestId = 1;
  /** A turn of the loop is scheduled (setImmediate). */
  private scheduled = false;
  /** The loop is running, or waits for a persist. */
  private busy = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  /** The at-once ticks since the last regular tick (wake-plan.ts). */
  private readonly wakePlan = new WakePlan();
  /** The wake-up timer (Ready.wakeAt) and the time it was armed for. */
  private wakeTimer: NodeJS.Timeout | null = null;
  private wakeAt = 0;
  /** A Ready asked for a deferrable save not written yet (Ready.persistSoon). */
  private softPending = false;
  private softTimer: NodeJS.Timeout | null = null;
  /** When the last save ended (monotonic ms) and how long it took. */
  private lastSaveEnd = Number.NEGATIVE_INFINITY;
  private lastSaveMs = 0;

  constructor(options: RuntimeOptions) {
    this.options = options;
  }

  /** Carries out what the core prepared at construction (new myid flush, +monitor events). */
  async start(): Promise<void> {
    if (!this.busy) {
      this.busy = true;
      this.run(true);
    }
    await this.idle();
  }

  /** Queues an input; the loop runs at the end of this turn of the event loop. */
  push(input: Input): void {
    if (this.stopped) return;
    if (input.type === "tick") this.wakePlan.regularTick();
    this.queue.push(input);
    if (this.scheduled || this.busy) return;
    this.scheduled = true;
    setImmediate(this.turn);
  }

  /**
   * Queues an input that expects a CoreReply (admin ops, is-master-down requests). `done` gets
   * the core's answer once it may be sent (after the persist), or the error the client gets
   * instead; the caller renders it (commands/sentinel-request.ts).
   */
  request(make: (requestId: number) => Input, done: (answer: CoreAnswer) => void): void {
    if (this.stopped) {
      done(SHUTTING_DOWN);
      return;
    }
    const requestId = this.nextRequestId++;
    this.waiting.set(requestId, done);
    this.push(make(requestId));
  }

  /** Resolves when the queue is empty and no batch is being carried out. */
  idle(): Promise<void> {
    if (!this.busy && !this.scheduled && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops taking inputs and waits for the batch in flight (its persist included); `last`, when
   * given, is then stepped alone and its Ready carried out (the graceful shutdown's `shutdown`
   * input: what must reach the instances before the links close). A deferred save still pending
   * is written then.
   */
  async stop(last?: Input): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    this.clearWakeup();
    await this.idle();
    if (last !== undefined) await this.stepLast(last);
    if (this.softTimer !== null) clearTimeout(this.softTimer);
    this.softTimer = null;
    if (this.softPending) {
      this.softPending = false;
      await this.persist(this.options.core.snapshot());
    }
    for (const resolve of this.waiting.values()) resolve(SHUTTING_DOWN);
    this.waiting.clear();
  }

  /** stop()'s last input: one batch of its own, carried out like any other but with no follow-up. */
  private async stepLast(input: Input): Promise<void> {
    let ready: Ready;
    try {
      this.options.core.step(this.options.now(), input);
      ready = this.options.core.takeReady();
    } catch (err: unknown) {
      this.crash(err);
      return;
    }
    let persisted = true;
    if (ready.persist !== null) {
      this.softPending = false;
      persisted = await this.persist(ready.persist);
    }
    if (ready.persistSoon) this.softPending = true;
    this.execute(ready, [input], persisted, NONE);
  }

  private readonly turn = (): void => {
    this.scheduled = false;
    if (this.busy) return;
    this.busy = true;
    this.run(false);
  };

  /**
   * Steps and carries out batches until the queue is empty. A batch with something to persist
   * continues once the persist settled (`busy` stays set meanwhile: pushes only queue).
   * `take`: carry out a Ready even with nothing queued (start).
   */
  private run(take: boolean): void {
    let first = take;
    try {
      while ((first || this.queue.length > 0) && !this.stopped) {
        first = false;
        const batch = takeBatch(this.queue, (i) => this.options.core.urgent?.(i) ?? false);
        let ready: Ready;
        /** The commands already sent ahead of this batch's persist. */
        let early: ReadonlySet<Command> | null = null;
        try {
          const now = this.options.now();
          // Replies first, ticks last. Node runs due timers before it polls for I/O, so after a
          // long turn the scheduler's tick is queued ahead of the replies that arrived meanwhile,
          // and would judge PINGs already answered (a false +sdown at a short down-after).
          // sentinel.c's event loop handles file events before time events; the batch shares
          // one `now`, so this order loses nothing.
          for (const input of batch) if (input.type !== "tick") this.options.core.step(now, input);
          for (const input of batch) if (input.type === "tick") this.options.core.step(now, input);
        } catch (err: unknown) {
          this.crash(err);
          break;
        }
        // Vote requests and hellos leave before the snapshot, not only before the save.
        const ahead = this.options.core.commandsAheadOfPersist?.() ?? null;
        if (ahead !== null) early = this.sendEarly(ahead);
        try {
          ready = this.options.core.takeReady();
        } catch (err: unknown) {
          this.crash(err);
          break;
        }
        if (ready.persist !== null) {
          // A full snapshot: it covers any deferred save still pending.
          this.softPending = false;
          // SIMULATE-FAILURE exits after the persist with nothing sent.
          if (early === null)
            early = ready.exitCode === null ? this.sendEarly(ready.commands) : NONE;
          void this.persistThenRun(ready.persist, ready, batch, early);
          return;
        }
        if (ready.persistSoon) this.softPending = true;
        this.execute(ready, batch, true, NONE);
        this.followUp(ready);
      }
    } catch (err: unknown) {
      this.finishRun();
      throw err;
    }
    this.finishRun();
  }

  /** Sends the commands of a Ready with a persist that go out before it (commandsBeforePersist). */
  private sendEarly(commands: readonly Command[]): ReadonlySet<Command> {
    const early = commandsBeforePersist(commands);
    for (const command of early) this.options.commands.execute(command);
    this.options.commands.flush?.();
    return early;
  }

  private async persistThenRun(
    state: PersistedState,
    ready: Ready,
    batch: readonly Input[],
    early: ReadonlySet<Command>,
  ): Promise<void> {
    const persisted = await this.persist(state);
    try {
      this.execute(ready, batch, persisted, early);
      this.followUp(ready);
    } catch (err: unknown) {
      this.finishRun();
      throw err;
    }
    this.run(false);
  }

  /** The loop is done: wake idle() waiters, or run again for inputs queued meanwhile. */
  private finishRun(): void {
    this.busy = false;
    if (this.softPending && this.softTimer === null && !this.stopped) this.scheduleSoftSave();
    if (this.queue.length > 0 && !this.stopped) {
      this.scheduled = true;
      setImmediate(this.turn);
      return;
    }
    if (this.scheduled) return;
    if (!this.stopped) this.options.afterRun?.();
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Arms the deferred save (SOFT_SAVE_SPACING after the last save). */
  private scheduleSoftSave(): void {
    const due = this.lastSaveEnd + SOFT_SAVE_SPACING * this.lastSaveMs;
    this.softTimer = setTimeout(
      this.softSave,
      Math.min(Math.max(0, due - this.options.now()), MAX_TIMER_DELAY),
    );
  }

  /**
   * Writes the state as it is now, between batches (while one runs, finishRun arms it again).
   * Inputs arriving meanwhile wait, as for any persist.
   */
  private readonly softSave = (): void => {
    this.softTimer = null;
    if (!this.softPending || this.stopped) return;
    if (this.busy) return;
    this.busy = true;
    this.softPending = false;
    let state: PersistedState;
    try {
      state = this.options.core.snapshot();
    } catch (err: unknown) {
      this.crash(err);
      this.finishRun();
      return;
    }
    void this.persist(state).then(() => {
      this.run(false);
    });
  };

  /** Follows the core's wish for its next tick (wake-plan.ts): at once (queued), or a timer. */
  private followUp(ready: Ready): void {
    if (this.stopped || ready.exitCode !== null) return;
    const now = this.options.now();
    const step = this.wakePlan.next(ready.wakeAt, now, ready.tickRecords);
    switch (step.kind) {
      case "tick-now":
        this.queue.push({ type: "tick", wallNow: (this.options.wallNow ?? systemWallNow)() });
        return;
      case "arm":
        this.scheduleWakeup(step.at, now);
        return;
      case "disarm":
        this.clearWakeup();
        return;
      case "wait":
        return;
    }
  }

  /** Arms the one wake-up tick just after monotonic time `at` (replacing one armed for another). */
  private scheduleWakeup(at: number, now: number): void {
    if (this.wakeTimer !== null && this.wakeAt === at) return;
    this.clearWakeup();
    this.wakeAt = at;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = null;
        this.push({ type: "tick", wallNow: (this.options.wallNow ?? systemWallNow)() });
      },
      // One ms more: the timer's clock and the monotonic `now` (whole ms) round differently.
      // Capped at setTimeout's limit (a down-after of 2^31 ms or more would overflow it into a
      // 1 ms timer): an early wake-up is only a tick.
      Math.min(at - now + 1, MAX_TIMER_DELAY),
    );
  }

  private clearWakeup(): void {
    if (this.wakeTimer === null) return;
    clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
  }

  /** A failed core assertion is a bug: one fatal line, then exit (docs/ERRORS.md: AssertionError). */
  private crash(err: unknown): void {
    const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
    logAt(this.options.logger, "warning", `Sentinel core failure, exiting: ${text}`);
    this.stopped = true;
    this.options.exit(1);
  }

  /**
   * Carries out a Ready whose persist (if any) settled: `persisted` false if it failed; `early`
   * the commands already sent before it (core/model/ready.ts: commandsBeforePersist).
   */
  private execute(
    ready: Ready,
    batch: readonly Input[],
    persisted: boolean,
    early: ReadonlySet<Command>,
  ): void {
    this.applyLogLevel();
    if (ready.exitCode !== null) {
      // SENTINEL SIMULATE-FAILURE: the state is on disk; the crash happens before anything is sent.
      this.emitEventsAndLogs(ready);
      this.enqueueAll(ready.notifications);
      this.stopped = true;
      this.options.exit(ready.exitCode);
      return;
    }
    for (const reply of ready.replies) this.answer(reply, persisted);
    this.answerForgotten(batch);
    this.sendCommands(ready.commands, early);
    // The writes before the log lines and the publishes to clients, which nothing waits for.
    this.options.commands.flush?.();
    this.emitEventsAndLogs(ready);
    this.enqueueAll(ready.notifications);
    this.enqueueAll(ready.scripts);
  }

  /**
   * The commands but `skip`, in order, except that each `connect` waits until the others are
   * written: opening a socket costs ~150 µs (connect-pacer.ts), and at a master's SDOWN the
   * tick's reconnect attempts to it (refused, once per ping period, so about down-after after
   * the first) came right before its vote requests. A command on a link with a connect waiting
   * sends the connects waiting first, so each link's commands keep their order.
   */
  private sendCommands(commands: readonly Command[], skip: ReadonlySet<Command>): void {
    const links = this.options.commands;
    let connects: Extract<Command, { type: "connect" }>[] = [];
    for (const command of commands) {
      if (skip.has(command)) continue;
      if (command.type === "connect") {
        connects.push(command);
        continue;
      }
      if (connects.length > 0 && "link" in command) {
        const link = command.link;
        if (connects.some((c) => c.link === link)) {
          for (const connect of connects) links.execute(connect);
          connects = [];
        }
      }
      links.execute(command);
    }
    for (const connect of connects) links.execute(connect);
  }

  private enqueueAll(jobs: readonly ScriptJob[]): void {
    for (const job of jobs) this.options.scripts.enqueue(job.path, job.args);
  }

  /** SENTINEL CONFIG SET loglevel changed the core's copy: the logger follows. */
  private applyLogLevel(): void {
    const level = this.options.core.state.global.logLevel;
    if (level !== this.options.logger.level) this.options.logger.setLevel(level);
  }

  /** The events, with the core's plain log lines where it produced them. */
  private emitEventsAndLogs(ready: Ready): void {
    let next = 0;
    for (let i = 0; i <= ready.events.length; i++) {
      for (; next < ready.logs.length && ready.logs[next]!.at <= i; next++) {
        this.writeLog(ready.logs[next]!);
      }
      const event = ready.events[i];
      if (event !== undefined) this.emitEvent(event);
    }
  }

  private writeLog(log: CoreLog): void {
    if (log.kind === "text") {
      logAt(this.options.logger, log.level, log.text);
      return;
    }
    logAt(
      this.options.logger,
      "warning",
      `Next failover delay: I will not start a failover before ${ctime((this.options.wallNow ?? systemWallNow)() + log.waitMs)}`,
    );
  }

  private async persist(state: PersistedState): Promise<boolean> {
    const started = this.options.now();
    try {
      const store = this.options.store;
      try {
        await store.save(state);
      } finally {
        this.lastSaveEnd = this.options.now();
        this.lastSaveMs = this.lastSaveEnd - started;
      }
      // redis-sentinel's config rewrite reports itself at debug level, then the notice line.
      if (store.target !== undefined) {
        logAt(this.options.logger, "debug", `Rewritten config file (${store.target}) successfully`);
      }
      logAt(this.options.logger, "notice", "Sentinel new configuration saved on disk");
      return true;
    } catch (err: unknown) {
      const reason = err instanceof Error ? err.message : String(err);
      logAt(
        this.options.logger,
        "warning",
        `WARNING: Sentinel was not able to save the new configuration on disk!!!: ${reason}`,
      );
      this.queue.unshift({ type: "persist-failed", error: reason });
      return false;
    }
  }

  private answer(reply: CoreReply, persisted: boolean): void {
    const resolve = this.waiting.get(reply.requestId);
    if (resolve === undefined) return;
    this.waiting.delete(reply.requestId);
    resolve(
      !persisted && reply.afterPersist ? { kind: "refused", message: SAVE_FAILED_ERROR } : reply,
    );
  }

  /** A request the core stepped without answering would hang its client: answer it with an error. */
  private answerForgotten(batch: readonly Input[]): void {
    for (const input of batch) {
      if (input.type !== "admin" && input.type !== "is-master-down-request") continue;
      const resolve = this.waiting.get(input.requestId);
      if (resolve === undefined) continue;
      this.waiting.delete(input.requestId);
      logAt(
        this.options.logger,
        "warning",
        `No reply from the core to request ${input.requestId} (${input.type})`,
      );
      resolve({ kind: "refused", message: "ERR internal error: no reply" });
    }
  }

  /**
   * Logs an event and publishes it on the channel named after it (debug events are only logged).
   * The core's events and the script runner's (+script-child, -script-error, …) come through
   * here; the notification scripts are the core's to decide (Ready.notifications).
   */
  emitEvent(event: SentinelEvent): void {
    logEvent(this.options.logger, event);
    if (event.level !== "debug") this.options.publish(event.type, event.text);
    this.options.observeEvent?.(event);
  }
}

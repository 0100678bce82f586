/**
 * The jittered tick (docs/PROTOCOL.md §1): a tick every 1000/hz ms, hz re-drawn in [10, 19]
 * after every tick, so sentinels started together do not vote in lockstep (sentinel.c:
 * sentinelTimer sets server.hz = CONFIG_DEFAULT_HZ + rand() % CONFIG_DEFAULT_HZ). Each tick
 * reads both clocks: the monotonic one for `now`, the wall clock for TILT's jump detection.
 *
 * Idle stretch (issue #18): when the last tick found every record quiet (SentinelCore.quietUntil,
 * core/gate/quiet-gate.ts), a regular tick before that time would pass over all of them, so the
 * next one waits until then, at most MAX_IDLE_MS after the last. Waking 15 times a second cost an
 * idle one-master Vigil twice the CPU of waking at 4 Hz. The tick carries how much later it came
 * on purpose (`idleMs`), which TILT does not count, and any input that voids a gate brings the
 * regular tick back (holdUntil(0)).
 */
import type { Random } from "../core/index.js";

export const MIN_HZ = 10;
export const MAX_HZ = 19;

/** A new hz in [10, 19]. */
export function drawHz(random: Random): number {
  return MIN_HZ + random.int(MAX_HZ - MIN_HZ + 1);
}

/** The delay of one tick at `hz`, in whole milliseconds: 53 … 100. */
export function tickDelay(hz: number): number {
  return Math.round(1000 / hz);
}

/** How much after the time the core names a held tick fires, ms (holdUntil). */
export const HOLD_MARGIN_MS = 2;

/** The longest a stretched idle tick waits after the last one, ms (TILT's trigger is 2000). */
export const MAX_IDLE_MS = 1000;

/** The delay before the next tick with a freshly drawn hz. */
export function nextTickDelay(random: Random): number {
  return tickDelay(drawHz(random));
}

export interface SchedulerOptions {
  readonly random: Random;
  readonly monotonicNow: () => number;
  readonly wallNow: () => number;
  /** idleMs: how much later than the regular delay this tick fired on purpose (holdUntil). */
  readonly onTick: (now: number, wallNow: number, idleMs: number) => void;
  /**
   * How late each tick's timer fired, in ms (negative: early): the event-loop lag INFO shows
   * (event-loop-lag.ts), sampled by the timer the process wakes for anyway.
   */
  readonly onLate?: (lateMs: number) => void;
  /** The clock of onLate, sub-millisecond. Default: performance.now. */
  readonly lagClock?: () => number;
  /** Timer functions; tests pass fakes. Default: the global setTimeout/clearTimeout. */
  readonly timers?: {
    set(fn: () => void, ms: number): unknown;
    clear(handle: unknown): void;
  };
}

const REAL_TIMERS = {
  set: (fn: () => void, ms: number): unknown => setTimeout(fn, ms),
  clear: (handle: unknown): void => {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

export class Scheduler {
  private readonly options: SchedulerOptions;
  private timer: unknown = null;
  private running = false;
  private hz = MIN_HZ;
  /** When the armed timer is due, on lagClock. */
  private dueAt = 0;
  /** When the last tick fired (or the scheduler started), on lagClock. */
  private firedAt = 0;
  /** The regular delay drawn after it, ms. */
  private regularDelay = 0;
  private readonly timers: NonNullable<SchedulerOptions["timers"]>;
  private readonly lagNow: () => number;
  /** The timer's callback, one for every timer armed. */
  private readonly onTimer = (): void => {
    this.fire();
  };

  constructor(options: SchedulerOptions) {
    this.options = options;
    this.timers = options.timers ?? REAL_TIMERS;
    this.lagNow = options.lagClock ?? (() => performance.now());
  }

  /** The current tick frequency (INFO `hz`). */
  get currentHz(): number {
    return this.hz;
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.arm();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
  }

  /**
   * The core needs no regular tick before `at` (monotonic ms, the clock of `now`; 0: at every
   * regular tick). Moves the armed tick to then, between its regular time and MAX_IDLE_MS after
   * the last tick; called after every batch the runtime carried out.
   */
  holdUntil(at: number): void {
    if (!this.running || this.timer === null) return;
    const regularDue = this.firedAt + this.regularDelay;
    let due = regularDue;
    if (at > 0) {
      // Two ms more: `now` is whole ms, and the core's tests are strict (`now - last > period`),
      // so a useful tick needs `now` ≥ at + 1; and a timer may fire up to a ms early (libuv
      // counts its delay from the time it cached at the start of the loop's turn). At + 1
      // alone, such a tick found nothing due, and the PINGs waited for the next regular tick.
      const wanted = this.lagNow() + (at - this.options.monotonicNow()) + HOLD_MARGIN_MS;
      due = Math.max(regularDue, Math.min(wanted, this.firedAt + MAX_IDLE_MS));
    }
    // `now` is whole ms: a gate recomputed to the same time may read up to a ms apart.
    if (Math.abs(due - this.dueAt) < 2) return;
    this.timers.clear(this.timer);
    // A regular time already past (a gate voided while the tick waited) is due now: the loop
    // was not late for it, and the lag histogram must not say so.
    const now = this.lagNow();
    this.setTimer(Math.max(due, now), Math.max(0, Math.ceil(due - now)));
  }

  private arm(firedAt = this.lagNow()): void {
    this.hz = drawHz(this.options.random);
    this.firedAt = firedAt;
    this.regularDelay = tickDelay(this.hz);
    // Counted from the moment the last one fired, as Node counts from the loop's time then,
    // not from after the tick's own work.
    this.setTimer(firedAt + this.regularDelay, this.regularDelay);
  }

  private setTimer(dueAt: number, delay: number): void {
    this.dueAt = dueAt;
    this.timer = this.timers.set(this.onTimer, delay);
  }

  private fire(): void {
    this.timer = null;
    if (!this.running) return;
    const firedAt = this.lagNow();
    this.options.onLate?.(firedAt - this.dueAt);
    const idleMs = Math.max(0, this.dueAt - (this.firedAt + this.regularDelay));
    this.options.onTick(this.options.monotonicNow(), this.options.wallNow(), idleMs);
    if (this.running) this.arm(firedAt);
  }
}

/**
 * The jittered tick (docs/PROTOCOL.md §1): a tick every 1000/hz ms, hz re-drawn in [10, 19]
 * after every tick, so sentinels started together do not vote in lockstep (sentinel.c:
 * sentinelTimer sets server.hz = CONFIG_DEFAULT_HZ + rand() % CONFIG_DEFAULT_HZ). Each tick
 * reads both clocks: the monotonic one for `now`, the wall clock for TILT's jump detection.
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

/** The delay before the next tick with a freshly drawn hz. */
export function nextTickDelay(random: Random): number {
  return tickDelay(drawHz(random));
}

export interface SchedulerOptions {
  readonly random: Random;
  readonly monotonicNow: () => number;
  readonly wallNow: () => number;
  readonly onTick: (now: number, wallNow: number) => void;
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

  constructor(options: SchedulerOptions) {
    this.options = options;
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
    if (this.timer !== null) (this.options.timers ?? REAL_TIMERS).clear(this.timer);
    this.timer = null;
  }

  private arm(firedAt = this.lagNow()): void {
    const timers = this.options.timers ?? REAL_TIMERS;
    this.hz = drawHz(this.options.random);
    const delay = tickDelay(this.hz);
    // Counted from the moment the last one fired, as Node counts from the loop's time then,
    // not from after the tick's own work.
    this.dueAt = firedAt + delay;
    this.timer = timers.set(() => {
      this.fire();
    }, delay);
  }

  private fire(): void {
    this.timer = null;
    if (!this.running) return;
    const firedAt = this.lagNow();
    this.options.onLate?.(firedAt - this.dueAt);
    this.options.onTick(this.options.monotonicNow(), this.options.wallNow());
    if (this.running) this.arm(firedAt);
  }

  private lagNow(): number {
    return (this.options.lagClock ?? performance.now.bind(performance))();
  }
}

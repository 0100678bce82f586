/**
 * Event-loop lag for INFO: how late the sentinel's own tick timer fired (scheduler.ts reports
 * it, 10 to 19 times a second), in a cumulative histogram (lag-histogram.ts). No timer of its
 * own: a sampler due every 10 ms woke an idle process 100 times a second, six times as often as
 * everything else it does (issue #18). INFO all shows the histogram itself
 * (`event_loop_lag_histogram`, `event_loop_lag_sum_ms`), from which a reader computes the lag of
 * exactly its own window (bench/scale.ts does), and `event_loop_lag_p99_ms`, the p99 of about the
 * last minute (a snapshot kept every 10 s, taken as samples arrive; before the first minute,
 * since the start). Lateness, not the interval, is recorded: an idle loop reads about 0.
 */
import {
  LagHistogram,
  lagBetween,
  lagQuantile,
  type LagSnapshot,
} from "../commands/lag-histogram.js";

const SLICE_MS = 10_000;
/** Slices in the rolling window of event_loop_lag_p99_ms: 6 × 10 s. */
const WINDOW_SLICES = 6;

export class EventLoopLag {
  private readonly histogram = new LagHistogram();
  /** Oldest first; the window's start is the oldest kept snapshot. */
  private readonly slices: LagSnapshot[];
  private nextSliceAt: number;
  private readonly now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.now = now;
    this.slices = [this.histogram.snapshot()];
    this.nextSliceAt = this.now() + SLICE_MS;
  }

  /** A timer that was due `lateMs` ago fired now (negative: early, recorded as 0). */
  record(lateMs: number): void {
    this.histogram.record(lateMs);
    this.slice();
  }

  /** p99 lateness in ms over about the last minute. */
  p99Ms(): number {
    this.slice();
    const start = this.slices[0] ?? this.histogram.snapshot();
    return Math.round(lagQuantile(lagBetween(start, this.histogram.snapshot()), 0.99) * 100) / 100;
  }

  /** Everything recorded since the start. */
  snapshot(): LagSnapshot {
    return this.histogram.snapshot();
  }

  /** Keeps a snapshot per elapsed 10 s (one for a longer gap: nothing was recorded in it). */
  private slice(): void {
    const now = this.now();
    if (now < this.nextSliceAt) return;
    this.slices.push(this.histogram.snapshot());
    if (this.slices.length > WINDOW_SLICES + 1) this.slices.shift();
    this.nextSliceAt = now + SLICE_MS;
  }
}

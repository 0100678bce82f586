/**
 * Event-loop lag for INFO: a timer due every 10 ms records how late it fired into a cumulative
 * histogram (lag-histogram.ts). INFO all shows the histogram itself
 * (`event_loop_lag_histogram`, `event_loop_lag_sum_ms`), from which a reader computes the lag
 * of exactly its own window (bench/scale.ts does), and `event_loop_lag_p99_ms`, the p99 of
 * about the last minute (snapshots every 10 s; before the first minute, since the start).
 * Lateness, not the interval, is recorded: an idle loop reads about 0.
 */
import {
  LagHistogram,
  lagBetween,
  lagQuantile,
  type LagSnapshot,
} from "../commands/lag-histogram.js";

const SAMPLE_MS = 10;
const SLICE_MS = 10_000;
/** Slices in the rolling window of event_loop_lag_p99_ms: 6 × 10 s. */
const WINDOW_SLICES = 6;

export interface EventLoopLag {
  /** p99 lateness in ms over about the last minute. */
  p99Ms(): number;
  /** Everything recorded since the start. */
  snapshot(): LagSnapshot;
  stop(): void;
}

export function startEventLoopLag(): EventLoopLag {
  const now = (): number => performance.now();
  const histogram = new LagHistogram();
  // Oldest first; the window's start is the oldest kept snapshot.
  const slices: LagSnapshot[] = [histogram.snapshot()];
  let due = now() + SAMPLE_MS;
  // One Timeout re-armed with refresh(): a new one per sample was 100 allocations a second.
  const sampler = setTimeout(() => {
    const at = now();
    histogram.record(at - due);
    due = at + SAMPLE_MS;
    sampler.refresh();
  }, SAMPLE_MS);
  sampler.unref();
  const slicer = setInterval(() => {
    slices.push(histogram.snapshot());
    if (slices.length > WINDOW_SLICES + 1) slices.shift();
  }, SLICE_MS);
  slicer.unref();
  return {
    p99Ms: () => {
      const start = slices[0] ?? histogram.snapshot();
      return Math.round(lagQuantile(lagBetween(start, histogram.snapshot()), 0.99) * 100) / 100;
    },
    snapshot: () => histogram.snapshot(),
    stop: () => {
      clearTimeout(sampler);
      clearInterval(slicer);
    },
  };
}

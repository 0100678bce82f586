/**
 * Event-loop lag for INFO (`event_loop_lag_p99_ms`, bench/scale.ts reads it): a
 * perf_hooks.monitorEventLoopDelay histogram sampling every 10 ms, reported per 60 s window —
 * the p99 of the last complete window, or of the current one until the first window closes.
 * The histogram records the whole time between its timer's wake-ups (an idle loop reads about
 * 10.2 ms at a 10 ms resolution), so the resolution is taken off: what remains is how late the
 * loop was.
 */
import type { IntervalHistogram } from "node:perf_hooks";
import { monitorEventLoopDelay } from "node:perf_hooks";

const RESOLUTION_MS = 10;
const WINDOW_MS = 60_000;

export interface EventLoopLag {
  /** p99 lag in milliseconds. */
  p99Ms(): number;
  stop(): void;
}

export function startEventLoopLag(): EventLoopLag {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let lastWindowP99: number | undefined;
  const timer = setInterval(() => {
    lastWindowP99 = lateMs(histogram.percentile(99));
    histogram.reset();
  }, WINDOW_MS);
  timer.unref();
  return {
    p99Ms: () => lastWindowP99 ?? lateMs(histogram.percentile(99)),
    stop: () => {
      clearInterval(timer);
      histogram.disable();
    },
  };
}

/** A recorded interval (ns) as lateness in ms: the interval minus the resolution, at least 0. */
function lateMs(nanos: number): number {
  // An empty histogram reports 0 for every percentile.
  if (!Number.isFinite(nanos) || nanos === 0) return 0;
  return Math.max(0, Math.round((nanos / 1e6 - RESOLUTION_MS) * 100) / 100);
}

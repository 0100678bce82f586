/**
 * The two clocks the shell reads. `monotonicNow` is what the core receives as `now`: it never goes
 * back, but it is offset by the process's start time (performance.timeOrigin) so its values have
 * the magnitude of epoch milliseconds. The core keeps sentinel.c's "0 means never" convention, and
 * checks like `now - failoverStartTime > 2 * failover-timeout` must hold for a never-set time right
 * after start, as they do with Redis's mstime(). `wallNow` feeds TILT's clock-jump detection.
 */
import { performance } from "node:perf_hooks";

/** Fixed for the process: read once, not through its getter at every `now`. */
const TIME_ORIGIN = performance.timeOrigin;

export function monotonicNow(): number {
  return Math.floor(TIME_ORIGIN + performance.now());
}

export function wallNow(): number {
  return Date.now();
}

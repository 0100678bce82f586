/**
 * TILT mode (docs/PROTOCOL.md §12; sentinel.c: sentinelCheckTiltCondition). A tick that comes
 * too late (the process was stopped, the machine overloaded) or a clock that jumped means our
 * timers cannot be trusted: for tiltPeriod we keep monitoring but take no action. Both clocks
 * are watched: the monotonic delta catches pauses, the wall-clock delta catches clock jumps
 * (which is all Redis, on the wall clock, can see).
 */
import type { CoreContext } from "../model/context.js";

/** `idleMs`: the part of the delta the shell waited on purpose (a stretched idle tick). */
function abnormal(delta: number, trigger: number, idleMs: number): boolean {
  return delta < 0 || delta - idleMs > trigger;
}

/**
 * At the start of every tick. The first tick only records the clocks. `idleMs`: how much later
 * than a regular tick the shell fired this one on purpose (Input "tick"): a process stalled
 * for more than the trigger beyond that still enters TILT.
 */
export function checkTiltCondition(ctx: CoreContext, wallNow: number, idleMs = 0): void {
  const state = ctx.state;
  const first = state.previousTime === 0 && state.previousWallTime === 0;
  const trigger = state.timing.tiltTrigger;
  if (
    !first &&
    (abnormal(ctx.now - state.previousTime, trigger, idleMs) ||
      abnormal(wallNow - state.previousWallTime, trigger, idleMs))
  ) {
    state.tilt = true;
    state.tiltStartTime = ctx.now;
    state.totalTilt++;
    ctx.out.event("+tilt", "#tilt mode entered", null);
  }
  state.previousTime = ctx.now;
  state.previousWallTime = wallNow;
}

/**
 * Called when an instance is handled, after its monitoring half: true while TILT still holds
 * (the acting half is skipped); leaves TILT once it is tiltPeriod old.
 */
export function stillInTilt(ctx: CoreContext): boolean {
  const state = ctx.state;
  if (!state.tilt) return false;
  if (ctx.now - state.tiltStartTime < state.timing.tiltPeriod) return true;
  state.tilt = false;
  ctx.out.event("-tilt", "#tilt mode exited", null);
  return false;
}

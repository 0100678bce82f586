/**
 * What an executor of the core does with `Ready.wakeAt` once a batch is carried out
 * (docs/ARCHITECTURE.md, "Ready"): step one more tick at once, arm its one wake-up timer for
 * a later time, or drop the timer. The Runtime and the simulator's executor both use it, so the
 * simulation runs the follow-up timing the daemon runs.
 *
 * The core takes every decision in a tick, by the same rules as sentinel.c; a tick it asks for
 * only shortens the wait between two steps (Redis advances a failover by one state per timer
 * tick). Each tick costs a full pass over the instances, so the at-once ticks between two regular
 * ticks are capped: many masters failing together must not turn into a busy loop. A capped wish
 * stays pending in the core and is met by the next regular tick.
 */

/** At-once ticks allowed between two regular ticks. A failover needs about five. */
export const MAX_FOLLOW_UPS_PER_TICK = 8;

export type WakeStep =
  /** Step a tick now, after this batch. */
  | { readonly kind: "tick-now" }
  /** Keep one timer, for `at` (monotonic ms); an armed one for another time is replaced. */
  | { readonly kind: "arm"; readonly at: number }
  /** No wake-up wanted: drop the timer. */
  | { readonly kind: "disarm" }
  /** At once, but over the cap: leave everything to the next regular tick. */
  | { readonly kind: "wait" };

const TICK_NOW: WakeStep = { kind: "tick-now" };
const DISARM: WakeStep = { kind: "disarm" };
const WAIT: WakeStep = { kind: "wait" };

export class WakePlan {
  private followUps = 0;

  /** A tick from the scheduler or from the wake-up timer: the at-once budget starts again. */
  regularTick(): void {
    this.followUps = 0;
  }

  /** The step for the core's `wakeAt` after a batch stepped at `now`. */
  next(wakeAt: number | null, now: number): WakeStep {
    if (wakeAt === null) return DISARM;
    if (wakeAt > now) return { kind: "arm", at: wakeAt };
    if (this.followUps >= MAX_FOLLOW_UPS_PER_TICK) return WAIT;
    this.followUps++;
    return TICK_NOW;
  }
}

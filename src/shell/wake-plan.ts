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
 *
 * The cap follows what a tick costs (Ready.tickRecords): 8 at-once ticks whatever the size, and
 * up to 64 while they visit no more than FOLLOW_UP_RECORDS records in all. A failover of one
 * master among three sentinels asks for about twelve (each peer's answer and request, each vote,
 * each failover state that acts at once); at 8 the election and the promotion waited for the next
 * regular tick (up to 100 ms) in most runs. From about 50 masters on, nothing changes.
 */

/** At-once ticks allowed between two regular ticks, whatever they cost. */
export const MAX_FOLLOW_UPS_PER_TICK = 8;
/** At-once ticks allowed between two regular ticks when ticks are cheap. */
export const MAX_CHEAP_FOLLOW_UPS = 64;
/** Records the at-once ticks between two regular ticks may visit in all, beyond 8 ticks. */
export const FOLLOW_UP_RECORDS = 2048;

/** The at-once budget between two regular ticks for ticks visiting `tickRecords` records. */
export function followUpBudget(tickRecords: number): number {
  const cheap = Math.floor(FOLLOW_UP_RECORDS / Math.max(1, tickRecords));
  return Math.max(MAX_FOLLOW_UPS_PER_TICK, Math.min(MAX_CHEAP_FOLLOW_UPS, cheap));
}

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

  /**
   * The step for the core's `wakeAt` after a batch stepped at `now`; `tickRecords`: what a tick
   * costs (Ready.tickRecords).
   */
  next(wakeAt: number | null, now: number, tickRecords: number): WakeStep {
    if (wakeAt === null) return DISARM;
    if (wakeAt > now) return { kind: "arm", at: wakeAt };
    if (this.followUps >= followUpBudget(tickRecords)) return WAIT;
    this.followUps++;
    return TICK_NOW;
  }
}

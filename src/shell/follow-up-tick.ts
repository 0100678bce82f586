/**
 * Follow-up ticks: when an input or a tick has made the next step of a decision possible, the
 * runtime steps the core with one more tick at once instead of waiting up to 100 ms for the
 * scheduler's. The core still takes every decision in a tick, by the same rules and with the
 * same votes as sentinel.c; only the wait between two steps shrinks. Redis advances a failover
 * by one state per timer tick (sentinelFailoverStateMachine) and counts votes and ODOWN replies
 * at the next tick too; a failover crosses about eight such steps.
 *
 * A follow-up is wanted after:
 * - an is-master-down-by-addr reply (a peer's SDOWN view or vote: ODOWN or the election may now
 *   be decided, sentinel.c: sentinelCheckObjectivelyDown, sentinelFailoverWaitStart);
 * - an is-master-down-by-addr request (its sender sees the master SDOWN: if we do too, the core
 *   asks again the peers that said "not down", core/detection/ask-peers.ts);
 * - an event saying a failover state was entered whose function acts at once (select the
 *   replica, send SLAVEOF NO ONE, reconfigure the replicas and force the hellos, detect the end).
 *
 * Each follow-up costs a full pass over the instances, so their number between two scheduler
 * ticks is capped (many masters failing at once must not turn into a busy loop).
 *
 * A timed wake-up does the same for a decision the core has scheduled: on ODOWN it draws when
 * to stand as a candidate (core/failover/failover-state.ts: candidateDelayOver); a tick at that very moment saves
 * waiting for the next scheduler tick after it.
 *
 * A master whose command connection drops gets both: a follow-up tick at once, whose reconnect
 * attempt sends the PING that starts the down-after count (as redis-sentinel's next timer event
 * would), and a wake-up just past down-after, when SDOWN may be declared by the usual rule.
 */
import type { Input, SentinelEvent, SentinelState } from "../core/index.js";
import { firstLinkUser } from "../core/index.js";

/** Events after which the failover state machine can act on the very next tick. */
const ADVANCING_EVENTS: ReadonlySet<string> = new Set([
  "+elected-leader",
  "+failover-state-select-slave",
  "+selected-slave",
  "+failover-state-send-slaveof-noone",
  "+promoted-slave",
  "+failover-state-reconf-slaves",
  "+slave-reconf-done",
  "-slave-reconf-sent-timeout",
]);

/** Follow-up ticks allowed between two scheduler ticks. A failover needs about five. */
export const MAX_FOLLOW_UPS_PER_TICK = 8;

/** Whether stepping this batch (and producing these events) calls for a follow-up tick. */
export function wantsFollowUp(batch: readonly Input[], events: readonly SentinelEvent[]): boolean {
  for (const input of batch) {
    if (input.type === "is-master-down-reply" || input.type === "is-master-down-request") {
      return true;
    }
  }
  for (const event of events) if (ADVANCING_EVENTS.has(event.type)) return true;
  return false;
}

/**
 * The earliest time (monotonic ms, after `now`) at which a master that just went ODOWN will
 * stand as a candidate, or null.
 */
export function candidateWakeup(
  events: readonly SentinelEvent[],
  state: SentinelState,
  now: number,
): number | null {
  let earliest: number | null = null;
  for (const event of events) {
    if (event.type !== "+odown" || event.master === null) continue;
    const at = state.masters.get(event.master)?.candidateTime ?? 0;
    if (at > now && (earliest === null || at < earliest)) earliest = at;
  }
  return earliest;
}

/**
 * Down-after of each master whose connected command link the batch reports closed. Call it
 * before stepping the batch (the core then marks the link disconnected). A refused reconnect
 * of a link that was not connected does not count: a dead master would tick every second.
 */
export function droppedMasters(batch: readonly Input[], state: SentinelState): number[] {
  const downAfters: number[] = [];
  for (const input of batch) {
    if (input.type !== "link-closed" || input.conn !== "cmd") continue;
    const user = firstLinkUser(state, input.link);
    if (user?.instance.kind !== "master" || !user.instance.link.cmdConnected) continue;
    downAfters.push(user.master.settings.downAfterPeriod);
  }
  return downAfters;
}

/**
 * Failure detection (docs/PROTOCOL.md §5.1, §5.2; sentinel.c: sentinelCheckSubjectivelyDown,
 * sentinelCheckObjectivelyDown). SDOWN is this sentinel's own view, from unanswered PINGs, a
 * master that keeps reporting role slave, or a master reboot (master-reboot-down-after-period);
 * ODOWN needs `quorum` sentinels (us included) seeing the master SDOWN.
 */
import type { CoreContext, CoreView } from "../model/context.js";
import { linkDisconnected } from "../records/instances.js";
import { instanceText } from "../records/instance-text.js";
import { closeUnhealthyConnections } from "../records/link-health.js";
import { notePeerBack } from "../failover/heal-hold.js";
import type { InstanceState, MasterState } from "../model/state.js";
import { peerSaysDown } from "../records/peer-opinion.js";

/** How long the instance has not answered: since the oldest pending PING, or since the link
 * went down with nothing pending, else 0. */
export function unansweredFor(ctx: CoreView, instance: InstanceState): number {
  const link = instance.link;
  if (link.actPingTime !== 0) return ctx.now - link.actPingTime;
  if (linkDisconnected(link)) return ctx.now - link.lastAvailTime;
  return 0;
}

export function isSubjectivelyDown(
  ctx: CoreContext,
  instance: InstanceState,
  master: MasterState,
): boolean {
  const downAfter = master.settings.downAfterPeriod;
  if (unansweredFor(ctx, instance) > downAfter) return true;
  if (instance.kind !== "master") return false;
  // A master reporting role slave for down-after plus two INFO periods.
  if (
    instance.roleReported === "slave" &&
    ctx.now - instance.roleReportedTime > downAfter + ctx.state.timing.infoPeriod * 2
  ) {
    return true;
  }
  return (
    instance.flags.has("master_reboot") &&
    ctx.now - instance.masterRebootSinceTime > instance.settings.masterRebootDownAfterPeriod
  );
}

/** The longest wait between two regular ticks (hz 10, docs/PROTOCOL.md §1). */
const LONGEST_TICK_GAP = 100;

/**
 * Vigil: a master unanswered for nearly down-after asks for a tick just past it, as a dropped
 * link does (link-health.ts: wakeAfterDrop), so SDOWN is declared when the rule first holds
 * instead of at the next regular tick, up to 100 ms later (a frozen master's PINGs go
 * unanswered without a link event). Only a master whose SDOWN would fall before the next tick
 * asks: a healthy one asks for nothing.
 */
function wakeAtDownAfter(ctx: CoreContext, instance: InstanceState, master: MasterState): void {
  if (instance.kind !== "master") return;
  const unanswered = unansweredFor(ctx, instance);
  if (unanswered === 0) return;
  const left = master.settings.downAfterPeriod - unanswered;
  if (left >= 0 && left < LONGEST_TICK_GAP) ctx.out.wake(ctx.now + left + 1);
}

/** sentinel.c: sentinelCheckSubjectivelyDown (acting half of every record). */
export function checkSubjectivelyDown(
  ctx: CoreContext,
  instance: InstanceState,
  master: MasterState,
): void {
  closeUnhealthyConnections(ctx, instance, master);
  if (isSubjectivelyDown(ctx, instance, master)) {
    if (!instance.flags.has("s_down")) {
      ctx.out.event("+sdown", instanceText(ctx.state, instance, master), master.name);
      instance.sDownSinceTime = ctx.now;
      instance.flags.add("s_down");
    }
  } else if (instance.flags.has("s_down")) {
    ctx.out.event("-sdown", instanceText(ctx.state, instance, master), master.name);
    if (instance.kind === "sentinel") notePeerBack(ctx, master);
    // s_down_since_time is kept: "no recent down" tests look at it.
    instance.flags.delete("s_down");
    instance.flags.delete("script_kill_sent");
  } else {
    wakeAtDownAfter(ctx, instance, master);
  }
}

/** 1 (us) + peers that see the master down (peerSaysDown); 0 when we do not see it SDOWN. */
export function masterDownVotes(view: CoreView, master: MasterState): number {
  if (!master.flags.has("s_down")) return 0;
  let votes = 1;
  for (const peer of master.sentinels.values()) {
    if (peerSaysDown(view, peer)) votes++;
  }
  return votes;
}

/** sentinel.c: sentinelCheckObjectivelyDown. */
export function checkObjectivelyDown(ctx: CoreContext, master: MasterState): void {
  const votes = masterDownVotes(ctx, master);
  const quorum = master.settings.quorum;
  if (votes > 0 && votes >= quorum) {
    if (!master.flags.has("o_down")) {
      ctx.out.event(
        "+odown",
        `${instanceText(ctx.state, master, master)} #quorum ${votes}/${quorum}`,
        master.name,
      );
      master.flags.add("o_down");
      master.oDownSinceTime = ctx.now;
    }
  } else if (master.flags.has("o_down")) {
    ctx.out.event("-odown", instanceText(ctx.state, master, master), master.name);
    master.flags.delete("o_down");
  }
}

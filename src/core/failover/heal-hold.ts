/**
 * Vigil: no failover starts right as a partition heals (docs/COMPATIBILITY.md, "No failover as a
 * partition heals"). When every sentinel was cut off from the others and from the master, two of
 * them that saw the master SDOWN may agree on ODOWN in the first milliseconds after the heal,
 * before their own links to the master answer again: a connection that outlived the cut waits
 * for TCP's next retransmission, backed off to seconds, and a connect attempt made during the
 * cut for the kernel's next SYN. Their SDOWN is then no evidence about the master yet, and
 * promoting a replica cut off with them would drop the master's writes of the whole cut.
 *
 * So when a peer we saw SDOWN answers again, a stalled connection to the master is given up and
 * made again at once, and we do not stand for a ping period (the master's: timing.ts,
 * pingPeriodFor) after the last peer came back: long enough for the new connection's PING to be
 * answered by a master that is up, short against a failover's other delays when it is down.
 * Nobody's vote changes (a vote request from a peer is answered as Redis answers it).
 */
import type { CoreContext } from "../model/context.js";
import type { MasterState } from "../model/state.js";
import { pingPeriodFor } from "../model/timing.js";
import { reconnectIfStalled } from "../records/link-health.js";

/** The master's ping period: the hold, and how long a silent connection counts as stalled. */
function holdPeriod(ctx: CoreContext, master: MasterState): number {
  return pingPeriodFor(ctx.state.timing, master.settings.downAfterPeriod);
}

/** Records that a peer of `master` we saw SDOWN answers again, and revives the master's link. */
export function notePeerBack(ctx: CoreContext, master: MasterState): void {
  if (master.peersBackAt === ctx.now) return;
  master.peersBackAt = ctx.now;
  reconnectIfStalled(ctx, master.link, holdPeriod(ctx, master));
}

/** True while a failover may not start for a heal; asks to be woken when it may. */
export function heldAfterHeal(ctx: CoreContext, master: MasterState): boolean {
  // A peer still flagged SDOWN that answered since: it is back this very tick (peers are checked
  // after their master in a tick, sentinel.c's order, so its -sdown comes later).
  for (const peer of master.sentinels.values()) {
    if (peer.flags.has("s_down") && peer.link.lastAvailTime > peer.sDownSinceTime) {
      if (master.peersBackAt < peer.link.lastAvailTime) notePeerBack(ctx, master);
    }
  }
  if (master.peersBackAt === 0) return false;
  const until = master.peersBackAt + holdPeriod(ctx, master);
  if (ctx.now >= until) return false;
  ctx.out.wake(until);
  return true;
}

/**
 * Aborting a failover (docs/PROTOCOL.md §7.8; sentinel.c: sentinelAbortFailover). Legal only
 * before the promotion is confirmed: from `reconf_slaves` on, the new address is advertised and
 * the failover can only end. `failoverStartTime` is kept, so the 2 × failover-timeout gate holds.
 */
import { assert } from "../basics/assert.js";
import type { CoreContext } from "../model/context.js";
import { FAILOVER_STATES } from "../model/state.js";
import type { MasterState } from "../model/state.js";

const LAST_ABORTABLE = FAILOVER_STATES.indexOf("wait_promotion");

export function abortFailover(ctx: CoreContext, master: MasterState): void {
  assert(master.flags.has("failover_in_progress"), `abort of ${master.name}: no failover`);
  assert(
    FAILOVER_STATES.indexOf(master.failoverState) <= LAST_ABORTABLE,
    `abort of ${master.name} in state ${master.failoverState}`,
  );
  master.flags.delete("failover_in_progress");
  master.flags.delete("force_failover");
  master.flags.delete("coordinated_failover");
  master.chosenReplica = null;
  master.failoverState = "none";
  master.failoverStateChangeTime = ctx.now;
  if (master.promotedReplica !== null) {
    master.replicas.get(master.promotedReplica)?.flags.delete("promoted");
    master.promotedReplica = null;
  }
}

/**
 * The `select_slave` state (sentinel-protocol §7.3; sentinel.c: sentinelFailoverSelectSlave):
 * pick the replica to promote or abort. This state has no timeout of its own: it always leaves
 * in one step.
 */
import type { CoreContext } from "./context.js";
import { abortFailover } from "./failover-abort.js";
import { instanceText } from "./instance-text.js";
import { selectReplica } from "./replica-selection.js";
import type { MasterState } from "./state.js";

export function failoverSelectSlave(ctx: CoreContext, master: MasterState): void {
  const replica = selectReplica(ctx, master);
  if (replica === null) {
    ctx.out.event("-failover-abort-no-good-slave", instanceText(master, master), master.name);
    abortFailover(ctx, master);
    return;
  }
  ctx.out.event("+selected-slave", instanceText(replica, master), master.name);
  replica.flags.add("promoted");
  master.promotedReplica = replica.name;
  master.failoverState = "send_slaveof_noone";
  master.failoverStateChangeTime = ctx.now;
  ctx.out.event("+failover-state-send-slaveof-noone", instanceText(replica, master), master.name);
}

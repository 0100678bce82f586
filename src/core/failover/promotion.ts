/**
 * The `send_slaveof_noone` and `wait_promotion` states (docs/PROTOCOL.md §7.4; sentinel.c:
 * sentinelFailoverSendSlaveOfNoOne, sentinelFailoverWaitPromotion). The candidate gets
 * SLAVEOF NO ONE as soon as its link is up; the promotion itself is observed through its INFO
 * (failover-progress.ts). Both states abort after failover-timeout.
 */
import { assert } from "../basics/assert.js";
import type { CoreContext } from "../model/context.js";
import { abortFailover } from "./abort.js";
import { instanceText } from "../records/instance-text.js";
import { linkUsable } from "../records/instances.js";
import { sendReplicaOf } from "./replicaof-command.js";
import { abortMasterHandover } from "./coordinated.js";
import type { MasterState, ReplicaState } from "../model/state.js";

/** The replica record being promoted; present from `send_slaveof_noone` to the switch. */
export function promotedReplicaOf(master: MasterState): ReplicaState {
  const key = master.promotedReplica;
  assert(key !== null, `${master.name} in ${master.failoverState} without a promoted replica`);
  const replica = master.replicas.get(key);
  assert(replica !== undefined, `${master.name}: promoted replica ${key} has no record`);
  return replica;
}

function abortIfSlaveTimedOut(ctx: CoreContext, master: MasterState): void {
  if (ctx.now - master.failoverStateChangeTime > master.settings.failoverTimeout) {
    ctx.out.event(
      "-failover-abort-slave-timeout",
      instanceText(ctx.state, master, master),
      master.name,
    );
    abortMasterHandover(ctx, master);
    abortFailover(ctx, master);
  }
}

export function failoverSendSlaveofNoone(ctx: CoreContext, master: MasterState): void {
  const replica = promotedReplicaOf(master);
  if (!linkUsable(replica.link)) {
    abortIfSlaveTimedOut(ctx, master);
    return;
  }
  sendReplicaOf(ctx, replica, null);
  ctx.out.event(
    "+failover-state-wait-promotion",
    instanceText(ctx.state, replica, master),
    master.name,
  );
  master.failoverState = "wait_promotion";
  master.failoverStateChangeTime = ctx.now;
}

export function failoverWaitPromotion(ctx: CoreContext, master: MasterState): void {
  abortIfSlaveTimedOut(ctx, master);
}

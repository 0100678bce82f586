/**
 * The `reconf_slaves` state (docs/PROTOCOL.md §7.6; sentinel.c: sentinelFailoverReconfNextSlave,
 * sentinelFailoverDetectEnd): point the other replicas at the promoted one, at most
 * `parallel-syncs` at a time, then end the failover once every reachable replica is done, or
 * when failover-timeout has passed (best-effort SLAVEOF to the rest).
 */
import type { CoreContext } from "../model/context.js";
import { instanceText } from "../records/instance-text.js";
import { promotedReplicaOf } from "./promotion.js";
import { linkUsable } from "../records/instances.js";
import { sendReplicaOf } from "./replicaof-command.js";
import type { MasterState, ReplicaState } from "../model/state.js";

function reconfiguring(replica: ReplicaState): boolean {
  return replica.flags.has("reconf_sent") || replica.flags.has("reconf_inprog");
}

/** sentinel.c: sentinelFailoverReconfNextSlave. */
export function reconfNextReplica(ctx: CoreContext, master: MasterState): void {
  const promoted = promotedReplicaOf(master);
  let inProgress = 0;
  for (const replica of master.replicas.values()) {
    if (reconfiguring(replica)) inProgress++;
  }

  for (const replica of master.replicas.values()) {
    if (inProgress >= master.settings.parallelSyncs) break;
    if (replica.flags.has("promoted") || replica.flags.has("reconf_done")) continue;

    // A replica stuck in reconf_sent counts as done; as in sentinel.c it is then sent SLAVEOF
    // once more below (flags reconf_done|reconf_sent) if its link is up. Also as in sentinel.c,
    // this check is only reached while fewer than parallel-syncs replicas are in progress.
    if (
      replica.flags.has("reconf_sent") &&
      ctx.now - replica.slaveReconfSentTime > ctx.state.timing.slaveReconfTimeout
    ) {
      ctx.out.event(
        "-slave-reconf-sent-timeout",
        instanceText(ctx.state, replica, master),
        master.name,
      );
      replica.flags.delete("reconf_sent");
      replica.flags.add("reconf_done");
      // Its slot frees at the next tick (inProgress still counts it in this one).
      ctx.out.wake(ctx.now);
    }

    if (reconfiguring(replica)) continue;
    if (!linkUsable(replica.link)) continue;

    sendReplicaOf(ctx, replica, promoted.addr);
    replica.flags.add("reconf_sent");
    replica.slaveReconfSentTime = ctx.now;
    ctx.out.event("+slave-reconf-sent", instanceText(ctx.state, replica, master), master.name);
    inProgress++;
  }

  detectFailoverEnd(ctx, master);
}

/** sentinel.c: sentinelFailoverDetectEnd. */
export function detectFailoverEnd(ctx: CoreContext, master: MasterState): void {
  const promoted =
    master.promotedReplica === null ? undefined : master.replicas.get(master.promotedReplica);
  // No end while the new master itself is unreachable.
  if (promoted === undefined || promoted.flags.has("s_down")) return;

  let notReconfigured = 0;
  for (const replica of master.replicas.values()) {
    if (replica.flags.has("promoted") || replica.flags.has("reconf_done")) continue;
    if (replica.flags.has("s_down")) continue;
    notReconfigured++;
  }

  const timedOut = ctx.now - master.failoverStateChangeTime > master.settings.failoverTimeout;
  if (timedOut) {
    notReconfigured = 0;
    ctx.out.event(
      "+failover-end-for-timeout",
      instanceText(ctx.state, master, master),
      master.name,
    );
  }
  if (notReconfigured === 0) {
    ctx.out.event("+failover-end", instanceText(ctx.state, master, master), master.name);
    master.failoverState = "update_config";
    master.failoverStateChangeTime = ctx.now;
  }
  if (timedOut) sendBestEffortReplicaOf(ctx, master, promoted);
}

/** After the timeout, one SLAVEOF to every connected replica never sent one. */
function sendBestEffortReplicaOf(
  ctx: CoreContext,
  master: MasterState,
  promoted: ReplicaState,
): void {
  for (const replica of master.replicas.values()) {
    if (
      replica.flags.has("promoted") ||
      replica.flags.has("reconf_done") ||
      replica.flags.has("reconf_sent")
    ) {
      continue;
    }
    if (!linkUsable(replica.link)) continue;
    sendReplicaOf(ctx, replica, promoted.addr);
    ctx.out.event("+slave-reconf-sent-be", instanceText(ctx.state, replica, master), master.name);
    replica.flags.add("reconf_sent");
  }
}

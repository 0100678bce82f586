/**
 * The `select_slave` state (sentinel-protocol §7.3; sentinel.c: sentinelFailoverSelectSlave):
 * pick the replica to promote or abort.
 *
 * Vigil's one addition: when the only thing keeping a replica out is INFO older than the
 * selection accepts, the state waits (up to timing.selectInfoWait) for the fresh INFO that
 * periodic.ts now asks every replica for, instead of aborting. Redis never needs this: between
 * +odown and the selection it spends ticks in which its 1 s replica INFO period refreshes them,
 * while Vigil can be elected within a millisecond of +odown with a replica last described by
 * the 10 s INFO poll, and an abort holds the next attempt off for 2 × failover-timeout.
 */
import type { CoreContext } from "../model/context.js";
import { abortFailover } from "./abort.js";
import { instanceText } from "../records/instance-text.js";
import { replicaExclusion, selectReplica } from "./replica-selection.js";
import type { MasterState } from "../model/state.js";

/** Whether some replica would qualify but for the age of its INFO. */
function waitingForInfo(ctx: CoreContext, master: MasterState): boolean {
  for (const replica of master.replicas.values()) {
    if (replicaExclusion(ctx, master, replica) === "stale INFO") return true;
  }
  return false;
}

export function failoverSelectSlave(ctx: CoreContext, master: MasterState): void {
  const replica = selectReplica(ctx, master);
  if (replica === null) {
    const waited = ctx.now - master.failoverStateChangeTime;
    if (waited < ctx.state.timing.selectInfoWait && waitingForInfo(ctx, master)) return;
    ctx.out.event(
      "-failover-abort-no-good-slave",
      instanceText(ctx.state, master, master),
      master.name,
    );
    abortFailover(ctx, master);
    return;
  }
  ctx.out.event("+selected-slave", instanceText(ctx.state, replica, master), master.name);
  replica.flags.add("promoted");
  master.promotedReplica = replica.name;
  master.failoverState = "send_slaveof_noone";
  master.failoverStateChangeTime = ctx.now;
  ctx.out.wake(ctx.now);
  ctx.out.event(
    "+failover-state-send-slaveof-noone",
    instanceText(ctx.state, replica, master),
    master.name,
  );
}

/**
 * The `select_slave` state (docs/PROTOCOL.md §7.3; sentinel.c: sentinelFailoverSelectSlave):
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
import { logReplidMismatches } from "./replica-identity.js";
import { explainReplicaExclusion, replicaExclusion, selectReplica } from "./replica-selection.js";
import type { MasterState, ReplicaState } from "../model/state.js";

/** Whether some replica would qualify but for the age of its INFO. */
function waitingForInfo(ctx: CoreContext, master: MasterState): boolean {
  const chosen =
    master.chosenReplica === null ? undefined : master.replicas.get(master.chosenReplica);
  if (chosen !== undefined) return replicaExclusion(ctx, master, chosen) === "stale-info";
  for (const replica of master.replicas.values()) {
    if (replicaExclusion(ctx, master, replica) === "stale-info") return true;
  }
  return false;
}

/**
 * The replica SENTINEL FAILOVER … TO named, if it still qualifies, else null (the reason is
 * logged); the best candidate otherwise.
 */
function candidate(ctx: CoreContext, master: MasterState): ReplicaState | null {
  if (master.chosenReplica === null) return selectReplica(ctx, master);
  const chosen = master.replicas.get(master.chosenReplica);
  const why =
    chosen === undefined
      ? { code: "gone", words: "no longer a replica of this master" }
      : explainReplicaExclusion(ctx, master, chosen);
  if (why === null) return chosen ?? null;
  if (why.code === "stale-info") return null;
  ctx.out.log(
    "warning",
    `The chosen replica ${master.chosenReplica} is not promotable: ${why.code} (${why.words})`,
  );
  return null;
}

export function failoverSelectSlave(ctx: CoreContext, master: MasterState): void {
  const replica = candidate(ctx, master);
  if (replica === null) {
    const waited = ctx.now - master.failoverStateChangeTime;
    if (waited < ctx.state.timing.selectInfoWait && waitingForInfo(ctx, master)) return;
    logReplidMismatches(ctx, master);
    ctx.out.event(
      "-failover-abort-no-good-slave",
      instanceText(ctx.state, master, master),
      master.name,
    );
    abortFailover(ctx, master);
    return;
  }
  logReplidMismatches(ctx, master);
  ctx.out.event("+selected-slave", instanceText(ctx.state, replica, master), master.name);
  replica.flags.add("promoted");
  master.promotedReplica = replica.name;
  master.failoverState = "send_slaveof_noone";
  master.failoverStateChangeTime = ctx.now;
  // SLAVEOF NO ONE goes out in this same tick (failover-state.ts: RUN_ON_ENTRY).
  ctx.out.event(
    "+failover-state-send-slaveof-noone",
    instanceText(ctx.state, replica, master),
    master.name,
  );
}

/**
 * A replica's INFO reply arrived: while our failover waits in select_slave for fresh INFO, the
 * selection is tried again at once, not at the next regular tick up to 100 ms later (an INFO
 * slower than the election, on a loaded host, left the state waiting so).
 */
export function onReplicaInfoWhileSelecting(ctx: CoreContext, master: MasterState): void {
  if (master.failoverState === "select_slave" && master.flags.has("failover_in_progress")) {
    ctx.out.wake(ctx.now);
  }
}

/**
 * Failover progress observed through replicas' INFO (docs/PROTOCOL.md §3.3, §7.4; sentinel.c:
 * sentinelRefreshFromInfo). The INFO handler (info-refresh.ts) calls these outside TILT:
 * the candidate reporting `role:master` confirms the promotion, and the other replicas move
 * reconf_sent → reconf_inprog → reconf_done as they follow the promoted replica.
 */
import { hostMatches } from "../records/hosts.js";
import { queueClientReconfigScript } from "./client-reconfig.js";
import { killClientsAfterHandover } from "./coordinated.js";
import { abortSupersededFailover, failoverSuperseded } from "./superseded.js";
import type { CoreContext } from "../model/context.js";
import { instanceText } from "../records/instance-text.js";
import { SIMFAILURE_CRASH_AFTER_PROMOTION, SIMFAILURE_EXIT_CODE } from "./wait-start.js";
import type { MasterState, ReplicaState } from "../model/state.js";

/**
 * A replica reports role master. True when it is our candidate in `wait_promotion`: the
 * promotion is confirmed, the master takes the failover epoch as its config epoch (what makes
 * every other sentinel adopt the new address) and the new address is advertised from now on.
 * False otherwise (the caller may then consider +convert-to-slave), and when a configuration in
 * our failover epoch or later is known: the failover ends instead (superseded.ts).
 */
export function onReplicaReportsMaster(
  ctx: CoreContext,
  master: MasterState,
  replica: ReplicaState,
): boolean {
  if (
    !replica.flags.has("promoted") ||
    master.promotedReplica !== replica.name ||
    !master.flags.has("failover_in_progress") ||
    master.failoverState !== "wait_promotion"
  ) {
    return false;
  }
  // Vigil: the config epoch never goes back, nor takes a second configuration in one epoch. A
  // hello ends the failover first (monitor/hello.ts); this holds whatever else raised the epoch.
  if (failoverSuperseded(master, master.configEpoch)) {
    abortSupersededFailover(ctx, master, null);
    return false;
  }
  master.configEpoch = master.failoverEpoch;
  master.failoverState = "reconf_slaves";
  master.failoverStateChangeTime = ctx.now;
  ctx.out.wake(ctx.now);
  ctx.out.flush();
  ctx.out.event("+promoted-slave", instanceText(ctx.state, replica, master), master.name);
  if ((ctx.state.simulateFailureFlags & SIMFAILURE_CRASH_AFTER_PROMOTION) !== 0) {
    ctx.out.exit(SIMFAILURE_EXIT_CODE);
    return true;
  }
  if (master.flags.has("coordinated_failover")) killClientsAfterHandover(ctx, master, replica);
  ctx.out.event(
    "+failover-state-reconf-slaves",
    instanceText(ctx.state, master, master),
    master.name,
  );
  queueClientReconfigScript(ctx, master, "leader", master.addr, replica.addr);
  forceHelloUpdate(master);
  return true;
}

/**
 * sentinel.c: sentinelForceHelloUpdateForMaster — a hello to everyone at once (the caller sends
 * those it can in this step: monitor/info-refresh.ts), whatever is in flight: a hello sent before
 * carries the old configuration, so none of this one is in flight yet (helloSentTime 0;
 * monitor/periodic.ts sends it once).
 */
function forceHelloUpdate(master: MasterState): void {
  for (const instance of [master, ...master.replicas.values(), ...master.sentinels.values()]) {
    instance.lastPubTime = 0;
    instance.helloSentTime = 0;
  }
}

/** A replica (reporting role slave) moves along reconf_sent → reconf_inprog → reconf_done. */
export function onReplicaInfoProgress(
  ctx: CoreContext,
  master: MasterState,
  replica: ReplicaState,
): void {
  if (!master.flags.has("failover_in_progress") || master.failoverState !== "reconf_slaves") {
    return;
  }
  if (replica.roleReported !== "slave" || master.promotedReplica === null) return;
  const promoted = master.replicas.get(master.promotedReplica);
  if (promoted === undefined) return;

  if (
    replica.flags.has("reconf_sent") &&
    replica.slaveMasterHost !== "" &&
    replica.slaveMasterPort === promoted.addr.port &&
    hostMatches(ctx, promoted.addr, replica.slaveMasterHost) === true
  ) {
    replica.flags.delete("reconf_sent");
    replica.flags.add("reconf_inprog");
    ctx.out.event("+slave-reconf-inprog", instanceText(ctx.state, replica, master), master.name);
  }
  if (replica.flags.has("reconf_inprog") && replica.slaveMasterLinkStatusUp) {
    replica.flags.delete("reconf_inprog");
    replica.flags.add("reconf_done");
    ctx.out.event("+slave-reconf-done", instanceText(ctx.state, replica, master), master.name);
    // A parallel-sync slot is free, or the failover may end: reconf_slaves acts at the next tick.
    ctx.out.wake(ctx.now);
  }
}

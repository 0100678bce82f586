/**
 * The coordinated failover of Valkey 9 (SENTINEL FAILOVER <name> COORDINATED; flag
 * `coordinated_failover`). After a real election and the replica selection, the master itself
 * hands over: it gets `MULTI / CLIENT PAUSE <t> WRITE / FAILOVER TO <ip> <port> TIMEOUT <t> /
 * EXEC` (Valkey: sentinelFailoverSendFailover, sentinelFailoverTo), so it stops taking writes,
 * waits until the replica has every acknowledged write and only then lets it take over. The
 * promotion is seen, as for SLAVEOF NO ONE, in the replica's INFO; then the old and the new
 * master get `MULTI / CONFIG REWRITE / CLIENT KILL TYPE normal / CLIENT KILL TYPE pubsub /
 * CLIENT UNPAUSE / EXEC` (sentinelKillClients): the clients held by the pause are disconnected
 * unanswered and ask the sentinels for the new master. Vigil's addition: when the failover ends
 * without the promotion (timed out, ended by a newer configuration, or the record reset or removed
 * by SENTINEL RESET / REMOVE), or the sentinel shuts down gracefully meanwhile, the master gets
 * `FAILOVER ABORT` and `CLIENT UNPAUSE`.
 */
import type { CoreContext } from "../model/context.js";
import { abortFailover } from "./abort.js";
import { instanceText } from "../records/instance-text.js";
import { linkUsable } from "../records/instances.js";
import { announceHostForCommand } from "../records/hosts.js";
import { assert } from "../basics/assert.js";
import { sendTransaction } from "./replicaof-command.js";
import type { MasterState, ReplicaState } from "../model/state.js";

/** Valkey gives up unless a whole second of failover-timeout is left for the FAILOVER. */
const MIN_FAILOVER_TIME = 1000;

/** Valkey: sentinelFailoverSendFailover — the coordinated `send_slaveof_noone` state. */
export function failoverSendFailover(ctx: CoreContext, master: MasterState): void {
  const left = master.settings.failoverTimeout - (ctx.now - master.failoverStateChangeTime);
  if (left < MIN_FAILOVER_TIME) {
    ctx.out.event(
      "-failover-abort-master-timeout",
      instanceText(ctx.state, master, master),
      master.name,
    );
    abortFailover(ctx, master);
    return;
  }
  if (!linkUsable(master.link)) return;
  const replica =
    master.promotedReplica === null ? undefined : master.replicas.get(master.promotedReplica);
  assert(replica !== undefined, `${master.name}: coordinated failover without a promoted replica`);
  const timeout = String(Math.floor(left));
  sendTransaction(ctx, master, [
    ["client", "PAUSE", timeout, "WRITE"],
    [
      "failover",
      "TO",
      announceHostForCommand(ctx.state, replica.addr),
      String(replica.addr.port),
      "TIMEOUT",
      timeout,
    ],
  ]);
  ctx.out.event(
    "+failover-state-wait-promotion",
    instanceText(ctx.state, replica, master),
    master.name,
  );
  master.failoverState = "wait_promotion";
  master.failoverStateChangeTime = ctx.now;
}

/** Valkey: sentinelKillClients — once the promotion is seen, on the old and the new master. */
export function killClientsAfterHandover(
  ctx: CoreContext,
  master: MasterState,
  promoted: ReplicaState,
): void {
  for (const instance of [master, promoted]) {
    // Only the command connection is needed (Valkey checks `link->cc`): the pub/sub one may be
    // down, and the old master must not keep writes paused for the rest of failover-timeout.
    if (!instance.link.cmdConnected) continue;
    sendTransaction(ctx, instance, [
      ["config", "REWRITE"],
      ["client", "KILL", "TYPE", "normal"],
      ["client", "KILL", "TYPE", "pubsub"],
      ["client", "UNPAUSE"],
    ]);
  }
}

/**
 * Vigil: a coordinated failover ends in `wait_promotion` (timed out: promotion.ts; a newer
 * configuration ended it: superseded.ts, switch-master.ts; SENTINEL RESET or REMOVE dropped the
 * record: admin/drop-master.ts; the sentinel shuts down: abortHandoversAtShutdown). The master's
 * own FAILOVER may still be running (or holding writes with our pause): stop both before the
 * failover is aborted or the record's link closes.
 * Nothing for any other failover or state: no pause is outstanding then.
 */
export function abortMasterHandover(
  ctx: CoreContext,
  master: MasterState,
  why = "timed out",
): void {
  if (!master.flags.has("coordinated_failover") || master.failoverState !== "wait_promotion") {
    return;
  }
  if (!master.link.cmdConnected) return;
  ctx.out.log(
    "warning",
    `Coordinated failover of '${master.name}' ${why}: sending FAILOVER ABORT and CLIENT UNPAUSE to the master`,
  );
  sendTransaction(ctx, master, [
    ["failover", "ABORT"],
    ["client", "UNPAUSE"],
  ]);
}

/**
 * Vigil: the graceful shutdown (Input `shutdown`). Left alone, a master in `wait_promotion` would
 * keep its writes paused until its FAILOVER's TIMEOUT, up to failover-timeout, with nobody left
 * to finish the handover: each such master gets FAILOVER ABORT and CLIENT UNPAUSE on its link,
 * which the shell keeps open a short while for the replies (shell/daemon.ts). The state is left
 * as it is: nothing is stepped after this input.
 */
export function abortHandoversAtShutdown(ctx: CoreContext): void {
  for (const master of ctx.state.masters.values()) {
    abortMasterHandover(ctx, master, "ended by the sentinel's shutdown");
  }
}

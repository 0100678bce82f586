/**
 * Switching a master record to a new address (docs/PROTOCOL.md §7.7; sentinel.c:
 * sentinelFailoverSwitchToPromotedSlave, sentinelResetMasterAndChangeAddress, sentinelResetMaster).
 * Used by the failover leader at `update_config` and by the hello-driven observer switch. The
 * record keeps its name, peers and config epoch; everything learnt about the old topology is
 * dropped and the replicas are recreated from addresses (the old master becoming one of them).
 */
import type { Addr } from "../basics/addr.js";
import { addrKey } from "../basics/addr.js";
import type { CoreContext } from "../model/context.js";
import { instanceText } from "../records/instance-text.js";
import { createReplica, newFenceFields } from "../records/instances.js";
import { resetMasterRecord } from "../records/reset-master.js";
import { announceHost, sameAddr } from "../records/hosts.js";
import { abortMasterHandover } from "./coordinated.js";
import type { MasterState, SentinelState } from "../model/state.js";

/** The leader's switch once the failover reached `update_config`. */
export function switchToPromotedReplica(ctx: CoreContext, master: MasterState): void {
  const promoted =
    master.promotedReplica === null ? undefined : master.replicas.get(master.promotedReplica);
  const newAddr = promoted?.addr ?? master.addr;
  ctx.out.event("+switch-master", switchMasterText(ctx.state, master, newAddr), master.name);
  resetMasterAndChangeAddress(ctx, master, newAddr);
}

/**
 * Re-addresses the master: the replica list becomes the current replicas minus the new address,
 * plus the old master address when it differs; each recreated replica gets `+slave`; the new
 * configuration is flushed, before anything else of the step leaves (`save` "now", the leader's
 * own switch) or soon after (`save` "soon": an observer adopting a newer configuration from a
 * hello, which its leader saved before announcing it). Nothing an observer sends or answers
 * depends on the adopted address being on disk, and if it crashes before the save it restarts
 * with its older configuration epoch and adopts the newer one again from the next hello, as if
 * the crash had come just before this hello: its +switch-master, which clients act on, goes out
 * without waiting for an fsync (5-30 ms), as the address it answers already did
 * (docs/COMPATIBILITY.md, "An observer's switch is saved soon after").
 */
export function resetMasterAndChangeAddress(
  ctx: CoreContext,
  master: MasterState,
  newAddr: Addr,
  save: "now" | "soon" = "now",
): void {
  const replicaAddrs: Addr[] = [];
  for (const replica of master.replicas.values()) {
    if (!sameAddr(ctx.state, replica.addr, newAddr)) replicaAddrs.push(replica.addr);
  }
  if (!sameAddr(ctx.state, newAddr, master.addr)) replicaAddrs.push(master.addr);

  // Vigil: a coordinated failover in `wait_promotion` ended by the switch (a newer configuration
  // elsewhere) may still hold the old master's writes with our CLIENT PAUSE and its FAILOVER:
  // released on the old master's connection, queued before the reset closes it.
  abortMasterHandover(ctx, master, "ended by a switch to another address");
  const fence = master.fence;
  const oldAddr = master.addr;
  resetMasterRecord(ctx, master, { keepPeers: true });
  // A fence held on the old master keeps holding it until it is demoted (detection/fence.ts).
  master.fence = {
    ...newFenceFields(ctx.now),
    renewTime: fence.renewTime,
    heldAddr: fence.fenced ? oldAddr : fence.heldAddr,
  };
  master.addr = newAddr;
  master.link.addr = newAddr;
  // Connect to the new address on the next tick: the once-per-ping-period throttle was for the
  // old one, and the reset above restarted the PING clock (act_ping_time = now), so a throttled
  // reconnect could leave the new master unanswered for a whole down-after (1 s) and mark it
  // SDOWN, with a second failover right behind (seen e2e with down-after 1000).
  master.link.lastReconnTime = 0;
  // Vigil: no INFO of the new address yet. sentinel.c keeps the old address's INFO time while the
  // reset assumes role master, so the new master "looks sane" for up to 20 s on another server's
  // INFO; our 1 s poll of a replica reporting master (periodic.ts) then converted the old master
  // under a new master that was itself its replica: a cycle with no master (the swarm's seed
  // 1827, test/sim/scenarios/old-master-converted-under-its-replica.txt). Zero: it is asked INFO
  // at once, and looks sane only once that INFO reports role master (docs/COMPATIBILITY.md).
  master.infoRefresh = 0;
  // Whether another address has FAILOVER is for its own INFO to tell (SENTINEL FAILOVER …
  // COORDINATED says it is not known until then: failover-state.ts forceFailover).
  if (!sameAddr(ctx.state, newAddr, oldAddr)) {
    master.serverFailoverState = "unsupported";
    master.serverFailoverChangeTime = ctx.now;
  }
  master.oDownSinceTime = 0;
  master.sDownSinceTime = 0;

  for (const addr of replicaAddrs) {
    // Like createSentinelRedisInstance's EBUSY: never two records for one address.
    if (master.replicas.has(addrKey(addr))) continue;
    const replica = createReplica(ctx, master, addr);
    ctx.out.event("+slave", instanceText(ctx.state, replica, master), master.name);
  }
  if (save === "now") ctx.out.flush();
  else ctx.out.flushSoon();
}

/** The `+switch-master` payload (no `%@`), also usable by the observer switch in hello.ts. */
export function switchMasterText(state: SentinelState, master: MasterState, newAddr: Addr): string {
  const from = announceHost(state, master.addr);
  return `${master.name} ${from} ${master.addr.port} ${announceHost(state, newAddr)} ${newAddr.port}`;
}

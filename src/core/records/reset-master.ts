/**
 * Resetting a master's record (docs/PROTOCOL.md §9.2; sentinel.c: sentinelResetMaster), for
 * SENTINEL RESET (admin/drop-master.ts, with SENTINEL_RESET_SENTINELS) and the switch to a new
 * address (failover/switch-master.ts): forget replicas (and peers: rediscovered through INFO and
 * hellos), flags, our vote and any failover, and start the link clocks afresh. Not flushed
 * (Redis does not either): the next flush writes the reduced lists.
 */
import type { CoreContext } from "../model/context.js";
import { removePeer, removeReplica } from "./instances.js";
import { closeLink } from "./link-health.js";
import type { MasterState } from "../model/state.js";

/**
 * sentinel.c: sentinelResetMaster. Releases the replicas (and, unless `keepPeers`, the peers),
 * closes the master's connections, forgets flags, our vote and any failover, and restarts the
 * link clocks. `leaderEpoch` is kept: it is persisted and guards against voting twice in an epoch.
 */
export function resetMasterRecord(
  ctx: CoreContext,
  master: MasterState,
  options: { readonly keepPeers: boolean },
): void {
  for (const key of [...master.replicas.keys()]) removeReplica(ctx, master, key);
  if (!options.keepPeers) {
    for (const runId of [...master.sentinels.keys()]) removePeer(ctx, master, runId);
  }
  // The link is reconnected by the next tick (reconnectInstance takes the record's address).
  closeLink(ctx, master.link);
  master.flags.clear();
  master.leader = "";
  master.failoverState = "none";
  master.failoverStateChangeTime = 0;
  // "We can failover again ASAP."
  master.failoverStartTime = 0;
  master.failoverDelayLogged = false;
  master.promotedReplica = null;
  master.chosenReplica = null;
  master.replHistory.clear();
  // The ids were the old address's: superseded-master.ts must read the new master's own.
  master.replId = "";
  master.replId2 = "";
  master.secondReplOffset = -1n;
  // serverFailoverState stays: whether the server at this address has FAILOVER is a fact its
  // INFO told, not something the sentinel learnt about the topology (Valkey's reset keeps it
  // too); the switch to another address forgets it (switch-master.ts).
  master.runId = "";
  master.slaveMasterHost = "";
  const link = master.link;
  link.actPingTime = ctx.now;
  link.lastPingTime = 0;
  link.lastAvailTime = ctx.now;
  link.lastPongTime = ctx.now;
  master.roleReportedTime = ctx.now;
  master.roleReported = "master";
}

/**
 * Choosing the replica to promote (sentinel-protocol §7.3; sentinel.c: sentinelSelectSlave,
 * compareSlavesForPromotion). A replica is a candidate only if it is reachable, recently seen,
 * freshly described by INFO, promotable (priority > 0), was not cut off from the master for
 * too long and (Vigil) replicates the master's history (replica-identity.ts); candidates are ordered by priority, then replication offset, then run id.
 */
import type { CoreContext } from "../model/context.js";
import { linkUsable } from "../records/instances.js";
import { REPLID_MISMATCH, sharesMasterHistory } from "./replica-identity.js";
import type { MasterState, ReplicaState } from "../model/state.js";

/**
 * Lower priority first, then the larger replication offset, then the smaller run id compared
 * case-insensitively; a replica whose run id is unknown sorts after every known one.
 */
export function compareReplicasForPromotion(a: ReplicaState, b: ReplicaState): number {
  if (a.slavePriority !== b.slavePriority) return a.slavePriority - b.slavePriority;
  if (a.slaveReplOffset > b.slaveReplOffset) return -1;
  if (a.slaveReplOffset < b.slaveReplOffset) return 1;
  if (a.runId === "" && b.runId === "") return 0;
  if (a.runId === "") return 1;
  if (b.runId === "") return -1;
  const ra = a.runId.toLowerCase();
  const rb = b.runId.toLowerCase();
  return ra < rb ? -1 : ra > rb ? 1 : 0;
}

/** Why a replica may not be promoted, or null when it may (exported for tests and logs). */
export function replicaExclusion(
  ctx: CoreContext,
  master: MasterState,
  replica: ReplicaState,
): string | null {
  const timing = ctx.state.timing;
  const masterSdown = master.flags.has("s_down");
  // The replica may have lost its master for as long as the master has been down, plus
  // 10 × down-after (sentinel.c: max_master_down_time).
  const maxMasterDownTime =
    (masterSdown ? ctx.now - master.sDownSinceTime : 0) + master.settings.downAfterPeriod * 10;
  // While the master is SDOWN replicas get INFO every second, so their INFO must be fresher.
  // sentinel.c uses the SENTINEL DEBUG-settable ping/info periods here.
  const infoValidity = masterSdown ? timing.pingPeriod * 5 : timing.infoPeriod * 3;

  if (replica.flags.has("s_down") || replica.flags.has("o_down")) return "down";
  if (!linkUsable(replica.link)) return "disconnected";
  if (ctx.now - replica.link.lastAvailTime > timing.pingPeriod * 5) return "no recent ping reply";
  if (replica.slavePriority === 0) return "priority 0";
  if (ctx.now - replica.infoRefresh > infoValidity) return "stale INFO";
  if (replica.masterLinkDownTime > maxMasterDownTime) return "master link down too long";
  if (!sharesMasterHistory(master, replica)) return REPLID_MISMATCH;
  return null;
}

/** sentinel.c: sentinelSelectSlave. The best candidate, or null when none qualifies. */
export function selectReplica(ctx: CoreContext, master: MasterState): ReplicaState | null {
  const candidates: ReplicaState[] = [];
  for (const replica of master.replicas.values()) {
    if (replicaExclusion(ctx, master, replica) === null) candidates.push(replica);
  }
  candidates.sort(compareReplicasForPromotion);
  return candidates[0] ?? null;
}

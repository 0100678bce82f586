/**
 * Choosing the replica to promote (docs/PROTOCOL.md §7.3; sentinel.c: sentinelSelectSlave,
 * compareSlavesForPromotion). A replica is a candidate only if it is reachable, recently seen,
 * freshly described by INFO, promotable (priority > 0), was not cut off from the master for
 * too long and (Vigil) replicates the master's history (replica-identity.ts); candidates are ordered by priority, then replication offset, then run id.
 *
 * The exclusion rules live once, in EXCLUSION_RULES: the selection, the select_slave wait, the
 * failover record's `excluded` list and SENTINEL WHY (src/core/explain) all read them from here.
 */
import type { CoreView } from "../model/context.js";
import { linkUsable } from "../records/instances.js";
import { REPLID_MISMATCH, replidMismatchWords, sharesMasterHistory } from "./replica-identity.js";
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

/** The stable names of the rules, in the order they are checked. */
export const EXCLUSION_CODES = [
  "down",
  "disconnected",
  "no-recent-ping-reply",
  "priority-0",
  "stale-info",
  "master-link-down-too-long",
  // Vigil: not on the master's replication history (replica-identity.ts).
  "replid-mismatch",
] as const;
export type ExclusionCode = (typeof EXCLUSION_CODES)[number];

/** The first rule that keeps a replica out, in words and numbers (milliseconds). */
export interface ReplicaExclusion {
  readonly code: ExclusionCode;
  readonly words: string;
  /** What the rule measured (age or duration, ms; the priority for priority-0), if anything. */
  readonly value: number | null;
  /** The bound it exceeded (ms), if the rule has one. */
  readonly limit: number | null;
}

/** The bounds of one selection, which depend on the master's state (sentinel.c's locals). */
interface Bounds {
  readonly pingValidity: number;
  readonly infoValidity: number;
  readonly maxMasterDownTime: number;
}

function boundsFor(view: CoreView, master: MasterState): Bounds {
  const timing = view.state.timing;
  const masterSdown = master.flags.has("s_down");
  return {
    pingValidity: timing.pingPeriod * 5,
    // While the master is SDOWN replicas get INFO every second, so their INFO must be fresher.
    // sentinel.c uses the SENTINEL DEBUG-settable ping/info periods here.
    infoValidity: masterSdown ? timing.pingPeriod * 5 : timing.infoPeriod * 3,
    // The replica may have lost its master for as long as the master has been down, plus
    // 10 × down-after (sentinel.c: max_master_down_time).
    maxMasterDownTime:
      (masterSdown ? view.now - master.sDownSinceTime : 0) + master.settings.downAfterPeriod * 10,
  };
}

type Rule = (
  view: CoreView,
  replica: ReplicaState,
  b: Bounds,
  master: MasterState,
) => ReplicaExclusion | null;

function excluded(
  code: ExclusionCode,
  words: string,
  value: number | null = null,
  limit: number | null = null,
): ReplicaExclusion {
  return { code, words, value, limit };
}

/** sentinel.c: sentinelSelectSlave's tests, in its order. */
const EXCLUSION_RULES: readonly Rule[] = [
  (_v, r) =>
    r.flags.has("s_down") || r.flags.has("o_down")
      ? excluded("down", `the replica is ${r.flags.has("o_down") ? "ODOWN" : "SDOWN"}`)
      : null,
  (_v, r) =>
    linkUsable(r.link) ? null : excluded("disconnected", "no connected link to the replica"),
  (v, r, b) => {
    const age = v.now - r.link.lastAvailTime;
    return age > b.pingValidity
      ? excluded(
          "no-recent-ping-reply",
          `last valid PING reply ${age} ms ago, more than ${b.pingValidity} ms`,
          age,
          b.pingValidity,
        )
      : null;
  },
  (_v, r) =>
    r.slavePriority === 0
      ? excluded("priority-0", "replica-priority 0: never promoted", 0, null)
      : null,
  (v, r, b) => {
    const age = v.now - r.infoRefresh;
    return age > b.infoValidity
      ? excluded(
          "stale-info",
          `INFO too old: ${r.infoRefresh === 0 ? "never received" : `${age} ms ago`}, accepted up to ${b.infoValidity} ms`,
          r.infoRefresh === 0 ? null : age,
          b.infoValidity,
        )
      : null;
  },
  (_v, r, b) =>
    r.masterLinkDownTime > b.maxMasterDownTime
      ? excluded(
          "master-link-down-too-long",
          `link to the master down for ${r.masterLinkDownTime} ms, more than ${b.maxMasterDownTime} ms`,
          r.masterLinkDownTime,
          b.maxMasterDownTime,
        )
      : null,
  (v, r, _b, m) =>
    sharesMasterHistory(v.state, m, r)
      ? null
      : excluded(REPLID_MISMATCH, replidMismatchWords(m, r)),
];

function firstExclusion(
  view: CoreView,
  replica: ReplicaState,
  b: Bounds,
  master: MasterState,
): ReplicaExclusion | null {
  for (const rule of EXCLUSION_RULES) {
    const found = rule(view, replica, b, master);
    if (found !== null) return found;
  }
  return null;
}

/** Why a replica may not be promoted (the first rule that fails), or null when it may. */
export function explainReplicaExclusion(
  view: CoreView,
  master: MasterState,
  replica: ReplicaState,
): ReplicaExclusion | null {
  return firstExclusion(view, replica, boundsFor(view, master), master);
}

/** The code of the first rule that keeps the replica out, or null when it may be promoted. */
export function replicaExclusion(
  view: CoreView,
  master: MasterState,
  replica: ReplicaState,
): ExclusionCode | null {
  return explainReplicaExclusion(view, master, replica)?.code ?? null;
}

/** Every replica of the master with the rule that excludes it (null: a candidate), in table order. */
export function replicaVerdicts(
  view: CoreView,
  master: MasterState,
): { readonly replica: ReplicaState; readonly exclusion: ReplicaExclusion | null }[] {
  const b = boundsFor(view, master);
  return [...master.replicas.values()].map((replica) => ({
    replica,
    exclusion: firstExclusion(view, replica, b, master),
  }));
}

/** sentinel.c: sentinelSelectSlave. The best candidate, or null when none qualifies. */
export function selectReplica(view: CoreView, master: MasterState): ReplicaState | null {
  const candidates: ReplicaState[] = [];
  for (const { replica, exclusion } of replicaVerdicts(view, master)) {
    if (exclusion === null) candidates.push(replica);
  }
  candidates.sort(compareReplicasForPromotion);
  return candidates[0] ?? null;
}

/**
 * The shape of SENTINEL WHY and `GET /v1/masters/<name>/why` (docs/COMPATIBILITY.md): plain
 * JSON values only. Numbers are numbers (milliseconds, counts); epochs, which the core keeps
 * as 64-bit integers, are decimal strings, as everywhere in /v1; wall-clock times are
 * milliseconds since 1970 (`…At`), null when the sentinel has not ticked yet.
 */
import type { ExclusionCode } from "../failover/replica-selection.js";

export type WhyJson =
  string | number | boolean | null | readonly WhyJson[] | { readonly [key: string]: WhyJson };

export type WhyStatus = "ok" | "sdown" | "odown" | "failover-in-progress" | "tilt";

/** Stable names of what keeps a failover from starting or progressing. */
export const WHY_CODES = [
  "tilt",
  "awaiting-down-after",
  "sdown-only",
  "no-quorum",
  "no-majority-reachable",
  "voted-for-other-leader",
  "waiting-failover-timeout",
  "waiting-candidate-delay",
  "no-epoch-left",
  "waiting-for-votes",
  "no-good-slave",
  "waiting-promotion",
  "reconfiguring-replicas",
] as const;
export type WhyCode = (typeof WHY_CODES)[number];

export interface WhyCondition {
  readonly code: WhyCode;
  readonly words: string;
  readonly data: Readonly<Record<string, WhyJson>>;
}

/** A peer sentinel as the failure detector and the election see it. */
export interface PeerWhy {
  readonly runId: string;
  readonly ip: string;
  readonly port: number;
  readonly linkConnected: boolean;
  readonly sdown: boolean;
  /** An is-master-down-by-addr to it is unanswered since this long (ms), null = none. */
  readonly askPendingMs: number | null;
  /** Its last answer: how long ago (ms), null = never (or forgotten: older than 5 ask periods). */
  readonly answeredAgoMs: number | null;
  /** What the last valid answer said about the master. */
  readonly saysMasterDown: boolean;
  /** The vote it reported, null = none known. */
  readonly votedLeader: string | null;
  readonly votedLeaderEpoch: string | null;
}

/** A replica and the selection rule that keeps it out (null: it may be promoted). */
export interface ReplicaWhy {
  readonly name: string;
  readonly runId: string;
  readonly priority: number;
  readonly replOffset: string;
  readonly promotable: boolean;
  /** The one the selection would pick now. */
  readonly best: boolean;
  readonly rule: ExclusionCode | null;
  readonly words: string | null;
  readonly value: number | null;
  readonly limit: number | null;
}

export interface MasterWhy {
  readonly master: string;
  readonly ip: string;
  readonly port: number;
  readonly status: WhyStatus;
  /** The failover state while one is in progress here, else null. */
  readonly failoverState: string | null;
  readonly currentEpoch: string;
  /** Wall clock of the answer (ms since 1970), null before the first tick. */
  readonly at: number | null;
  readonly blocking: readonly WhyCondition[];
  readonly quorum: number;
  /** Sentinels known for this master, us included. */
  readonly sentinels: number;
  readonly majority: number;
  /** Us and the peers not SDOWN (SENTINEL CKQUORUM's count). */
  readonly usableSentinels: number;
  /** Sentinels that see the master down, us included (0 when we do not). */
  readonly downVotes: number;
  /** Our vote for this master: run id and epoch, null = never voted. */
  readonly votedLeader: string | null;
  readonly votedLeaderEpoch: string | null;
  readonly peers: readonly PeerWhy[];
  readonly replicas: readonly ReplicaWhy[];
}

/**
 * SENTINEL WHY <name> and `GET /v1/masters/<name>/why`: why a master is down, or why its
 * failover does not start or progress, as a JSON-friendly MasterWhy (why-types.ts). Pure and
 * read-only: it reads the state the acting code reads, through the same rule functions.
 */
import type { CoreView } from "../model/context.js";
import { masterDownVotes } from "../detection/down-detection.js";
import { quorumReach } from "../failover/election.js";
import { announceHost } from "../records/hosts.js";
import type { MasterState, SentinelState } from "../model/state.js";
import {
  awaitingDownAfter,
  inTrouble,
  noEpochLeft,
  noGoodSlave,
  noMajorityReachable,
  noQuorum,
  sdownOnly,
  tiltCondition,
  votedForOtherLeader,
  waitingCandidateDelay,
  waitingFailoverTimeout,
} from "./why-conditions.js";
import type { WhyScope } from "./why-conditions.js";
import { reconfiguringReplicas, waitingForVotes, waitingPromotion } from "./why-failover.js";
import { peerWhy, replicasWhy } from "./why-views.js";
import type { MasterWhy, ReplicaWhy, WhyCondition, WhyStatus } from "./why-types.js";

function statusOf(state: SentinelState, master: MasterState): WhyStatus {
  if (state.tilt) return "tilt";
  if (master.flags.has("failover_in_progress")) return "failover-in-progress";
  if (master.flags.has("o_down")) return "odown";
  if (master.flags.has("s_down")) return "sdown";
  return "ok";
}

/** The wall clock at `now`, from the last tick's pair of clocks; null before the first tick. */
function derivedWallNow(state: SentinelState, now: number): number | null {
  if (state.previousTime === 0 && state.previousWallTime === 0) return null;
  return state.previousWallTime + (now - state.previousTime);
}

function blockingConditions(scope: WhyScope, replicas: readonly ReplicaWhy[]): WhyCondition[] {
  const found: (WhyCondition | null)[] = [tiltCondition(scope), awaitingDownAfter(scope)];
  if (inTrouble(scope.master)) {
    found.push(
      sdownOnly(scope),
      noQuorum(scope),
      noMajorityReachable(scope),
      votedForOtherLeader(scope),
      waitingFailoverTimeout(scope),
      waitingCandidateDelay(scope),
      noEpochLeft(scope),
      waitingForVotes(scope),
      noGoodSlave(scope, replicas),
      waitingPromotion(scope),
      reconfiguringReplicas(scope),
    );
  }
  return found.filter((c): c is WhyCondition => c !== null);
}

/**
 * The explanation for master `name` at monotonic time `now`, or null when no such master is
 * monitored. `wallNow` (ms since 1970) dates the times it names; without it the wall clock is
 * derived from the last tick.
 */
export function explainMaster(
  state: SentinelState,
  name: string,
  now: number,
  wallNow?: number,
): MasterWhy | null {
  const master = state.masters.get(name);
  if (master === undefined) return null;
  const view: CoreView = { now, state };
  const scope: WhyScope = { view, master, wallNow: wallNow ?? derivedWallNow(state, now) };
  const replicas = replicasWhy(view, master);
  const reach = quorumReach(master);
  const voted = master.leader !== "";
  return {
    master: master.name,
    ip: announceHost(state, master.addr),
    port: master.addr.port,
    status: statusOf(state, master),
    failoverState: master.flags.has("failover_in_progress") ? master.failoverState : null,
    currentEpoch: String(state.currentEpoch),
    at: scope.wallNow,
    blocking: blockingConditions(scope, replicas),
    quorum: reach.quorum,
    sentinels: reach.voters,
    majority: reach.majority,
    usableSentinels: reach.usable,
    downVotes: masterDownVotes(view, master),
    votedLeader: voted ? master.leader : null,
    votedLeaderEpoch: voted ? String(master.leaderEpoch) : null,
    peers: [...master.sentinels.values()].map((p) => peerWhy(view, p)),
    replicas,
  };
}

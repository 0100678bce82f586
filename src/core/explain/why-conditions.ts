/**
 * The blocking conditions of SENTINEL WHY, one function each: null when the condition does not
 * hold, else its stable code, words and data. Each reads the same state and rules the acting
 * code reads (down-detection.ts, election.ts, failover-state.ts, replica-selection.ts), never
 * a copy of them.
 */
import { isoUtc } from "../basics/iso-time.js";
import { EPOCH_MAX } from "../basics/epoch.js";
import type { CoreView } from "../model/context.js";
import type { MasterState } from "../model/state.js";
import { peerSaysDown } from "../records/peer-opinion.js";
import { masterDownVotes, unansweredFor } from "../detection/down-detection.js";
import { quorumReach } from "../failover/election.js";
import { linkUsable } from "../records/instances.js";
import { failoverGated } from "../failover/failover-state.js";
import { answerValid } from "./why-views.js";
import type { ReplicaWhy, WhyCondition, WhyJson } from "./why-types.js";

/** What every condition reads: the view, the master, and the wall clock of `view.now`. */
export interface WhyScope {
  readonly view: CoreView;
  readonly master: MasterState;
  readonly wallNow: number | null;
}

export function wallAt(scope: WhyScope, monotonic: number): number | null {
  return scope.wallNow === null ? null : scope.wallNow + (monotonic - scope.view.now);
}

/** " (until 2026-12-06T12:50:00.000Z)" or "" without a wall clock. */
export function untilText(at: number | null): string {
  return at === null ? "" : ` (until ${isoUtc(at)})`;
}

export function condition(
  code: WhyCondition["code"],
  words: string,
  data: Readonly<Record<string, WhyJson>>,
): WhyCondition {
  return { code, words, data };
}

export function sameRunId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Down, or a failover of it running here: when anything below can block. */
export function inTrouble(master: MasterState): boolean {
  return (
    master.flags.has("s_down") ||
    master.flags.has("o_down") ||
    master.flags.has("failover_in_progress")
  );
}

export function tiltCondition(scope: WhyScope): WhyCondition | null {
  const { now, state } = scope.view;
  if (!state.tilt) return null;
  const endsIn = Math.max(0, state.tiltStartTime + state.timing.tiltPeriod - now);
  const endsAt = wallAt(scope, now + endsIn);
  return condition(
    "tilt",
    `TILT mode: no action is taken for ${endsIn} ms more${untilText(endsAt)}`,
    { sinceMs: now - state.tiltStartTime, endsInMs: endsIn, endsAt },
  );
}

export function awaitingDownAfter(scope: WhyScope): WhyCondition | null {
  const { master } = scope;
  if (master.flags.has("s_down")) return null;
  const unanswered = unansweredFor(scope.view, master);
  if (unanswered <= 0) return null;
  const downAfter = master.settings.downAfterPeriod;
  return condition(
    "awaiting-down-after",
    `no valid PING reply for ${unanswered} ms: SDOWN after down-after-milliseconds (${downAfter} ms)`,
    { unansweredMs: unanswered, downAfterMs: downAfter },
  );
}

/** SDOWN here but not ODOWN: who was asked and what each answered. */
export function sdownOnly(scope: WhyScope): WhyCondition | null {
  const { view, master } = scope;
  if (!master.flags.has("s_down") || master.flags.has("o_down")) return null;
  const saidDown: string[] = [];
  const saidUp: string[] = [];
  const noAnswer: string[] = [];
  const notAsked: string[] = [];
  for (const peer of master.sentinels.values()) {
    if (peerSaysDown(view, peer)) saidDown.push(peer.runId);
    // Asks go out only while SDOWN: an earlier reply time is no answer to them (peers start
    // with the time they were created).
    else if (answerValid(view, peer) && peer.lastMasterDownReplyTime >= master.sDownSinceTime)
      saidUp.push(peer.runId);
    else if (linkUsable(peer.link)) noAnswer.push(peer.runId);
    else notAsked.push(peer.runId);
  }
  const votes = masterDownVotes(view, master);
  const quorum = master.settings.quorum;
  return condition(
    "sdown-only",
    `SDOWN here but not ODOWN: ${votes} of the ${quorum} sentinels needed see the master down ` +
      `(us and ${saidDown.length} peer(s) said down, ${saidUp.length} said up, ` +
      `${noAnswer.length} did not answer, ${notAsked.length} not reachable to ask)`,
    { downVotes: votes, quorum, saidDown, saidUp, noAnswer, notAsked },
  );
}

function unreachablePeers(master: MasterState): string[] {
  return [...master.sentinels.values()]
    .filter((p) => p.flags.has("s_down") || p.flags.has("o_down"))
    .map((p) => p.runId);
}

export function noQuorum(scope: WhyScope): WhyCondition | null {
  const reach = quorumReach(scope.master);
  if (reach.usable >= reach.quorum) return null;
  return condition(
    "no-quorum",
    `only ${reach.usable} sentinel(s) reachable (us included), the quorum is ${reach.quorum}`,
    { usable: reach.usable, quorum: reach.quorum, unreachable: unreachablePeers(scope.master) },
  );
}

export function noMajorityReachable(scope: WhyScope): WhyCondition | null {
  const reach = quorumReach(scope.master);
  if (reach.usable >= reach.majority) return null;
  return condition(
    "no-majority-reachable",
    `only ${reach.usable} of ${reach.voters} known sentinels reachable (us included): ` +
      `a leader needs ${reach.majority} votes`,
    {
      usable: reach.usable,
      voters: reach.voters,
      majority: reach.majority,
      unreachable: unreachablePeers(scope.master),
    },
  );
}

/** Our vote in the current epoch went to another sentinel. */
export function votedForOtherLeader(scope: WhyScope): WhyCondition | null {
  const { view, master } = scope;
  const state = view.state;
  if (master.leader === "" || sameRunId(master.leader, state.myId)) return null;
  if (master.leaderEpoch !== state.currentEpoch) return null;
  const peer = [...master.sentinels.values()].find((p) => sameRunId(p.runId, master.leader));
  const where =
    peer === undefined ? "not a sentinel known here" : `${peer.addr.ip}:${peer.addr.port}`;
  return condition(
    "voted-for-other-leader",
    `voted for ${master.leader} (${where}) in epoch ${master.leaderEpoch}: ` +
      `no vote for ourselves in this epoch`,
    {
      leader: master.leader,
      leaderEpoch: String(master.leaderEpoch),
      leaderIp: peer?.addr.ip ?? null,
      leaderPort: peer?.addr.port ?? null,
    },
  );
}

/** The 2 × failover-timeout gate after our last attempt or our vote for another sentinel. */
export function waitingFailoverTimeout(scope: WhyScope): WhyCondition | null {
  const { view, master } = scope;
  if (master.flags.has("failover_in_progress") || !failoverGated(view, master)) return null;
  const timeout = master.settings.failoverTimeout;
  const opensIn = master.failoverStartTime + timeout * 2 - view.now;
  const opensAt = wallAt(scope, view.now + opensIn);
  const cause =
    master.leader !== "" && !sameRunId(master.leader, view.state.myId)
      ? "our vote for another leader"
      : "our last failover attempt";
  return condition(
    "waiting-failover-timeout",
    `no failover starts for ${opensIn} ms${untilText(opensAt)}: 2 × failover-timeout ` +
      `(${timeout * 2} ms) after ${cause}`,
    { failoverTimeoutMs: timeout, opensInMs: opensIn, opensAt },
  );
}

export function waitingCandidateDelay(scope: WhyScope): WhyCondition | null {
  const { view, master } = scope;
  if (!master.flags.has("o_down") || master.flags.has("failover_in_progress")) return null;
  if (master.candidateTime === 0 || master.candidateTime <= view.now) return null;
  const standsIn = master.candidateTime - view.now;
  return condition(
    "waiting-candidate-delay",
    `standing as candidate in ${standsIn} ms (randomized candidate delay)`,
    { standsInMs: standsIn },
  );
}

export function noEpochLeft(scope: WhyScope): WhyCondition | null {
  if (!scope.master.flags.has("o_down") || scope.view.state.currentEpoch < EPOCH_MAX) return null;
  return condition("no-epoch-left", `no epoch is left after ${EPOCH_MAX} to fail over in`, {
    currentEpoch: String(scope.view.state.currentEpoch),
  });
}

export function noGoodSlave(scope: WhyScope, replicas: readonly ReplicaWhy[]): WhyCondition | null {
  if (replicas.some((r) => r.promotable)) return null;
  const state = scope.master.failoverState;
  if (state !== "none" && state !== "wait_start" && state !== "select_slave") return null;
  const list = replicas.map((r) => `${r.name} ${r.rule ?? "?"}`).join(", ");
  return condition(
    "no-good-slave",
    replicas.length === 0
      ? "no replica to promote: none is known"
      : `no replica can be promoted: ${list}`,
    { replicas: replicas.map((r) => ({ name: r.name, rule: r.rule, words: r.words })) },
  );
}

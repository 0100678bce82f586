/**
 * The blocking conditions of a failover in progress here (sentinel-protocol §7): the election
 * of `wait_start`, the promotion of `send_slaveof_noone`/`wait_promotion`, and the replicas
 * `reconf_slaves` waits for, each with the time left before it gives up.
 */
import type { MasterState } from "../model/state.js";
import { peerVotes, majorityOf } from "../failover/election.js";
import { electionIsDead } from "../failover/wait-start.js";
import { instanceName } from "../records/instance-text.js";
import type { WhyScope } from "./why-conditions.js";
import { condition, sameRunId } from "./why-conditions.js";
import type { WhyCondition } from "./why-types.js";

/** The votes of the failover epoch we know of, ours included (election.ts: getLeader's tally). */
function epochVotes(scope: WhyScope): Map<string, number> {
  const { master } = scope;
  const votes = peerVotes(master, master.failoverEpoch);
  if (master.leader !== "" && master.leaderEpoch === master.failoverEpoch) {
    votes.set(master.leader, (votes.get(master.leader) ?? 0) + 1);
  }
  return votes;
}

export function waitingForVotes(scope: WhyScope): WhyCondition | null {
  const { view, master } = scope;
  if (master.failoverState !== "wait_start" || master.flags.has("force_failover")) return null;
  const votes = epochVotes(scope);
  let forUs = 0;
  for (const [leader, n] of votes) if (sameRunId(leader, view.state.myId)) forUs += n;
  const majority = majorityOf(master.sentinels.size + 1);
  const quorum = master.settings.quorum;
  const needed = Math.max(majority, quorum);
  const timeout = Math.min(view.state.timing.electionTimeout, master.settings.failoverTimeout);
  const abortIn = Math.max(0, master.failoverStartTime + timeout - view.now);
  const epoch = String(master.failoverEpoch);
  return condition(
    "waiting-for-votes",
    `not elected yet in epoch ${epoch}: ${forUs} vote(s) for us, ${needed} needed ` +
      `(majority ${majority}, quorum ${quorum}); gives up in ${abortIn} ms`,
    {
      epoch,
      votesForUs: forUs,
      needed,
      majority,
      quorum,
      votes: [...votes].map(([leader, n]) => ({ leader, votes: n })),
      electionDead: electionIsDead(master, master.failoverEpoch),
      abortInMs: abortIn,
    },
  );
}

function stateTimeLeft(scope: WhyScope): number {
  const { view, master } = scope;
  return Math.max(0, master.failoverStateChangeTime + master.settings.failoverTimeout - view.now);
}

function promotedName(scope: WhyScope): string | null {
  const { master } = scope;
  const promoted =
    master.promotedReplica === null ? undefined : master.replicas.get(master.promotedReplica);
  return promoted === undefined ? null : instanceName(scope.view.state, promoted);
}

export function waitingPromotion(scope: WhyScope): WhyCondition | null {
  const state = scope.master.failoverState;
  if (state !== "send_slaveof_noone" && state !== "wait_promotion") return null;
  const replica = promotedName(scope);
  const left = stateTimeLeft(scope);
  return condition(
    "waiting-promotion",
    `waiting for ${replica ?? "the selected replica"} to report role:master ` +
      `(${state}); aborts in ${left} ms`,
    { replica, state, abortInMs: left },
  );
}

function reconfState(master: MasterState, name: string): string {
  const replica = master.replicas.get(name);
  if (replica === undefined) return "gone";
  for (const flag of ["reconf_done", "reconf_inprog", "reconf_sent"] as const) {
    if (replica.flags.has(flag)) return flag;
  }
  return replica.flags.has("s_down") ? "sdown" : "pending";
}

export function reconfiguringReplicas(scope: WhyScope): WhyCondition | null {
  const { master } = scope;
  if (master.failoverState !== "reconf_slaves") return null;
  const replicas = [...master.replicas.entries()]
    .filter(([key]) => key !== master.promotedReplica)
    .map(([key, r]) => ({
      name: instanceName(scope.view.state, r),
      state: reconfState(master, key),
    }));
  const left = stateTimeLeft(scope);
  const waiting = replicas.filter((r) => r.state !== "reconf_done" && r.state !== "sdown");
  return condition(
    "reconfiguring-replicas",
    `${waiting.length} replica(s) not yet following ${promotedName(scope) ?? "the new master"}; ` +
      `the failover ends anyway in ${left} ms`,
    { promoted: promotedName(scope), replicas, endsInMs: left },
  );
}

/**
 * Epochs and the leader election (sentinel-protocol §6). `voteLeader` is the one vote rule used
 * both for peers' `is-master-down-by-addr` requests and for our own vote; `getLeader` tallies the
 * votes peers reported for the current epoch plus ours, and names a winner only with an absolute
 * majority of all known sentinels (dead ones included) and at least `quorum` votes.
 *
 * Invariant: a master's vote (`leader`, `leaderEpoch`) changes at most once per epoch, and every
 * change is flushed before anything that depends on it leaves the process (Ready contract).
 */
import { assert } from "../basics/assert.js";
import type { CoreContext } from "../model/context.js";
import type { Epoch } from "../basics/epoch.js";
import { LIMITS } from "../model/timing.js";
import type { MasterState } from "../model/state.js";

export interface Vote {
  /** The run id we voted for, "" when we never voted for this master. */
  leader: string;
  leaderEpoch: Epoch;
}

function sameRunId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * sentinel.c: sentinelVoteLeader. First come, first served: one vote per epoch, and only for a
 * request at least as new as our current epoch (a higher request epoch is adopted first).
 * Returns the standing vote, whoever it went to.
 */
export function voteLeader(
  ctx: CoreContext,
  master: MasterState,
  reqEpoch: Epoch,
  reqRunId: string,
): Vote {
  const state = ctx.state;
  if (reqEpoch > state.currentEpoch) {
    state.currentEpoch = reqEpoch;
    ctx.out.flush();
    ctx.out.event("+new-epoch", String(state.currentEpoch), master.name);
  }
  if (master.leaderEpoch < reqEpoch && state.currentEpoch <= reqEpoch) {
    master.leader = reqRunId;
    master.leaderEpoch = state.currentEpoch;
    ctx.out.flush();
    ctx.out.event("+vote-for-leader", `${master.leader} ${master.leaderEpoch}`, master.name);
    // Voting for someone else holds off our own attempt for 2 × failover-timeout (§6.4).
    if (!sameRunId(master.leader, state.myId)) {
      master.failoverStartTime = ctx.now + ctx.random.int(LIMITS.maxDesync);
      master.failoverDelayLogged = false;
    }
  }
  return { leader: master.leader, leaderEpoch: master.leaderEpoch };
}

/** Adds one vote for `runId`; Map insertion order makes "first found" wins ties. */
function countVote(counters: Map<string, number>, runId: string): number {
  const votes = (counters.get(runId) ?? 0) + 1;
  counters.set(runId, votes);
  return votes;
}

/** An absolute majority of `voters` sentinels. */
export function majorityOf(voters: number): number {
  return Math.floor(voters / 2) + 1;
}

/**
 * The votes peers reported for `epoch`, per run id, in the order first seen.
 *
 * Deliberate departure from sentinel.c, which counts peer votes cast in the *current* epoch
 * while our own vote is cast in the failover epoch. When the current epoch rises during the
 * election, that mix could elect us for the old epoch with votes from a newer one, beside a
 * leader legitimately elected in the old epoch (found by the simulator, seed 72). Counting
 * only votes of the epoch being elected keeps one leader per epoch; the cost is a timeout.
 */
export function peerVotes(master: MasterState, epoch: Epoch): Map<string, number> {
  const counters = new Map<string, number>();
  for (const peer of master.sentinels.values()) {
    if (peer.leader !== "" && peer.leaderEpoch === epoch) countVote(counters, peer.leader);
  }
  return counters;
}

/**
 * sentinel.c: sentinelIsQuorumReachable (SENTINEL CKQUORUM): the sentinels that could take
 * part, us and every peer not SDOWN or ODOWN, against the quorum and the majority of all known.
 */
export function quorumReach(master: MasterState): {
  usable: number;
  voters: number;
  quorum: number;
  majority: number;
} {
  let usable = 1;
  for (const peer of master.sentinels.values()) {
    if (!peer.flags.has("s_down") && !peer.flags.has("o_down")) usable++;
  }
  const voters = master.sentinels.size + 1;
  return { usable, voters, quorum: master.settings.quorum, majority: majorityOf(voters) };
}

/**
 * sentinel.c: sentinelGetLeader. Called each tick in `wait_start` with our failover epoch.
 * Casts our own vote (for the most voted peer choice, else for ourselves) as a side effect.
 */
export function getLeader(ctx: CoreContext, master: MasterState, epoch: Epoch): string | null {
  assert(
    master.flags.has("o_down") || master.flags.has("failover_in_progress"),
    `getLeader on ${master.name} without o_down or failover_in_progress`,
  );
  const voters = master.sentinels.size + 1;
  const counters = peerVotes(master, epoch);

  let winner: string | null = null;
  let maxVotes = 0;
  for (const [runId, votes] of counters) {
    if (votes > maxVotes) {
      maxVotes = votes;
      winner = runId;
    }
  }

  const myVote = voteLeader(ctx, master, epoch, winner ?? ctx.state.myId);
  if (myVote.leader !== "" && myVote.leaderEpoch === epoch) {
    const votes = countVote(counters, myVote.leader);
    if (votes > maxVotes) {
      maxVotes = votes;
      winner = myVote.leader;
    }
  }

  const majority = majorityOf(voters);
  if (winner !== null && (maxVotes < majority || maxVotes < master.settings.quorum)) return null;
  return winner;
}

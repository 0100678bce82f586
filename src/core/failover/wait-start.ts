/**
 * The `wait_start` state (docs/PROTOCOL.md §7.2; sentinel.c: sentinelFailoverWaitStart): each
 * tick, count the votes for our failover epoch. Elected (or forced by SENTINEL FAILOVER) → go on
 * to replica selection; otherwise give up once the election timeout has passed — or, Vigil's
 * addition, as soon as the votes prove that nobody can be elected in the epoch (a split vote).
 */
import type { CoreContext } from "../model/context.js";
import { getLeader } from "./election.js";
import type { Epoch } from "../basics/epoch.js";
import { abortFailover } from "./abort.js";
import { instanceText } from "../records/instance-text.js";
import type { MasterState } from "../model/state.js";

/** SENTINEL SIMULATE-FAILURE crash-after-election, and the exit code Redis uses for it. */
export const SIMFAILURE_CRASH_AFTER_ELECTION = 1;
export const SIMFAILURE_CRASH_AFTER_PROMOTION = 2;
export const SIMFAILURE_EXIT_CODE = 99;

export function failoverWaitStart(ctx: CoreContext, master: MasterState): void {
  const leader = getLeader(ctx, master, master.failoverEpoch);
  const isLeader = leader !== null && leader.toLowerCase() === ctx.state.myId.toLowerCase();

  if (!isLeader && !master.flags.has("force_failover")) {
    if (ctx.state.timing.splitRetryDelay > 0 && electionIsDead(master, master.failoverEpoch)) {
      // Vigil: a proven split vote. Abort now rather than at the election timeout, and let
      // startFailoverIfNeeded retry after a short randomized backoff instead of the long gate.
      ctx.out.event(
        "-failover-abort-not-elected",
        instanceText(ctx.state, master, master),
        master.name,
      );
      abortFailover(ctx, master);
      master.splitEpoch = master.failoverEpoch;
      master.splitCount++;
      return;
    }
    const electionTimeout = Math.min(
      ctx.state.timing.electionTimeout,
      master.settings.failoverTimeout,
    );
    if (ctx.now - master.failoverStartTime > electionTimeout) {
      ctx.out.event(
        "-failover-abort-not-elected",
        instanceText(ctx.state, master, master),
        master.name,
      );
      abortFailover(ctx, master);
    }
    return;
  }

  ctx.out.event("+elected-leader", instanceText(ctx.state, master, master), master.name);
  if ((ctx.state.simulateFailureFlags & SIMFAILURE_CRASH_AFTER_ELECTION) !== 0) {
    ctx.out.exit(SIMFAILURE_EXIT_CODE);
    return;
  }
  master.failoverState = "select_slave";
  master.failoverStateChangeTime = ctx.now;
  // The selection runs in this same tick (failover-state.ts: RUN_ON_ENTRY).
  ctx.out.event(
    "+failover-state-select-slave",
    instanceText(ctx.state, master, master),
    master.name,
  );
}

/**
 * True when the votes of `epoch` we know of prove that nobody can be elected in it: even if every
 * sentinel whose vote we have not seen voted for the best placed candidate, it would stay below
 * the majority. A vote is final once cast (one per epoch, persisted before it is announced), so a
 * dead epoch stays dead, and no leader of it can be promoting. Known = our own vote and the votes
 * peers reported for exactly `epoch`; a peer reporting another epoch counts as unknown (it may
 * have voted in `epoch` before, or its reply may answer an older request).
 *
 * The majority is taken over one sentinel fewer than we know when that lowers it (even counts):
 * a peer that has not yet discovered one of the sentinels needs no more than that, and a quorum
 * can only raise the bar, never lower it below the majority.
 */
export function electionIsDead(master: MasterState, epoch: Epoch): boolean {
  const voters = master.sentinels.size + 1;
  const needed = Math.floor((voters - 1) / 2) + 1;
  const votes = new Map<string, number>();
  let known = 0;
  const count = (leader: string, leaderEpoch: Epoch): void => {
    if (leader === "" || leaderEpoch !== epoch) return;
    const key = leader.toLowerCase();
    votes.set(key, (votes.get(key) ?? 0) + 1);
    known++;
  };
  count(master.leader, master.leaderEpoch);
  for (const peer of master.sentinels.values()) count(peer.leader, peer.leaderEpoch);
  const best = Math.max(0, ...votes.values());
  return best + (voters - known) < needed;
}

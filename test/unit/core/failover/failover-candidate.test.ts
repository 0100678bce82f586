// Proves Vigil's election timing on top of Redis's (Timing.candidateDelay, splitRetryDelay): an
// ODOWN sentinel stands only after a randomized candidate delay, a vote for another sentinel in
// the meantime keeps it from standing, a split vote is recognised from the votes alone and
// aborted at once, and the retry after it waives the 2 × failover-timeout gate only while the
// split epoch is the newest known one, with an exponentially growing random range. Zero
// settings give Redis's behaviour back.
import { expect } from "chai";
import {
  askMasterStateToOtherSentinels,
  onIsMasterDownReply,
} from "../../../../src/core/detection/ask-peers.js";
import { voteLeader } from "../../../../src/core/failover/election.js";
import {
  failoverStateMachine,
  startFailoverIfNeeded,
} from "../../../../src/core/failover/failover-state.js";
import { electionIsDead } from "../../../../src/core/failover/wait-start.js";
import { candidateRank } from "../../../../src/core/failover/failover-state.js";
import type { MasterState } from "../../../../src/core/model/state.js";
import {
  Harness,
  MY_ID,
  PEER_B,
  PEER_C,
  PEER_D,
  CyclingRandom,
  disconnect,
  eventTypes,
  markOdown,
} from "../failover-fixture.js";
import { newState } from "../../../support/state-builder.js";

const T0 = 1_000_000;

/** Three sentinels (us, B, C), the master ODOWN at T0. */
function threeSentinels(random = new CyclingRandom([200])): {
  h: Harness;
  master: MasterState;
  random: CyclingRandom;
} {
  const h = new Harness(undefined, random);
  const master = h.addMaster(0);
  h.addPeer(0, master, PEER_B, 26380);
  h.addPeer(0, master, PEER_C, 26381);
  markOdown(master, T0);
  // SDOWN for a while already: the answers the tests give at T0 - 100 answer asks of this SDOWN.
  master.sDownSinceTime = T0 - 1000;
  return { h, master, random };
}

/** The peer answered is-master-down-by-addr at `now`: it does not see the master SDOWN. */
function peerSaysUp(master: MasterState, peerId: string, now: number): void {
  const peer = master.sentinels.get(peerId)!;
  peer.lastMasterDownReplyTime = now;
  peer.flags.delete("master_down");
}

function peerVote(master: MasterState, peerId: string, leader: string, epoch: number): void {
  const peer = master.sentinels.get(peerId)!;
  peer.leader = leader;
  peer.leaderEpoch = BigInt(epoch);
}

/** Starts a failover in epoch 1 at T0 (zero draws) and splits it three ways: us, B, C. */
function splitOnce(): { h: Harness; master: MasterState } {
  const { h, master } = threeSentinels(new CyclingRandom([0]));
  // Both peers first said "not down": we are first in the candidate order and stand at once.
  peerSaysUp(master, PEER_B, T0 - 100);
  peerSaysUp(master, PEER_C, T0 - 100);
  expect(startFailoverIfNeeded(h.at(T0), master)).to.equal(true);
  failoverStateMachine(h.at(T0), master); // votes for ourselves
  h.take();
  peerVote(master, PEER_B, PEER_B, 1);
  peerVote(master, PEER_C, PEER_C, 1);
  failoverStateMachine(h.at(T0 + 200), master);
  return { h, master };
}

describe("the randomized candidate delay", () => {
  it("stands at once when first in the candidate order, without peers, or with candidateDelay 0 (Redis)", () => {
    const first = threeSentinels();
    expect(candidateRank(first.h.at(T0), first.master).rank).to.equal(1);
    // The one peer ranked before us said it does not see the master SDOWN: it cannot stand yet.
    peerSaysUp(first.master, PEER_B, T0 - 100);
    peerSaysUp(first.master, PEER_C, T0 - 100);
    expect(candidateRank(first.h.at(T0), first.master).rank).to.equal(0);
    expect(startFailoverIfNeeded(first.h.at(T0), first.master)).to.equal(true);
    expect(first.random.draws, "only startFailover's desync draw").to.deep.equal([1000]);

    const alone = new Harness(undefined, new CyclingRandom([200]));
    const lonely = alone.addMaster(0);
    markOdown(lonely, T0);
    expect(startFailoverIfNeeded(alone.at(T0), lonely)).to.equal(true);

    const redis = threeSentinels();
    redis.h.state.timing.candidateDelay = 0;
    expect(startFailoverIfNeeded(redis.h.at(T0), redis.master)).to.equal(true);
    expect(redis.random.draws).to.deep.equal([1000]);
  });

  it("waits k candidate delays plus a random part of one when k sentinels rank before it", () => {
    const { h, master, random } = threeSentinels();
    expect(candidateRank(h.at(T0), master).rank).to.equal(1);
    expect(startFailoverIfNeeded(h.at(T0), master)).to.equal(false);
    expect(random.draws).to.deep.equal([h.state.timing.candidateDelay]);
    expect(master.candidateTime).to.equal(T0 + h.state.timing.candidateDelay + 200);
    expect(startFailoverIfNeeded(h.at(T0 + 449), master)).to.equal(false);
    expect(h.state.currentEpoch).to.equal(0n);
    expect(startFailoverIfNeeded(h.at(T0 + 450), master)).to.equal(true);
    expect(master.failoverState).to.equal("wait_start");
    expect(master.candidateTime).to.equal(0);
    expect(h.state.currentEpoch).to.equal(1n);
  });

  it("stands before its time once those ranked before it say they do not see the master SDOWN", () => {
    const { h, master } = threeSentinels();
    expect(startFailoverIfNeeded(h.at(T0), master)).to.equal(false);
    master.sentinels.get(PEER_B)!.flags.add("master_down");
    master.sentinels.get(PEER_B)!.lastMasterDownReplyTime = T0 + 5;
    expect(startFailoverIfNeeded(h.at(T0 + 10), master), "B may be standing").to.equal(false);
    peerSaysUp(master, PEER_B, T0 + 20);
    peerSaysUp(master, PEER_C, T0 + 20);
    expect(startFailoverIfNeeded(h.at(T0 + 40), master)).to.equal(true);
  });

  it("keeps a peer that said not down a moment ago in the order, and asks for a tick when it leaves", () => {
    // After a kill every sentinel reaches SDOWN within a few ms: the peer may be SDOWN by now and
    // stand before our vote request reaches it.
    const { h, master } = threeSentinels();
    peerSaysUp(master, PEER_B, T0);
    peerSaysUp(master, PEER_C, T0);
    expect(candidateRank(h.at(T0 + 19), master)).to.deep.equal({ rank: 1, settlesAt: T0 + 20 });
    expect(startFailoverIfNeeded(h.at(T0 + 19), master)).to.equal(false);
    expect(h.take().wakeAt, "a tick when the answer settles").to.equal(T0 + 20);
    expect(startFailoverIfNeeded(h.at(T0 + 20), master)).to.equal(true);
    // Four of its last round trips when they are longer.
    const slow = threeSentinels();
    for (const id of [PEER_B, PEER_C]) {
      peerSaysUp(slow.master, id, T0);
      slow.master.sentinels.get(id)!.askRtt = 10;
    }
    expect(candidateRank(slow.h.at(T0 + 39), slow.master)).to.deep.equal({
      rank: 1,
      settlesAt: T0 + 40,
    });
    expect(candidateRank(slow.h.at(T0 + 40), slow.master).rank).to.equal(0);
  });

  it("ranks every sentinel the same from each one's view, in an order that changes with the epoch", () => {
    const ids = [MY_ID, PEER_B, PEER_C, PEER_D];
    const firsts = new Set<string>();
    for (let epoch = 0n; epoch < 20n; epoch++) {
      const ranks = ids.map((id) => {
        const h = new Harness(newState(id));
        h.state.currentEpoch = epoch;
        const master = h.addMaster(0);
        ids.filter((o) => o !== id).forEach((o, i) => h.addPeer(0, master, o, 26380 + i));
        markOdown(master, T0);
        return candidateRank(h.at(T0), master).rank;
      });
      expect([...ranks].sort(), `epoch ${epoch}`).to.deep.equal([0, 1, 2, 3]);
      firsts.add(ids[ranks.indexOf(0)]!);
    }
    expect(firsts.size).to.be.greaterThan(1);
  });

  it("leaves out of the order peers out of reach or whose fresh answer says not down", () => {
    const { h, master } = threeSentinels();
    // Find which peer ranks before us in epoch 1 (the other one ranks after).
    peerSaysUp(master, PEER_B, T0 - 100);
    const bFirst = candidateRank(h.at(T0), master).rank === 0;
    const before = bFirst ? PEER_B : PEER_C;
    const after = bFirst ? PEER_C : PEER_B;
    master.sentinels.get(PEER_B)!.lastMasterDownReplyTime = 0;
    expect(candidateRank(h.at(T0), master).rank, "no answer yet: it may stand").to.equal(1);
    peerSaysUp(master, after, T0 - 100);
    expect(candidateRank(h.at(T0), master).rank, "ranked after us").to.equal(1);
    master.sentinels.get(before)!.flags.add("master_down");
    master.sentinels.get(before)!.lastMasterDownReplyTime = T0;
    expect(candidateRank(h.at(T0), master).rank, "it sees the master SDOWN").to.equal(1);
    peerSaysUp(master, before, T0);
    expect(candidateRank(h.at(T0 + 5000), master).rank, "a fresh not down").to.equal(0);
    expect(candidateRank(h.at(T0 + 5001), master).rank, "an answer gone stale").to.equal(1);
    disconnect(master.sentinels.get(before)!.link);
    expect(candidateRank(h.at(T0 + 5001), master).rank, "out of reach").to.equal(0);
  });

  it("keeps in the order a peer whose only answer predates our SDOWN (a new peer's creation time)", () => {
    // A peer record is created with lastMasterDownReplyTime = now and no master_down flag, as
    // sentinel.c does: a kill within 5 s of its discovery must not read that as "not down".
    const h = new Harness(undefined, new CyclingRandom([200]));
    const master = h.addMaster(0);
    h.addPeer(T0 - 3000, master, PEER_B, 26380);
    h.addPeer(T0 - 3000, master, PEER_C, 26381);
    markOdown(master, T0);
    master.sDownSinceTime = T0 - 20;
    expect(master.sentinels.get(PEER_B)!.lastMasterDownReplyTime).to.equal(T0 - 3000);
    // One of B and C ranks before us in epoch 1 (threeSentinels' order is the same).
    expect(candidateRank(h.at(T0), master).rank, "creation is no answer").to.equal(1);
    expect(startFailoverIfNeeded(h.at(T0), master)).to.equal(false);
    // The same answer given after our SDOWN began leaves it out.
    peerSaysUp(master, PEER_B, T0 - 20);
    peerSaysUp(master, PEER_C, T0 - 20);
    expect(candidateRank(h.at(T0), master).rank, "a real not down").to.equal(0);
  });

  it("leaves out of the order a peer we see SDOWN, its connection still up (a partition)", () => {
    const { h, master } = threeSentinels();
    peerSaysUp(master, PEER_B, T0 - 100);
    const before = candidateRank(h.at(T0), master).rank === 0 ? PEER_B : PEER_C;
    master.sentinels.get(PEER_B)!.lastMasterDownReplyTime = 0;
    expect(candidateRank(h.at(T0), master).rank).to.equal(1);
    master.sentinels.get(before)!.flags.add("s_down");
    expect(candidateRank(h.at(T0), master).rank, "silent for down-after").to.equal(0);
    expect(startFailoverIfNeeded(h.at(T0), master)).to.equal(true);
  });

  it("does not stand after voting for another sentinel meanwhile, and draws again later", () => {
    const { h, master, random } = threeSentinels();
    startFailoverIfNeeded(h.at(T0), master);
    voteLeader(h.at(T0 + 100), master, 1n, PEER_B);
    expect(startFailoverIfNeeded(h.at(T0 + 500), master)).to.equal(false);
    expect(master.candidateTime).to.equal(0);
    expect(master.failoverDelayLogged).to.equal(true);
    const gateEnd = master.failoverStartTime + 2 * master.settings.failoverTimeout;
    expect(startFailoverIfNeeded(h.at(gateEnd - 1), master)).to.equal(false);
    random.draws.length = 0;
    const rank = candidateRank(h.at(gateEnd), master).rank;
    const standsAt = gateEnd + rank * h.state.timing.candidateDelay + 200;
    expect(startFailoverIfNeeded(h.at(gateEnd), master)).to.equal(rank === 0);
    if (rank > 0) {
      expect(random.draws).to.deep.equal([h.state.timing.candidateDelay]);
      expect(startFailoverIfNeeded(h.at(standsAt - 1), master)).to.equal(false);
      expect(startFailoverIfNeeded(h.at(standsAt), master)).to.equal(true);
    }
    expect(h.state.currentEpoch).to.equal(2n);
  });

  it("widens the range to 4 × the slowest peer's answer time to is-master-down-by-addr", () => {
    const { h, master, random } = threeSentinels();
    master.sentinels.get(PEER_B)!.askRtt = 30;
    master.sentinels.get(PEER_C)!.askRtt = 150;
    startFailoverIfNeeded(h.at(T0), master);
    expect(random.draws).to.deep.equal([600]);

    // Fast peers leave the configured range; a split retry's backoff is widened the same way.
    const fast = threeSentinels();
    fast.master.sentinels.get(PEER_B)!.askRtt = 5;
    startFailoverIfNeeded(fast.h.at(T0), fast.master);
    expect(fast.random.draws).to.deep.equal([fast.h.state.timing.candidateDelay]);

    const slow = threeSentinels();
    slow.master.splitCount = 1;
    slow.master.sentinels.get(PEER_C)!.askRtt = 400;
    startFailoverIfNeeded(slow.h.at(T0), slow.master);
    expect(slow.random.draws.at(-1)).to.equal(1600);
  });

  it("measures a peer's answer time from the oldest ask it has not answered", () => {
    const { h, master } = threeSentinels();
    master.flags.add("s_down");
    const peer = master.sentinels.get(PEER_B)!;
    const link = peer.link;
    link.cmdConnected = true;
    askMasterStateToOtherSentinels(h.at(T0), master, true);
    askMasterStateToOtherSentinels(h.at(T0 + 50), master, true);
    onIsMasterDownReply(h.at(T0 + 120), link.id, master.name, {
      down: true,
      leader: "*",
      leaderEpoch: 0n,
    });
    expect(peer.askRtt).to.equal(120);
    expect(peer.askSentTime).to.equal(0);
  });

  it("forgets the draw and the split count when the master is no longer ODOWN", () => {
    const { h, master } = threeSentinels();
    startFailoverIfNeeded(h.at(T0), master);
    master.splitCount = 2;
    master.flags.delete("o_down");
    expect(startFailoverIfNeeded(h.at(T0 + 100), master)).to.equal(false);
    expect([master.candidateTime, master.splitCount]).to.deep.equal([0, 0]);
  });
});

describe("electionIsDead", () => {
  it("is true when no candidate can reach the majority even with every unseen vote", () => {
    const { master } = threeSentinels();
    master.leader = MY_ID;
    master.leaderEpoch = 3n;
    peerVote(master, PEER_B, PEER_B, 3);
    expect(electionIsDead(master, 3n), "C has not voted yet").to.equal(false);
    peerVote(master, PEER_C, PEER_C, 3);
    expect(electionIsDead(master, 3n)).to.equal(true);
  });

  it("is false when some candidate holds or may still reach the majority", () => {
    const { master } = threeSentinels();
    master.leader = MY_ID;
    master.leaderEpoch = 3n;
    peerVote(master, PEER_B, MY_ID, 3);
    peerVote(master, PEER_C, PEER_C, 3);
    expect(electionIsDead(master, 3n)).to.equal(false);
  });

  it("counts a vote reported for another epoch as unknown", () => {
    const { master } = threeSentinels();
    master.leader = MY_ID;
    master.leaderEpoch = 3n;
    peerVote(master, PEER_B, PEER_B, 3);
    peerVote(master, PEER_C, PEER_C, 4);
    expect(electionIsDead(master, 3n), "C may have voted for us in 3 before").to.equal(false);
    peerVote(master, PEER_C, PEER_C, 2);
    expect(electionIsDead(master, 3n), "the reply may answer an older request").to.equal(false);
  });

  it("allows for a peer that knows one sentinel fewer when the count is even", () => {
    const { h, master } = threeSentinels();
    h.addPeer(0, master, PEER_D, 26382);
    master.leader = MY_ID;
    master.leaderEpoch = 3n;
    peerVote(master, PEER_B, PEER_B, 3);
    peerVote(master, PEER_C, PEER_C, 3);
    peerVote(master, PEER_D, PEER_D, 3);
    // 1 + 0 unseen < 3 (majority of 4), but a peer that knows only 3 needs 2: proven dead anyway.
    expect(electionIsDead(master, 3n)).to.equal(true);
    peerVote(master, PEER_D, PEER_C, 3);
    expect(electionIsDead(master, 3n), "C has 2 of 4: a peer knowing 3 would be elected").to.equal(
      false,
    );
  });
});

describe("the split vote abort and retry", () => {
  it("aborts at once with -failover-abort-not-elected when the split is proven", () => {
    const { h, master } = splitOnce();
    expect(eventTypes(h.take())).to.deep.equal(["-failover-abort-not-elected"]);
    expect(master.failoverState).to.equal("none");
    expect(master.flags.has("failover_in_progress")).to.equal(false);
    expect([master.splitEpoch, master.splitCount]).to.deep.equal([1n, 1]);
  });

  it("waits for the election timeout as Redis does when splitRetryDelay is 0", () => {
    const { h, master } = threeSentinels(new CyclingRandom([0]));
    h.state.timing.splitRetryDelay = 0;
    h.state.timing.candidateDelay = 0;
    startFailoverIfNeeded(h.at(T0), master);
    failoverStateMachine(h.at(T0), master);
    peerVote(master, PEER_B, PEER_B, 1);
    peerVote(master, PEER_C, PEER_C, 1);
    failoverStateMachine(h.at(T0 + 200), master);
    expect(master.failoverState).to.equal("wait_start");
    failoverStateMachine(h.at(T0 + h.state.timing.electionTimeout + 1), master);
    expect(master.failoverState).to.equal("none");
    expect(master.splitEpoch).to.equal(0n);
    expect(startFailoverIfNeeded(h.at(T0 + 20_000), master), "the gate holds").to.equal(false);
  });

  it("retries after a random 0..splitRetryDelay ms, waiving the gate, in the next epoch", () => {
    const { h, master } = splitOnce();
    const random = new CyclingRandom([700]);
    h.random = random;
    expect(startFailoverIfNeeded(h.at(T0 + 300), master)).to.equal(false);
    expect(random.draws).to.deep.equal([h.state.timing.splitRetryDelay]);
    expect(startFailoverIfNeeded(h.at(T0 + 1000), master)).to.equal(true);
    expect(master.failoverEpoch).to.equal(2n);
  });

  it("keeps the full gate once a later epoch is known or after a vote for another sentinel", () => {
    const later = splitOnce();
    later.h.state.currentEpoch = 2n; // e.g. learnt from a hello
    expect(startFailoverIfNeeded(later.h.at(T0 + 300), later.master)).to.equal(false);
    expect(later.master.failoverDelayLogged).to.equal(true);

    const voted = splitOnce();
    voteLeader(voted.h.at(T0 + 250), voted.master, 2n, PEER_C);
    expect(startFailoverIfNeeded(voted.h.at(T0 + 5000), voted.master)).to.equal(false);
    expect(voted.master.failoverStartTime).to.be.greaterThan(T0 + 249);
  });

  it("doubles the retry range after each split in a row, up to the election timeout", () => {
    const { h, master } = splitOnce();
    const random = new CyclingRandom([0]);
    h.random = random;
    master.splitCount = 2;
    startFailoverIfNeeded(h.at(T0 + 300), master);
    master.failoverState = "none";
    master.flags.delete("failover_in_progress");
    master.splitEpoch = h.state.currentEpoch;
    master.splitCount = 10;
    startFailoverIfNeeded(h.at(T0 + 400), master);
    const base = h.state.timing.splitRetryDelay;
    expect(random.draws.filter((n) => n !== 1000)).to.deep.equal([
      2 * base,
      h.state.timing.electionTimeout,
    ]);
  });
});

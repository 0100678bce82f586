// Proves the vote rule and the leader tally of docs/PROTOCOL.md §6.2–6.3: first-come voting,
// never twice per epoch, adoption of higher epochs, stale requests refused, the flush before
// every vote, and a winner only with max(quorum, majority of all known sentinels) votes, dead
// peers counting as voters. Records are built by hand and the functions run at explicit times.
import { expect } from "chai";
import { getLeader, voteLeader } from "../../../../src/core/failover/election.js";
import {
  Harness,
  MY_ID,
  PEER_B,
  PEER_C,
  PEER_D,
  PEER_E,
  CyclingRandom,
  disconnect,
  eventLines,
  markOdown,
} from "../failover-fixture.js";

describe("voteLeader", () => {
  it("adopts a higher request epoch, votes for the requester and flushes", () => {
    const h = new Harness(undefined, new CyclingRandom([321]));
    const master = h.addMaster(0);
    const vote = voteLeader(h.at(5000), master, 10n, PEER_B);
    expect(vote).to.deep.equal({ leader: PEER_B, leaderEpoch: 10n });
    expect(h.state.currentEpoch).to.equal(10n);
    expect(master.leader).to.equal(PEER_B);
    expect(master.leaderEpoch).to.equal(10n);
    const ready = h.take();
    expect(ready.persist).to.not.equal(null);
    expect(eventLines(ready)).to.deep.equal(["+new-epoch 10", `+vote-for-leader ${PEER_B} 10`]);
    expect(ready.events.every((e) => e.master === "mymaster")).to.equal(true);
  });

  it("delays our own failover by a jittered start time when voting for another sentinel", () => {
    const random = new CyclingRandom([321]);
    const h = new Harness(undefined, random);
    const master = h.addMaster(0);
    master.failoverDelayLogged = true;
    voteLeader(h.at(5000), master, 1n, PEER_B);
    expect(master.failoverStartTime).to.equal(5321);
    expect(random.draws).to.deep.equal([1000]);
    expect(master.failoverDelayLogged).to.equal(false);
  });

  it("does not touch the failover start time when voting for itself", () => {
    const random = new CyclingRandom([321]);
    const h = new Harness(undefined, random);
    const master = h.addMaster(0);
    voteLeader(h.at(5000), master, 1n, MY_ID.toUpperCase());
    expect(master.failoverStartTime).to.equal(0);
    expect(random.draws).to.deep.equal([]);
  });

  it("is first come first served: a second request of the same epoch gets the standing vote", () => {
    const h = new Harness();
    const master = h.addMaster(0);
    voteLeader(h.at(1000), master, 10n, PEER_B);
    h.take();
    const second = voteLeader(h.at(1001), master, 10n, PEER_C);
    expect(second).to.deep.equal({ leader: PEER_B, leaderEpoch: 10n });
    const ready = h.take();
    expect(ready.events).to.deep.equal([]);
    expect(ready.persist).to.equal(null);
  });

  it("never votes in an epoch lower than the current one, and reports the standing vote", () => {
    const h = new Harness();
    const master = h.addMaster(0);
    voteLeader(h.at(1000), master, 10n, PEER_B);
    h.take();
    expect(voteLeader(h.at(1001), master, 5n, PEER_C)).to.deep.equal({
      leader: PEER_B,
      leaderEpoch: 10n,
    });
    expect(h.state.currentEpoch).to.equal(10n);
    expect(h.take().events).to.deep.equal([]);
  });

  it("refuses a request below the current epoch even when it never voted", () => {
    const h = new Harness();
    h.state.currentEpoch = 7n;
    const master = h.addMaster(0);
    expect(voteLeader(h.at(1000), master, 6n, PEER_B)).to.deep.equal({
      leader: "",
      leaderEpoch: 0n,
    });
    expect(h.take().persist).to.equal(null);
  });

  it("votes again in a later epoch", () => {
    const h = new Harness();
    const master = h.addMaster(0);
    voteLeader(h.at(1000), master, 1n, PEER_B);
    h.take();
    expect(voteLeader(h.at(2000), master, 2n, PEER_C)).to.deep.equal({
      leader: PEER_C,
      leaderEpoch: 2n,
    });
    expect(eventLines(h.take())).to.deep.equal(["+new-epoch 2", `+vote-for-leader ${PEER_C} 2`]);
  });

  it("votes at the current epoch without a +new-epoch when the request equals it", () => {
    const h = new Harness();
    h.state.currentEpoch = 4n;
    const master = h.addMaster(0);
    voteLeader(h.at(1000), master, 4n, PEER_B);
    const ready = h.take();
    expect(eventLines(ready)).to.deep.equal([`+vote-for-leader ${PEER_B} 4`]);
    expect(ready.persist).to.not.equal(null);
  });

  it("keeps one vote per epoch per master, independently for each master", () => {
    const h = new Harness();
    const m1 = h.addMaster(0);
    const m2 = h.addMaster(0, {}, "other", "10.0.0.9", 6380);
    voteLeader(h.at(1000), m1, 3n, PEER_B);
    expect(voteLeader(h.at(1000), m2, 3n, PEER_C).leader).to.equal(PEER_C);
    expect(m1.leader).to.equal(PEER_B);
  });
});

describe("getLeader", () => {
  function setup(
    peers: readonly string[],
    quorum = 2,
  ): { h: Harness; master: ReturnType<Harness["addMaster"]> } {
    const h = new Harness();
    const master = h.addMaster(0, { quorum });
    peers.forEach((id, i) => h.addPeer(0, master, id, 26380 + i));
    markOdown(master, 0);
    master.flags.add("failover_in_progress");
    h.state.currentEpoch = 1n;
    master.failoverEpoch = 1n;
    return { h, master };
  }

  function reportVote(
    master: ReturnType<Harness["addMaster"]>,
    peer: string,
    leader: string,
    epoch: number,
  ): void {
    const record = master.sentinels.get(peer);
    if (record === undefined) throw new Error(`no peer ${peer}`);
    record.leader = leader;
    record.leaderEpoch = BigInt(epoch);
  }

  it("elects us with our own vote plus one peer's out of three sentinels", () => {
    const { h, master } = setup([PEER_B, PEER_C]);
    reportVote(master, PEER_B, MY_ID, 1);
    expect(getLeader(h.at(100), master, 1n)).to.equal(MY_ID);
    expect(master.leader).to.equal(MY_ID);
    expect(eventLines(h.take())).to.deep.equal([`+vote-for-leader ${MY_ID} 1`]);
  });

  it("does not elect us with only our own vote out of three", () => {
    const { h, master } = setup([PEER_B, PEER_C]);
    expect(getLeader(h.at(100), master, 1n)).to.equal(null);
    expect(master.leader).to.equal(MY_ID);
  });

  it("counts dead peers as voters: our vote and one more are not a majority of five", () => {
    const { h, master } = setup([PEER_B, PEER_C, PEER_D, PEER_E]);
    for (const peer of master.sentinels.values()) disconnect(peer.link);
    reportVote(master, PEER_B, MY_ID, 1);
    expect(getLeader(h.at(100), master, 1n)).to.equal(null);
    reportVote(master, PEER_C, MY_ID, 1);
    expect(getLeader(h.at(100), master, 1n)).to.equal(MY_ID);
  });

  it("requires the quorum even when the majority is smaller", () => {
    const { h, master } = setup([PEER_B, PEER_C], 3);
    reportVote(master, PEER_B, MY_ID, 1);
    expect(getLeader(h.at(100), master, 1n)).to.equal(null);
    reportVote(master, PEER_C, MY_ID, 1);
    expect(getLeader(h.at(100), master, 1n)).to.equal(MY_ID);
  });

  it("elects a lone sentinel with quorum 1", () => {
    const { h, master } = setup([], 1);
    expect(getLeader(h.at(100), master, 1n)).to.equal(MY_ID);
  });

  it("ignores peer votes of other epochs and votes without a leader", () => {
    const { h, master } = setup([PEER_B, PEER_C]);
    reportVote(master, PEER_B, MY_ID, 0);
    reportVote(master, PEER_C, "", 1);
    expect(getLeader(h.at(100), master, 1n)).to.equal(null);
  });

  it("never counts peer votes of a newer epoch towards the failover epoch being elected", () => {
    // Simulator seed 72: our current epoch rose to 6 while we stood for epoch 4; a peer's vote
    // for us at 6 must not make us leader of epoch 4, where another sentinel may have won.
    const { h, master } = setup([PEER_B, PEER_C]);
    master.failoverEpoch = 4n;
    h.state.currentEpoch = 6n;
    master.leader = MY_ID;
    master.leaderEpoch = 4n;
    reportVote(master, PEER_B, MY_ID, 6);
    expect(getLeader(h.at(100), master, 4n)).to.equal(null);
    reportVote(master, PEER_C, MY_ID, 4);
    expect(getLeader(h.at(100), master, 4n)).to.equal(MY_ID);
  });

  it("casts our vote for the peers' favourite and names it leader", () => {
    const { h, master } = setup([PEER_B, PEER_C]);
    reportVote(master, PEER_B, PEER_C, 1);
    expect(getLeader(h.at(100), master, 1n)).to.equal(PEER_C);
    expect(master.leader).to.equal(PEER_C);
  });

  it("breaks ties in favour of the first candidate found", () => {
    const { h, master } = setup([PEER_B, PEER_C, PEER_D]);
    reportVote(master, PEER_B, PEER_D, 1);
    reportVote(master, PEER_C, PEER_C, 1);
    // Our vote goes to the first most-voted (PEER_D): 2 votes of 4 is not a majority.
    expect(getLeader(h.at(100), master, 1n)).to.equal(null);
    expect(master.leader).to.equal(PEER_D);
  });

  it("does not count a vote we cast earlier in another epoch", () => {
    const { h, master } = setup([PEER_B, PEER_C]);
    voteLeader(h.at(50), master, 2n, PEER_B);
    master.failoverEpoch = 1n;
    reportVote(master, PEER_C, MY_ID, 2);
    // Current epoch is 2; our standing vote (PEER_B, 2) is not of the failover epoch 1.
    expect(getLeader(h.at(100), master, 1n)).to.equal(null);
  });

  it("asserts it is only used on a master that is down or failing over", () => {
    const h = new Harness();
    const master = h.addMaster(0);
    expect(() => getLeader(h.at(100), master, 1n)).to.throw(/getLeader/);
  });
});

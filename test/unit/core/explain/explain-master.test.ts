// Proves explainMaster (SENTINEL WHY, GET /v1/masters/<name>/why) names each blocking condition
// from the state the acting code reads: ok (nothing), awaiting-down-after, sdown-only (who said
// down, who said up during this SDOWN, who did not answer, who could not be asked), no-quorum,
// no-majority-reachable, voted-for-other-leader, waiting-failover-timeout (with its wall time,
// given or derived from the last tick), waiting-candidate-delay, no-epoch-left,
// waiting-for-votes, no-good-slave (each replica's rule, the very rule replica selection
// applies), waiting-promotion, reconfiguring-replicas, tilt; and that the answer is plain JSON.
import { expect } from "chai";
import { explainMaster } from "../../../../src/core/explain/explain-master.js";
import { excludedReplicas } from "../../../../src/core/explain/why-views.js";
import type { MasterWhy, WhyCondition } from "../../../../src/core/explain/why-types.js";
import { EPOCH_MAX } from "../../../../src/core/basics/epoch.js";
import { voteLeader } from "../../../../src/core/failover/election.js";
import { startFailover } from "../../../../src/core/failover/failover-state.js";
import { replicaExclusion } from "../../../../src/core/failover/replica-selection.js";
import type { MasterState } from "../../../../src/core/model/state.js";
import {
  Harness,
  MY_ID,
  PEER_B,
  PEER_C,
  PEER_D,
  disconnect,
  markOdown,
} from "../failover-fixture.js";

const NOW = 1_000_000;
const WALL = 1_800_000_000_000;

function setup(): { h: Harness; master: MasterState } {
  const h = new Harness();
  const master = h.addMaster(0, { quorum: 2, failoverTimeout: 60_000 });
  h.addReplica(NOW, master, "10.0.0.2", 6379);
  h.addReplica(NOW, master, "10.0.0.3", 6379);
  for (const [id, port] of [
    [PEER_B, 26380],
    [PEER_C, 26381],
  ] as const) {
    const peer = h.addPeer(NOW, master, id, port);
    peer.link.lastAvailTime = NOW;
  }
  master.link.lastAvailTime = NOW;
  return { h, master };
}

/** `wall` null: no wall clock given (explainMaster derives it from the last tick). */
function why(h: Harness, now = NOW, wall: number | null = WALL): MasterWhy {
  const answer = explainMaster(h.state, "mymaster", now, wall ?? undefined);
  if (answer === null) throw new Error("no master");
  return answer;
}

function codes(w: MasterWhy): string[] {
  return w.blocking.map((c) => c.code);
}

function cond(w: MasterWhy, code: string): WhyCondition {
  const c = w.blocking.find((x) => x.code === code);
  if (c === undefined) throw new Error(`no ${code}: ${codes(w).join(",")}`);
  return c;
}

function sdown(master: MasterState, since: number): void {
  master.flags.add("s_down");
  master.sDownSinceTime = since;
}

describe("explainMaster", () => {
  it("answers null for an unknown master, and nothing blocking for a healthy one", () => {
    const { h } = setup();
    expect(explainMaster(h.state, "nosuch", NOW)).to.equal(null);
    const w = why(h);
    expect(w).to.include({ master: "mymaster", status: "ok", failoverState: null, at: WALL });
    expect(w).to.include({ quorum: 2, sentinels: 3, majority: 2, usableSentinels: 3 });
    expect(w.blocking).to.deep.equal([]);
    expect(w.replicas.map((r) => [r.name, r.promotable, r.best])).to.deep.equal([
      ["10.0.0.2:6379", true, true],
      ["10.0.0.3:6379", true, false],
    ]);
  });

  it("is plain JSON: numbers, strings, booleans, nulls, epochs as decimal strings", () => {
    const { h, master } = setup();
    h.state.currentEpoch = 2n ** 63n - 2n;
    voteLeader(h.at(NOW), master, 2n ** 63n - 1n, PEER_B);
    sdown(master, NOW - 10);
    const w = why(h);
    expect(JSON.parse(JSON.stringify(w))).to.deep.equal(w);
    expect(w.currentEpoch).to.equal("9223372036854775807");
    expect(w.votedLeaderEpoch).to.equal("9223372036854775807");
  });

  it("awaiting-down-after: the master stopped answering, SDOWN not reached yet", () => {
    const { h, master } = setup();
    master.link.actPingTime = NOW - 1200;
    const w = why(h);
    expect(w.status).to.equal("ok");
    expect(cond(w, "awaiting-down-after").data).to.deep.equal({
      unansweredMs: 1200,
      downAfterMs: 30_000,
    });
  });

  it("sdown-only: who said down, who said up in this SDOWN, who did not answer, who was not asked", () => {
    const h = new Harness();
    const master = h.addMaster(0, { quorum: 3 });
    const b = h.addPeer(NOW, master, PEER_B, 26380);
    const c = h.addPeer(NOW, master, PEER_C, 26381);
    const d = h.addPeer(NOW, master, PEER_D, 26382);
    const e = h.addPeer(NOW, master, "e".repeat(40), 26383);
    sdown(master, NOW - 3000);
    b.flags.add("master_down");
    b.lastMasterDownReplyTime = NOW - 500;
    c.lastMasterDownReplyTime = NOW - 500; // answered "not down" during this SDOWN
    d.lastMasterDownReplyTime = NOW - 4000; // its only reply predates the SDOWN
    e.lastMasterDownReplyTime = NOW - 4000;
    disconnect(e.link);
    const w = why(h);
    expect(w.status).to.equal("sdown");
    expect(cond(w, "sdown-only").data).to.deep.equal({
      downVotes: 2,
      quorum: 3,
      saidDown: [PEER_B],
      saidUp: [PEER_C],
      noAnswer: [PEER_D],
      notAsked: ["e".repeat(40)],
    });
    expect(w.downVotes).to.equal(2);
    expect(w.peers.find((p) => p.runId === PEER_C)).to.include({
      answeredAgoMs: 500,
      saysMasterDown: false,
      linkConnected: true,
    });
  });

  it("no-quorum and no-majority-reachable: peers SDOWN, as CKQUORUM counts them", () => {
    const { h, master } = setup();
    sdown(master, NOW - 3000);
    for (const peer of master.sentinels.values()) peer.flags.add("s_down");
    const w = why(h);
    expect(codes(w)).to.include.members(["sdown-only", "no-quorum", "no-majority-reachable"]);
    expect(cond(w, "no-quorum").data).to.deep.equal({
      usable: 1,
      quorum: 2,
      unreachable: [PEER_B, PEER_C],
    });
    expect(cond(w, "no-majority-reachable").data).to.include({ usable: 1, voters: 3, majority: 2 });
    master.sentinels.get(PEER_B)?.flags.delete("s_down");
    expect(codes(why(h))).to.not.include.members(["no-quorum", "no-majority-reachable"]);
  });

  it("voted-for-other-leader and waiting-failover-timeout, with the wall time the gate opens", () => {
    const { h, master } = setup();
    voteLeader(h.at(NOW - 1000), master, 7n, PEER_B);
    markOdown(master, NOW - 500);
    const w = why(h);
    expect(w.status).to.equal("odown");
    expect(cond(w, "voted-for-other-leader").data).to.deep.equal({
      leader: PEER_B,
      leaderEpoch: "7",
      leaderIp: "10.0.1.1",
      leaderPort: 26380,
    });
    const gate = cond(w, "waiting-failover-timeout");
    // ScriptedRandom draws 0: the gate started at the vote, NOW - 1000.
    expect(gate.data).to.deep.equal({
      failoverTimeoutMs: 60_000,
      opensInMs: 119_000,
      opensAt: WALL + 119_000,
    });
    expect(gate.words).to.include(new Date(WALL + 119_000).toISOString());
    expect(gate.words).to.include("our vote for another leader");
  });

  it("derives the wall clock from the last tick when none is given, and names none before it", () => {
    const { h, master } = setup();
    voteLeader(h.at(NOW), master, 1n, PEER_B);
    markOdown(master, NOW);
    expect(why(h, NOW, null).at).to.equal(null);
    expect(cond(why(h, NOW, null), "waiting-failover-timeout").data["opensAt"]).to.equal(null);
    h.state.previousTime = NOW - 100;
    h.state.previousWallTime = WALL - 100;
    expect(why(h, NOW, null).at).to.equal(WALL);
  });

  it("no voted-for-other-leader for our own vote or an older epoch's", () => {
    const { h, master } = setup();
    markOdown(master, NOW);
    voteLeader(h.at(NOW), master, 1n, MY_ID);
    expect(codes(why(h))).to.not.include("voted-for-other-leader");
    master.leader = PEER_B;
    h.state.currentEpoch = 2n;
    expect(codes(why(h))).to.not.include("voted-for-other-leader");
  });

  it("waiting-candidate-delay and no-epoch-left", () => {
    const { h, master } = setup();
    markOdown(master, NOW);
    master.candidateTime = NOW + 120;
    expect(cond(why(h), "waiting-candidate-delay").data).to.deep.equal({ standsInMs: 120 });
    h.state.currentEpoch = EPOCH_MAX;
    expect(cond(why(h), "no-epoch-left").data).to.deep.equal({
      currentEpoch: "9223372036854775807",
    });
  });

  it("waiting-for-votes in wait_start: the tally of the failover epoch and the time left", () => {
    const { h, master } = setup();
    markOdown(master, NOW);
    startFailover(h.at(NOW), master);
    voteLeader(h.at(NOW), master, master.failoverEpoch, MY_ID);
    const c = master.sentinels.get(PEER_C);
    if (c === undefined) throw new Error("no peer");
    c.leader = PEER_B;
    c.leaderEpoch = master.failoverEpoch;
    const w = why(h, NOW + 400);
    expect(w).to.include({ status: "failover-in-progress", failoverState: "wait_start" });
    expect(cond(w, "waiting-for-votes").data).to.deep.equal({
      epoch: "1",
      votesForUs: 1,
      needed: 2,
      majority: 2,
      quorum: 2,
      votes: [
        { leader: PEER_B, votes: 1 },
        { leader: MY_ID, votes: 1 },
      ],
      electionDead: false,
      abortInMs: 9_600,
    });
  });

  it("no-good-slave: each replica with the rule replica selection applies to it", () => {
    const { h, master } = setup();
    markOdown(master, NOW);
    const [r1, r2] = [...master.replicas.values()];
    if (r1 === undefined || r2 === undefined) throw new Error("two replicas");
    r1.slavePriority = 0;
    disconnect(r2.link);
    const w = why(h);
    const ng = cond(w, "no-good-slave");
    expect(ng.data).to.deep.equal({
      replicas: [
        { name: "10.0.0.2:6379", rule: "priority-0", words: "replica-priority 0: never promoted" },
        { name: "10.0.0.3:6379", rule: "disconnected", words: "no connected link to the replica" },
      ],
    });
    expect(ng.words).to.equal(
      "no replica can be promoted: 10.0.0.2:6379 priority-0, 10.0.0.3:6379 disconnected",
    );
    expect(w.replicas.map((r) => r.rule)).to.deep.equal(
      [r1, r2].map((r) => replicaExclusion(h.at(NOW), master, r)),
    );
    expect(
      excludedReplicas(h.state, "mymaster", NOW).map((x) => [x.replica, x.rule]),
    ).to.deep.equal([
      ["10.0.0.2:6379", "priority-0"],
      ["10.0.0.3:6379", "disconnected"],
    ]);
    expect(excludedReplicas(h.state, "nosuch", NOW)).to.deep.equal([]);
  });

  it("no-good-slave with numbers: INFO too old, with the SDOWN validity window", () => {
    const { h, master } = setup();
    sdown(master, NOW - 100);
    for (const r of master.replicas.values()) r.infoRefresh = NOW - 6000;
    const [first] = why(h).replicas;
    expect(first).to.include({ rule: "stale-info", value: 6000, limit: 5000, promotable: false });
    expect(first?.words).to.equal("INFO too old: 6000 ms ago, accepted up to 5000 ms");
  });

  it("waiting-promotion and reconfiguring-replicas, with the time before the failover timeout", () => {
    const { h, master } = setup();
    markOdown(master, NOW);
    startFailover(h.at(NOW), master);
    master.failoverState = "wait_promotion";
    master.failoverStateChangeTime = NOW;
    master.promotedReplica = "10.0.0.2:6379";
    expect(cond(why(h, NOW + 1000), "waiting-promotion").data).to.deep.equal({
      replica: "10.0.0.2:6379",
      state: "wait_promotion",
      abortInMs: 59_000,
    });
    master.failoverState = "reconf_slaves";
    master.replicas.get("10.0.0.3:6379")?.flags.add("reconf_sent");
    expect(cond(why(h, NOW + 1000), "reconfiguring-replicas").data).to.deep.equal({
      promoted: "10.0.0.2:6379",
      replicas: [{ name: "10.0.0.3:6379", state: "reconf_sent" }],
      endsInMs: 59_000,
    });
  });

  it("tilt: status tilt, and the time left", () => {
    const { h, master } = setup();
    h.state.tilt = true;
    h.state.tiltStartTime = NOW - 10_000;
    sdown(master, NOW);
    const w = why(h);
    expect(w.status).to.equal("tilt");
    expect(cond(w, "tilt").data).to.deep.equal({
      sinceMs: 10_000,
      endsInMs: 20_000,
      endsAt: WALL + 20_000,
    });
  });
});

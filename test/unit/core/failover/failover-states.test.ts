// Proves the first failover states, one step per call (docs/PROTOCOL.md §7.2–7.4): wait_start
// (elected → select_slave; not elected → wait, then -failover-abort-not-elected after
// min(election timeout, failover-timeout); forced → no majority needed), select_slave (selection
// or -failover-abort-no-good-slave; waiting up to selectInfoWait, with INFO every
// failoverInfoPeriod, when only stale INFO keeps replicas out), send_slaveof_noone (SLAVEOF NO ONE as a replicaof command
// with target null, or waiting for a disconnected candidate until -failover-abort-slave-timeout),
// wait_promotion's timeout, and SIMULATE-FAILURE crash-after-election.
import { expect } from "chai";
import {
  failoverStateMachine,
  startFailoverIfNeeded,
} from "../../../../src/core/failover/failover-state.js";
import { infoPeriodFor } from "../../../../src/core/monitor/periodic.js";
import { refreshFromInfo } from "../../../../src/core/monitor/info-refresh.js";
import { DEFAULT_TIMING } from "../../../../src/core/model/timing.js";
import type { MasterState, ReplicaState } from "../../../../src/core/model/state.js";
import {
  Harness,
  MY_ID,
  PEER_B,
  PEER_C,
  disconnect,
  eventLines,
  eventTypes,
  markOdown,
} from "../failover-fixture.js";

const T0 = 1_000_000;
const M = "master mymaster 10.0.0.1 6379";
const R1 = "slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379";

interface Scenario {
  h: Harness;
  master: MasterState;
  r1: ReplicaState;
  r2: ReplicaState;
}

/** Three sentinels (quorum 2), two replicas (r1 preferred), a failover started at T0. */
function started(settings: { failoverTimeout?: number } = {}): Scenario {
  const h = new Harness();
  const master = h.addMaster(0, settings);
  h.addPeer(0, master, PEER_B, 26380);
  h.addPeer(0, master, PEER_C, 26381);
  const r1 = h.addReplica(T0, master, "10.0.0.2", 6379, { slaveReplOffset: 200n });
  const r2 = h.addReplica(T0, master, "10.0.0.3", 6379, { slaveReplOffset: 100n });
  // Stand at once whatever our rank (the candidate order has its own tests).
  h.state.timing.candidateDelay = 0;
  markOdown(master, T0);
  expect(startFailoverIfNeeded(h.at(T0), master)).to.equal(true);
  h.take();
  return { h, master, r1, r2 };
}

function peerVotesForMe(master: MasterState, peerId: string, epoch: number): void {
  const peer = master.sentinels.get(peerId)!;
  peer.leader = MY_ID;
  peer.leaderEpoch = BigInt(epoch);
}

describe("wait_start", () => {
  it("moves to select_slave once elected, voting for itself on the way", () => {
    const { h, master } = started();
    peerVotesForMe(master, PEER_B, 1);
    failoverStateMachine(h.at(T0 + 100), master);
    expect(master.failoverState).to.equal("select_slave");
    expect(master.failoverStateChangeTime).to.equal(T0 + 100);
    const ready = h.take();
    expect(eventLines(ready)).to.deep.equal([
      `+vote-for-leader ${MY_ID} 1`,
      `+elected-leader ${M}`,
      `+failover-state-select-slave ${M}`,
    ]);
    expect(ready.persist).to.not.equal(null);
  });

  it("waits without events while not elected and the election timeout has not passed", () => {
    const { h, master } = started();
    failoverStateMachine(h.at(T0 + 100), master);
    h.take();
    failoverStateMachine(h.at(T0 + 10_000), master);
    expect(master.failoverState).to.equal("wait_start");
    expect(h.take().events).to.deep.equal([]);
  });

  it("aborts with -failover-abort-not-elected after the election timeout", () => {
    const { h, master } = started();
    failoverStateMachine(h.at(T0 + 10_001), master);
    expect(master.failoverState).to.equal("none");
    expect(master.flags.has("failover_in_progress")).to.equal(false);
    expect(eventLines(h.take())).to.deep.equal([
      `+vote-for-leader ${MY_ID} 1`,
      `-failover-abort-not-elected ${M}`,
    ]);
    expect(master.failoverStartTime, "the gate stays armed").to.equal(T0);
  });

  it("uses failover-timeout as the election timeout when it is shorter", () => {
    const { h, master } = started({ failoverTimeout: 3000 });
    failoverStateMachine(h.at(T0 + 3000), master);
    expect(master.failoverState).to.equal("wait_start");
    failoverStateMachine(h.at(T0 + 3001), master);
    expect(master.failoverState).to.equal("none");
  });

  it("follows a SENTINEL DEBUG election-timeout", () => {
    const { h, master } = started();
    h.state.timing.electionTimeout = 500;
    failoverStateMachine(h.at(T0 + 501), master);
    expect(eventTypes(h.take())).to.include("-failover-abort-not-elected");
  });

  it("counts a peer's vote for another sentinel against us", () => {
    const { h, master } = started();
    const b = master.sentinels.get(PEER_B)!;
    b.leader = PEER_C;
    b.leaderEpoch = 1n;
    failoverStateMachine(h.at(T0 + 100), master);
    expect(master.leader).to.equal(PEER_C);
    expect(master.failoverState).to.equal("wait_start");
  });

  it("goes on without a majority when the failover is forced", () => {
    const { h, master } = started();
    master.flags.add("force_failover");
    failoverStateMachine(h.at(T0 + 100), master);
    expect(master.failoverState).to.equal("select_slave");
    expect(eventTypes(h.take())).to.deep.equal([
      "+vote-for-leader",
      "+elected-leader",
      "+failover-state-select-slave",
    ]);
  });

  it("exits with 99 right after +elected-leader under SIMULATE-FAILURE crash-after-election", () => {
    const { h, master } = started();
    h.state.simulateFailureFlags = 1;
    peerVotesForMe(master, PEER_B, 1);
    failoverStateMachine(h.at(T0 + 100), master);
    const ready = h.take();
    expect(ready.exitCode).to.equal(99);
    expect(eventTypes(ready).at(-1)).to.equal("+elected-leader");
    expect(master.failoverState).to.equal("wait_start");
  });

  it("does nothing when no failover is in progress", () => {
    const h = new Harness();
    const master = h.addMaster(0);
    failoverStateMachine(h.at(T0), master);
    expect(h.take().events).to.deep.equal([]);
  });
});

function elected(): Scenario {
  const s = started();
  peerVotesForMe(s.master, PEER_B, 1);
  failoverStateMachine(s.h.at(T0 + 100), s.master);
  s.h.take();
  return s;
}

describe("select_slave", () => {
  it("selects the best replica, flags it promoted and moves to send_slaveof_noone", () => {
    const { h, master, r1, r2 } = elected();
    failoverStateMachine(h.at(T0 + 200), master);
    expect(master.promotedReplica).to.equal(r1.name);
    expect(r1.flags.has("promoted")).to.equal(true);
    expect(r2.flags.has("promoted")).to.equal(false);
    expect(master.failoverState).to.equal("send_slaveof_noone");
    expect(eventLines(h.take())).to.deep.equal([
      `+selected-slave ${R1}`,
      `+failover-state-send-slaveof-noone ${R1}`,
    ]);
  });

  it("aborts with -failover-abort-no-good-slave when no replica qualifies", () => {
    const { h, master, r1, r2 } = elected();
    r1.slavePriority = 0;
    r2.flags.add("s_down");
    failoverStateMachine(h.at(T0 + 200), master);
    expect(master.failoverState).to.equal("none");
    expect(master.flags.has("failover_in_progress")).to.equal(false);
    expect(eventLines(h.take())).to.deep.equal([`-failover-abort-no-good-slave ${M}`]);
  });
});

describe("select_slave waiting for fresh INFO", () => {
  const STALE = T0 - 20_000;

  it("waits, asking every replica for INFO often, when only stale INFO keeps them out", () => {
    const { h, master, r1, r2 } = elected();
    r1.infoRefresh = STALE;
    r2.infoRefresh = STALE;
    failoverStateMachine(h.at(T0 + 200), master);
    expect(master.failoverState).to.equal("select_slave");
    expect(h.take().events).to.deep.equal([]);
    for (const r of [r1, r2]) {
      expect(infoPeriodFor(h.at(T0 + 200), r, master)).to.equal(DEFAULT_TIMING.failoverInfoPeriod);
    }
    // r2's INFO arrives first: it is the only candidate now, and is chosen.
    r2.infoRefresh = T0 + 250;
    failoverStateMachine(h.at(T0 + 300), master);
    expect(master.promotedReplica).to.equal(r2.name);
    expect(master.failoverState).to.equal("send_slaveof_noone");
  });

  it("asks for a tick at once when a replica's INFO arrives while it waits", () => {
    const { h, master, r1, r2 } = elected();
    r1.infoRefresh = STALE;
    r2.infoRefresh = STALE;
    failoverStateMachine(h.at(T0 + 200), master);
    h.out.ticked(T0 + 200);
    expect(h.take().wakeAt, "nothing to wait for but the INFO").to.equal(null);
    const info = "# Replication\r\nrole:slave\r\nmaster_host:10.0.0.1\r\nmaster_port:6379\r\n";
    refreshFromInfo(h.at(T0 + 240), r2, master, info);
    expect(h.take().wakeAt, "the selection is tried again at once").to.equal(T0 + 240);
    failoverStateMachine(h.at(T0 + 240), master);
    expect(master.promotedReplica).to.equal(r2.name);
    // Outside select_slave an INFO asks for nothing.
    h.out.ticked(T0 + 240);
    refreshFromInfo(h.at(T0 + 250), r1, master, info);
    expect(h.take().wakeAt).to.equal(null);
  });

  it("aborts with -failover-abort-no-good-slave once selectInfoWait passes without it", () => {
    const { h, master, r1, r2 } = elected();
    const entered = master.failoverStateChangeTime;
    r1.infoRefresh = STALE;
    r2.infoRefresh = STALE;
    failoverStateMachine(h.at(entered + DEFAULT_TIMING.selectInfoWait - 1), master);
    expect(master.failoverState).to.equal("select_slave");
    failoverStateMachine(h.at(entered + DEFAULT_TIMING.selectInfoWait), master);
    expect(master.failoverState).to.equal("none");
    expect(eventLines(h.take())).to.deep.equal([`-failover-abort-no-good-slave ${M}`]);
  });

  it("does not wait when replicas are out for other reasons than stale INFO", () => {
    const { h, master, r1, r2 } = elected();
    r1.infoRefresh = STALE;
    r1.slavePriority = 0;
    r2.flags.add("s_down");
    failoverStateMachine(h.at(T0 + 200), master);
    expect(master.failoverState).to.equal("none");
    expect(eventLines(h.take())).to.deep.equal([`-failover-abort-no-good-slave ${M}`]);
  });
});

function selected(): Scenario {
  const s = elected();
  failoverStateMachine(s.h.at(T0 + 200), s.master);
  s.h.take();
  return s;
}

describe("send_slaveof_noone", () => {
  it("sends SLAVEOF NO ONE to the candidate and moves to wait_promotion", () => {
    const { h, master, r1 } = selected();
    const pending = r1.link.pendingCommands;
    failoverStateMachine(h.at(T0 + 300), master);
    const ready = h.take();
    expect(ready.commands).to.deep.equal([{ type: "replicaof", link: r1.link.id, target: null }]);
    expect(r1.link.pendingCommands).to.equal(pending + 1);
    expect(eventLines(ready)).to.deep.equal([`+failover-state-wait-promotion ${R1}`]);
    expect(master.failoverState).to.equal("wait_promotion");
    expect(master.failoverStateChangeTime).to.equal(T0 + 300);
  });

  it("waits for a disconnected candidate, then aborts after failover-timeout", () => {
    const { h, master, r1 } = selected();
    disconnect(r1.link);
    failoverStateMachine(h.at(T0 + 200 + 180_000), master);
    expect(master.failoverState).to.equal("send_slaveof_noone");
    expect(h.take().commands).to.deep.equal([]);
    failoverStateMachine(h.at(T0 + 200 + 180_001), master);
    expect(master.failoverState).to.equal("none");
    expect(r1.flags.has("promoted")).to.equal(false);
    expect(master.promotedReplica).to.equal(null);
    expect(eventLines(h.take())).to.deep.equal([`-failover-abort-slave-timeout ${M}`]);
  });
});

describe("wait_promotion", () => {
  it("only waits until failover-timeout, then aborts with -failover-abort-slave-timeout", () => {
    const { h, master, r1 } = selected();
    failoverStateMachine(h.at(T0 + 300), master);
    h.take();
    failoverStateMachine(h.at(T0 + 300 + 180_000), master);
    expect(master.failoverState).to.equal("wait_promotion");
    expect(h.take().events).to.deep.equal([]);
    failoverStateMachine(h.at(T0 + 300 + 180_001), master);
    expect(master.failoverState).to.equal("none");
    expect(r1.flags.has("promoted")).to.equal(false);
    expect(eventLines(h.take())).to.deep.equal([`-failover-abort-slave-timeout ${M}`]);
  });
});

// Proves how failovers start and stop (docs/PROTOCOL.md §7.1, §6.4, §7.8): the ODOWN start with
// its epoch bump and jittered start time, the 2 × failover-timeout gate and its once-noted delay,
// SENTINEL FAILOVER's errors and forced start, and abort's effects and preconditions.
import { expect } from "chai";
import {
  abortFailover,
  forceFailover,
  startFailoverIfNeeded,
} from "../../../../src/core/failover/failover-state.js";
import { Harness, CyclingRandom, eventLines, markOdown } from "../failover-fixture.js";

const T0 = 1_000_000;
const TRY = "+try-failover master mymaster 10.0.0.1 6379";

describe("startFailoverIfNeeded", () => {
  it("starts a failover of an ODOWN master: epoch +1, wait_start, jittered start time", () => {
    const random = new CyclingRandom([250]);
    const h = new Harness(undefined, random);
    h.state.currentEpoch = 4n;
    const master = h.addMaster(0);
    markOdown(master, T0);
    expect(startFailoverIfNeeded(h.at(T0), master)).to.equal(true);
    expect(master.failoverState).to.equal("wait_start");
    expect(master.flags.has("failover_in_progress")).to.equal(true);
    expect(h.state.currentEpoch).to.equal(5n);
    expect(master.failoverEpoch).to.equal(5n);
    expect(master.failoverStartTime).to.equal(T0 + 250);
    expect(master.failoverStateChangeTime).to.equal(T0);
    expect(random.draws).to.deep.equal([1000]);
    const ready = h.take();
    expect(eventLines(ready)).to.deep.equal(["+new-epoch 5", TRY]);
    expect(ready.persist, "no flush at start").to.equal(null);
  });

  it("does nothing unless the master is ODOWN", () => {
    const h = new Harness();
    const master = h.addMaster(0);
    master.flags.add("s_down");
    expect(startFailoverIfNeeded(h.at(T0), master)).to.equal(false);
    expect(master.failoverState).to.equal("none");
    expect(h.take().events).to.deep.equal([]);
  });

  it("does nothing while a failover is already in progress", () => {
    const h = new Harness();
    const master = h.addMaster(0);
    markOdown(master, T0);
    startFailoverIfNeeded(h.at(T0), master);
    h.take();
    expect(startFailoverIfNeeded(h.at(T0 + 1), master)).to.equal(false);
    expect(h.state.currentEpoch).to.equal(1n);
  });

  it("holds a new attempt for 2 × failover-timeout after the last start, noting it once", () => {
    const h = new Harness();
    const master = h.addMaster(0, { failoverTimeout: 60_000 });
    markOdown(master, T0);
    master.failoverStartTime = T0;
    expect(startFailoverIfNeeded(h.at(T0 + 119_999), master)).to.equal(false);
    expect(master.failoverDelayLogged).to.equal(true);
    expect(h.take().events).to.deep.equal([]);
    expect(startFailoverIfNeeded(h.at(T0 + 120_000), master)).to.equal(true);
    expect(master.failoverDelayLogged).to.equal(false);
  });

  it("logs Redis's Next failover delay line once per start time, with the time left", () => {
    const h = new Harness();
    const master = h.addMaster(0, { failoverTimeout: 60_000 });
    markOdown(master, T0);
    master.failoverStartTime = T0;
    startFailoverIfNeeded(h.at(T0 + 20_000), master);
    expect(h.take().logs).to.deep.equal([{ kind: "failover-delay", at: 0, waitMs: 100_000 }]);
    startFailoverIfNeeded(h.at(T0 + 30_000), master);
    expect(h.take().logs).to.deep.equal([]);
  });

  it("holds the attempt when the start time was set by a vote in the future", () => {
    const h = new Harness();
    const master = h.addMaster(0);
    markOdown(master, T0);
    master.failoverStartTime = T0 + 900;
    expect(startFailoverIfNeeded(h.at(T0), master)).to.equal(false);
  });

  it("treats a start time of 0 as never, even when the monotonic clock is small", () => {
    const h = new Harness();
    const master = h.addMaster(0);
    markOdown(master, 10);
    expect(startFailoverIfNeeded(h.at(10), master)).to.equal(true);
  });
});

describe("forceFailover", () => {
  it("answers INPROG while a failover is in progress", () => {
    const h = new Harness();
    const master = h.addMaster(0);
    h.addReplica(T0, master, "10.0.0.2", 6379);
    master.flags.add("failover_in_progress");
    master.failoverState = "wait_start";
    expect(forceFailover(h.at(T0), master)).to.deep.equal({
      kind: "error",
      message: "INPROG Failover already in progress",
    });
  });

  it("answers NOGOODSLAVE when no replica could be promoted now", () => {
    const h = new Harness();
    const master = h.addMaster(0);
    h.addReplica(T0, master, "10.0.0.2", 6379, { slavePriority: 0 });
    expect(forceFailover(h.at(T0), master)).to.deep.equal({
      kind: "error",
      message: "NOGOODSLAVE No suitable replica to promote",
    });
    expect(master.failoverState).to.equal("none");
    expect(h.state.currentEpoch).to.equal(0n);
  });

  it("starts without ODOWN and despite the gate, flagged force_failover, bumping the epoch", () => {
    const h = new Harness();
    const master = h.addMaster(0);
    h.addReplica(T0, master, "10.0.0.2", 6379);
    master.failoverStartTime = T0 - 10;
    expect(forceFailover(h.at(T0), master)).to.deep.equal({ kind: "ok" });
    expect([...master.flags].sort()).to.deep.equal(["failover_in_progress", "force_failover"]);
    expect(master.failoverState).to.equal("wait_start");
    expect(h.state.currentEpoch).to.equal(1n);
    expect(master.failoverEpoch).to.equal(1n);
    const ready = h.take();
    expect(eventLines(ready)).to.deep.equal(["+new-epoch 1", TRY]);
    // Logged before +new-epoch, as sentinel.c does.
    expect(ready.logs).to.deep.equal([
      {
        kind: "text",
        at: 0,
        level: "warning",
        text: "Executing user requested FAILOVER of 'mymaster'",
      },
    ]);
  });
});

describe("abortFailover", () => {
  it("clears the failover flags, the candidate and the state but keeps the start time", () => {
    const h = new Harness();
    const master = h.addMaster(0);
    const replica = h.addReplica(T0, master, "10.0.0.2", 6379);
    master.flags.add("failover_in_progress");
    master.flags.add("force_failover");
    master.failoverState = "wait_promotion";
    master.failoverStartTime = T0 - 5;
    master.promotedReplica = replica.name;
    replica.flags.add("promoted");
    abortFailover(h.at(T0), master);
    expect(master.flags.size).to.equal(0);
    expect(master.failoverState).to.equal("none");
    expect(master.failoverStateChangeTime).to.equal(T0);
    expect(master.failoverStartTime).to.equal(T0 - 5);
    expect(master.promotedReplica).to.equal(null);
    expect(replica.flags.has("promoted")).to.equal(false);
  });

  it("refuses to abort once the promotion is confirmed", () => {
    const h = new Harness();
    const master = h.addMaster(0);
    master.flags.add("failover_in_progress");
    master.failoverState = "reconf_slaves";
    expect(() => {
      abortFailover(h.at(T0), master);
    }).to.throw(/abort/);
  });

  it("refuses to abort when no failover is in progress", () => {
    const h = new Harness();
    const master = h.addMaster(0);
    expect(() => {
      abortFailover(h.at(T0), master);
    }).to.throw(/no failover/);
  });
});

describe("no failover as a partition heals (heal-hold.ts)", () => {
  /** ODOWN master whose command connection has a PING unanswered since before the cut. */
  function cutOff(): { h: Harness; master: ReturnType<Harness["addMaster"]> } {
    const h = new Harness();
    const master = h.addMaster(0, { downAfterPeriod: 30_000 });
    markOdown(master, T0);
    master.link.cmdConnected = true;
    master.link.actPingTime = T0 - 40_000;
    const peer = h.addPeer(0, master, "b".repeat(40), 26380);
    peer.flags.add("s_down");
    peer.sDownSinceTime = T0 - 10_000;
    // The peer answers again this very tick: the partition healed.
    peer.link.lastAvailTime = T0;
    return { h, master };
  }

  it("does not stand within a ping period of a peer coming back, and remakes a stalled master connection", () => {
    const { h, master } = cutOff();
    expect(startFailoverIfNeeded(h.at(T0), master)).to.equal(false);
    const ready = h.take();
    expect(ready.commands).to.deep.include({ type: "close", link: master.link.id, conn: "cmd" });
    // Woken at once to reconnect.
    expect(ready.wakeAt).to.equal(T0);
    expect(startFailoverIfNeeded(h.at(T0 + 999), master)).to.equal(false);
    // Our own SDOWN held past the ping period: the master is down, stand.
    expect(startFailoverIfNeeded(h.at(T0 + 1000), master)).to.equal(true);
  });

  it("does not hold when no peer came back", () => {
    const h = new Harness();
    const master = h.addMaster(0);
    markOdown(master, T0);
    expect(startFailoverIfNeeded(h.at(T0), master)).to.equal(true);
  });
});

// Proves epochs stay exact 64-bit integers (issue 13 item 2): a hello's epoch fields read like
// sentinel.c's strtoull but only within [0, 2^63-1], config-line epochs as plain decimals, and a
// hello carrying 2^53+1 is adopted, announced, voted with and persisted without rounding.
import { expect } from "chai";
import { EPOCH_MAX, helloEpoch, parseEpochText } from "../../../../src/core/basics/epoch.js";
import {
  forceFailover,
  startFailoverIfNeeded,
} from "../../../../src/core/failover/failover-state.js";
import { parseHello } from "../../../../src/core/monitor/hello.js";
import { Driver, PEER_A, eventLines, hello } from "../core-driver.js";
import { Harness, markOdown } from "../failover-fixture.js";

const BIG = "9007199254740993"; // 2^53 + 1: a number would read 9007199254740992

describe("epoch: reading hello fields", () => {
  it("reads strtoull's prefix of digits, exactly", () => {
    expect(["0", "7", BIG, "9223372036854775807"].map(helloEpoch)).to.deep.equal([
      0n,
      7n,
      9007199254740993n,
      EPOCH_MAX,
    ]);
    expect(["12abc", " 5", "+6", "", "x", "-0", "-"].map(helloEpoch)).to.deep.equal([
      12n,
      5n,
      6n,
      0n,
      0n,
      0n,
      0n,
    ]);
  });

  it("returns the same value for a field read again (the cache)", () => {
    expect(helloEpoch(BIG)).to.equal(9007199254740993n);
    expect(helloEpoch("3")).to.equal(3n);
    expect(helloEpoch(BIG)).to.equal(9007199254740993n);
    expect(helloEpoch("3")).to.equal(3n);
  });

  it("refuses what is outside int64 or negative (strtoull would wrap it)", () => {
    const outside = ["9223372036854775808", "18446744073709551615", "99999999999999999999", "-1"];
    expect(outside.map(helloEpoch)).to.deep.equal([null, null, null, null]);
  });

  it("voids a hello with such an epoch in either field", () => {
    const id = "a".repeat(40);
    expect(parseHello(`10.0.0.9,26379,${id},9223372036854775808,m,10.0.0.1,6379,0`)).to.equal(null);
    expect(parseHello(`10.0.0.9,26379,${id},0,m,10.0.0.1,6379,-5`)).to.equal(null);
    expect(parseHello(`10.0.0.9,26379,${id},${BIG},m,10.0.0.1,6379,${BIG}`)).to.include({
      currentEpoch: 9007199254740993n,
      masterConfigEpoch: 9007199254740993n,
    });
  });
});

describe("epoch: config lines", () => {
  it("reads decimals within [0, 2^63-1] exactly, and nothing else", () => {
    expect(["0", "+5", BIG, "9223372036854775807"].map(parseEpochText)).to.deep.equal([
      0n,
      5n,
      9007199254740993n,
      EPOCH_MAX,
    ]);
    const bad = ["9223372036854775808", "-1", "", "1e3", "12abc", " 1"];
    expect(bad.map(parseEpochText)).to.deep.equal(bad.map(() => null));
  });
});

describe("epoch: a hello of 2^53+1 through the core", () => {
  it("adopts, announces and persists the exact epochs", () => {
    const d = new Driver();
    d.take();
    d.step({
      type: "hello-received",
      via: "master:mymaster",
      payload: hello(PEER_A, "10.0.1.1", 26379, BIG, "mymaster", "10.0.0.1", 6379, BIG),
    });
    const ready = d.take();
    expect(eventLines(ready)).to.include(`+new-epoch ${BIG}`);
    expect(d.state.currentEpoch).to.equal(9007199254740993n);
    expect(d.master().configEpoch).to.equal(9007199254740993n);
    expect(ready.persist?.currentEpoch).to.equal(9007199254740993n);
  });

  it("votes in the exact requested epoch and replies with it", () => {
    const d = new Driver();
    d.take();
    d.step({
      type: "is-master-down-request",
      requestId: 1,
      ip: "10.0.0.1",
      port: 6379,
      epoch: 9007199254740993n,
      runId: PEER_A,
    });
    const ready = d.take();
    expect(ready.replies[0]).to.include({ leader: PEER_A, leaderEpoch: 9007199254740993n });
    expect(eventLines(ready)).to.include(`+vote-for-leader ${PEER_A} ${BIG}`);
    expect(ready.persist?.masters[0]?.leaderEpoch).to.equal(9007199254740993n);
  });

  it("ignores a hello whose epoch is beyond int64: no peer, no epoch", () => {
    const d = new Driver();
    d.take();
    d.step({
      type: "hello-received",
      via: "master:mymaster",
      payload: hello(PEER_A, "10.0.1.1", 26379, "9223372036854775808"),
    });
    expect(eventLines(d.take())).to.deep.equal([]);
    expect(d.state.currentEpoch).to.equal(0n);
    expect(d.master().sentinels.size).to.equal(0);
  });

  it("starts no failover once the epoch is 2^63-1 (the next one would leave int64)", () => {
    const h = new Harness();
    h.state.currentEpoch = EPOCH_MAX;
    const master = h.addMaster(0);
    markOdown(master, 1_000_000);
    expect(startFailoverIfNeeded(h.at(1_000_000), master)).to.equal(false);
    expect(forceFailover(h.at(1_000_000), master)).to.deep.equal({
      kind: "error",
      message: "ERR No epoch left after 9223372036854775807 to fail over in",
    });
    expect(h.state.currentEpoch).to.equal(EPOCH_MAX);
    expect(master.failoverState).to.equal("none");
    expect(h.take().events).to.deep.equal([]);
  });
});

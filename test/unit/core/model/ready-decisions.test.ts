// Proves that the Ready carries the decisions the shell used to re-derive from the state
// (docs/ARCHITECTURE.md, "Ready"): `wakeAt` (a tick at once after a peer's reply, none after the
// failover states a tick runs on entry, one at the candidate time, and both at once and
// just past down-after when a connected master's link drops), each connect's timeout, and the
// notification-script jobs of warning events.
import { expect } from "chai";
import { onIsMasterDownReply } from "../../../../src/core/detection/ask-peers.js";
import {
  runFailoverStates,
  startFailoverIfNeeded,
} from "../../../../src/core/failover/failover-state.js";
import { ReadyBuilder } from "../../../../src/core/model/context.js";
import type { Input } from "../../../../src/core/model/inputs.js";
import { connectTimeout } from "../../../../src/core/records/link-health.js";
import {
  Driver,
  downAfter,
  masterConfig,
  pong,
  sentinelConfig,
  twoReplicas,
} from "../core-driver.js";
import {
  CyclingRandom,
  Harness,
  MY_ID,
  PEER_B,
  PEER_C,
  eventTypes,
  markOdown,
} from "../failover-fixture.js";

const T0 = 1_000_000;
const M = "master:mymaster";
const CLOSED: Input = { type: "link-closed", link: M, conn: "cmd", reason: "connection closed" };

/** Three sentinels, two replicas, the master ODOWN at T0 (random draws as given). */
function odown(random = new CyclingRandom([0])) {
  const h = new Harness(undefined, random);
  const master = h.addMaster(0);
  h.addPeer(0, master, PEER_B, 26380);
  h.addPeer(0, master, PEER_C, 26381);
  h.addReplica(T0, master, "10.0.0.2", 6379);
  markOdown(master, T0);
  return { h, master };
}

describe("Ready.wakeAt", () => {
  it("runs select_slave and send_slaveof_noone in the tick that enters them, with no tick at once after", () => {
    const { h, master } = odown();
    // Both peers said "not down" since our SDOWN began: we are first in the candidate order.
    master.sDownSinceTime = T0 - 1000;
    for (const id of [PEER_B, PEER_C]) master.sentinels.get(id)!.lastMasterDownReplyTime = T0 - 100;
    expect(startFailoverIfNeeded(h.at(T0), master)).to.equal(true);
    runFailoverStates(h.at(T0), master);
    // wait_start, not elected yet: nothing to hurry.
    expect(h.take().wakeAt).to.equal(null);
    const peer = master.sentinels.get(PEER_B)!;
    peer.leader = MY_ID;
    peer.leaderEpoch = 1n;
    runFailoverStates(h.at(T0 + 100), master);
    // Elected, replica selected and SLAVEOF NO ONE sent in one tick; wait_promotion waits for
    // the replica's INFO: no tick at once.
    expect(master.failoverState).to.equal("wait_promotion");
    const ready = h.take();
    expect(eventTypes(ready)).to.deep.equal([
      "+elected-leader",
      "+failover-state-select-slave",
      "+selected-slave",
      "+failover-state-send-slaveof-noone",
      "+failover-state-wait-promotion",
    ]);
    expect(ready.commands.map((c) => c.type)).to.include("replicaof");
    expect(ready.wakeAt).to.equal(null);
  });

  it("leaves a selection waiting for fresh INFO to later ticks", () => {
    const { h, master } = odown();
    master.sDownSinceTime = T0 - 1000;
    for (const id of [PEER_B, PEER_C]) master.sentinels.get(id)!.lastMasterDownReplyTime = T0 - 100;
    expect(startFailoverIfNeeded(h.at(T0), master)).to.equal(true);
    runFailoverStates(h.at(T0), master);
    h.take();
    const peer = master.sentinels.get(PEER_B)!;
    peer.leader = MY_ID;
    peer.leaderEpoch = 1n;
    // The replica's INFO is older than a selection accepts while the master is SDOWN.
    for (const replica of master.replicas.values()) replica.infoRefresh = T0 - 60_000;
    runFailoverStates(h.at(T0 + 100), master);
    expect(master.failoverState).to.equal("select_slave");
    expect(eventTypes(h.take())).to.deep.equal(["+elected-leader", "+failover-state-select-slave"]);
  });

  it("asks for a tick at the candidate time drawn on ODOWN", () => {
    const { h, master } = odown(new CyclingRandom([200]));
    expect(startFailoverIfNeeded(h.at(T0), master)).to.equal(false);
    // Second in the candidate order: one candidate delay (250) plus the draw.
    expect(h.take().wakeAt).to.equal(T0 + 450);
  });

  it("asks for a tick at once after a peer's is-master-down-by-addr reply", () => {
    const { h, master } = odown();
    const peer = master.sentinels.get(PEER_B)!;
    onIsMasterDownReply(h.at(T0), peer.link.id, "mymaster", {
      down: true,
      leader: "*",
      leaderEpoch: 0n,
    });
    expect(h.take().wakeAt).to.equal(T0);
  });

  it("asks for a tick at once and one past down-after when a connected master's link drops", () => {
    const d = downAfter(1500);
    d.tickAndConnect();
    d.step(pong(M));
    expect(d.take().wakeAt).to.equal(null);
    d.step(CLOSED);
    const dropped = d.now;
    expect(d.take().wakeAt).to.equal(dropped);
    // The tick at once is had: the later wish remains.
    expect(d.tick(0).wakeAt).to.equal(dropped + 1501);
    // A refused reconnect of a link that was not connected asks for nothing more.
    d.step({ ...CLOSED, reason: "connect ECONNREFUSED" });
    expect(d.take().wakeAt).to.equal(dropped + 1501);
    d.now = dropped + 1501;
    d.step({ type: "tick", wallNow: d.now + d.wallOffset });
    expect(d.take().wakeAt).to.equal(null);
  });
});

describe("Ready.wakeAt: SDOWN of a master that stops answering", () => {
  it("asks for a tick just past down-after once a master's PING is unanswered nearly that long", () => {
    const d = downAfter(1000);
    d.acceptConnects(d.tick());
    d.step(pong(M));
    d.take();
    // The master answers nothing from now on (a frozen process): every Ready until SDOWN.
    const wishes: (number | null)[] = [];
    let sdownAt = 0;
    for (let i = 0; i < 30 && sdownAt === 0; i++) {
      const ready = d.acceptConnects(d.tick(70));
      if (d.master().flags.has("s_down")) sdownAt = d.now;
      else wishes.push(ready.wakeAt);
    }
    const link = d.master().link;
    expect(link.actPingTime, "a PING is unanswered").to.not.equal(0);
    const due = link.actPingTime + 1001;
    // Only within one regular tick's gap (100 ms) of the threshold, and then exactly at it.
    expect([...new Set(wishes.filter((w) => w !== null))]).to.deep.equal([due]);
    expect(wishes.indexOf(due), "not before the tick within 100 ms of it").to.equal(
      wishes.length - 2,
    );
    // The driver ticks every 70 ms: the executor would have ticked at `due`.
    expect(sdownAt).to.be.within(due, due + 69);
  });

  it("asks for nothing while the master answers", () => {
    const d = downAfter(1000);
    d.acceptConnects(d.tick());
    for (let i = 0; i < 40; i++) {
      d.step(pong(M));
      expect(d.tick(70).wakeAt).to.equal(null);
    }
  });
});

describe("Ready.tickRecords", () => {
  it("counts the records a tick visits: masters, their replicas and peers", () => {
    const d = new Driver(
      sentinelConfig([
        masterConfig("m1", "10.0.0.1", 6379, {
          knownReplicas: twoReplicas(),
          knownSentinels: [
            { addr: { ip: "10.0.1.1", port: 26379 }, runId: PEER_B },
            { addr: { ip: "10.0.1.2", port: 26379 }, runId: PEER_C },
          ],
        }),
        masterConfig("m2", "10.0.2.1", 6379),
      ]),
    );
    expect(d.take().tickRecords, "no tick yet").to.equal(0);
    expect(d.tick().tickRecords).to.equal(1 + 2 + 2 + 1);
  });
});

describe("Ready: connect timeouts and notification jobs", () => {
  it("gives each connect its master's down-after, within 100 ms … 10 s", () => {
    for (const [downAfter, expected] of [
      [1500, 1500],
      [50, 100],
      [60_000, 10_000],
    ] as const) {
      const d = new Driver(
        sentinelConfig([
          masterConfig("mymaster", "10.0.0.1", 6379, { settings: { downAfterPeriod: downAfter } }),
        ]),
      );
      d.take();
      const connects = d.tick().commands.filter((c) => c.type === "connect");
      expect(connects).to.have.length.greaterThan(0);
      for (const c of connects) expect(c).to.include({ connectTimeoutMs: expected });
    }
  });

  it("gives a peer's link the smallest down-after of all masters", () => {
    const h = new Harness();
    const master = h.addMaster(0, { downAfterPeriod: 5000 });
    h.addMaster(0, { downAfterPeriod: 700 }, "other", "10.0.0.9");
    const peer = h.addPeer(0, master, PEER_B, 26380);
    expect(connectTimeout(h.at(0), peer, master)).to.equal(700);
    expect(connectTimeout(h.at(0), master, master)).to.equal(5000);
  });

  it("queues the master's notification-script for its warning events only", () => {
    const d = new Driver(
      sentinelConfig([
        masterConfig("mymaster", "10.0.0.1", 6379, {
          settings: { downAfterPeriod: 1000, notificationScript: "/bin/notify" },
        }),
      ]),
    );
    const first = d.take();
    // +monitor is a warning: its job is there, in event order.
    expect(first.notifications).to.deep.equal([
      {
        kind: "notification",
        master: "mymaster",
        path: "/bin/notify",
        args: ["+monitor", "master mymaster 10.0.0.1 6379 quorum 2"],
      },
    ]);
    const readies = d.run(d.now + 1500);
    const events = readies.flatMap((r) => r.events);
    const jobs = readies.flatMap((r) => r.notifications);
    const warnings = events.filter((e) => e.level === "warning");
    expect(warnings.map((e) => e.type)).to.include("+sdown");
    expect(jobs.map((j) => j.args)).to.deep.equal(warnings.map((e) => [e.type, e.text]));
    // Not for other levels, nor for events of no master, nor without a script.
    const out = new ReadyBuilder((master) => (master === "m" ? "/bin/notify" : ""));
    out.event("+slave", "slave 10.0.0.2:6379 10.0.0.2 6379 @ m 10.0.0.1 6379", "m");
    out.event("+tilt", "#tilt mode entered", null);
    out.event("+sdown", "master other 10.0.0.9 6379", "other");
    out.event("+sdown", "master m 10.0.0.1 6379", "m");
    const ready = out.take(() => {
      throw new Error("no persist");
    });
    expect(ready.notifications.map((j) => j.args)).to.deep.equal([
      ["+sdown", "master m 10.0.0.1 6379"],
    ]);
  });
});

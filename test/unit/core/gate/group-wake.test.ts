// Proves which gates an input voids (src/core/gate/quiet-gate.ts: wakeAfterInput): a peer's
// vote request or is-master-down answer, a tick's +sdown and a dead master's reconnection event
// void the gates of their master's group only; the other masters' groups keep theirs (at a
// thousand masters each voided gate is a record the next tick walks again).
import { expect } from "chai";
import { isGroupQuiet } from "../../../../src/core/gate/quiet-gate.js";
import type { Ready } from "../../../../src/core/model/ready.js";
import type { MasterState } from "../../../../src/core/model/state.js";
import { CONNECTION_REFUSED } from "../../../../src/core/index.js";
import { Driver, PEER_A, masterInfo, pong, info, sharingPeerA } from "../core-driver.js";

/** Answers one Ready's commands at once, but those of `silent` (its link only) are never answered. */
function answer(d: Driver, ready: Ready, silent: string | null): void {
  for (const c of ready.commands) {
    if (c.type === "connect") {
      if (c.link !== silent) {
        d.step({ type: "link-connected", link: c.link, conn: c.conn, localIp: "127.0.0.1" });
      }
      continue;
    }
    if (!("link" in c) || c.link === silent) continue;
    if (c.type === "ping") d.step(pong(c.link));
    else if (c.type === "info")
      d.step(info(c.link, masterInfo(c.link.endsWith("m2") ? "2".repeat(40) : "1".repeat(40), [])));
    else if (c.type === "publish-hello") {
      d.step({ type: "publish-reply", link: c.link, ok: true });
      // The master's pub/sub connection hears its own hello: the link is alive.
      d.step({ type: "hello-received", via: c.link, payload: c.payload });
    }
  }
}

/** Ticks until the group of `master` is passed over at the next instant (bounded). */
function untilGroupQuiet(d: Driver, master: MasterState, silent: string | null = null): void {
  for (let i = 0; i < 100 && !isGroupQuiet(d.state, master, d.now + 1); i++) {
    answer(d, d.tick(), silent);
    d.take();
  }
  expect(isGroupQuiet(d.state, master, d.now + 1), `${master.name}'s group quiet`).to.equal(true);
}

/** Two masters, m1 and m2, sharing peer A; every link answered for 5 s. */
function healthyPair(): { d: Driver; m1: MasterState; m2: MasterState; peerLink: string } {
  const d = new Driver(sharingPeerA("m1"));
  d.take();
  for (let i = 0; i < 50; i++) {
    answer(d, d.tick(), null);
    d.take();
  }
  const m1 = d.master("m1");
  const m2 = d.master("m2");
  const peer = m1.sentinels.get(PEER_A) ?? [...m1.sentinels.values()][0];
  if (peer === undefined) throw new Error("no peer record");
  return { d, m1, m2, peerLink: peer.link.id };
}

describe("quiet gate: what an input voids", () => {
  it("a peer's is-master-down answer about m1 voids m1's group, not m2's", () => {
    const { d, m1, m2, peerLink } = healthyPair();
    untilGroupQuiet(d, m2);
    untilGroupQuiet(d, m1);
    d.step({
      type: "is-master-down-reply",
      link: peerLink,
      master: "m1",
      reply: { down: true, leader: "*", leaderEpoch: 0n },
    });
    expect(isGroupQuiet(d.state, m1, d.now + 1)).to.equal(false);
    expect(isGroupQuiet(d.state, m2, d.now + 1)).to.equal(true);
  });

  it("a peer's vote request about m1 (a new epoch, a vote, a flush) voids m1's group, not m2's", () => {
    const { d, m1, m2 } = healthyPair();
    untilGroupQuiet(d, m2);
    d.step({
      type: "is-master-down-request",
      requestId: 1,
      ip: m1.addr.ip,
      port: m1.addr.port,
      epoch: 1n,
      runId: PEER_A,
    });
    const ready = d.take();
    expect(ready.events.map((e) => e.type)).to.include("+vote-for-leader");
    expect(ready.persist).to.not.equal(null);
    expect(isGroupQuiet(d.state, m1, d.now + 1)).to.equal(false);
    expect(isGroupQuiet(d.state, m2, d.now + 1)).to.equal(true);
  });

  it("m1's +sdown at a tick and its link's reconnection events void m1's group, not m2's", () => {
    const { d, m1, m2 } = healthyPair();
    const m1Link = m1.link.id;
    /** Whether `step` voided m1's gates, and whether it voided m2's (or every gate). */
    const voids = (step: () => void): { m1: boolean; m2: boolean } => {
      const all = d.state.gateReset;
      const [r1, r2] = [m1.groupReset, m2.groupReset];
      step();
      const every = d.state.gateReset !== all;
      return { m1: every || m1.groupReset !== r1, m2: every || m2.groupReset !== r2 };
    };
    // m1 stops answering; m2 and the peer go on. Our closes of its link are answered, and every
    // reconnection attempt is refused.
    let sdownSeen = false;
    let refusalSeen = false;
    for (let i = 0; i < 400 && !(sdownSeen && refusalSeen); i++) {
      let ready: Ready | undefined;
      const atTick = voids(() => (ready = d.tick()));
      if (ready === undefined) throw new Error("no tick");
      if (ready.events.some((e) => e.type === "+sdown" && e.text.startsWith("master m1"))) {
        expect(atTick, "the +sdown tick").to.deep.equal({ m1: true, m2: false });
        sdownSeen = true;
      }
      answer(d, ready, m1Link);
      for (const c of ready.commands) {
        if (c.type === "close" && c.link === m1Link) {
          const conns = c.conn === "both" ? (["cmd", "pubsub"] as const) : [c.conn];
          for (const conn of conns) d.step({ type: "link-closed", link: m1Link, conn, reason: "" });
        }
      }
      for (const c of ready.commands) {
        if (c.type !== "connect" || c.link !== m1Link) continue;
        const refused = voids(() =>
          d.step({ type: "link-closed", link: m1Link, conn: c.conn, reason: CONNECTION_REFUSED }),
        );
        const events = d.take().events.map((e) => e.type);
        if (!events.some((t) => t.endsWith("-link-reconnection"))) continue;
        expect(refused, "a refused reconnection").to.deep.equal({ m1: true, m2: false });
        refusalSeen = true;
      }
      d.take();
    }
    expect(sdownSeen, "m1's +sdown").to.equal(true);
    expect(refusalSeen, "a refused reconnection with its event").to.equal(true);
  });
});

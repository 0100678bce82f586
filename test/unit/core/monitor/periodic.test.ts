// Proves the periodic traffic of docs/PROTOCOL.md §2.4 on a virtual clock: INFO every 10 s
// (1 s for replicas of a master in trouble or reporting role master, timing.failoverInfoPeriod for the replicas of our own
// failover), PING by min(down-after, 1 s), hellos every 2 s with the exact 8-field payload (an unanswered one re-sent after a ping period), the
// pending-command cap, and publish replies advancing the right record's clock on shared links.
import { expect } from "chai";
import {
  Driver,
  MY_ID,
  PEER_A,
  commandsOf,
  info,
  masterConfig,
  masterInfo,
  pong,
  replicaInfo,
  sentinelConfig,
  twoReplicas,
  sharingPeerA,
} from "../core-driver.js";
import type { Ready } from "../../../../src/core/model/ready.js";
import { DEFAULT_TIMING, pingPeriodFor } from "../../../../src/core/model/timing.js";

const M = "master:mymaster";

function connected(config = sentinelConfig(), options = {}): Driver {
  const d = new Driver(config, options);
  d.take();
  d.tickAndConnect();
  d.step(pong(M));
  d.take();
  return d;
}

/**
 * A failover set up by hand comes without the events a real one writes, which void every quiet
 * gate (core/gate/quiet-gate.ts: wakeAfterInput): void them as those events would.
 */
function voidGates(d: Driver): void {
  d.state.gateClock += 1;
  d.state.gateReset = d.state.gateClock;
}

describe("periodic: INFO", () => {
  it("asks a new master for INFO on the first tick after connecting, then every 10 s after an answer (at most 500 ms early, along with a PING)", () => {
    const d = connected();
    const times: number[] = [];
    for (let i = 0; i < 220; i++) {
      const r = d.tick();
      if (commandsOf(r, "info").length > 0) {
        times.push(d.now);
        d.step(info(M, masterInfo("1".repeat(40))));
      }
      if (commandsOf(r, "ping").length > 0) d.step(pong(M));
      // Our own hellos echo back on the pub/sub connection and keep it alive.
      for (const h of commandsOf(r, "publish-hello")) {
        d.step({ type: "publish-reply", link: M, ok: true });
        d.step({ type: "hello-received", via: M, payload: h.payload });
      }
      d.take();
    }
    expect(times[0]).to.equal(1200);
    expect(times).to.have.length(3);
    for (let i = 1; i < times.length; i++) {
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).to.be.within(9_500, 10_100);
    }
  });

  it("waits for the INFO in flight, and sends it again a ping period later while unanswered", () => {
    // sentinel.c timestamps only answers and so sends INFO every tick to a node slow to answer.
    const d = connected();
    const counts = d.run(d.now + 1500).map((r) => commandsOf(r, "info").length);
    expect(counts).to.deep.equal([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    // An answer, even an error, ends the wait; a dropped connection forgets the INFO in flight.
    d.step({ type: "info-reply", link: M, reply: { kind: "error", text: "LOADING" } });
    expect(commandsOf(d.tick(), "info")).to.have.length(1);
    d.step({ type: "link-closed", link: M, conn: "cmd", reason: "" });
    expect(d.master().link.infoSentTime).to.equal(0);
  });

  const following = replicaInfo("2".repeat(40), "10.0.0.1", 6379);
  for (const [why, setup, reply] of [
    [
      "their master is failing over",
      (d: Driver) => d.master().flags.add("failover_in_progress"),
      following,
    ],
    [
      "they report their master link down",
      (d: Driver) => (d.master().replicas.get("10.0.0.2:6379")!.masterLinkDownTime = 5000),
      replicaInfo("2".repeat(40), "10.0.0.1", 6379, { downSince: 5 }),
    ],
    [
      "they report role master (Vigil: a returning old master, converted on an INFO reply)",
      (d: Driver) => (d.master().replicas.get("10.0.0.2:6379")!.roleReported = "master"),
      masterInfo("2".repeat(40)),
    ],
  ] as const) {
    it(`asks replicas every second while ${why}`, () => {
      const d = connected(
        sentinelConfig([
          masterConfig("mymaster", "10.0.0.1", 6379, {
            knownReplicas: [{ ip: "10.0.0.2", port: 6379 }],
          }),
        ]),
      );
      const R = "slave:mymaster:10.0.0.2:6379";
      setup(d);
      const times: number[] = [];
      for (let i = 0; i < 30; i++) {
        const r = d.tick();
        if (commandsOf(r, "info").some((c) => c.link === R)) {
          times.push(d.now);
          d.step({
            type: "info-reply",
            link: R,
            reply: { kind: "error", text: "NOAUTH Authentication required." },
          });
          d.step(info(R, reply));
        }
        d.take();
      }
      // The error reply refreshes nothing; the string reply right after it does. A PING that is
      // due takes the INFO along up to a quarter of its period early.
      expect(times[0]).to.equal(1200);
      expect(times).to.have.length(3);
      for (let i = 1; i < times.length; i++) {
        expect((times[i] ?? 0) - (times[i - 1] ?? 0)).to.be.within(750, 1_100);
      }
    });
  }

  it("asks our promotion candidate every failoverInfoPeriod while we wait for the promotion", () => {
    const d = connected(
      sentinelConfig([
        masterConfig("mymaster", "10.0.0.1", 6379, {
          knownReplicas: [{ ip: "10.0.0.2", port: 6379 }],
        }),
      ]),
      { timing: { failoverInfoPeriod: 100 } },
    );
    const R = "slave:mymaster:10.0.0.2:6379";
    const warm = d.tick();
    d.acceptConnects(warm);
    // The replica answers the INFO it got on connecting.
    if (commandsOf(warm, "info").some((c) => c.link === R)) d.step(info(R, "role:slave\r\n"));
    d.take();
    const m = d.master();
    const replica = m.replicas.get("10.0.0.2:6379");
    if (replica === undefined) throw new Error("no replica");
    m.flags.add("failover_in_progress");
    m.failoverState = "wait_promotion";
    m.promotedReplica = replica.name;
    replica.flags.add("promoted");
    voidGates(d);
    let asked = 0;
    for (let i = 0; i < 10; i++) {
      const r = d.tick(50);
      if (commandsOf(r, "info").some((c) => c.link === R)) {
        asked++;
        d.step(info(R, "role:slave\r\n"));
        d.take();
      }
    }
    // Answered each time, so asked every 100 ms (strictly older than the period) within 500 ms.
    expect(asked).to.be.within(3, 4);
  });
});

describe("periodic: one write per link", () => {
  it("sends the hello and the INFO in the tick of a due PING once they lock onto it", () => {
    const d = connected();
    const ticks: string[][] = [];
    for (let i = 0; i < 400; i++) {
      const r = d.tick(50 + (i % 5) * 10);
      const types = r.commands.map((c) => c.type).sort();
      if (types.length > 0) ticks.push(types);
      if (commandsOf(r, "info").length > 0) d.step(info(M, masterInfo("1".repeat(40))));
      if (commandsOf(r, "ping").length > 0) d.step(pong(M));
      for (const h of commandsOf(r, "publish-hello")) {
        d.step({ type: "publish-reply", link: M, ok: true });
        d.step({ type: "hello-received", via: M, payload: h.payload });
      }
      d.take();
    }
    // After the first few seconds every tick that sends anything sends a PING with it.
    const late = ticks.slice(10);
    expect(late.length).to.be.greaterThan(15);
    for (const types of late) expect(types).to.include("ping");
    expect(late.filter((t) => t.includes("publish-hello")).length).to.be.greaterThan(5);
  });
});

describe("periodic: INFO right behind our SLAVEOF", () => {
  const R1 = "slave:mymaster:10.0.0.2:6379";
  const R2 = "slave:mymaster:10.0.0.3:6379";

  function inFailover(): Driver {
    const d = connected(
      sentinelConfig([
        masterConfig("mymaster", "10.0.0.1", 6379, { knownReplicas: twoReplicas() }),
      ]),
      { timing: { failoverInfoPeriod: 100 } },
    );
    d.acceptConnects(d.tick());
    // Both replicas answered INFO just now: no periodic INFO is due for 100 ms.
    d.step(info(R1, "role:slave\r\n"));
    d.step(info(R2, "role:slave\r\n"));
    d.take();
    const m = d.master();
    const promoted = m.replicas.get("10.0.0.2:6379");
    if (promoted === undefined) throw new Error("no replica");
    m.flags.add("failover_in_progress");
    m.promotedReplica = promoted.name;
    promoted.flags.add("promoted");
    voidGates(d);
    return d;
  }

  function linkOrder(ready: ReturnType<Driver["tick"]>, link: string): string[] {
    return ready.commands.filter((c) => "link" in c && c.link === link).map((c) => c.type);
  }

  it("asks the promotion candidate for INFO in the tick that sends it SLAVEOF NO ONE", () => {
    const d = inFailover();
    const m = d.master();
    m.failoverState = "send_slaveof_noone";
    m.failoverStateChangeTime = d.now;
    const r = d.tick(5);
    expect(m.failoverState).to.equal("wait_promotion");
    expect(linkOrder(r, R1)).to.deep.equal(["replicaof", "info"]);
    // Not again in a later tick before the period, once answered.
    d.step(info(R1, "role:slave\r\n"));
    d.take();
    expect(commandsOf(d.tick(5), "info").some((c) => c.link === R1)).to.equal(false);
  });

  it("asks a replica being reconfigured for INFO in the tick that sends it SLAVEOF", () => {
    const d = inFailover();
    const m = d.master();
    m.failoverState = "reconf_slaves";
    m.failoverStateChangeTime = d.now;
    const r = d.tick(5);
    expect(linkOrder(r, R2)).to.deep.equal(["replicaof", "info"]);
  });
});

describe("periodic: PING", () => {
  it("pings once per second while answered", () => {
    const d = connected();
    const pingTimes: number[] = [];
    for (let i = 0; i < 30; i++) {
      const r = d.tick();
      if (commandsOf(r, "ping").length > 0) {
        pingTimes.push(d.now);
        d.step(pong(M));
        d.take();
      }
    }
    // Once a second, or up to half a second early when a hello that just came due takes the
    // PING along.
    expect(pingTimes[0]).to.equal(2200);
    expect(pingTimes).to.have.length(2);
    expect((pingTimes[1] ?? 0) - (pingTimes[0] ?? 0)).to.be.within(600, 1_100);
  });

  it("pings every quarter of down-after (at least 100 ms) when that is below one second", () => {
    const d = connected(
      sentinelConfig([
        masterConfig("mymaster", "10.0.0.1", 6379, { settings: { downAfterPeriod: 400 } }),
      ]),
    );
    let pings = 0;
    for (let i = 0; i < 20; i++) {
      if (commandsOf(d.tick(), "ping").length > 0) {
        pings++;
        d.step(pong(M));
        d.take();
      }
    }
    // Period 100 ms (a quarter of 400 is below the floor), ticks of 100 ms: a PING every
    // second tick, as "due" means more than a period since the last reply (Redis: every 400 ms).
    expect(pings).to.equal(10);
  });

  it("takes a quarter of down-after as PING period, 100 ms at least, down-after at most, 1 s above", () => {
    const t = { ...DEFAULT_TIMING };
    const periods = [30_000, 4000, 3999, 1000, 500, 400, 100, 60].map((a) => pingPeriodFor(t, a));
    expect(periods).to.deep.equal([1000, 1000, 1000, 250, 125, 100, 100, 60]);
    // SENTINEL DEBUG PING-PERIOD still caps it.
    expect(pingPeriodFor({ ...t, pingPeriod: 200 }, 30_000)).to.equal(200);
    expect(pingPeriodFor({ ...t, pingPeriod: 200 }, 1000)).to.equal(200);
  });

  it("pings every quarter of down-after below 4 s, and every second from 4 s up", () => {
    for (const [downAfter, expected] of [
      [2000, 4], // period 500 ms: a PING every 6 ticks of 100 ms
      [4000, 2], // period 1000 ms, Redis's: every 11 ticks
      [30_000, 2],
    ] as const) {
      const d = connected(
        sentinelConfig([
          masterConfig("mymaster", "10.0.0.1", 6379, { settings: { downAfterPeriod: downAfter } }),
        ]),
      );
      let pings = 0;
      for (let i = 0; i < 24; i++) {
        if (commandsOf(d.tick(), "ping").length > 0) {
          pings++;
          d.step(pong(M));
          d.take();
        }
      }
      expect(pings, `down-after ${downAfter}`).to.equal(expected);
    }
  });

  it("keeps act_ping_time at the oldest unanswered PING", () => {
    const d = connected();
    const link = d.master().link;
    d.run(d.now + 1500);
    const firstUnanswered = link.actPingTime;
    d.run(d.now + 2000);
    expect(link.actPingTime).to.equal(firstUnanswered);
    expect(link.lastPingTime).to.be.greaterThan(firstUnanswered);
  });
});

describe("periodic: hello", () => {
  it("publishes the 8-field hello through the master every 2 s once published", () => {
    const d = connected();
    let published: string[] = [];
    for (const r of d.run(d.now + 2500))
      published = published.concat(commandsOf(r, "publish-hello").map((c) => c.payload));
    expect(published[0]).to.equal(`127.0.0.1,26379,${MY_ID},0,mymaster,10.0.0.1,6379,0`);
  });

  it("uses announce-ip, announce-port, the server port and the current epoch", () => {
    const d = connected(
      sentinelConfig([masterConfig()], { currentEpoch: 4n, global: { announceIp: "1.2.3.4" } }),
      { port: 26380 },
    );
    let payloads: string[] = [];
    for (const r of d.run(d.now + 2500))
      payloads = payloads.concat(commandsOf(r, "publish-hello").map((c) => c.payload));
    expect(payloads[0]).to.equal(`1.2.3.4,26380,${MY_ID},4,mymaster,10.0.0.1,6379,0`);
    d.state.global = { ...d.state.global, announcePort: 5555 };
    // A forced hello, as failover/progress.ts asks for one.
    d.master().lastPubTime = 0;
    d.master().helloSentTime = 0;
    expect(commandsOf(d.tick(), "publish-hello")[0]?.payload).to.equal(
      `1.2.3.4,5555,${MY_ID},4,mymaster,10.0.0.1,6379,0`,
    );
  });

  it("re-publishes an unanswered hello after a ping period, and at once after an error reply", () => {
    const d = connected();
    const hellos = (rs: Ready[]): number =>
      rs.reduce((n, r) => n + commandsOf(r, "publish-hello").length, 0);
    // Due at 2 s; a due PING takes it along up to 500 ms early.
    expect(hellos(d.run(d.now + 1900))).to.equal(1);
    // Unanswered: not sent again within a ping period (sentinel.c would, at every tick).
    expect(hellos(d.run(d.now + 500))).to.equal(0);
    // An error reply does not count as published: the next tick publishes again.
    d.step({ type: "publish-reply", link: M, ok: false });
    expect(hellos([d.tick()])).to.equal(1);
    // Still no answer a ping period later: sent again.
    expect(hellos(d.run(d.now + 900))).to.equal(0);
    expect(hellos(d.run(d.now + 200))).to.equal(1);
    d.step({ type: "publish-reply", link: M, ok: true });
    d.step({ type: "publish-reply", link: M, ok: true });
    d.take();
    // Not again before 1.5 s: a due PING may take it along up to 500 ms early.
    expect(hellos(d.run(d.now + 1400))).to.equal(0);
  });

  it("sends a forced hello (new configuration) even behind an unanswered one, once", () => {
    const d = connected();
    d.run(d.now + 1900);
    // As failover/progress.ts forces one.
    d.master().lastPubTime = 0;
    d.master().helloSentTime = 0;
    expect(commandsOf(d.tick(), "publish-hello")).to.have.length(1);
    // Unanswered, it waits a ping period like any other (it was sent again at every tick).
    expect(commandsOf(d.run(d.now + 900), "publish-hello")).to.deep.equal([]);
    expect(commandsOf(d.run(d.now + 200), "publish-hello")).to.have.length(1);
  });

  it("advertises the promoted replica's address once our failover reached reconf_slaves", () => {
    const d = connected(
      sentinelConfig([
        masterConfig("mymaster", "10.0.0.1", 6379, {
          knownReplicas: [{ ip: "10.0.0.2", port: 6380 }],
        }),
      ]),
    );
    const m = d.master();
    m.flags.add("failover_in_progress");
    m.failoverState = "reconf_slaves";
    m.promotedReplica = "10.0.0.2:6380";
    m.replicas.get("10.0.0.2:6380")?.flags.add("promoted");
    m.configEpoch = 3n;
    m.lastPubTime = 0;
    expect(commandsOf(d.tick(), "publish-hello").find((c) => c.link === M)?.payload).to.equal(
      `127.0.0.1,26379,${MY_ID},0,mymaster,10.0.0.2,6380,3`,
    );
  });

  it("sends one hello per master on a shared peer link and credits each reply to its own record", () => {
    const d = new Driver(sharingPeerA("m1"));
    d.take();
    d.tickAndConnect();
    const P = `sentinel:${PEER_A}`;
    const p1 = d.master("m1").sentinels.get(PEER_A);
    const p2 = d.master("m2").sentinels.get(PEER_A);
    if (p1 === undefined || p2 === undefined) throw new Error("no peers");
    p2.lastPubTime = d.now - 1500;
    let hellos: string[] = [];
    for (let i = 0; i < 8 && hellos.length === 0; i++)
      hellos = commandsOf(d.tick(), "publish-hello")
        .filter((c) => c.link === P)
        .map((c) => c.payload);
    expect(hellos).to.have.length(1);
    expect(hellos[0]).to.contain(",m2,");
    d.step({ type: "publish-reply", link: P, ok: true });
    d.take();
    expect(p2.lastPubTime).to.equal(d.now);
    expect(p1.lastPubTime).to.not.equal(d.now);
  });
});

describe("periodic: limits", () => {
  it("sends nothing while the link is disconnected", () => {
    const d = new Driver();
    d.take();
    const ready = d.run(d.now + 5000);
    expect(
      commandsOf(ready, "ping").length +
        commandsOf(ready, "info").length +
        commandsOf(ready, "publish-hello").length,
    ).to.equal(0);
  });

  it("sends nothing once 100 × refcount commands are pending", () => {
    const d = connected();
    d.master().link.pendingCommands = 100;
    const ready = d.run(d.now + 3000);
    expect(
      commandsOf(ready, "ping").length +
        commandsOf(ready, "info").length +
        commandsOf(ready, "publish-hello").length,
    ).to.equal(0);
  });
});

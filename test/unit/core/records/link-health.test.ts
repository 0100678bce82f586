// Proves the link bookkeeping of docs/PROTOCOL.md §2.5: which PING replies count as the
// instance being available, the one-time SCRIPT KILL for a BUSY instance in SDOWN, how closes
// keep the clocks but reset the pending count, and the forced reconnects of silent connections.
import { expect } from "chai";
import {
  Driver,
  commandsOf,
  eventLines,
  masterConfig,
  pong,
  sentinelConfig,
} from "../core-driver.js";
import {
  linkDisconnected,
  linkShownDisconnected,
  linkUsable,
} from "../../../../src/core/records/instances.js";

const M = "master:mymaster";

function connected(downAfter = 30_000): Driver {
  const d = new Driver(
    sentinelConfig([
      masterConfig("mymaster", "10.0.0.1", 6379, { settings: { downAfterPeriod: downAfter } }),
    ]),
  );
  d.take();
  d.tickAndConnect();
  return d;
}

describe("link-health: PING replies", () => {
  for (const [reply, counts] of [
    [{ kind: "ok", text: "PONG" }, true],
    [{ kind: "error", text: "LOADING Redis is loading the dataset in memory" }, true],
    [
      {
        kind: "error",
        text: "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
      },
      true,
    ],
    [{ kind: "error", text: "NOAUTH Authentication required." }, false],
    // sentinel.c reads status and error replies only (a PING renamed to RANDOMKEY, key "PONG").
    [{ kind: "bulk", text: "PONG" }, false],
    [{ kind: "error", text: "ERR unknown command 'PONG', with args beginning with: " }, false],
  ] as const) {
    it(`${counts ? "accepts" : "does not accept"} ${reply.kind} "${reply.text.split(" ")[0]}" as a sign of life, and counts it as a reply`, () => {
      const d = connected();
      const link = d.master().link;
      d.now += 50;
      d.step({ type: "ping-reply", link: M, reply });
      expect(link.lastPongTime).to.equal(d.now);
      expect(link.actPingTime === 0).to.equal(counts);
      expect(link.lastAvailTime === d.now).to.equal(counts);
      expect(link.pendingCommands).to.equal(0);
    });
  }

  it("clears master_reboot on PONG only", () => {
    const d = connected();
    const m = d.master();
    m.flags.add("master_reboot");
    d.step({
      type: "ping-reply",
      link: M,
      reply: { kind: "error", text: "LOADING Redis is loading" },
    });
    expect(m.flags.has("master_reboot")).to.equal(true);
    d.step(pong(M));
    expect(m.flags.has("master_reboot")).to.equal(false);
  });

  it("sends SCRIPT KILL once to a BUSY instance in SDOWN, again only after -sdown", () => {
    const d = connected();
    const m = d.master();
    const busy = {
      type: "ping-reply",
      link: M,
      reply: { kind: "error", text: "BUSY Redis is busy running a script." },
    } as const;
    d.step(busy);
    expect(commandsOf(d.take(), "script-kill")).to.deep.equal([]);
    m.flags.add("s_down");
    d.step(busy).step(busy);
    expect(commandsOf(d.take(), "script-kill")).to.deep.equal([{ type: "script-kill", link: M }]);
    expect(m.flags.has("script_kill_sent")).to.equal(true);
    d.step(pong(M));
    d.tick();
    expect(m.flags.has("s_down")).to.equal(false);
    expect(m.flags.has("script_kill_sent")).to.equal(false);
  });
});

describe("link-health: closes", () => {
  it("resets pending commands and connected flags but keeps the ping clocks", () => {
    const d = connected();
    const link = d.master().link;
    const act = link.actPingTime;
    d.step({ type: "link-closed", link: M, conn: "cmd", reason: "Connection reset by peer" });
    expect(link.cmdConnected).to.equal(false);
    expect(link.pendingCommands).to.equal(0);
    expect(link.actPingTime).to.equal(act);
    // It had been connected: no reconnection event.
    expect(eventLines(d.take())).to.deep.equal([]);
  });

  it("counts the PING pipelined with a reconnect as pending, so a dropped link goes SDOWN down-after past the reconnect", () => {
    const d = connected(1000);
    const link = d.master().link;
    // Answered PINGs: nothing pending, last reply 950 ms old when the connection drops.
    d.step(pong(M));
    const lastReply = d.now;
    d.now += 950;
    d.step({ type: "link-closed", link: M, conn: "cmd", reason: "Connection reset by peer" });
    const r = d.tick();
    expect(commandsOf(r, "connect").map((c) => c.conn)).to.include("cmd");
    expect(link.actPingTime).to.equal(d.now);
    d.step({ type: "link-closed", link: M, conn: "cmd", reason: "Connection refused" });
    // Past down-after since the last reply, but not since the reconnect attempt: still up.
    expect(d.now - lastReply).to.be.greaterThan(1000);
    expect(eventLines(d.run(link.actPingTime + 1000))).to.not.include(
      "+sdown master mymaster 10.0.0.1 6379",
    );
    expect(eventLines(d.run(link.actPingTime + 1200))).to.include(
      "+sdown master mymaster 10.0.0.1 6379",
    );
  });

  // docs/PROTOCOL.md §7.5's CLIENT KILL TYPE normal + TYPE pubsub drops both connections of a link at once;
  // Vigil may step the two closes one tick apart, with the first one's reconnect in between.
  it("reconnects a live connection that drops after the other one's reconnect attempt at once, without SDOWN", () => {
    const d = connected(1000);
    const link = d.master().link;
    d.run(d.now + 3000).forEach((r) => {
      for (const p of commandsOf(r, "ping")) d.step(pong(p.link));
    });
    d.step({ type: "link-closed", link: M, conn: "cmd", reason: "" });
    const first = d.tick();
    expect(commandsOf(first, "connect").map((c) => c.conn)).to.deep.equal(["cmd"]);
    d.acceptConnects(first);
    d.step(pong(M));
    d.step({ type: "link-closed", link: M, conn: "pubsub", reason: "" });
    const second = d.tick();
    expect(commandsOf(second, "connect").map((c) => c.conn)).to.deep.equal(["pubsub"]);
    d.acceptConnects(second);
    const lines: string[] = [];
    // Each PING answered in the tick that sent it (down-after 1000 pings every 250 ms).
    for (let i = 0; i < 20; i++) {
      const r = d.tick();
      for (const p of commandsOf(r, "ping")) d.step(pong(p.link));
      lines.push(...eventLines(r));
    }
    expect(lines).to.deep.equal([]);
    expect(link.cmdConnected && link.pubsubConnected).to.equal(true);
  });

  it("still retries a connection that drops again right after its own reconnect only once per ping period", () => {
    const d = connected(30_000);
    d.run(d.now + 3000);
    d.step({ type: "link-closed", link: M, conn: "cmd", reason: "" });
    const first = d.tick();
    expect(commandsOf(first, "connect").map((c) => c.conn)).to.deep.equal(["cmd"]);
    const attempt = d.now;
    d.acceptConnects(first);
    d.now += 50;
    d.step({ type: "link-closed", link: M, conn: "cmd", reason: "" });
    const retries: number[] = [];
    for (const r of d.run(attempt + 1500)) {
      if (commandsOf(r, "connect").length > 0) retries.push(d.now);
      d.acceptConnects(r);
    }
    expect(retries).to.have.length(1);
    expect(retries[0]).to.be.at.least(attempt + 1000);
  });

  it("goes SDOWN after down-after when the instance never answers, connected or not", () => {
    const d = connected(2000);
    d.step({ type: "link-closed", link: M, conn: "cmd", reason: "" });
    const lines = eventLines(d.run(d.now + 2500));
    expect(lines).to.deep.equal(["+sdown master mymaster 10.0.0.1 6379"]);
  });

  it("closes a cmd connection older than 15 s whose PING has waited more than down-after/2", () => {
    const d = connected(10_000);
    const closes: number[] = [];
    for (let i = 0; i < 200 && closes.length === 0; i++) {
      const r = d.tick();
      if (commandsOf(r, "close").some((c) => c.conn === "cmd")) closes.push(d.now);
    }
    // Connected at 1100, first PING unanswered from 1100: closed when older than 15 s.
    expect(closes).to.deep.equal([16200]);
    const link = d.master().link;
    expect(link.cmdConnected).to.equal(false);
    // No reconnect until the shell confirms the close.
    expect(
      commandsOf(d.run(d.now + 2000), "connect").filter((c) => c.conn === "cmd"),
    ).to.deep.equal([]);
    d.step({ type: "link-closed", link: M, conn: "cmd", reason: "" });
    expect(commandsOf(d.tick(), "connect").map((c) => c.conn)).to.deep.equal(["cmd"]);
  });

  it("reports no failed reconnection for a connection it closed itself, and one for a refused connect", () => {
    const d = connected(10_000);
    for (let i = 0; i < 200 && commandsOf(d.tick(), "close").length === 0; i++);
    const link = d.master().link;
    expect(link.cmdClosing).to.equal(true);
    d.step({ type: "link-closed", link: M, conn: "cmd", reason: "closed by sentinel" });
    expect(eventLines(d.take())).to.deep.equal([]);
    expect(link.cmdClosing).to.equal(false);
    expect(commandsOf(d.tick(1000), "connect").map((c) => c.conn)).to.deep.equal(["cmd"]);
    d.step({ type: "link-closed", link: M, conn: "cmd", reason: "Connection refused" });
    expect(eventLines(d.take())).to.deep.equal([
      "-cmd-link-reconnection master mymaster 10.0.0.1 6379 #Connection refused",
    ]);
  });

  it("closes a pub/sub connection silent for three hello periods once it is 15 s old", () => {
    const d = connected();
    let closedAt = 0;
    for (let i = 0; i < 200 && closedAt === 0; i++) {
      const r = d.tick();
      for (const p of commandsOf(r, "ping")) d.step(pong(p.link));
      if (commandsOf(r, "close").some((c) => c.conn === "pubsub")) closedAt = d.now;
    }
    expect(closedAt).to.equal(16200);
  });

  it("keeps a pub/sub connection that hears hellos", () => {
    const d = connected();
    for (let i = 0; i < 250; i++) {
      const r = d.tick();
      for (const p of commandsOf(r, "ping")) d.step(pong(p.link));
      if (i % 20 === 0) d.step({ type: "hello-received", via: M, payload: "garbage" });
      expect(commandsOf(r, "close")).to.deep.equal([]);
    }
  });

  it("keeps PINGing on the cmd connection while only the pub/sub connection comes back", () => {
    // A replica reconfigured with SLAVEOF drops our pub/sub connection (CLIENT KILL TYPE pubsub)
    // and keeps the cmd one. The reconnect attempt makes the link whole again at once, as in
    // sentinel.c, so the PING due in that tick goes out and no SDOWN comes from the last PONG
    // being down-after old.
    const d = connected(1000);
    let lastPing = 0;
    for (let i = 0; i < 40; i++) {
      const r = d.tick();
      for (const p of commandsOf(r, "ping")) {
        lastPing = d.now;
        d.step(pong(p.link));
      }
    }
    while (d.now + 100 - lastPing <= 1000) d.tick();
    d.step({ type: "link-closed", link: M, conn: "pubsub", reason: "connection closed" });
    const link = d.master().link;
    expect(linkDisconnected(link)).to.equal(true);
    const r = d.tick();
    expect(d.now - link.lastAvailTime).to.be.above(1000);
    expect(commandsOf(r, "connect").map((c) => c.conn)).to.deep.equal(["pubsub"]);
    expect(commandsOf(r, "ping").map((c) => c.link)).to.deep.equal([M]);
    expect(eventLines(r)).to.deep.equal([]);
    // While the pub/sub connection is being made the link is not disconnected (no flag).
    expect(linkDisconnected(link)).to.equal(false);
    expect(linkUsable(link)).to.equal(true);
    d.step(pong(M));
    d.acceptConnects(r);
    for (let i = 0; i < 30; i++) {
      const next = d.tick();
      for (const p of commandsOf(next, "ping")) d.step(pong(p.link));
      expect(eventLines(next)).to.deep.equal([]);
    }
  });

  it("counts a connection being closed as missing until link-closed, then reconnects it", () => {
    const d = connected(60_000);
    d.run(d.now + 20_000);
    const link = d.master().link;
    // The pub/sub connection heard nothing for three hello periods: closed, cmd kept.
    expect(link.pubsubClosing).to.equal(true);
    expect(linkDisconnected(link)).to.equal(true);
    expect(commandsOf(d.run(d.now + 2000), "connect")).to.deep.equal([]);
    d.step({ type: "link-connected", link: M, conn: "pubsub", localIp: "127.0.0.1" });
    expect(link.pubsubConnected).to.equal(false);
    d.step({ type: "link-closed", link: M, conn: "pubsub", reason: "" });
    expect(commandsOf(d.tick(), "connect").map((c) => c.conn)).to.deep.equal(["pubsub"]);
    expect(linkDisconnected(link)).to.equal(false);
  });
});

describe("link-health: the disconnected flag shown after a refused connect", () => {
  // redis-sentinel's connect to a closed local port fails inside the call that makes it: its
  // SENTINEL REPLICAS never shows a refusing instance without `disconnected`.
  function refusedThenRetried(reason: string): { d: Driver; closedFor: () => void } {
    const d = new Driver(sentinelConfig([masterConfig("mymaster", "10.0.0.1", 6379)]));
    d.take();
    d.tick();
    const closedFor = (): void => {
      d.step({ type: "link-closed", link: M, conn: "cmd", reason });
      d.step({ type: "link-closed", link: M, conn: "pubsub", reason });
    };
    closedFor();
    // The next attempt, a ping period later, is in flight.
    const r = d.tick(1000);
    expect(commandsOf(r, "connect").map((c) => c.conn)).to.have.members(["cmd", "pubsub"]);
    return { d, closedFor };
  }

  it("keeps it on while a reconnect after a refusal is in flight, until it connects", () => {
    const { d } = refusedThenRetried("Connection refused");
    const link = d.master().link;
    expect(linkDisconnected(link)).to.equal(false);
    expect(linkShownDisconnected(link)).to.equal(true);
    d.step({ type: "link-connected", link: M, conn: "cmd", localIp: "127.0.0.1" });
    expect(linkShownDisconnected(link)).to.equal(true);
    d.step({ type: "link-connected", link: M, conn: "pubsub", localIp: "127.0.0.1" });
    expect(linkShownDisconnected(link)).to.equal(false);
  });

  it("clears it while a connect is in flight after a failure other than a refusal (a timeout)", () => {
    const { d } = refusedThenRetried("Connection timed out");
    expect(linkShownDisconnected(d.master().link)).to.equal(false);
  });
});

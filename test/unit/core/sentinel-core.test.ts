// Proves the SentinelCore driver contract: restoring from a loaded config (+monitor, a new myid
// flushed at once, config-epoch raising current-epoch, known replicas and peers with shared
// links), the Ready contract (persist present exactly when a flush was requested), and the
// tick's order: connects, then PING/INFO/hello, then detection — on a virtual clock.
import { expect } from "chai";
import { SentinelCore } from "../../../src/core/sentinel-core.js";
import {
  Driver,
  CyclingRandom,
  MY_ID,
  PEER_A,
  commandsOf,
  eventLines,
  masterConfig,
  sentinelConfig,
  sharingPeerA,
} from "./core-driver.js";

describe("SentinelCore: restore from config", () => {
  it("emits +monitor with the quorum for every master, in config order", () => {
    const d = new Driver(
      sentinelConfig([
        masterConfig("m1", "10.0.0.1", 6379),
        masterConfig("m2", "10.0.0.2", 6380, { settings: { quorum: 3 } }),
      ]),
    );
    const ready = d.take();
    expect(eventLines(ready)).to.deep.equal([
      "+monitor master m1 10.0.0.1 6379 quorum 2",
      "+monitor master m2 10.0.0.2 6380 quorum 3",
    ]);
    expect(ready.events[0]?.level).to.equal("warning");
    expect(ready.events[0]?.master).to.equal("m1");
  });

  it("generates a 40-hex myid when the config has none and asks for a flush at once", () => {
    const core = new SentinelCore(sentinelConfig([], { myId: "" }), {
      random: new CyclingRandom([3, 10, 15]),
      now: 0,
    });
    const ready = core.takeReady();
    expect(core.state.myId).to.match(/^[0-9a-f]{40}$/);
    expect(core.state.myId.startsWith("3af3af")).to.equal(true);
    expect(ready.persist?.myId).to.equal(core.state.myId);
  });

  it("does not flush when the config already has a myid", () => {
    expect(new Driver().take().persist).to.equal(null);
  });

  it("raises current-epoch to the highest config-epoch and keeps leader-epoch", () => {
    const d = new Driver(
      sentinelConfig(
        [masterConfig("mymaster", "10.0.0.1", 6379, { configEpoch: 7n, leaderEpoch: 6n })],
        {
          currentEpoch: 5n,
        },
      ),
    );
    expect(d.state.currentEpoch).to.equal(7n);
    expect(d.master().configEpoch).to.equal(7n);
    expect(d.master().leaderEpoch).to.equal(6n);
  });

  it("creates known replicas and known sentinels without events, sharing one link per peer", () => {
    const known = {
      knownReplicas: [{ ip: "10.0.0.2", port: 6379 }],
      knownSentinels: [{ addr: { ip: "10.0.1.1", port: 26379 }, runId: PEER_A }],
    };
    const d = new Driver(
      sentinelConfig([
        masterConfig("m1", "10.0.0.1", 6379, known),
        masterConfig("m2", "10.0.0.5", 6379, known),
      ]),
    );
    expect(eventLines(d.take()).every((l) => l.startsWith("+monitor"))).to.equal(true);
    const p1 = d.master("m1").sentinels.get(PEER_A);
    const p2 = d.master("m2").sentinels.get(PEER_A);
    expect(p1?.link).to.equal(p2?.link);
    expect(p1?.link.refcount).to.equal(2);
    expect([...d.master("m1").replicas.keys()]).to.deep.equal(["10.0.0.2:6379"]);
  });

  it("uses the timing overrides it was given", () => {
    const d = new Driver(sentinelConfig(), { timing: { infoPeriod: 500 } });
    expect(d.state.timing.infoPeriod).to.equal(500);
    expect(d.state.timing.pingPeriod).to.equal(1000);
  });
});

describe("SentinelCore: connecting", () => {
  it("asks for a cmd and a pubsub connection to a master with Redis's client names", () => {
    const d = new Driver();
    d.take();
    const connects = commandsOf(d.tick(), "connect");
    expect(connects.map((c) => [c.link, c.conn, c.clientName])).to.deep.equal([
      ["master:mymaster", "cmd", "sentinel-01234567-cmd"],
      ["master:mymaster", "pubsub", "sentinel-01234567-pubsub"],
    ]);
    expect(connects[0]?.addr).to.deep.equal({ ip: "10.0.0.1", port: 6379 });
    expect(connects[0]?.auth).to.equal(null);
  });

  it("sends the master's auth-user/auth-pass and rename-command map to the master and its replicas", () => {
    const d = new Driver(
      sentinelConfig([
        masterConfig("mymaster", "10.0.0.1", 6379, {
          knownReplicas: [{ ip: "10.0.0.2", port: 6379 }],
          settings: {
            authPass: "s3cret",
            authUser: "sentinel",
            renamedCommands: { config: "xconfig" },
          },
        }),
      ]),
    );
    const connects = commandsOf(d.tick(), "connect");
    expect(connects).to.have.length(4);
    for (const c of connects) {
      expect(c.auth).to.deep.equal({ user: "sentinel", pass: "s3cret" });
      expect(c.renamedCommands).to.deep.equal({ config: "xconfig" });
    }
  });

  it("authenticates to peers with sentinel-user/pass, else with requirepass as AUTH <pass>", () => {
    const known = { knownSentinels: [{ addr: { ip: "10.0.1.1", port: 26379 }, runId: PEER_A }] };
    const withPass = new Driver(
      sentinelConfig([masterConfig("mymaster", "10.0.0.1", 6379, known)], {
        global: { sentinelUser: "u", sentinelPass: "p" },
      }),
    );
    const peerConnect = commandsOf(withPass.tick(), "connect").find(
      (c) => c.link === `sentinel:${PEER_A}`,
    );
    expect(peerConnect?.auth).to.deep.equal({ user: "u", pass: "p" });
    expect(peerConnect?.conn).to.equal("cmd");

    const legacy = new Driver(sentinelConfig([masterConfig("mymaster", "10.0.0.1", 6379, known)]), {
      requirePass: "rp",
    });
    const legacyConnect = commandsOf(legacy.tick(), "connect").find(
      (c) => c.link === `sentinel:${PEER_A}`,
    );
    expect(legacyConnect?.auth).to.deep.equal({ user: "", pass: "rp" });
  });

  it("connects a shared peer link once, with only a cmd connection", () => {
    const d = new Driver(sharingPeerA("m1"));
    const peerConnects = commandsOf(d.tick(), "connect").filter(
      (c) => c.link === `sentinel:${PEER_A}`,
    );
    expect(peerConnects.map((c) => c.conn)).to.deep.equal(["cmd"]);
  });

  it("does not ask again while a connect is in flight, and retries at most once per second after a failure", () => {
    const d = new Driver();
    d.take();
    expect(commandsOf(d.tick(), "connect")).to.have.length(2);
    expect(commandsOf(d.tick(), "connect")).to.have.length(0);
    d.step({
      type: "link-closed",
      link: "master:mymaster",
      conn: "cmd",
      reason: "Connection refused",
    });
    d.step({
      type: "link-closed",
      link: "master:mymaster",
      conn: "pubsub",
      reason: "Connection refused",
    });
    expect(eventLines(d.take())).to.deep.equal([
      "-cmd-link-reconnection master mymaster 10.0.0.1 6379 #Connection refused",
      "-pubsub-link-reconnection master mymaster 10.0.0.1 6379 #Connection refused",
    ]);
    const retries = d.run(d.now + 2000).map((r) => commandsOf(r, "connect").length);
    // First attempt at t=1100; ticks from t=1300: the retry (cmd + pubsub) comes at t=2100.
    expect(retries.indexOf(2)).to.equal(8);
    expect(retries.reduce((a, b) => a + b, 0)).to.equal(2);
  });

  it("never connects an instance whose port is 0", () => {
    const d = new Driver(sentinelConfig([masterConfig("mymaster", "10.0.0.1", 0)]));
    expect(commandsOf(d.run(5000), "connect")).to.deep.equal([]);
  });

  it("sends a PING as soon as the cmd connection is up", () => {
    const d = new Driver();
    d.take();
    const ready = d.tickAndConnect();
    expect(commandsOf(ready, "ping")).to.deep.equal([{ type: "ping", link: "master:mymaster" }]);
    const link = d.master().link;
    expect(link.localIp).to.equal("127.0.0.1");
    expect(link.pendingCommands).to.equal(1);
    expect(link.lastPingTime).to.equal(d.now);
  });
});

describe("SentinelCore: the Ready contract", () => {
  it("carries persist only in the batch where a flush was requested", () => {
    const d = new Driver();
    d.take();
    d.step({ type: "admin", requestId: 1, op: { op: "flushconfig" } });
    const first = d.take();
    expect(first.persist).to.not.equal(null);
    expect(first.persist?.myId).to.equal(MY_ID);
    expect(first.replies).to.deep.equal([
      { kind: "admin", requestId: 1, result: { kind: "ok" }, afterPersist: true },
    ]);
    expect(d.take().persist).to.equal(null);
  });

  it("snapshots the state at take time, including changes made after the flush request", () => {
    const d = new Driver();
    d.take();
    d.step({ type: "admin", requestId: 1, op: { op: "flushconfig" } });
    d.step({
      type: "admin",
      requestId: 2,
      op: { op: "monitor", name: "other", host: "10.0.0.9", port: 6379, quorum: 1 },
    });
    expect(d.take().persist?.masters.map((m) => m.name)).to.deep.equal(["mymaster", "other"]);
  });

  it("keeps the failover's exit code request in the Ready (simulate-failure)", () => {
    const d = new Driver();
    d.step({ type: "admin", requestId: 1, op: { op: "simulate-failure", flags: 3 } });
    expect(d.state.simulateFailureFlags).to.equal(3);
    expect(d.take().exitCode).to.equal(null);
  });

  it("ignores persist-failed", () => {
    const d = new Driver();
    d.take();
    d.step({ type: "persist-failed", error: "EACCES" });
    const ready = d.take();
    expect(ready.events).to.deep.equal([]);
    expect(ready.persist).to.equal(null);
  });
});

describe("SentinelCore: inputs for links nobody uses", () => {
  it("ignores replies and closes for unknown links", () => {
    const d = new Driver();
    d.take();
    d.step({ type: "ping-reply", link: "master:gone", reply: { kind: "ok", text: "PONG" } });
    d.step({ type: "info-reply", link: "master:gone", reply: { kind: "ok", text: "role:master" } });
    d.step({ type: "link-closed", link: "master:gone", conn: "cmd", reason: "x" });
    d.step({ type: "link-connected", link: "master:gone", conn: "cmd", localIp: "127.0.0.1" });
    d.step({ type: "command-done", link: "master:gone" });
    d.step({ type: "publish-reply", link: "master:gone", ok: true });
    const ready = d.take();
    expect(ready.commands).to.deep.equal([]);
    expect(ready.events).to.deep.equal([]);
  });
});

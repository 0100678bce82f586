// Proves hello handling (docs/PROTOCOL.md §4): the payload format and parse, and processing —
// +sentinel with a flush, address switches, invalid addresses, epoch adoption in and out of
// TILT, and the observer switch (+config-update-from, +switch-master, client-reconfig script).
import { expect } from "chai";
import { ReadyBuilder } from "../../../../src/core/model/context.js";
import { formatHello, parseHello } from "../../../../src/core/monitor/hello.js";
import {
  Driver,
  MY_ID,
  PEER_A,
  PEER_B,
  commandsOf,
  eventLines,
  hello,
  masterConfig,
  sentinelConfig,
  twoReplicas,
  sharingPeerA,
  receiveHello as receive,
} from "../core-driver.js";

describe("hello: format and parse", () => {
  it("parses the 8 fields of a real redis-sentinel hello", () => {
    expect(
      parseHello(
        "127.0.0.1,26380,6ec6f75692b863ec39d0b32118926528fe8f1435,0,mymaster,127.0.0.1,16379,0",
      ),
    ).to.deep.equal({
      ip: "127.0.0.1",
      port: 26380,
      runId: "6ec6f75692b863ec39d0b32118926528fe8f1435",
      currentEpoch: 0n,
      masterName: "mymaster",
      masterIp: "127.0.0.1",
      masterPort: 16379,
      masterConfigEpoch: 0n,
    });
  });

  it("rejects payloads without exactly 8 fields", () => {
    expect(parseHello("a,b,c")).to.equal(null);
    expect(parseHello("1,2,3,4,5,6,7,8,9")).to.equal(null);
  });

  it("formats what it parses back", () => {
    const d = new Driver();
    const m = d.master();
    m.link.localIp = "10.9.9.9";
    const payload = formatHello(
      { now: 0, state: d.state, random: { int: () => 0 }, out: new ReadyBuilder() },
      m,
      m,
    );
    expect(payload).to.equal(`10.9.9.9,26379,${MY_ID},0,mymaster,10.0.0.1,6379,0`);
    expect(parseHello(payload ?? "")?.runId).to.equal(MY_ID);
  });

  it("cannot format without announce-ip or a local address", () => {
    const d = new Driver();
    const m = d.master();
    expect(
      formatHello(
        { now: 0, state: d.state, random: { int: () => 0 }, out: new ReadyBuilder() },
        m,
        m,
      ),
    ).to.equal(null);
  });
});

describe("hello: meeting peers", () => {
  it("adds an unknown peer with +sentinel and a deferrable flush, and refreshes it on the next hello", () => {
    const d = new Driver();
    d.take();
    const ready = receive(d, hello(PEER_A, "10.0.1.1", 26379, 0));
    expect(eventLines(ready)).to.deep.equal([
      `+sentinel sentinel ${PEER_A} 10.0.1.1 26379 @ mymaster 10.0.0.1 6379`,
    ]);
    // Nothing waits for it on disk: written soon, with the next ones (Ready.persistSoon).
    expect(ready.persist).to.equal(null);
    expect(ready.persistSoon).to.equal(true);
    expect(d.core.snapshot().masters[0]?.knownSentinels).to.deep.equal([
      { addr: { ip: "10.0.1.1", port: 26379 }, runId: PEER_A },
    ]);
    d.now += 500;
    const again = receive(d, hello(PEER_A, "10.0.1.1", 26379, 0));
    expect(again.events).to.deep.equal([]);
    expect(again.persist).to.equal(null);
    expect(again.persistSoon).to.equal(false);
    expect(d.master().sentinels.get(PEER_A)?.lastHelloTime).to.equal(d.now);
  });

  it("drops hellos carrying our own id, or for masters we do not monitor", () => {
    const d = new Driver();
    d.take();
    expect(receive(d, hello(MY_ID, "10.0.1.1", 26379, 5)).events).to.deep.equal([]);
    expect(receive(d, hello(PEER_A, "10.0.1.1", 26379, 5, "other")).events).to.deep.equal([]);
    expect(d.state.currentEpoch).to.equal(0n);
  });

  it("treats a known run id at a new address as an address switch and re-addresses it under every master", () => {
    const d = new Driver(sharingPeerA());
    d.take();
    const link = d.master().sentinels.get(PEER_A)!.link;
    link.cmdConnected = true;
    const ready = receive(d, hello(PEER_A, "10.0.1.9", 26380, 0));
    expect(eventLines(ready)).to.deep.equal([
      `+sentinel-address-switch master mymaster 10.0.0.1 6379 ip 10.0.1.9 port 26380 for ${PEER_A}`,
      `+sentinel-address-update sentinel ${PEER_A} 10.0.1.9 26380 @ mymaster 10.0.0.1 6379 1 additional matching instances`,
    ]);
    expect(ready.persistSoon).to.equal(true);
    expect(commandsOf(ready, "close")).to.deep.equal([
      { type: "close", link: `sentinel:${PEER_A}`, conn: "cmd" },
    ]);
    expect(d.master("m2").sentinels.get(PEER_A)?.addr).to.deep.equal({
      ip: "10.0.1.9",
      port: 26380,
    });
    const shared = d.master().sentinels.get(PEER_A)?.link;
    expect(shared).to.equal(d.master("m2").sentinels.get(PEER_A)?.link);
    expect(shared?.addr).to.deep.equal({ ip: "10.0.1.9", port: 26380 });
  });

  it("removes a peer whose address is claimed by another run id, under every master", () => {
    const d = new Driver(sharingPeerA());
    d.take();
    const ready = receive(d, hello(PEER_B, "10.0.1.1", 26379, 0));
    expect(eventLines(ready)).to.deep.equal([
      `+sentinel-invalid-addr sentinel ${PEER_A} 10.0.1.1 26379 @ mymaster 10.0.0.1 6379`,
      `+sentinel sentinel ${PEER_B} 10.0.1.1 26379 @ mymaster 10.0.0.1 6379`,
    ]);
    expect([...d.master().sentinels.keys()]).to.deep.equal([PEER_B]);
    expect([...d.master("m2").sentinels.keys()]).to.deep.equal([]);
    expect(commandsOf(ready, "forget")).to.deep.equal([
      { type: "forget", link: `sentinel:${PEER_A}` },
    ]);
  });

  it("does not create a peer from a hostname while resolve-hostnames is off", () => {
    const d = new Driver();
    d.take();
    const ready = receive(d, hello(PEER_A, "sentinel-a.local", 26379, 0));
    expect(ready.events).to.deep.equal([]);
    expect(d.master().sentinels.size).to.equal(0);
    // As redis-sentinel 7.0.15 logs it: once per createSentinelAddr call of the hello.
    const line = {
      kind: "text",
      at: 0,
      level: "warning",
      text: "Failed to resolve hostname 'sentinel-a.local'",
    };
    expect(ready.logs).to.deep.equal([line, line, line]);
  });

  it("logs the name twice around +sentinel-address-switch when a known peer moves to it", () => {
    const d = new Driver();
    d.take();
    receive(d, hello(PEER_A, "10.0.1.1", 26379, 0));
    const ready = receive(d, hello(PEER_A, "sentinel-a.local", 26379, 0));
    expect(eventLines(ready)).to.deep.equal([
      `+sentinel-address-switch master mymaster 10.0.0.1 6379 ip sentinel-a.local port 26379 for ${PEER_A}`,
    ]);
    const text = "Failed to resolve hostname 'sentinel-a.local'";
    expect(ready.logs).to.deep.equal([
      { kind: "text", at: 0, level: "warning", text },
      { kind: "text", at: 1, level: "warning", text },
    ]);
    expect(d.master().sentinels.size).to.equal(0);
  });
});

describe("hello: epochs", () => {
  it("adopts a higher current epoch with a flush and +new-epoch, after creating the peer", () => {
    const d = new Driver();
    d.take();
    const ready = receive(d, hello(PEER_A, "10.0.1.1", 26379, 7));
    expect(eventLines(ready)).to.deep.equal([
      `+sentinel sentinel ${PEER_A} 10.0.1.1 26379 @ mymaster 10.0.0.1 6379`,
      "+new-epoch 7",
    ]);
    expect(ready.persist?.currentEpoch).to.equal(7n);
  });

  it("adopts the epoch even in TILT and never lowers it", () => {
    const d = new Driver(sentinelConfig([masterConfig()], { currentEpoch: 9n }));
    d.take();
    d.state.tilt = true;
    receive(d, hello(PEER_A, "10.0.1.1", 26379, 3));
    expect(d.state.currentEpoch).to.equal(9n);
    receive(d, hello(PEER_A, "10.0.1.1", 26379, 12));
    expect(d.state.currentEpoch).to.equal(12n);
  });

  it("adopts a higher config epoch at the same address silently", () => {
    const d = new Driver();
    d.take();
    receive(d, hello(PEER_A, "10.0.1.1", 26379, 0));
    const ready = receive(d, hello(PEER_A, "10.0.1.1", 26379, 2, "mymaster", "10.0.0.1", 6379, 2));
    expect(eventLines(ready)).to.deep.equal(["+new-epoch 2"]);
    expect(d.master().configEpoch).to.equal(2n);
  });

  it("switches to the address of a higher config epoch as an observer", () => {
    const d = new Driver(
      sentinelConfig([
        masterConfig("mymaster", "10.0.0.1", 6379, {
          knownReplicas: twoReplicas(),
          settings: { clientReconfigScript: "/bin/reconf.sh" },
        }),
      ]),
    );
    d.take();
    receive(d, hello(PEER_A, "10.0.1.1", 26379, 0));
    const ready = receive(d, hello(PEER_A, "10.0.1.1", 26379, 1, "mymaster", "10.0.0.2", 6379, 1));
    expect(eventLines(ready)).to.deep.equal([
      "+new-epoch 1",
      `+config-update-from sentinel ${PEER_A} 10.0.1.1 26379 @ mymaster 10.0.0.1 6379`,
      "+switch-master mymaster 10.0.0.1 6379 10.0.0.2 6379",
      "+slave slave 10.0.0.3:6379 10.0.0.3 6379 @ mymaster 10.0.0.2 6379",
      "+slave slave 10.0.0.1:6379 10.0.0.1 6379 @ mymaster 10.0.0.2 6379",
    ]);
    expect(ready.scripts).to.deep.equal([
      {
        kind: "client-reconfig",
        master: "mymaster",
        path: "/bin/reconf.sh",
        args: ["mymaster", "observer", "start", "10.0.0.1", "6379", "10.0.0.2", "6379"],
      },
    ]);
    expect(ready.persist?.masters[0]?.addr).to.deep.equal({ ip: "10.0.0.2", port: 6379 });
    expect(ready.persist?.masters[0]?.configEpoch).to.equal(1n);
    expect(d.master().sentinels.has(PEER_A)).to.equal(true);
  });

  /** Our failover of 10.0.0.1 in epoch 1 promoted 10.0.0.2 and is reconfiguring 10.0.0.3. */
  function leadingPastPromotion(): Driver {
    const d = new Driver(
      sentinelConfig(
        [masterConfig("mymaster", "10.0.0.1", 6379, { knownReplicas: twoReplicas() })],
        {
          currentEpoch: 1n,
        },
      ),
    );
    d.take();
    receive(d, hello(PEER_A, "10.0.1.1", 26379, 1));
    const m = d.master();
    m.flags.add("failover_in_progress");
    m.failoverState = "reconf_slaves";
    m.failoverEpoch = 1n;
    m.configEpoch = 1n;
    m.promotedReplica = "10.0.0.2:6379";
    m.replicas.get("10.0.0.2:6379")?.flags.add("promoted");
    return d;
  }

  it("ends our failover past its promotion when a newer configuration names the old master", () => {
    // sentinel.c takes the epoch silently (same address as the record) and then switches to its
    // promoted replica under it: the swarm's seeds 2011 and 2644 (fence on) split for good.
    const d = leadingPastPromotion();
    const ready = receive(d, hello(PEER_A, "10.0.1.1", 26379, 2, "mymaster", "10.0.0.1", 6379, 2));
    expect(eventLines(ready)).to.deep.equal([
      "+new-epoch 2",
      `+config-update-from sentinel ${PEER_A} 10.0.1.1 26379 @ mymaster 10.0.0.1 6379`,
      "+switch-master mymaster 10.0.0.2 6379 10.0.0.1 6379",
      "+slave slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379",
      "+slave slave 10.0.0.3:6379 10.0.0.3 6379 @ mymaster 10.0.0.1 6379",
    ]);
    const m = d.master();
    expect([m.failoverState, m.flags.has("failover_in_progress"), m.configEpoch]).to.deep.equal([
      "none",
      false,
      2n,
    ]);
    expect(m.addr).to.deep.equal({ ip: "10.0.0.1", port: 6379 });
  });

  it("publishes an observer switch without waiting for its save, written soon after", () => {
    // Already in the epoch (it voted in it): nothing in the step needs the new address on disk.
    const d = new Driver(
      sentinelConfig(
        [
          masterConfig("mymaster", "10.0.0.1", 6379, {
            leaderEpoch: 1n,
            knownReplicas: [{ ip: "10.0.0.2", port: 6379 }],
          }),
        ],
        { currentEpoch: 1n },
      ),
    );
    d.take();
    receive(d, hello(PEER_A, "10.0.1.1", 26379, 1));
    const ready = receive(d, hello(PEER_A, "10.0.1.1", 26379, 1, "mymaster", "10.0.0.2", 6379, 1));
    expect(eventLines(ready)).to.include("+switch-master mymaster 10.0.0.1 6379 10.0.0.2 6379");
    expect(ready.persist).to.equal(null);
    expect(ready.persistSoon).to.equal(true);
    const saved = d.core.snapshot().masters[0];
    expect([saved?.addr, saved?.configEpoch]).to.deep.equal([{ ip: "10.0.0.2", port: 6379 }, 1n]);
  });

  it("ignores the config of a hello from a peer it could not record", () => {
    const d = new Driver();
    d.take();
    receive(d, hello(PEER_A, "not-an-ip", 26379, 0, "mymaster", "10.0.0.2", 6379, 5));
    expect(d.master().configEpoch).to.equal(0n);
    expect(d.master().addr.ip).to.equal("10.0.0.1");
  });

  it("processes a hello that came as a PUBLISH to our server", () => {
    const d = new Driver();
    d.take();
    expect(eventLines(receive(d, hello(PEER_A, "10.0.1.1", 26379, 0), null))).to.have.length(1);
  });

  it("counts any pub/sub message as activity on that connection", () => {
    const d = new Driver();
    d.take();
    d.now += 5000;
    receive(d, "not a hello");
    expect(d.master().link.pcLastActivity).to.equal(d.now);
  });
});

describe("hello: a peer with an older configuration (Vigil)", () => {
  function withConfigEpoch3(): Driver {
    const d = new Driver(
      sentinelConfig(
        [
          masterConfig("mymaster", "10.0.0.1", 6379, {
            configEpoch: 3n,
            knownReplicas: [{ ip: "10.0.0.2", port: 6379 }],
            knownSentinels: [{ addr: { ip: "10.0.1.1", port: 26379 }, runId: PEER_A }],
          }),
        ],
        { currentEpoch: 3n },
      ),
    );
    d.take();
    d.tickAndConnect();
    // No hello is due for 2 s (a record's first one goes a hello period after its creation).
    expect(commandsOf(d.tick(), "publish-hello")).to.deep.equal([]);
    return d;
  }
  const R = "slave:mymaster:10.0.0.2:6379";
  const stale = hello(PEER_A, "10.0.1.1", 26379, 3, "mymaster", "10.0.0.1", 6379, 1);

  it("answers a stale hello sent directly to the peer and through every instance, the flood at most once a ping period", () => {
    const d = withConfigEpoch3();
    const first = receive(d, stale, null);
    expect(commandsOf(first, "publish-hello").map((c) => c.link)).to.have.members([
      "master:mymaster",
      R,
      `sentinel:${PEER_A}`,
    ]);
    expect(commandsOf(first, "publish-hello")[0]?.payload).to.equal(
      hello(MY_ID, "127.0.0.1", 26379, 3, "mymaster", "10.0.0.1", 6379, 3),
    );
    d.now += 999;
    // Our PINGs to the peer answered (a PING unanswered for a ping period is another case, below).
    d.master().sentinels.get(PEER_A)!.link.actPingTime = 0;
    const again = receive(d, stale, null);
    expect(commandsOf(again, "publish-hello").map((c) => c.link)).to.deep.equal([
      `sentinel:${PEER_A}`,
    ]);
    d.now += 1;
    expect(commandsOf(receive(d, stale, null), "publish-hello")).to.have.length(3);
  });

  it("answers a stale hello that came through an instance's channel through that channel, once per hello", () => {
    const d = withConfigEpoch3();
    for (let i = 0; i < 2; i++) {
      expect(commandsOf(receive(d, stale, R), "publish-hello").map((c) => c.link)).to.deep.equal([
        R,
      ]);
    }
  });

  it("makes a connect attempt to the peer again when its direct stale hello finds our link still connecting from the cut", () => {
    const d = withConfigEpoch3();
    const P = `sentinel:${PEER_A}`;
    d.step({ type: "link-closed", link: P, conn: "cmd", reason: "Connection reset by peer" });
    d.take();
    expect(commandsOf(d.tick(1000), "connect").map((c) => c.link)).to.deep.equal([P]);
    d.now += 100;
    // An attempt a few ms old is kept.
    expect(commandsOf(receive(d, stale, null), "close")).to.deep.equal([]);
    d.now += 1000;
    expect(commandsOf(receive(d, stale, null), "close")).to.deep.equal([
      { type: "close", link: P, conn: "cmd" },
    ]);
    d.step({ type: "link-closed", link: P, conn: "cmd", reason: "" });
    d.take();
    expect(commandsOf(d.tick(10), "connect").map((c) => c.link)).to.deep.equal([P]);
  });

  it("drops our connection to the peer when its PING has gone unanswered for a ping period (stuck in TCP's back-off since the cut) and connects again", () => {
    const d = withConfigEpoch3();
    const P = `sentinel:${PEER_A}`;
    const link = d.master().sentinels.get(PEER_A)!.link;
    link.actPingTime = d.now - 1000;
    expect(commandsOf(receive(d, stale, null), "close")).to.deep.equal([]);
    link.actPingTime = d.now - 1001;
    const ready = receive(d, stale, null);
    expect(commandsOf(ready, "close")).to.deep.equal([{ type: "close", link: P, conn: "cmd" }]);
    expect(commandsOf(ready, "publish-hello").map((c) => c.link)).to.not.include(P);
    d.step({ type: "link-closed", link: P, conn: "cmd", reason: "" });
    d.take();
    expect(commandsOf(d.tick(10), "connect").map((c) => c.link)).to.deep.equal([P]);
  });

  it("does not answer a hello whose configuration is as new as ours", () => {
    const d = withConfigEpoch3();
    const same = hello(PEER_A, "10.0.1.1", 26379, 3, "mymaster", "10.0.0.1", 6379, 3);
    expect(commandsOf(receive(d, same, null), "publish-hello")).to.deep.equal([]);
    expect(commandsOf(receive(d, same, R), "publish-hello")).to.deep.equal([]);
  });
});

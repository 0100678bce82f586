// Proves that a peer's own is-master-down-by-addr request counts as its "down" answer for one
// ask period (records/peer-opinion.ts, docs/COMPATIBILITY.md "ODOWN"): a sentinel asks only while
// it sees the master SDOWN, so ODOWN need not wait for the round trip of our own ask. The asker
// is the peer its cmd link's name (`sentinel-<8 of its run id>-cmd`) or its vote request names.
import { expect } from "chai";
import {
  Driver,
  PEER_A,
  PEER_B,
  eventLines,
  masterConfig,
  pong,
  sentinelConfig,
} from "../core-driver.js";
import type { Input } from "../../../../src/core/model/inputs.js";
import {
  candidateRank,
  startFailoverIfNeeded,
} from "../../../../src/core/failover/failover-state.js";
import { serveIsMasterDownRequest } from "../../../../src/core/detection/ask-peers.js";
import { CyclingRandom, Harness, PEER_C, markOdown } from "../failover-fixture.js";

const T0 = 1_000_000;

const NAME_A = `sentinel-${PEER_A.slice(0, 8)}-cmd`;

/** Quorum 2 with peers A and B, both links up; the master SDOWN here since 2100 ms. */
function sdownWithPeers(peers: readonly string[] = [PEER_A, PEER_B]): Driver {
  const d = new Driver(
    sentinelConfig([
      masterConfig("mymaster", "10.0.0.1", 6379, {
        settings: { downAfterPeriod: 1000, quorum: 2 },
        knownSentinels: peers.map((runId, i) => ({
          addr: { ip: `10.0.1.${i + 1}`, port: 26379 },
          runId,
        })),
      }),
    ]),
  );
  d.take();
  d.acceptConnects(d.tick());
  // The peers answer their PINGs (they stay up); the master does not.
  while (d.now < 2200) {
    for (const c of d.tick().commands) {
      if (c.type === "ping" && c.link.startsWith("sentinel:")) d.step(pong(c.link));
    }
    d.take();
  }
  expect(d.master().flags.has("s_down")).to.equal(true);
  expect([...d.master().sentinels.values()].some((p) => p.flags.has("s_down"))).to.equal(false);
  return d;
}

function ask(asker: string | undefined, runId = "*"): Input {
  return {
    type: "is-master-down-request",
    requestId: 9,
    ip: "10.0.0.1",
    port: 6379,
    epoch: 0n,
    runId,
    ...(asker === undefined ? {} : { asker }),
  };
}

function odown(d: Driver): boolean {
  return d.master().flags.has("o_down");
}

describe("ODOWN: a peer's own ask counts as its down answer", () => {
  it("reaches ODOWN at the tick after a named peer's ask, with no answer to ours", () => {
    const d = sdownWithPeers();
    expect(odown(d), "nobody answered yet").to.equal(false);
    d.step(ask(NAME_A));
    expect(d.take().wakeAt, "a tick at once").to.equal(d.now);
    const ready = d.tick(0);
    expect(eventLines(ready)).to.include("+odown master mymaster 10.0.0.1 6379 #quorum 2/2");
  });

  it("counts the candidate a vote request names", () => {
    const d = sdownWithPeers();
    d.step(ask("", PEER_B));
    d.take();
    d.tick(0);
    expect(odown(d)).to.equal(true);
  });

  it("does not count a request from a connection without a sentinel's cmd name", () => {
    for (const asker of [
      undefined,
      "",
      "redis-cli",
      "sentinel-aaaaaaaa-pubsub",
      "sentinel-zzzzzzzz-cmd",
    ]) {
      const d = sdownWithPeers();
      d.step(ask(asker));
      d.take();
      d.tick(0);
      expect(odown(d), String(asker)).to.equal(false);
    }
  });

  it("does not count the ask of a peer we see SDOWN (a healing partition) until it answers again", () => {
    const d = sdownWithPeers();
    const peer = d.master().sentinels.get(PEER_A)!;
    peer.flags.add("s_down");
    d.step(ask(NAME_A));
    d.take();
    d.tick(0);
    expect(odown(d), "across the partition").to.equal(false);
    peer.flags.delete("s_down");
    d.tick(0);
    expect(odown(d), "its link answers again").to.equal(true);
  });

  it("does not count a name that fits two peers' run ids", () => {
    const twin = `${PEER_A.slice(0, 8)}${"c".repeat(32)}`;
    const d = sdownWithPeers([PEER_A, twin]);
    d.step(ask(NAME_A));
    d.take();
    d.tick(0);
    expect(odown(d)).to.equal(false);
  });

  it("counts the ask for one ask period, then only answers count", () => {
    const d = sdownWithPeers();
    d.step(ask(NAME_A));
    d.take();
    d.tick(0);
    expect(odown(d)).to.equal(true);
    d.run(d.now + 1000);
    expect(odown(d), "1000 ms after the ask").to.equal(true);
    expect(eventLines(d.tick())).to.include("-odown master mymaster 10.0.0.1 6379");
  });

  it("keeps in the candidate order a peer that answered not down, then asked", () => {
    const h = new Harness(undefined, new CyclingRandom([200]));
    const master = h.addMaster(0);
    h.addPeer(0, master, PEER_B, 26380);
    h.addPeer(0, master, PEER_C, 26381);
    markOdown(master, T0);
    master.sDownSinceTime = T0 - 1000;
    for (const peer of master.sentinels.values()) peer.lastMasterDownReplyTime = T0 - 100;
    expect(candidateRank(h.at(T0), master).rank, "both said not down").to.equal(0);
    // B ranks before us in epoch 1 (failover-state.ts: rankKey); its ask shows it sees SDOWN.
    const { ip, port } = master.addr;
    const request = { requestId: 1, ip, port, epoch: 0n, runId: "*" };
    serveIsMasterDownRequest(h.at(T0 - 50), { ...request, asker: "redis-cli" });
    expect(candidateRank(h.at(T0), master).rank, "not a sentinel's ask").to.equal(0);
    serveIsMasterDownRequest(h.at(T0 - 50), {
      ...request,
      asker: `sentinel-${PEER_B.slice(0, 8)}-cmd`,
    });
    expect(candidateRank(h.at(T0), master).rank, "B may stand").to.equal(1);
    expect(startFailoverIfNeeded(h.at(T0), master)).to.equal(false);
  });
});

// Proves asking peers and answering them (docs/PROTOCOL.md §5.3, §5.4): requests only while we
// see the master SDOWN, once per ask period unless forced, our run id only during our failover;
// replies applied only in their exact shape and expiring after 5 s; and the served
// is-master-down-by-addr with its vote flagged afterPersist.
import { expect } from "chai";
import {
  type Driver,
  MY_ID,
  PEER_A,
  PEER_B,
  commandsOf,
  eventLines,
  withTwoPeers,
} from "../core-driver.js";
import type { Input } from "../../../../src/core/model/inputs.js";
import type { Ready } from "../../../../src/core/model/ready.js";

const PA = `sentinel:${PEER_A}`;

/** Both peers connected, then the master SDOWN for us and the peers asked (at 2.2 s). */
function downAndAsked(quorum: number): Driver {
  const d = withTwoPeers(quorum);
  d.acceptConnects(d.tick());
  d.run(2200);
  return d;
}

/** A peer's is-master-down-by-addr reply. */
function reply(link: string, down: boolean, leader = "*", leaderEpoch = 0n): Input {
  return {
    type: "is-master-down-reply",
    link,
    master: "mymaster",
    reply: { down, leader, leaderEpoch },
  };
}

/** A peer's is-master-down-by-addr request for mymaster's address. */
function downRequest(requestId: number): Input {
  return {
    type: "is-master-down-request",
    requestId,
    ip: "10.0.0.1",
    port: 6379,
    epoch: 0n,
    runId: "*",
  };
}

function asks(ready: Ready | Ready[]) {
  return commandsOf(ready, "ask-master-down");
}

describe("ask-peers: asking", () => {
  it("asks nobody while the master is not SDOWN", () => {
    const d = withTwoPeers();
    d.acceptConnects(d.tick());
    expect(asks(d.run(1900))).to.deep.equal([]);
  });

  it("asks connected peers with the master record's address, our epoch and '*' once SDOWN", () => {
    const d = withTwoPeers(3);
    d.acceptConnects(d.tick());
    const ready = d.run(2200);
    const sent = asks(ready);
    expect(sent[0]).to.deep.equal({
      type: "ask-master-down",
      link: PA,
      master: "mymaster",
      ip: "10.0.0.1",
      port: 6379,
      epoch: 0n,
      runId: "*",
    });
    expect(new Set(sent.map((a) => a.link))).to.deep.equal(new Set([PA, `sentinel:${PEER_B}`]));
  });

  it("asks each peer again only when its last reply is an ask period old", () => {
    const d = downAndAsked(3);
    const times: number[] = [];
    for (let i = 0; i < 25; i++) {
      const r = d.tick();
      if (asks(r).some((a) => a.link === PA)) {
        times.push(d.now);
        d.step(reply(PA, false));
        d.take();
      }
    }
    expect(times).to.deep.equal([2300, 3300, 4300]);
  });

  it("asks again at once the peers that said not down when a peer's ask shows it sees the master SDOWN", () => {
    const d = downAndAsked(3);
    const PB = `sentinel:${PEER_B}`;
    const answer = (link: string, down: boolean): void => {
      d.step(reply(link, down));
    };
    expect(asks(d.tick()).map((a) => a.link)).to.have.members([PA, PB]);
    answer(PA, false);
    answer(PB, true);
    d.take();
    expect(d.master().flags.has("o_down"), "quorum 3: B and us are not enough").to.equal(false);
    expect(asks(d.tick())).to.deep.equal([]);
    // A sentinel asks only while it sees the master SDOWN (a Redis one too).
    d.step(downRequest(7));
    expect(d.take().wakeAt, "a tick at once to send them").to.equal(d.now);
    expect(
      asks(d.tick(0)).map((a) => a.link),
      "A said not down; B needs no new ask",
    ).to.deep.equal([PA]);
    expect(asks(d.tick()), "once").to.deep.equal([]);
  });

  it("asks again a peer whose ask is still on its way only once it answers, and once per request", () => {
    const d = downAndAsked(3);
    const PB = `sentinel:${PEER_B}`;
    const answer = (link: string, down: boolean): Ready => d.step(reply(link, down)).take();
    const request = (requestId: number): Ready => d.step(downRequest(requestId)).take();
    expect(asks(d.tick()).map((a) => a.link)).to.have.members([PA, PB]);
    answer(PA, false);
    answer(PB, true);
    // A is asked again an ask period later; its answer is not in yet when a request arrives.
    let again: string[] = [];
    for (let i = 0; i < 20 && again.length === 0; i++) again = asks(d.tick()).map((a) => a.link);
    expect(again).to.have.members([PA, PB]);
    expect(answer(PB, true).wakeAt, "B repeats itself").to.equal(null);
    expect(request(1).wakeAt).to.equal(d.now);
    expect(asks(d.tick(0)), "A's ask is on its way").to.deep.equal([]);
    expect(request(2).wakeAt, "A is already to be asked again").to.equal(null);
    // A's answer, "not down", predates its SDOWN: ask again now.
    expect(answer(PA, false).wakeAt).to.equal(d.now);
    expect(asks(d.tick(0)).map((a) => a.link)).to.deep.equal([PA]);
    expect(asks(d.tick()), "once for all those requests").to.deep.equal([]);
  });

  it("asks for a tick after an answer that changes what the peer reported, not after a repeat", () => {
    const d = downAndAsked(3);
    d.tick();
    const answer = (down: boolean, leader = "*", leaderEpoch = 0n): number | null =>
      d.step(reply(PA, down, leader, leaderEpoch)).take().wakeAt;
    expect(answer(true), "now down").to.equal(d.now);
    d.tick(0);
    expect(answer(true), "the same").to.equal(null);
    expect(answer(true, MY_ID, 1n), "a vote").to.equal(d.now);
    d.tick(0);
    expect(answer(true, MY_ID, 1n), "the same vote").to.equal(null);
    expect(answer(false, MY_ID, 1n), "no longer down").to.equal(d.now);
  });

  it("puts our run id in the request while our failover is in progress", () => {
    const d = downAndAsked(3);
    const m = d.master();
    m.failoverState = "select_slave";
    d.now += 1000;
    const ctxAsk = asks(d.tick());
    expect(ctxAsk.every((a) => a.runId === MY_ID)).to.equal(true);
  });

  it("does not ask a disconnected peer", () => {
    const d = withTwoPeers(3);
    expect(asks(d.run(4000))).to.deep.equal([]);
  });
});

describe("ask-peers: replies", () => {
  it("counts a peer that answers down=1 towards ODOWN", () => {
    const d = downAndAsked(2);
    d.step(reply(PA, true));
    expect(eventLines(d.tick())).to.include("+odown master mymaster 10.0.0.1 6379 #quorum 2/2");
  });

  it("records the vote a peer reports with its epoch", () => {
    const d = downAndAsked(2);
    d.step(reply(PA, true, PEER_B, 4n));
    const peer = d.master().sentinels.get(PEER_A);
    expect(peer?.leader).to.equal(PEER_B);
    expect(peer?.leaderEpoch).to.equal(4n);
    expect(peer?.link.pendingCommands).to.be.at.least(0);
  });

  it("logs '<peer> voted for <leader> <epoch>' once per epoch the peer reports", () => {
    const d = downAndAsked(2);
    d.take();
    const reply = { down: true, leader: PEER_B, leaderEpoch: 4n };
    d.step({ type: "is-master-down-reply", link: PA, master: "mymaster", reply });
    expect(d.take().logs).to.deep.equal([
      { kind: "text", at: 0, level: "warning", text: `${PEER_A} voted for ${PEER_B} 4` },
    ]);
    d.step({ type: "is-master-down-reply", link: PA, master: "mymaster", reply });
    expect(d.take().logs).to.deep.equal([]);
  });

  it("ignores replies of the wrong shape: the flag then expires after 5 s", () => {
    const d = downAndAsked(2);
    d.step(reply(PA, true, PEER_B, 4n));
    const peer = d.master().sentinels.get(PEER_A)!;
    const at = d.now;
    d.step({ type: "is-master-down-reply", link: PA, master: "mymaster", reply: null });
    expect(peer.lastMasterDownReplyTime).to.equal(at);
    let expiredAt = 0;
    for (let i = 0; i < 80 && expiredAt === 0; i++) {
      d.tick();
      if (!peer.flags.has("master_down")) expiredAt = d.now;
    }
    expect(expiredAt - at).to.equal(5100);
    expect(peer.leader).to.equal("");
    expect(peer.leaderEpoch).to.equal(4n);
  });

  it("clears master_down on a down=0 reply", () => {
    const d = downAndAsked(2);
    d.step(reply(PA, true));
    d.step(reply(PA, false));
    expect(d.master().sentinels.get(PEER_A)?.flags.has("master_down")).to.equal(false);
  });
});

describe("ask-peers: serving is-master-down-by-addr", () => {
  function request(d: Driver, epoch: number, runId: string, ip = "10.0.0.1", port = 6379) {
    d.step({
      type: "is-master-down-request",
      requestId: 42,
      ip,
      port,
      epoch: BigInt(epoch),
      runId,
    });
    return d.take();
  }

  it("answers [0, *, 0] for a master it does not see down", () => {
    const d = withTwoPeers();
    const ready = request(d, 0, "*");
    expect(ready.replies).to.deep.equal([
      {
        kind: "is-master-down",
        requestId: 42,
        down: false,
        leader: "*",
        leaderEpoch: 0n,
        afterPersist: false,
      },
    ]);
    expect(ready.persist).to.equal(null);
  });

  it("answers down=1 when we see it SDOWN, but 0 in TILT", () => {
    const d = withTwoPeers();
    d.master().flags.add("s_down");
    expect(request(d, 0, "*").replies[0]).to.include({ down: true });
    d.state.tilt = true;
    expect(request(d, 0, "*").replies[0]).to.include({ down: false });
  });

  it("answers [0, *, 0] for an unknown address and adopts no epoch", () => {
    const d = withTwoPeers();
    const ready = request(d, 10, PEER_A, "10.0.0.99");
    expect(ready.replies[0]).to.include({ down: false, leader: "*", leaderEpoch: 0n });
    expect(d.state.currentEpoch).to.equal(0n);
  });

  it("votes first come first served, persisted before the reply (afterPersist)", () => {
    const d = withTwoPeers();
    const first = request(d, 10, PEER_A);
    expect(first.replies[0]).to.deep.equal({
      kind: "is-master-down",
      requestId: 42,
      down: false,
      leader: PEER_A,
      leaderEpoch: 10n,
      afterPersist: true,
    });
    expect(first.persist?.masters[0]?.leaderEpoch).to.equal(10n);
    expect(first.persist?.currentEpoch).to.equal(10n);
    expect(eventLines(first)).to.deep.equal(["+new-epoch 10", `+vote-for-leader ${PEER_A} 10`]);
    const second = request(d, 10, PEER_B);
    expect(second.replies[0]).to.include({ leader: PEER_A, leaderEpoch: 10n });
    const older = request(d, 5, PEER_B);
    expect(older.replies[0]).to.include({ leader: PEER_A, leaderEpoch: 10n });
  });

  it("votes even in TILT", () => {
    const d = withTwoPeers();
    d.state.tilt = true;
    expect(request(d, 3, PEER_B).replies[0]).to.include({
      down: false,
      leader: PEER_B,
      leaderEpoch: 3n,
      afterPersist: true,
    });
  });
});

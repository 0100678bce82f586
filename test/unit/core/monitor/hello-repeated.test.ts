// The fast path of a peer's hello received again word for word (hello.ts: repeatedHello): a
// refresh of the peer only, and the full path whenever the record's address or our epochs no
// longer match what the text was taken with.
import { expect } from "chai";
import {
  Driver,
  PEER_A,
  PEER_B,
  commandsOf,
  eventLines,
  hello,
  masterConfig,
  sentinelConfig,
  sharingPeerA,
  receiveHello as receive,
} from "../core-driver.js";

describe("hello: the same hello again (fast path)", () => {
  it("takes the same text again as a refresh of the peer only, remembering what it took in full", () => {
    const d = new Driver();
    d.take();
    const payload = hello(PEER_A, "10.0.1.1", 26379, 0);
    expect(eventLines(receive(d, payload))).to.have.length(1);
    const peer = d.master().sentinels.get(PEER_A)!;
    expect(peer.seenHello?.payload).to.equal(payload);
    expect(peer.seenHello?.addr).to.equal(peer.addr);
    for (const via of ["slave:mymaster:10.0.0.2:6379", null]) {
      d.now += 100;
      const again = receive(d, payload, via);
      expect(again.events).to.deep.equal([]);
      expect(again.commands).to.deep.equal([]);
      expect(peer.lastHelloTime).to.equal(d.now);
    }
  });

  it("takes the same text in full once the record's address changed under another master", () => {
    const d = new Driver(sharingPeerA());
    d.take();
    const old = hello(PEER_A, "10.0.1.1", 26379, 0, "m2", "10.0.0.5", 6379);
    expect(receive(d, old).events).to.deep.equal([]);
    expect(d.master("m2").sentinels.get(PEER_A)?.seenHello?.payload).to.equal(old);
    // The peer moves: announced under mymaster, its record under m2 is re-addressed.
    receive(d, hello(PEER_A, "10.0.1.9", 26380, 0));
    expect(d.master("m2").sentinels.get(PEER_A)?.addr.ip).to.equal("10.0.1.9");
    // The old text again is an address switch back, as the full path finds it.
    expect(eventLines(receive(d, old))[0]).to.equal(
      `+sentinel-address-switch master m2 10.0.0.5 6379 ip 10.0.1.1 port 26379 for ${PEER_A}`,
    );
  });

  it("takes the same text in full while it carries a newer epoch, and answers it as stale once ours is newer", () => {
    const d = new Driver(
      sentinelConfig([
        masterConfig("mymaster", "10.0.0.1", 6379, {
          knownReplicas: [{ ip: "10.0.0.2", port: 6379 }],
        }),
      ]),
    );
    d.take();
    d.tickAndConnect();
    const five = hello(PEER_A, "10.0.1.1", 26379, 5, "mymaster", "10.0.0.1", 6379, 5);
    receive(d, five);
    expect(d.state.currentEpoch).to.equal(5n);
    expect(d.master().configEpoch).to.equal(5n);
    // Our epochs lowered behind the record's back: the text is taken in full and raises them.
    d.state.currentEpoch = 4n;
    expect(eventLines(receive(d, five))).to.deep.equal(["+new-epoch 5"]);
    d.master().configEpoch = 4n;
    expect(receive(d, five).events).to.deep.equal([]);
    expect(d.master().configEpoch).to.equal(5n);
    // Another peer announces a newer configuration: the same text from PEER_A is now stale.
    receive(d, hello(PEER_B, "10.0.1.2", 26379, 7, "mymaster", "10.0.0.1", 6379, 7));
    const R = "slave:mymaster:10.0.0.2:6379";
    expect(commandsOf(receive(d, five, R), "publish-hello").map((c) => c.link)).to.deep.equal([R]);
  });
});

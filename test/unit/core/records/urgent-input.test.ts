// Proves which inputs the core marks urgent (src/core/records/urgent-input.ts): a peer's
// is-master-down request or answer always; a reply or connection event of a master or replica
// link only while that master is SDOWN, ODOWN or failing over; nothing on a peer's shared link
// but its is-master-down answers; never a tick.
import { expect } from "chai";
import type { Input } from "../../../../src/core/model/inputs.js";
import {
  Driver,
  PEER_A,
  connectWithReplica,
  hello,
  masterConfig,
  pong,
  receiveHello as receive,
  sentinelConfig,
  twoReplicas,
} from "../core-driver.js";

const REPLICA = "slave:mymaster:10.0.0.2:6379";

function watched(): Driver {
  const d = new Driver(
    sentinelConfig([
      masterConfig("mymaster", "10.0.0.1", 6379, { knownReplicas: [twoReplicas()[0]!] }),
    ]),
  );
  connectWithReplica(d, "a".repeat(40));
  receive(d, hello(PEER_A, "10.0.1.1", 26379, 0));
  return d;
}

describe("urgent-input: which inputs a turn steps first", () => {
  const ask: Input = {
    type: "is-master-down-request",
    requestId: 1,
    ip: "10.0.0.1",
    port: 6379,
    epoch: 0n,
    runId: "*",
  };
  const answer: Input = {
    type: "is-master-down-reply",
    link: `sentinel:${PEER_A}`,
    master: "mymaster",
    reply: { down: true, leader: "*", leaderEpoch: 0n },
  };

  it("marks a healthy master's replies routine, and a peer's is-master-down traffic urgent", () => {
    const d = watched();
    expect(d.core.urgent(pong(REPLICA))).to.equal(false);
    expect(d.core.urgent(pong("master:mymaster"))).to.equal(false);
    expect(d.core.urgent({ type: "tick", wallNow: 0 })).to.equal(false);
    expect(d.core.urgent(ask)).to.equal(true);
    expect(d.core.urgent(answer)).to.equal(true);
  });

  for (const flag of ["s_down", "o_down", "failover_in_progress"] as const) {
    it(`marks the master's and its replicas' inputs urgent while it is ${flag}, not the peer's`, () => {
      const d = watched();
      d.master().flags.add(flag);
      expect(d.core.urgent(pong(REPLICA))).to.equal(true);
      expect(d.core.urgent({ type: "command-done", link: REPLICA })).to.equal(true);
      expect(
        d.core.urgent({ type: "link-closed", link: "master:mymaster", conn: "cmd", reason: "" }),
      ).to.equal(true);
      expect(d.core.urgent(pong(`sentinel:${PEER_A}`))).to.equal(false);
    });
  }
});

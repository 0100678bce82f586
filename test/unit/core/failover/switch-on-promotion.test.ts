// Proves that the leader switches the master in the step of the promoted replica's INFO when no
// other replica is left to reconfigure (docs/COMPATIBILITY.md, "The leader's switch on the
// promotion's INFO"): +promoted-slave, +failover-end and +switch-master in one Ready with one
// save of the new address, no tick between them; with another replica to reconfigure, the switch
// still waits for the tick that ends the failover.
import { expect } from "chai";
import {
  Driver,
  PEER_A,
  commandsOf,
  connectWithReplica,
  eventTypes,
  hello,
  info,
  masterConfig,
  masterInfo,
  replicaInfo,
  sentinelConfig,
  twoReplicas,
  receiveHello as receive,
} from "../core-driver.js";

const CANDIDATE = "slave:mymaster:10.0.0.2:6379";

/** SENTINEL FAILOVER of 10.0.0.1 with `replicas` known: SLAVEOF NO ONE went to 10.0.0.2. */
function waitingForPromotion(replicas: number): Driver {
  const known = twoReplicas().slice(0, replicas);
  const d = new Driver(
    sentinelConfig([masterConfig("mymaster", "10.0.0.1", 6379, { knownReplicas: known })]),
  );
  connectWithReplica(d, "a".repeat(40));
  d.step(info(CANDIDATE, replicaInfo("b".repeat(40), "10.0.0.1", 6379, { priority: 10 })));
  if (replicas > 1) {
    d.step(
      info(
        "slave:mymaster:10.0.0.3:6379",
        replicaInfo("c".repeat(40), "10.0.0.1", 6379, { priority: 90 }),
      ),
    );
  }
  receive(d, hello(PEER_A, "10.0.1.1", 26379, 0));
  d.step({ type: "admin", requestId: 1, op: { op: "failover", name: "mymaster" } });
  const sent = [d.take(), ...d.run(d.now + 500)].flatMap((r) => commandsOf(r, "replicaof"));
  expect(sent).to.deep.equal([{ type: "replicaof", link: CANDIDATE, target: null }]);
  expect(d.master().failoverState).to.equal("wait_promotion");
  return d;
}

describe("failover: the leader's switch on the promotion's INFO (Vigil)", () => {
  it("ends the failover and switches in the step of the INFO when no other replica is left, with one save", () => {
    const d = waitingForPromotion(1);
    const ready = d.step(info(CANDIDATE, masterInfo("b".repeat(40)))).take();
    expect(eventTypes(ready)).to.include.members([
      "+promoted-slave",
      "+failover-end",
      "+switch-master",
    ]);
    const types = eventTypes(ready);
    expect(types.indexOf("+failover-end")).to.be.below(types.indexOf("+switch-master"));
    expect(d.master().addr).to.deep.equal({ ip: "10.0.0.2", port: 6379 });
    expect(d.master().failoverState).to.equal("none");
    // The save holds the new address and the failover epoch as its config epoch.
    expect(ready.persist?.masters[0]?.addr).to.deep.equal({ ip: "10.0.0.2", port: 6379 });
    expect(ready.persist?.masters[0]?.configEpoch).to.equal(1n);
  });

  it("leaves the switch to a tick while another replica is still to be reconfigured", () => {
    const d = waitingForPromotion(2);
    const ready = d.step(info(CANDIDATE, masterInfo("b".repeat(40)))).take();
    expect(eventTypes(ready)).to.include("+promoted-slave");
    expect(eventTypes(ready)).to.not.include("+switch-master");
    expect(commandsOf(ready, "replicaof")).to.deep.equal([
      {
        type: "replicaof",
        link: "slave:mymaster:10.0.0.3:6379",
        target: { ip: "10.0.0.2", port: 6379 },
      },
    ]);
    expect(d.master().addr).to.deep.equal({ ip: "10.0.0.1", port: 6379 });
  });
});

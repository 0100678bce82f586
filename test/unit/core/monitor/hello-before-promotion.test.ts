// Proves that a configuration of the master in our failover's epoch or a later one, arriving in a
// hello before our promotion is confirmed, ends the failover (docs/PROTOCOL.md §4.3 step 5,
// src/core/failover/superseded.ts): +config-update-from, -failover-abort-newer-config, the newer
// config epoch kept when the candidate then reports role master (sentinel.c lowers it to its
// failover epoch there); an older configuration is still taken silently.
import { expect } from "chai";
import {
  Driver,
  PEER_A,
  commandsOf,
  connectWithReplica,
  eventLines,
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

describe("hello: a newer configuration before our promotion (Vigil)", () => {
  /**
   * SENTINEL FAILOVER of 10.0.0.1 (peer A known, current epoch `epoch`): SLAVEOF NO ONE went to
   * 10.0.0.2 in epoch `epoch` + 1 and we wait for its INFO to report role master.
   */
  function waitingForPromotion(epoch = 0n): Driver {
    const d = new Driver(
      sentinelConfig(
        [masterConfig("mymaster", "10.0.0.1", 6379, { knownReplicas: [twoReplicas()[0]!] })],
        { currentEpoch: epoch },
      ),
    );
    connectWithReplica(d, "a".repeat(40));
    d.step(info(CANDIDATE, replicaInfo("b".repeat(40), "10.0.0.1", 6379)));
    receive(d, hello(PEER_A, "10.0.1.1", 26379, epoch));
    d.step({ type: "admin", requestId: 1, op: { op: "failover", name: "mymaster" } });
    const sent = [d.take(), ...d.run(d.now + 500)].flatMap((r) => commandsOf(r, "replicaof"));
    expect(sent).to.deep.equal([{ type: "replicaof", link: CANDIDATE, target: null }]);
    expect(d.master().failoverState).to.equal("wait_promotion");
    return d;
  }

  it("ends our failover before its promotion when a newer configuration names the master, and never lowers the config epoch", () => {
    // sentinel.c takes epoch 2 silently (same address), then the promotion sets the config
    // epoch back to its failover epoch 1: two configurations, the newer one losing to the older.
    const d = waitingForPromotion();
    const ready = receive(d, hello(PEER_A, "10.0.1.1", 26379, 2, "mymaster", "10.0.0.1", 6379, 2));
    expect(eventLines(ready)).to.deep.equal([
      "+new-epoch 2",
      `+config-update-from sentinel ${PEER_A} 10.0.1.1 26379 @ mymaster 10.0.0.1 6379`,
      "-failover-abort-newer-config master mymaster 10.0.0.1 6379",
    ]);
    const m = d.master();
    expect([m.failoverState, m.flags.has("failover_in_progress"), m.configEpoch]).to.deep.equal([
      "none",
      false,
      2n,
    ]);
    // The candidate took our SLAVEOF NO ONE: its role master confirms nothing now.
    d.step(info(CANDIDATE, masterInfo("b".repeat(40))));
    expect(eventTypes(d.take())).to.not.include("+promoted-slave");
    const saved = d.core.snapshot().masters[0];
    expect([m.configEpoch, saved?.configEpoch, saved?.addr]).to.deep.equal([
      2n,
      2n,
      { ip: "10.0.0.1", port: 6379 },
    ]);
  });

  it("takes an older configuration of the master silently during our failover, and ends it at one of the failover's own epoch", () => {
    const d = waitingForPromotion(2n);
    expect(d.master().failoverEpoch).to.equal(3n);
    const older = receive(d, hello(PEER_A, "10.0.1.1", 26379, 3, "mymaster", "10.0.0.1", 6379, 2));
    expect([eventLines(older), d.master().failoverState, d.master().configEpoch]).to.deep.equal([
      [],
      "wait_promotion",
      2n,
    ]);
    // Another configuration in our epoch (a SENTINEL FAILOVER elsewhere reused it).
    const same = receive(d, hello(PEER_A, "10.0.1.1", 26379, 3, "mymaster", "10.0.0.1", 6379, 3));
    expect(eventTypes(same)).to.deep.equal(["+config-update-from", "-failover-abort-newer-config"]);
    expect([d.master().failoverState, d.master().configEpoch]).to.deep.equal(["none", 3n]);
  });
});

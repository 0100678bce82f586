// Proves that the failover functions chained as the driver chains them (one state step per tick,
// INFO facts applied in between, the switch at update_config) produce the leader's event
// sequence that a real redis-sentinel 7.0.15 emits (docs/PROTOCOL.md §8.2, "leader sequence"),
// and leave a consistent record: new address, config epoch = failover epoch, no failover.
import { expect } from "chai";
import {
  failoverStateMachine,
  startFailoverIfNeeded,
} from "../../../../src/core/failover/failover-state.js";
import {
  onReplicaInfoProgress,
  onReplicaReportsMaster,
} from "../../../../src/core/failover/progress.js";
import { switchToPromotedReplica } from "../../../../src/core/failover/switch-master.js";
import { Harness, MY_ID, PEER_B, PEER_C, eventTypes, markOdown } from "../failover-fixture.js";

const T0 = 1_000_000;

describe("a whole failover led by this sentinel", () => {
  it("emits the leader sequence and ends with the master re-addressed", () => {
    const h = new Harness();
    const master = h.addMaster(0);
    h.addPeer(0, master, PEER_B, 26380);
    h.addPeer(0, master, PEER_C, 26381);
    const r1 = h.addReplica(T0, master, "10.0.0.2", 6379, { slaveReplOffset: 10n });
    const r2 = h.addReplica(T0, master, "10.0.0.3", 6379, { slaveReplOffset: 5n });
    // Stand at once whatever our rank (the candidate order has its own tests).
    h.state.timing.candidateDelay = 0;
    markOdown(master, T0);
    const types: string[] = [];
    const step = (now: number): void => {
      failoverStateMachine(h.at(now), master);
      types.push(...eventTypes(h.take()));
    };

    expect(startFailoverIfNeeded(h.at(T0), master)).to.equal(true);
    types.push(...eventTypes(h.take()));
    const peerB = master.sentinels.get(PEER_B)!;
    peerB.leader = MY_ID;
    peerB.leaderEpoch = 1n;
    step(T0 + 100); // wait_start → select_slave
    step(T0 + 200); // select_slave → send_slaveof_noone
    step(T0 + 300); // SLAVEOF NO ONE → wait_promotion
    step(T0 + 400); // waiting

    r1.roleReported = "master";
    expect(onReplicaReportsMaster(h.at(T0 + 500), master, r1)).to.equal(true);
    types.push(...eventTypes(h.take()));
    step(T0 + 600); // reconf r2

    r2.slaveMasterHost = "10.0.0.2";
    r2.slaveMasterPort = 6379;
    onReplicaInfoProgress(h.at(T0 + 700), master, r2);
    r2.slaveMasterLinkStatusUp = true;
    onReplicaInfoProgress(h.at(T0 + 800), master, r2);
    types.push(...eventTypes(h.take()));
    step(T0 + 900); // +failover-end

    expect(master.failoverState).to.equal("update_config");
    switchToPromotedReplica(h.at(T0 + 900), master);
    types.push(...eventTypes(h.take()));

    expect(types).to.deep.equal([
      "+new-epoch",
      "+try-failover",
      "+vote-for-leader",
      "+elected-leader",
      "+failover-state-select-slave",
      "+selected-slave",
      "+failover-state-send-slaveof-noone",
      "+failover-state-wait-promotion",
      "+promoted-slave",
      "+failover-state-reconf-slaves",
      "+slave-reconf-sent",
      "+slave-reconf-inprog",
      "+slave-reconf-done",
      "+failover-end",
      "+switch-master",
      "+slave",
      "+slave",
    ]);
    expect(master.addr).to.deep.equal({ ip: "10.0.0.2", port: 6379 });
    expect(master.configEpoch).to.equal(1n);
    expect(master.failoverState).to.equal("none");
    expect(h.state.currentEpoch).to.equal(1n);
    expect([...master.replicas.keys()]).to.deep.equal(["10.0.0.3:6379", "10.0.0.1:6379"]);
  });
});

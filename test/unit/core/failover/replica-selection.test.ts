// Proves replica selection (sentinel-protocol §7.3): every exclusion rule on its own (down,
// disconnected, no recent PING reply, priority 0, stale INFO with both validity windows, master
// link down too long with and without master SDOWN), that replica-announced 0 does not exclude,
// and the promotion order: priority ascending, offset descending, run id case-insensitive with
// unknown ids last.
import { expect } from "chai";
import {
  compareReplicasForPromotion,
  replicaExclusion,
  selectReplica,
} from "../../../../src/core/failover/replica-selection.js";
import type { MasterState, ReplicaState } from "../../../../src/core/model/state.js";
import { Harness, disconnect } from "../failover-fixture.js";

const NOW = 1_000_000;

function oneReplica(): { h: Harness; master: MasterState; replica: ReplicaState } {
  const h = new Harness();
  const master = h.addMaster(0, { downAfterPeriod: 5000 });
  const replica = h.addReplica(NOW, master, "10.0.0.2", 6379);
  return { h, master, replica };
}

describe("selectReplica exclusions", () => {
  it("selects a healthy replica", () => {
    const { h, master, replica } = oneReplica();
    expect(selectReplica(h.at(NOW), master)).to.equal(replica);
  });

  it("excludes a replica that is SDOWN or ODOWN", () => {
    const { h, master, replica } = oneReplica();
    replica.flags.add("s_down");
    expect(selectReplica(h.at(NOW), master)).to.equal(null);
    replica.flags.delete("s_down");
    replica.flags.add("o_down");
    expect(replicaExclusion(h.at(NOW), master, replica)).to.equal("down");
  });

  it("excludes a replica whose link is disconnected, pub/sub included", () => {
    const { h, master, replica } = oneReplica();
    replica.link.pubsubConnected = false;
    expect(replicaExclusion(h.at(NOW), master, replica)).to.equal("disconnected");
    disconnect(replica.link);
    expect(selectReplica(h.at(NOW), master)).to.equal(null);
  });

  it("excludes a replica whose last valid PING reply is older than 5 ping periods", () => {
    const { h, master, replica } = oneReplica();
    expect(replicaExclusion(h.at(NOW + 5000), master, replica)).to.equal(null);
    expect(replicaExclusion(h.at(NOW + 5001), master, replica)).to.equal("no-recent-ping-reply");
  });

  it("excludes a replica with priority 0", () => {
    const { h, master, replica } = oneReplica();
    replica.slavePriority = 0;
    expect(replicaExclusion(h.at(NOW), master, replica)).to.equal("priority-0");
  });

  it("accepts INFO up to 30 s old while the master is not SDOWN", () => {
    const { h, master, replica } = oneReplica();
    const at = NOW + 30_000;
    replica.link.lastAvailTime = at;
    expect(replicaExclusion(h.at(at), master, replica)).to.equal(null);
    expect(replicaExclusion(h.at(at + 1), master, replica)).to.equal("stale-info");
  });

  it("accepts INFO only up to 5 s old while the master is SDOWN", () => {
    const { h, master, replica } = oneReplica();
    master.flags.add("s_down");
    master.sDownSinceTime = NOW;
    replica.link.lastAvailTime = NOW + 5001;
    expect(replicaExclusion(h.at(NOW + 5000), master, replica)).to.equal(null);
    expect(replicaExclusion(h.at(NOW + 5001), master, replica)).to.equal("stale-info");
  });

  it("follows SENTINEL DEBUG ping and info periods in the validity windows", () => {
    const { h, master, replica } = oneReplica();
    h.state.timing.pingPeriod = 100;
    h.state.timing.infoPeriod = 200;
    expect(replicaExclusion(h.at(NOW + 500), master, replica)).to.equal(null);
    expect(replicaExclusion(h.at(NOW + 501), master, replica)).to.equal("no-recent-ping-reply");
    replica.link.lastAvailTime = NOW + 601;
    expect(replicaExclusion(h.at(NOW + 601), master, replica)).to.equal("stale-info");
  });

  it("excludes a replica cut off from the master longer than 10 × down-after", () => {
    const { h, master, replica } = oneReplica();
    replica.masterLinkDownTime = 50_000;
    expect(replicaExclusion(h.at(NOW), master, replica)).to.equal(null);
    replica.masterLinkDownTime = 50_001;
    expect(replicaExclusion(h.at(NOW), master, replica)).to.equal("master-link-down-too-long");
  });

  it("adds the master's SDOWN duration to the allowed link-down time", () => {
    const { h, master, replica } = oneReplica();
    master.flags.add("s_down");
    master.sDownSinceTime = NOW - 20_000;
    replica.masterLinkDownTime = 70_000;
    expect(replicaExclusion(h.at(NOW), master, replica)).to.equal(null);
    replica.masterLinkDownTime = 70_001;
    expect(replicaExclusion(h.at(NOW), master, replica)).to.equal("master-link-down-too-long");
  });

  it("does not exclude a replica with replica-announced 0", () => {
    const { h, master, replica } = oneReplica();
    replica.replicaAnnounced = false;
    expect(selectReplica(h.at(NOW), master)).to.equal(replica);
  });

  it("returns null for a master without replicas", () => {
    const h = new Harness();
    const master = h.addMaster(0);
    expect(selectReplica(h.at(NOW), master)).to.equal(null);
  });
});

describe("promotion order", () => {
  function three(): { h: Harness; master: MasterState; r: ReplicaState[] } {
    const h = new Harness();
    const master = h.addMaster(0);
    const r = [
      h.addReplica(NOW, master, "10.0.0.2", 6379, { runId: "c".repeat(40) }),
      h.addReplica(NOW, master, "10.0.0.3", 6379, { runId: "b".repeat(40) }),
      h.addReplica(NOW, master, "10.0.0.4", 6379, { runId: "a".repeat(40) }),
    ];
    return { h, master, r };
  }

  it("prefers the lower priority over any offset", () => {
    const { h, master, r } = three();
    r[0]!.slavePriority = 10;
    r[1]!.slaveReplOffset = 1_000_000n;
    expect(selectReplica(h.at(NOW), master)).to.equal(r[0]);
  });

  it("prefers the larger replication offset at equal priority", () => {
    const { h, master, r } = three();
    r[1]!.slaveReplOffset = 2n ** 63n;
    r[2]!.slaveReplOffset = 2n ** 63n - 1n;
    expect(selectReplica(h.at(NOW), master)).to.equal(r[1]);
  });

  it("prefers the smaller run id, case-insensitively, at equal priority and offset", () => {
    const { h, master, r } = three();
    expect(selectReplica(h.at(NOW), master)).to.equal(r[2]);
    // A byte-wise compare would put "B…" (0x42) before "a…" (0x61).
    r[1]!.runId = "B".repeat(40);
    expect(selectReplica(h.at(NOW), master)).to.equal(r[2]);
    r[2]!.runId = "C".repeat(40);
    expect(selectReplica(h.at(NOW), master)).to.equal(r[1]);
  });

  it("puts replicas with an unknown run id last", () => {
    const { r } = three();
    r[2]!.runId = "";
    expect(compareReplicasForPromotion(r[2]!, r[0]!)).to.equal(1);
    expect(compareReplicasForPromotion(r[0]!, r[2]!)).to.equal(-1);
    r[0]!.runId = "";
    expect(compareReplicasForPromotion(r[0]!, r[2]!)).to.equal(0);
  });

  it("sorts a whole list by priority, then offset, then run id", () => {
    const { r } = three();
    r[0]!.slaveReplOffset = 5n;
    r[1]!.slavePriority = 50;
    const sorted = [...r].sort(compareReplicasForPromotion).map((x) => x.name);
    expect(sorted).to.deep.equal(["10.0.0.3:6379", "10.0.0.2:6379", "10.0.0.4:6379"]);
  });
});

// Proves the INFO-driven failover progress (docs/PROTOCOL.md §7.4, §3.3): the candidate reporting
// master confirms the promotion only in wait_promotion (config epoch, reconf_slaves, flush,
// events, client-reconfig script when configured, forced hellos, crash-after-promotion) unless a
// configuration in the failover epoch or later is known (the failover ends instead), and
// replicas move reconf_sent → reconf_inprog → reconf_done as INFO shows them following the
// promoted replica with their link up.
import { expect } from "chai";
import {
  onReplicaInfoProgress,
  onReplicaReportsMaster,
} from "../../../../src/core/failover/progress.js";
import type { MasterState, ReplicaState } from "../../../../src/core/model/state.js";
import { Harness, PEER_B, eventLines } from "../failover-fixture.js";

const T0 = 1_000_000;
const M = "master mymaster 10.0.0.1 6379";
const R1 = "slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379";
const R2 = "slave 10.0.0.3:6379 10.0.0.3 6379 @ mymaster 10.0.0.1 6379";

interface Scenario {
  h: Harness;
  master: MasterState;
  r1: ReplicaState;
  r2: ReplicaState;
}

/** A failover of epoch 3 waiting for r1's promotion since T0. */
function waitingPromotion(clientReconfigScript = ""): Scenario {
  const h = new Harness();
  h.state.currentEpoch = 3n;
  const master = h.addMaster(0, { clientReconfigScript });
  h.addPeer(0, master, PEER_B, 26380);
  const r1 = h.addReplica(T0, master, "10.0.0.2", 6379);
  const r2 = h.addReplica(T0, master, "10.0.0.3", 6379);
  master.flags.add("failover_in_progress");
  master.failoverEpoch = 3n;
  master.configEpoch = 1n;
  master.failoverState = "wait_promotion";
  master.failoverStateChangeTime = T0;
  master.promotedReplica = r1.name;
  r1.flags.add("promoted");
  for (const x of [master, r1, r2, master.sentinels.get(PEER_B)!]) x.lastPubTime = T0;
  return { h, master, r1, r2 };
}

describe("onReplicaReportsMaster", () => {
  it("confirms the promotion of the candidate in wait_promotion", () => {
    const { h, master, r1 } = waitingPromotion();
    expect(onReplicaReportsMaster(h.at(T0 + 500), master, r1)).to.equal(true);
    expect(master.configEpoch).to.equal(3n);
    expect(master.failoverState).to.equal("reconf_slaves");
    expect(master.failoverStateChangeTime).to.equal(T0 + 500);
    const ready = h.take();
    expect(ready.persist).to.not.equal(null);
    expect(eventLines(ready)).to.deep.equal([
      `+promoted-slave ${R1}`,
      `+failover-state-reconf-slaves ${M}`,
    ]);
    expect(ready.scripts).to.deep.equal([]);
  });

  it("forces hellos to the master, its replicas and its peers", () => {
    const { h, master, r1, r2 } = waitingPromotion();
    onReplicaReportsMaster(h.at(T0 + 500), master, r1);
    const peer = master.sentinels.get(PEER_B)!;
    expect([master.lastPubTime, r1.lastPubTime, r2.lastPubTime, peer.lastPubTime]).to.deep.equal([
      0, 0, 0, 0,
    ]);
  });

  it("queues the client-reconfig script as leader with the old and new addresses", () => {
    const { h, master, r1 } = waitingPromotion("/opt/reconf.sh");
    onReplicaReportsMaster(h.at(T0 + 500), master, r1);
    expect(h.take().scripts).to.deep.equal([
      {
        kind: "client-reconfig",
        master: "mymaster",
        path: "/opt/reconf.sh",
        args: ["mymaster", "leader", "start", "10.0.0.1", "6379", "10.0.0.2", "6379"],
      },
    ]);
  });

  it("returns false for a replica that is not the candidate", () => {
    const { h, master, r2 } = waitingPromotion();
    expect(onReplicaReportsMaster(h.at(T0 + 500), master, r2)).to.equal(false);
    expect(master.failoverState).to.equal("wait_promotion");
    expect(h.take().events).to.deep.equal([]);
  });

  it("returns false for the candidate outside wait_promotion", () => {
    const { h, master, r1 } = waitingPromotion();
    master.failoverState = "send_slaveof_noone";
    expect(onReplicaReportsMaster(h.at(T0 + 500), master, r1)).to.equal(false);
    master.failoverState = "reconf_slaves";
    expect(onReplicaReportsMaster(h.at(T0 + 500), master, r1)).to.equal(false);
    expect(master.configEpoch).to.equal(1n);
  });

  it("never lowers the config epoch: a configuration in the failover epoch or later ends the failover instead", () => {
    for (const known of [3n, 5n]) {
      const { h, master, r1 } = waitingPromotion();
      master.configEpoch = known;
      expect(onReplicaReportsMaster(h.at(T0 + 500), master, r1)).to.equal(false);
      expect([master.configEpoch, master.failoverState, master.promotedReplica]).to.deep.equal([
        known,
        "none",
        null,
      ]);
      expect([r1.flags.has("promoted"), master.flags.has("failover_in_progress")]).to.deep.equal([
        false,
        false,
      ]);
      expect(eventLines(h.take())).to.deep.equal([`-failover-abort-newer-config ${M}`]);
    }
  });

  it("exits with 99 after +promoted-slave under SIMULATE-FAILURE crash-after-promotion", () => {
    const { h, master, r1 } = waitingPromotion("/opt/reconf.sh");
    h.state.simulateFailureFlags = 2;
    expect(onReplicaReportsMaster(h.at(T0 + 500), master, r1)).to.equal(true);
    const ready = h.take();
    expect(ready.exitCode).to.equal(99);
    expect(ready.persist).to.not.equal(null);
    expect(eventLines(ready)).to.deep.equal([`+promoted-slave ${R1}`]);
    expect(ready.scripts).to.deep.equal([]);
  });
});

describe("onReplicaInfoProgress", () => {
  function reconfiguring(): Scenario {
    const s = waitingPromotion();
    onReplicaReportsMaster(s.h.at(T0 + 500), s.master, s.r1);
    s.h.take();
    s.r2.flags.add("reconf_sent");
    s.r2.slaveReconfSentTime = T0 + 600;
    // Told to follow the promoted replica, not yet synced with it.
    s.r2.slaveMasterLinkStatusUp = false;
    return s;
  }

  it("moves reconf_sent to reconf_inprog once the replica follows the promoted address", () => {
    const { h, master, r2 } = reconfiguring();
    r2.slaveMasterHost = "10.0.0.1";
    r2.slaveMasterPort = 6379;
    onReplicaInfoProgress(h.at(T0 + 700), master, r2);
    expect(r2.flags.has("reconf_sent")).to.equal(true);
    r2.slaveMasterHost = "10.0.0.2";
    onReplicaInfoProgress(h.at(T0 + 800), master, r2);
    expect(r2.flags.has("reconf_sent")).to.equal(false);
    expect(r2.flags.has("reconf_inprog")).to.equal(true);
    expect(eventLines(h.take())).to.deep.equal([`+slave-reconf-inprog ${R2}`]);
  });

  it("moves reconf_inprog to reconf_done once the replica's master link is up", () => {
    const { h, master, r2 } = reconfiguring();
    r2.slaveMasterHost = "10.0.0.2";
    r2.slaveMasterPort = 6379;
    onReplicaInfoProgress(h.at(T0 + 700), master, r2);
    h.take();
    r2.slaveMasterLinkStatusUp = true;
    onReplicaInfoProgress(h.at(T0 + 800), master, r2);
    expect(r2.flags.has("reconf_inprog")).to.equal(false);
    expect(r2.flags.has("reconf_done")).to.equal(true);
    expect(eventLines(h.take())).to.deep.equal([`+slave-reconf-done ${R2}`]);
  });

  it("goes through both steps in one INFO when the replica already synced", () => {
    const { h, master, r2 } = reconfiguring();
    r2.slaveMasterHost = "10.0.0.2";
    r2.slaveMasterPort = 6379;
    r2.slaveMasterLinkStatusUp = true;
    onReplicaInfoProgress(h.at(T0 + 700), master, r2);
    expect(eventLines(h.take())).to.deep.equal([
      `+slave-reconf-inprog ${R2}`,
      `+slave-reconf-done ${R2}`,
    ]);
  });

  it("ignores replicas not flagged for reconfiguration, and failovers not in reconf_slaves", () => {
    const { h, master, r2 } = reconfiguring();
    r2.slaveMasterHost = "10.0.0.2";
    r2.slaveMasterPort = 6379;
    r2.slaveMasterLinkStatusUp = true;
    master.failoverState = "update_config";
    onReplicaInfoProgress(h.at(T0 + 700), master, r2);
    master.failoverState = "reconf_slaves";
    r2.flags.delete("reconf_sent");
    onReplicaInfoProgress(h.at(T0 + 700), master, r2);
    expect(h.take().events).to.deep.equal([]);
  });

  it("ignores a replica that reports role master", () => {
    const { h, master, r2 } = reconfiguring();
    r2.roleReported = "master";
    r2.slaveMasterHost = "10.0.0.2";
    r2.slaveMasterPort = 6379;
    onReplicaInfoProgress(h.at(T0 + 700), master, r2);
    expect(r2.flags.has("reconf_sent")).to.equal(true);
  });
});

// Proves the replica identity rule (replica-identity.ts): a replica is promotable only on the
// master's replication history — its master_replid seen on the master (as master_replid, or as
// master_replid2 with an offset before second_repl_offset); a re-pointed or wiped replica is
// excluded with `replid-mismatch` and logged, as is a replica reporting role master (unless our
// master follows it); otherwise nothing is excluded while either side is unknown.
import { expect } from "chai";
import { failoverStateMachine } from "../../../../src/core/failover/failover-state.js";
import {
  replicaExclusion,
  selectReplica,
} from "../../../../src/core/failover/replica-selection.js";
import { refreshFromInfo } from "../../../../src/core/monitor/info-refresh.js";
import type { MasterState, ReplicaState } from "../../../../src/core/model/state.js";
import { Harness, connect, eventLines } from "../failover-fixture.js";

const T0 = 1_000_000;
const X = "1".repeat(40);
const Y = "2".repeat(40);
const Z = "3".repeat(40);
const NONE = "0".repeat(40);

function masterInfo(replid: string, replid2: string, second: number): string {
  return [
    "# Replication",
    "role:master",
    "connected_slaves:0",
    "master_failover_state:no-failover",
    `master_replid:${replid}`,
    `master_replid2:${replid2}`,
    "master_repl_offset:5000",
    `second_repl_offset:${second}`,
    "",
  ].join("\r\n");
}

function replicaInfo(replid: string, offset: number): string {
  return [
    "# Replication",
    "role:slave",
    "master_host:10.0.0.1",
    "master_port:6379",
    "master_link_status:up",
    `slave_repl_offset:${offset}`,
    "slave_priority:100",
    "master_failover_state:no-failover",
    `master_replid:${replid}`,
    `master_replid2:${NONE}`,
    `master_repl_offset:${offset}`,
    "second_repl_offset:-1",
    "",
  ].join("\r\n");
}

function setup(): { h: Harness; master: MasterState; r1: ReplicaState; r2: ReplicaState } {
  const h = new Harness();
  const master = h.addMaster(0);
  connect(master.link);
  const r1 = h.addReplica(T0, master, "10.0.0.2", 6379);
  const r2 = h.addReplica(T0, master, "10.0.0.3", 6379);
  return { h, master, r1, r2 };
}

describe("replica identity before promotion", () => {
  it("takes replicas on the master's replid, excludes one on another history", () => {
    const { h, master, r1, r2 } = setup();
    refreshFromInfo(h.at(T0), master, master, masterInfo(Y, X, 1001));
    refreshFromInfo(h.at(T0), r1, master, replicaInfo(Y, 4000));
    refreshFromInfo(h.at(T0), r2, master, replicaInfo(Z, 9000));
    expect(master.serverFailoverState).to.equal("no-failover");
    expect([...master.replHistory]).to.deep.equal([
      [Y, null],
      [X, 1001n],
    ]);
    expect(replicaExclusion(h.at(T0), master, r1)).to.equal(null);
    expect(replicaExclusion(h.at(T0), master, r2)).to.equal("replid-mismatch");
    // r2 has the larger offset but is off the history: r1 is chosen.
    expect(selectReplica(h.at(T0), master)).to.equal(r1);
  });

  it("takes a replica on the master's replid2 only before second_repl_offset", () => {
    const { h, master, r1 } = setup();
    refreshFromInfo(h.at(T0), master, master, masterInfo(Y, X, 1001));
    refreshFromInfo(h.at(T0), r1, master, replicaInfo(X, 1000));
    expect(replicaExclusion(h.at(T0), master, r1)).to.equal(null);
    refreshFromInfo(h.at(T0), r1, master, replicaInfo(X, 1001));
    expect(replicaExclusion(h.at(T0), master, r1)).to.equal("replid-mismatch");
  });

  it("decides nothing before the master's INFO, or for a replica that reports no replid", () => {
    const { h, master, r1, r2 } = setup();
    refreshFromInfo(h.at(T0), r1, master, replicaInfo(Z, 10));
    expect(replicaExclusion(h.at(T0), master, r1)).to.equal(null);
    refreshFromInfo(h.at(T0), master, master, masterInfo(Y, NONE, -1));
    expect([...master.replHistory]).to.deep.equal([[Y, null]]);
    expect(replicaExclusion(h.at(T0), master, r2)).to.equal(null);
    expect(replicaExclusion(h.at(T0), master, r1)).to.equal("replid-mismatch");
  });

  it("excludes a replica that reports role master, even on the master's history or before any INFO of the master (a SLAVEOF NO ONE would change nothing on it)", () => {
    const { h, master, r1, r2 } = setup();
    // An old master back, still on the history our master was promoted from.
    refreshFromInfo(h.at(T0), r1, master, masterInfo(X, NONE, -1));
    refreshFromInfo(h.at(T0), r2, master, replicaInfo(Z, 10));
    expect(replicaExclusion(h.at(T0), master, r1)).to.equal("replid-mismatch");
    expect(replicaExclusion(h.at(T0), master, r2)).to.equal(null);
    refreshFromInfo(h.at(T0), master, master, masterInfo(Y, X, 1001));
    expect(replicaExclusion(h.at(T0), master, r1)).to.equal("replid-mismatch");
  });

  it("keeps a replica that reports role master when our master reports that it follows it (a switch made by hand)", () => {
    const { h, master, r1, r2 } = setup();
    refreshFromInfo(h.at(T0), master, master, masterInfo(Y, NONE, -1));
    // By hand: REPLICAOF NO ONE on 10.0.0.2, then the old master REPLICAOF 10.0.0.2 6379.
    refreshFromInfo(h.at(T0), r1, master, masterInfo(X, Y, 5001));
    const follower = replicaInfo(X, 5000).replace("master_host:10.0.0.1", "master_host:10.0.0.2");
    refreshFromInfo(h.at(T0), master, master, follower);
    expect(replicaExclusion(h.at(T0), master, r1)).to.equal(null);
    // Another replica reporting role master is still left out.
    refreshFromInfo(h.at(T0), r2, master, masterInfo(Z, NONE, -1));
    expect(replicaExclusion(h.at(T0), master, r2)).to.equal("replid-mismatch");
  });

  it("logs the excluded replica with its reason when the failover selects", () => {
    const { h, master, r1, r2 } = setup();
    refreshFromInfo(h.at(T0), master, master, masterInfo(Y, NONE, -1));
    refreshFromInfo(h.at(T0), r1, master, replicaInfo(Y, 100));
    refreshFromInfo(h.at(T0), r2, master, replicaInfo(Z, 900));
    h.take();
    master.flags.add("failover_in_progress");
    master.failoverState = "select_slave";
    master.failoverStateChangeTime = T0;
    failoverStateMachine(h.at(T0), master);
    const ready = h.take();
    expect(ready.logs.map((l) => (l.kind === "text" ? l.text : ""))).to.deep.equal([
      `slave 10.0.0.3:6379 10.0.0.3 6379 @ mymaster 10.0.0.1 6379 not promotable: replid-mismatch (replid ${Z} offset 900; the master's history: ${Y})`,
    ]);
    expect(eventLines(ready)[0]).to.equal(
      "+selected-slave slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379",
    );
  });
});

describe("master_failover_state in INFO", () => {
  function stuckInfo(state: string): string {
    return replicaInfo(Y, 100).replace(
      "master_failover_state:no-failover",
      `master_failover_state:${state}`,
    );
  }

  it("points a replica stuck in its own FAILOVER back at its master, FAILOVER ABORT first", () => {
    const { h, master, r1 } = setup();
    master.settings = { ...master.settings, failoverTimeout: 10_000 };
    refreshFromInfo(h.at(T0), master, master, masterInfo(Y, NONE, -1));
    refreshFromInfo(h.at(T0), r1, master, stuckInfo("waiting-for-sync"));
    expect(r1.serverFailoverState).to.equal("in-progress");
    h.take();
    refreshFromInfo(h.at(T0 + 5_000), master, master, masterInfo(Y, NONE, -1));
    refreshFromInfo(h.at(T0 + 5_000), r1, master, stuckInfo("waiting-for-sync"));
    expect(h.take().commands).to.deep.equal([]);
    refreshFromInfo(h.at(T0 + 10_001), master, master, masterInfo(Y, NONE, -1));
    refreshFromInfo(h.at(T0 + 10_001), r1, master, stuckInfo("failover-in-progress"));
    const ready = h.take();
    expect(ready.commands).to.deep.equal([
      {
        type: "replicaof",
        link: r1.link.id,
        target: { ip: "10.0.0.1", port: 6379 },
        abortFailover: true,
      },
    ]);
    expect(eventLines(ready)).to.deep.equal([
      "+fix-slave-config slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379",
    ]);
  });
});

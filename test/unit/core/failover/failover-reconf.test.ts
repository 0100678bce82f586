// Proves the reconf_slaves state (docs/PROTOCOL.md §7.6): SLAVEOF <promoted> paced by
// parallel-syncs, disconnected replicas skipped, the reconf_sent timeout (-slave-reconf-sent-
// timeout, counted done, then re-sent as sentinel.c does), the end check (+failover-end →
// update_config, blocked while the promoted replica is SDOWN, SDOWN replicas not awaited), and
// +failover-end-for-timeout with best-effort +slave-reconf-sent-be.
import { expect } from "chai";
import { failoverStateMachine } from "../../../../src/core/failover/failover-state.js";
import type { MasterState, ReplicaState } from "../../../../src/core/model/state.js";
import { Harness, disconnect, eventLines, eventTypes } from "../failover-fixture.js";

const T0 = 1_000_000;
const M = "master mymaster 10.0.0.1 6379";
const PROMOTED = { ip: "10.0.0.2", port: 6379 };

function text(replica: ReplicaState): string {
  return `slave ${replica.name} ${replica.addr.ip} ${replica.addr.port} @ mymaster 10.0.0.1 6379`;
}

interface Scenario {
  h: Harness;
  master: MasterState;
  promoted: ReplicaState;
  others: ReplicaState[];
}

/** r1 (10.0.0.2) promoted, `n` other replicas, in reconf_slaves since T0. */
function reconfSlaves(n: number, parallelSyncs = 1): Scenario {
  const h = new Harness();
  const master = h.addMaster(0, { parallelSyncs });
  const promoted = h.addReplica(T0, master, PROMOTED.ip, PROMOTED.port);
  const others: ReplicaState[] = [];
  for (let i = 0; i < n; i++) others.push(h.addReplica(T0, master, `10.0.0.${i + 3}`, 6379));
  master.flags.add("failover_in_progress");
  master.failoverState = "reconf_slaves";
  master.failoverStateChangeTime = T0;
  master.promotedReplica = promoted.name;
  promoted.flags.add("promoted");
  promoted.roleReported = "master";
  return { h, master, promoted, others };
}

function replicaofTargets(ready: ReturnType<Harness["take"]>): string[] {
  return ready.commands.map((c) =>
    c.type === "replicaof"
      ? `${c.link} -> ${c.target === null ? "NO ONE" : `${c.target.ip}:${c.target.port}`}`
      : c.type,
  );
}

describe("reconf_slaves pacing", () => {
  it("sends SLAVEOF <promoted> to one replica at a time with parallel-syncs 1", () => {
    const { h, master, others } = reconfSlaves(3);
    failoverStateMachine(h.at(T0 + 100), master);
    const ready = h.take();
    expect(replicaofTargets(ready)).to.deep.equal([
      "slave:mymaster:10.0.0.3:6379 -> 10.0.0.2:6379",
    ]);
    expect(eventLines(ready)).to.deep.equal([`+slave-reconf-sent ${text(others[0]!)}`]);
    expect(others[0]!.flags.has("reconf_sent")).to.equal(true);
    expect(others[0]!.slaveReconfSentTime).to.equal(T0 + 100);
    expect(others[0]!.link.pendingCommands).to.equal(1);

    failoverStateMachine(h.at(T0 + 200), master);
    expect(h.take().commands, "one still in progress").to.deep.equal([]);

    others[0]!.flags.delete("reconf_sent");
    others[0]!.flags.add("reconf_inprog");
    failoverStateMachine(h.at(T0 + 300), master);
    expect(h.take().commands, "in progress counts too").to.deep.equal([]);

    others[0]!.flags.delete("reconf_inprog");
    others[0]!.flags.add("reconf_done");
    failoverStateMachine(h.at(T0 + 400), master);
    expect(replicaofTargets(h.take())).to.deep.equal([
      "slave:mymaster:10.0.0.4:6379 -> 10.0.0.2:6379",
    ]);
  });

  it("sends to parallel-syncs replicas at once", () => {
    const { h, master } = reconfSlaves(3, 2);
    failoverStateMachine(h.at(T0 + 100), master);
    expect(h.take().commands).to.have.length(2);
    failoverStateMachine(h.at(T0 + 100), master);
    expect(h.take().commands).to.have.length(0);
  });

  it("never sends to the promoted replica and skips disconnected replicas", () => {
    const { h, master, others } = reconfSlaves(2, 5);
    disconnect(others[0]!.link);
    failoverStateMachine(h.at(T0 + 100), master);
    expect(replicaofTargets(h.take())).to.deep.equal([
      "slave:mymaster:10.0.0.4:6379 -> 10.0.0.2:6379",
    ]);
    expect(others[0]!.flags.size).to.equal(0);
  });

  it("times out a reconf_sent after slave-reconf-timeout, counts it done and re-sends once", () => {
    const { h, master, others } = reconfSlaves(1, 2);
    failoverStateMachine(h.at(T0 + 100), master);
    h.take();
    failoverStateMachine(h.at(T0 + 100 + 10_000), master);
    expect(h.take().commands).to.deep.equal([]);
    failoverStateMachine(h.at(T0 + 100 + 10_001), master);
    const ready = h.take();
    // sentinel.c: the timed-out replica is marked done, then (no longer reconf_sent) sent again;
    // being done, it no longer holds the failover's end.
    expect(eventLines(ready)).to.deep.equal([
      `-slave-reconf-sent-timeout ${text(others[0]!)}`,
      `+slave-reconf-sent ${text(others[0]!)}`,
      `+failover-end ${M}`,
    ]);
    expect(replicaofTargets(ready)).to.deep.equal([
      "slave:mymaster:10.0.0.3:6379 -> 10.0.0.2:6379",
    ]);
    expect([...others[0]!.flags].sort()).to.deep.equal(["reconf_done", "reconf_sent"]);
  });

  it("does not time out a reconf_sent that fills parallel-syncs (the walk never starts)", () => {
    const { h, master, others } = reconfSlaves(2, 1);
    failoverStateMachine(h.at(T0 + 100), master);
    h.take();
    failoverStateMachine(h.at(T0 + 100 + 60_000), master);
    expect(h.take().events).to.deep.equal([]);
    expect([...others[0]!.flags]).to.deep.equal(["reconf_sent"]);
  });

  it("follows a SENTINEL DEBUG slave-reconf-timeout", () => {
    const { h, master } = reconfSlaves(1, 2);
    h.state.timing.slaveReconfTimeout = 500;
    failoverStateMachine(h.at(T0 + 100), master);
    h.take();
    failoverStateMachine(h.at(T0 + 600), master);
    expect(eventTypes(h.take())).to.deep.equal([]);
    failoverStateMachine(h.at(T0 + 601), master);
    expect(eventTypes(h.take())).to.include("-slave-reconf-sent-timeout");
  });
});

describe("reconf_slaves end", () => {
  it("ends with +failover-end and update_config once every replica is done", () => {
    const { h, master, others } = reconfSlaves(2, 2);
    failoverStateMachine(h.at(T0 + 100), master);
    h.take();
    others[0]!.flags.clear();
    others[0]!.flags.add("reconf_done");
    failoverStateMachine(h.at(T0 + 200), master);
    expect(master.failoverState).to.equal("reconf_slaves");
    others[1]!.flags.clear();
    others[1]!.flags.add("reconf_done");
    failoverStateMachine(h.at(T0 + 300), master);
    expect(master.failoverState).to.equal("update_config");
    expect(master.failoverStateChangeTime).to.equal(T0 + 300);
    expect(eventLines(h.take())).to.deep.equal([`+failover-end ${M}`]);
  });

  it("ends at once when the promoted replica is the only one", () => {
    const { h, master } = reconfSlaves(0);
    failoverStateMachine(h.at(T0 + 100), master);
    expect(master.failoverState).to.equal("update_config");
    expect(eventLines(h.take())).to.deep.equal([`+failover-end ${M}`]);
  });

  it("does not wait for SDOWN replicas", () => {
    const { h, master, others } = reconfSlaves(1);
    disconnect(others[0]!.link);
    others[0]!.flags.add("s_down");
    failoverStateMachine(h.at(T0 + 100), master);
    expect(master.failoverState).to.equal("update_config");
  });

  it("does not end while the promoted replica is SDOWN", () => {
    const { h, master, promoted } = reconfSlaves(0);
    promoted.flags.add("s_down");
    failoverStateMachine(h.at(T0 + 200_000), master);
    expect(master.failoverState).to.equal("reconf_slaves");
    expect(h.take().events).to.deep.equal([]);
  });

  it("ends for timeout after failover-timeout and sends SLAVEOF best-effort to the rest", () => {
    const { h, master, others } = reconfSlaves(3);
    disconnect(others[2]!.link);
    failoverStateMachine(h.at(T0 + 100), master);
    h.take();
    // others[0] is reconf_sent (kept waiting), others[1] never sent, others[2] disconnected.
    others[0]!.slaveReconfSentTime = T0 + 180_000;
    failoverStateMachine(h.at(T0 + 180_001), master);
    const ready = h.take();
    expect(eventLines(ready)).to.deep.equal([
      `+failover-end-for-timeout ${M}`,
      `+failover-end ${M}`,
      `+slave-reconf-sent-be ${text(others[1]!)}`,
    ]);
    expect(replicaofTargets(ready)).to.deep.equal([
      "slave:mymaster:10.0.0.4:6379 -> 10.0.0.2:6379",
    ]);
    expect(others[1]!.flags.has("reconf_sent")).to.equal(true);
    expect(master.failoverState).to.equal("update_config");
  });

  it("does nothing more in update_config (the driver switches)", () => {
    const { h, master } = reconfSlaves(0);
    failoverStateMachine(h.at(T0 + 100), master);
    h.take();
    failoverStateMachine(h.at(T0 + 200), master);
    expect(h.take().events).to.deep.equal([]);
    expect(master.failoverState).to.equal("update_config");
  });
});

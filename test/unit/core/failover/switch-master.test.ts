// Proves the master switch (docs/PROTOCOL.md §7.7): +switch-master's exact payload, the new
// replica list (current replicas minus the new address, plus the old master address), the reset
// of the master record (links closed and re-addressed, clocks, flags, vote, failover fields)
// keeping peers, config epoch and leader epoch, +slave per recreated replica and the flush; a
// recreated replica takes no connect answered for the record it replaced (same link id).
import { expect } from "chai";
import {
  resetMasterAndChangeAddress,
  switchToPromotedReplica,
} from "../../../../src/core/failover/switch-master.js";
import {
  onLinkClosed,
  onLinkConnected,
  reconnectInstance,
} from "../../../../src/core/records/link-health.js";
import { fromStaleConnection } from "../../../../src/core/records/link-generation.js";
import type { ConnKind, MasterState } from "../../../../src/core/model/state.js";
import { Harness, PEER_B, eventLines } from "../failover-fixture.js";

const T0 = 1_000_000;
const T1 = T0 + 50_000;

/** A failover of mymaster (10.0.0.1) that promoted 10.0.0.2, with 10.0.0.3 reconfigured. */
function atUpdateConfig(): { h: Harness; master: MasterState } {
  const h = new Harness();
  const master = h.addMaster(0);
  h.addPeer(0, master, PEER_B, 26380);
  const r1 = h.addReplica(T0, master, "10.0.0.2", 6379);
  const r2 = h.addReplica(T0, master, "10.0.0.3", 6379);
  master.flags = new Set(["s_down", "o_down", "failover_in_progress", "force_failover"]);
  master.sDownSinceTime = T0 - 5000;
  master.oDownSinceTime = T0 - 4000;
  master.failoverState = "update_config";
  master.failoverStateChangeTime = T0 + 40_000;
  master.failoverStartTime = T0;
  master.failoverEpoch = 7n;
  master.configEpoch = 7n;
  master.leader = h.state.myId;
  master.leaderEpoch = 7n;
  master.promotedReplica = r1.name;
  master.runId = "f".repeat(40);
  master.roleReported = "slave";
  master.slaveMasterHost = "10.0.0.9";
  r1.flags.add("promoted");
  r2.flags.add("reconf_done");
  master.link.cmdConnected = true;
  master.link.pubsubConnected = true;
  master.link.actPingTime = T0 - 30_000;
  master.link.lastPingTime = T0;
  master.link.lastAvailTime = T0 - 30_000;
  master.link.lastPongTime = T0 - 30_000;
  return { h, master };
}

describe("switchToPromotedReplica", () => {
  it("emits +switch-master, then +slave for the remaining replica and the old master", () => {
    const { h, master } = atUpdateConfig();
    switchToPromotedReplica(h.at(T1), master);
    const ready = h.take();
    expect(eventLines(ready)).to.deep.equal([
      "+switch-master mymaster 10.0.0.1 6379 10.0.0.2 6379",
      "+slave slave 10.0.0.3:6379 10.0.0.3 6379 @ mymaster 10.0.0.2 6379",
      "+slave slave 10.0.0.1:6379 10.0.0.1 6379 @ mymaster 10.0.0.2 6379",
    ]);
    expect(ready.persist).to.not.equal(null);
    expect(master.addr).to.deep.equal({ ip: "10.0.0.2", port: 6379 });
    expect([...master.replicas.keys()]).to.deep.equal(["10.0.0.3:6379", "10.0.0.1:6379"]);
  });

  it("releases the old replica links and closes the master's connections", () => {
    const { h, master } = atUpdateConfig();
    switchToPromotedReplica(h.at(T1), master);
    expect(h.take().commands).to.deep.equal([
      { type: "forget", link: "slave:mymaster:10.0.0.2:6379" },
      { type: "forget", link: "slave:mymaster:10.0.0.3:6379" },
      { type: "close", link: "master:mymaster", conn: "cmd" },
      { type: "close", link: "master:mymaster", conn: "pubsub" },
    ]);
    expect(master.link.cmdConnected).to.equal(false);
    expect(master.link.pubsubConnected).to.equal(false);
  });

  it("resets the master record but keeps peers, config epoch and leader epoch", () => {
    const { h, master } = atUpdateConfig();
    const link = master.link;
    switchToPromotedReplica(h.at(T1), master);
    expect(master.flags.size).to.equal(0);
    expect(master.leader).to.equal("");
    expect(master.leaderEpoch).to.equal(7n);
    expect(master.configEpoch).to.equal(7n);
    expect(master.failoverState).to.equal("none");
    expect(master.failoverStateChangeTime).to.equal(0);
    expect(master.failoverStartTime).to.equal(0);
    expect(master.promotedReplica).to.equal(null);
    expect(master.runId).to.equal("");
    expect(master.slaveMasterHost).to.equal("");
    expect(master.roleReported).to.equal("master");
    expect(master.roleReportedTime).to.equal(T1);
    expect(master.sDownSinceTime).to.equal(0);
    expect(master.oDownSinceTime).to.equal(0);
    expect([...master.sentinels.keys()]).to.deep.equal([PEER_B]);
    expect(master.link).to.equal(link);
    expect(link.addr).to.deep.equal({ ip: "10.0.0.2", port: 6379 });
    expect([
      link.actPingTime,
      link.lastPingTime,
      link.lastAvailTime,
      link.lastPongTime,
    ]).to.deep.equal([T1, 0, T1, T1]);
  });

  it("recreates replicas as fresh records with their own links", () => {
    const { h, master } = atUpdateConfig();
    switchToPromotedReplica(h.at(T1), master);
    const r2 = master.replicas.get("10.0.0.3:6379")!;
    expect(r2.flags.size).to.equal(0);
    expect(r2.link.id).to.equal("slave:mymaster:10.0.0.3:6379");
    expect(r2.link.cmdConnected).to.equal(false);
    expect(r2.runId).to.equal("");
  });

  it("does not take a connect answered for the replaced record's link as its own", () => {
    const { h, master } = atUpdateConfig();
    const id = "slave:mymaster:10.0.0.3:6379";
    // The old record reconnects (its connections dropped by the leader's CLIENT KILL): its
    // connects carry generations of their own.
    const old = master.replicas.get("10.0.0.3:6379")!;
    old.link.cmdConnected = false;
    old.link.pubsubConnected = false;
    reconnectInstance(h.at(T0), old, master);
    h.take();
    const oldGens = { cmd: old.link.cmdGen, pubsub: old.link.pubsubGen };
    expect(oldGens.cmd * oldGens.pubsub).to.be.greaterThan(0);
    /** A link-connected as the core's dispatch takes it: past the generation check. */
    const connected = (now: number, conn: ConnKind, gen: number): void => {
      const input = { type: "link-connected", link: id, conn, localIp: "127.0.0.1", gen } as const;
      if (!fromStaleConnection(h.state, input)) onLinkConnected(h.at(now), id, conn, "127.0.0.1");
    };
    switchToPromotedReplica(h.at(T1), master);
    h.take();
    // The old record's reconnect answered in the same batch as the switch (the same link id).
    connected(T1, "cmd", oldGens.cmd);
    connected(T1, "pubsub", oldGens.pubsub);
    const r2 = master.replicas.get("10.0.0.3:6379")!;
    expect([r2.link.cmdConnected, r2.link.pubsubConnected]).to.deep.equal([false, false]);
    // So the new record connects on its own.
    reconnectInstance(h.at(T1 + 100), r2, master);
    const connects = h.take().commands.filter((c) => c.type === "connect" && c.link === id);
    expect(connects.map((c) => (c.type === "connect" ? c.conn : ""))).to.deep.equal([
      "cmd",
      "pubsub",
    ]);
    connected(T1 + 110, "cmd", r2.link.cmdGen);
    expect(r2.link.cmdConnected).to.equal(true);
  });

  it("keeps the address when there is no promoted replica", () => {
    const { h, master } = atUpdateConfig();
    master.promotedReplica = null;
    switchToPromotedReplica(h.at(T1), master);
    expect(eventLines(h.take())[0]).to.equal("+switch-master mymaster 10.0.0.1 6379 10.0.0.1 6379");
    expect([...master.replicas.keys()]).to.deep.equal(["10.0.0.2:6379", "10.0.0.3:6379"]);
  });
});

describe("resetMasterAndChangeAddress", () => {
  it("switches to an address no replica had, adding the old master as a replica", () => {
    const { h, master } = atUpdateConfig();
    resetMasterAndChangeAddress(h.at(T1), master, { ip: "10.0.0.8", port: 7000 });
    expect(master.addr).to.deep.equal({ ip: "10.0.0.8", port: 7000 });
    expect([...master.replicas.keys()]).to.deep.equal([
      "10.0.0.2:6379",
      "10.0.0.3:6379",
      "10.0.0.1:6379",
    ]);
    const ready = h.take();
    expect(
      eventLines(ready).every(
        (l) => l.startsWith("+slave ") && l.endsWith("@ mymaster 10.0.0.8 7000"),
      ),
    ).to.equal(true);
    expect(ready.persist).to.not.equal(null);
  });

  it("compares hosts case-insensitively when dropping the new master from the replicas", () => {
    const h = new Harness();
    const master = h.addMaster(0, {}, "mymaster", "db-a.example", 6379);
    h.addReplica(T0, master, "DB-B.example", 6379);
    resetMasterAndChangeAddress(h.at(T1), master, { ip: "db-b.example", port: 6379 });
    expect([...master.replicas.keys()]).to.deep.equal(["db-a.example:6379"]);
  });

  it("reconnects to the new address on the next tick, even right after a reconnect attempt", () => {
    const { h, master } = atUpdateConfig();
    master.link.lastReconnTime = T1 - 50;
    resetMasterAndChangeAddress(h.at(T1), master, { ip: "10.0.0.2", port: 6379 });
    const ctx = h.at(T1 + 100);
    onLinkClosed(ctx, master.link.id, "cmd", "");
    onLinkClosed(ctx, master.link.id, "pubsub", "");
    h.take();
    reconnectInstance(ctx, master, master);
    const connects = h.take().commands.filter((c) => c.type === "connect");
    expect(connects.map((c) => (c.type === "connect" ? [c.conn, c.addr.ip] : []))).to.deep.equal([
      ["cmd", "10.0.0.2"],
      ["pubsub", "10.0.0.2"],
    ]);
  });

  it("keeps the replicas when re-addressed to the same address", () => {
    const h = new Harness();
    const master = h.addMaster(0);
    h.addReplica(T0, master, "10.0.0.2", 6379);
    resetMasterAndChangeAddress(h.at(T1), master, { ip: "10.0.0.1", port: 6379 });
    expect([...master.replicas.keys()]).to.deep.equal(["10.0.0.2:6379"]);
  });
});

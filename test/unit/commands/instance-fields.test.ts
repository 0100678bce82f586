// Proves the SENTINEL MASTER/REPLICAS/SENTINELS field lists follow sentinel.c's
// addReplySentinelRedisInstance: field order, optional fields, the flags vocabulary and order,
// derived `disconnected`, and time fields computed from `now`.
import { expect } from "chai";
import {
  instanceFlags,
  masterFields,
  peerFields,
  replicaFields,
} from "../../../src/commands/instance-fields.js";
import { addMaster, addPeer, addReplica, newState } from "../../support/state-builder.js";

const NOW = 100_000;

/** The fields every kind of instance starts with while no failover runs (sentinel.c). */
const FIRST_FIELDS = [
  "name",
  "ip",
  "port",
  "runid",
  "flags",
  "link-pending-commands",
  "link-refcount",
  "last-ping-sent",
  "last-ok-ping-reply",
  "last-ping-reply",
  "down-after-milliseconds",
];

function keys(pairs: readonly (readonly [string, string])[]): string[] {
  return pairs.map(([k]) => k);
}

function field(pairs: readonly (readonly [string, string])[], name: string): string | undefined {
  return pairs.find(([k]) => k === name)?.[1];
}

describe("masterFields", () => {
  it("lists the 20 fields of a healthy master in Redis's order", () => {
    const state = newState();
    const master = addMaster(state, NOW, "mymaster", { ip: "10.0.0.1", port: 6379 });
    expect(keys(masterFields(state, master, NOW))).to.deep.equal([
      ...FIRST_FIELDS,
      "info-refresh",
      "role-reported",
      "role-reported-time",
      "config-epoch",
      "num-slaves",
      "num-other-sentinels",
      "quorum",
      "failover-timeout",
      "parallel-syncs",
    ]);
  });

  it("adds failover-state, s-down-time, o-down-time and script paths when they apply", () => {
    const state = newState();
    const master = addMaster(
      state,
      1000,
      "m",
      { ip: "10.0.0.1", port: 6379 },
      {
        notificationScript: "/n.sh",
        clientReconfigScript: "/c.sh",
      },
    );
    master.flags.add("s_down").add("o_down").add("failover_in_progress");
    master.failoverState = "wait_start";
    master.sDownSinceTime = 40_000;
    master.oDownSinceTime = 45_000;
    const pairs = masterFields(state, master, NOW);
    expect(keys(pairs).slice(7, 14)).to.deep.equal([
      "failover-state",
      "last-ping-sent",
      "last-ok-ping-reply",
      "last-ping-reply",
      "s-down-time",
      "o-down-time",
      "down-after-milliseconds",
    ]);
    expect(field(pairs, "failover-state")).to.equal("wait_start");
    expect(field(pairs, "s-down-time")).to.equal("60000");
    expect(field(pairs, "o-down-time")).to.equal("55000");
    expect(field(pairs, "flags")).to.equal("s_down,o_down,master,failover_in_progress");
    expect(keys(pairs).slice(-2)).to.deep.equal(["notification-script", "client-reconfig-script"]);
    expect(field(pairs, "notification-script")).to.equal("/n.sh");
  });

  it("computes times from now: pending ping, last replies, INFO age, role age", () => {
    const state = newState();
    const master = addMaster(state, 10_000, "m", { ip: "10.0.0.1", port: 6379 });
    master.link.actPingTime = 90_000;
    master.link.lastAvailTime = 80_000;
    master.link.lastPongTime = 85_000;
    master.infoRefresh = 95_000;
    const pairs = masterFields(state, master, NOW);
    expect(field(pairs, "last-ping-sent")).to.equal("10000");
    expect(field(pairs, "last-ok-ping-reply")).to.equal("20000");
    expect(field(pairs, "last-ping-reply")).to.equal("15000");
    expect(field(pairs, "info-refresh")).to.equal("5000");
    expect(field(pairs, "role-reported-time")).to.equal("90000");
  });

  it("prints 0 for last-ping-sent with no ping pending and for info-refresh before any INFO", () => {
    const state = newState();
    const master = addMaster(state, NOW, "m", { ip: "10.0.0.1", port: 6379 });
    master.infoRefresh = 0;
    const pairs = masterFields(state, master, NOW);
    expect(field(pairs, "last-ping-sent")).to.equal("0");
    expect(field(pairs, "info-refresh")).to.equal("0");
    expect(field(pairs, "runid")).to.equal("1".repeat(40));
  });

  it("counts replicas and other sentinels", () => {
    const state = newState();
    const master = addMaster(state, NOW, "m", { ip: "10.0.0.1", port: 6379 });
    addReplica(state, NOW, master, { ip: "10.0.0.2", port: 6379 });
    addReplica(state, NOW, master, { ip: "10.0.0.3", port: 6379 });
    addPeer(state, NOW, master, { ip: "10.0.1.1", port: 26379 }, "b".repeat(40));
    const pairs = masterFields(state, master, NOW);
    expect(field(pairs, "num-slaves")).to.equal("2");
    expect(field(pairs, "num-other-sentinels")).to.equal("1");
  });
});

describe("replicaFields", () => {
  it("lists the 21 fields of a replica, with its master's down-after period", () => {
    const state = newState();
    const master = addMaster(
      state,
      NOW,
      "m",
      { ip: "10.0.0.1", port: 6379 },
      { downAfterPeriod: 5000 },
    );
    const replica = addReplica(
      state,
      NOW,
      master,
      { ip: "10.0.0.2", port: 6380 },
      { slaveReplOffset: 1234n },
    );
    replica.masterLinkDownTime = -1000;
    const pairs = replicaFields(state, replica, master, NOW);
    expect(keys(pairs).slice(11)).to.deep.equal([
      "info-refresh",
      "role-reported",
      "role-reported-time",
      "master-link-down-time",
      "master-link-status",
      "master-host",
      "master-port",
      "slave-priority",
      "slave-repl-offset",
      "replica-announced",
    ]);
    expect(pairs).to.have.length(21);
    expect(field(pairs, "name")).to.equal("10.0.0.2:6380");
    expect(field(pairs, "down-after-milliseconds")).to.equal("5000");
    expect(field(pairs, "role-reported")).to.equal("slave");
    expect(field(pairs, "master-link-down-time")).to.equal("-1000");
    expect(field(pairs, "master-link-status")).to.equal("ok");
    expect(field(pairs, "slave-repl-offset")).to.equal("1234");
    expect(field(pairs, "replica-announced")).to.equal("1");
  });

  it("prints ? for an unknown master host and err for a down replication link", () => {
    const state = newState();
    const master = addMaster(state, NOW, "m", { ip: "10.0.0.1", port: 6379 });
    const replica = addReplica(state, NOW, master, { ip: "10.0.0.2", port: 6380 });
    replica.slaveMasterHost = "";
    replica.slaveMasterPort = 0;
    replica.slaveMasterLinkStatusUp = false;
    const pairs = replicaFields(state, replica, master, NOW);
    expect(field(pairs, "master-host")).to.equal("?");
    expect(field(pairs, "master-port")).to.equal("0");
    expect(field(pairs, "master-link-status")).to.equal("err");
  });

  it("keeps a 64-bit replication offset exact", () => {
    const state = newState();
    const master = addMaster(state, NOW, "m", { ip: "10.0.0.1", port: 6379 });
    const replica = addReplica(state, NOW, master, { ip: "10.0.0.2", port: 6380 });
    replica.slaveReplOffset = 9_007_199_254_740_993n;
    expect(field(replicaFields(state, replica, master, NOW), "slave-repl-offset")).to.equal(
      "9007199254740993",
    );
    // Read as uint64 (strtoull), shown signed as redis-sentinel's addReplyBulkLongLong shows it.
    replica.slaveReplOffset = 18446744073709551615n;
    expect(field(replicaFields(state, replica, master, NOW), "slave-repl-offset")).to.equal("-1");
  });
});

describe("peerFields", () => {
  it("lists the 14 fields of a peer sentinel, voted-leader ? when it reported no vote", () => {
    const state = newState();
    const master = addMaster(state, NOW, "m", { ip: "10.0.0.1", port: 6379 });
    const peer = addPeer(state, NOW - 500, master, { ip: "10.0.1.1", port: 26379 }, "b".repeat(40));
    const pairs = peerFields(state, peer, master, NOW);
    expect(keys(pairs)).to.deep.equal([
      ...FIRST_FIELDS,
      "last-hello-message",
      "voted-leader",
      "voted-leader-epoch",
    ]);
    expect(field(pairs, "name")).to.equal("b".repeat(40));
    expect(field(pairs, "runid")).to.equal("b".repeat(40));
    expect(field(pairs, "flags")).to.equal("sentinel");
    expect(field(pairs, "last-hello-message")).to.equal("500");
    expect(field(pairs, "voted-leader")).to.equal("?");
    expect(field(pairs, "voted-leader-epoch")).to.equal("0");
  });

  it("shows the vote the peer reported and the shared link's refcount", () => {
    const state = newState();
    const m1 = addMaster(state, NOW, "m1", { ip: "10.0.0.1", port: 6379 });
    const m2 = addMaster(state, NOW, "m2", { ip: "10.0.0.2", port: 6379 });
    addPeer(state, NOW, m1, { ip: "10.0.1.1", port: 26379 }, "b".repeat(40));
    const peer = addPeer(state, NOW, m2, { ip: "10.0.1.1", port: 26379 }, "b".repeat(40));
    peer.leader = "c".repeat(40);
    peer.leaderEpoch = 7n;
    peer.flags.add("master_down");
    const pairs = peerFields(state, peer, m2, NOW);
    expect(field(pairs, "voted-leader")).to.equal("c".repeat(40));
    expect(field(pairs, "voted-leader-epoch")).to.equal("7");
    expect(field(pairs, "link-refcount")).to.equal("2");
    expect(field(pairs, "flags")).to.equal("sentinel,master_down");
  });
});

describe("instanceFlags", () => {
  it("derives disconnected from the link: a missing pub/sub connection counts for data nodes", () => {
    const state = newState();
    const master = addMaster(state, NOW, "m", { ip: "10.0.0.1", port: 6379 });
    const replica = addReplica(state, NOW, master, { ip: "10.0.0.2", port: 6380 });
    const peer = addPeer(state, NOW, master, { ip: "10.0.1.1", port: 26379 }, "b".repeat(40));
    replica.link.pubsubConnected = false;
    replica.flags.add("s_down");
    peer.link.cmdConnected = false;
    expect(instanceFlags(replica)).to.equal("s_down,slave,disconnected");
    expect(instanceFlags(peer)).to.equal("sentinel,disconnected");
    expect(instanceFlags(master)).to.equal("master");
  });

  it("prints every stored flag in FLAG_ORDER whatever order they were added in", () => {
    const state = newState();
    const master = addMaster(state, NOW, "m", { ip: "10.0.0.1", port: 6379 });
    const replica = addReplica(state, NOW, master, { ip: "10.0.0.2", port: 6380 });
    for (const f of [
      "master_reboot",
      "script_kill_sent",
      "reconf_done",
      "reconf_inprog",
      "reconf_sent",
      "promoted",
    ] as const) {
      replica.flags.add(f);
    }
    expect(instanceFlags(replica)).to.equal(
      "slave,promoted,reconf_sent,reconf_inprog,reconf_done,script_kill_sent,master_reboot",
    );
    master.flags.add("force_failover").add("failover_in_progress").add("o_down").add("s_down");
    expect(instanceFlags(master)).to.equal(
      "s_down,o_down,master,failover_in_progress,force_failover",
    );
  });
});

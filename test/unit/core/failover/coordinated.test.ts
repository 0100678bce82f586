// Proves SENTINEL FAILOVER <name> [COORDINATED] [TO <ip> <port>] in the core (Valkey 9's
// coordinated failover; Vigil's chosen replica): the refusals (NOGOODPRIMARY without
// master_failover_state, saying so when no INFO came yet; what INFO said kept across SENTINEL
// RESET, forgotten at a switch to another address; the chosen replica unknown or not
// promotable with the reason), the election it runs (no force flag; votes asked at once
// although the master is up), the
// MULTI / CLIENT PAUSE / FAILOVER TO … TIMEOUT transaction to the master instead of SLAVEOF NO
// ONE, -failover-abort-master-timeout, the kill-clients transaction to both masters once the
// promotion is seen, FAILOVER ABORT + CLIENT UNPAUSE when the promotion never comes or a newer
// configuration ends the failover (at the same address, or at another one: queued on the old
// master's link before the switch closes it) or SENTINEL RESET / REMOVE drops the record
// (queued before its link closes; replies and events unchanged) or the sentinel shuts down
// (only the masters in a coordinated wait_promotion, with a warning line each), and the chosen
// replica being the one promoted.
import { expect } from "chai";
import { runAdminOp } from "../../../../src/core/admin/admin.js";
import { abortHandoversAtShutdown } from "../../../../src/core/failover/coordinated.js";
import { failoverStateMachine } from "../../../../src/core/failover/failover-state.js";
import { onReplicaReportsMaster } from "../../../../src/core/failover/progress.js";
import { resetMasterAndChangeAddress } from "../../../../src/core/failover/switch-master.js";
import { onHelloReceived } from "../../../../src/core/monitor/hello.js";
import { sendHello } from "../../../../src/core/monitor/periodic.js";
import type { Command, Ready } from "../../../../src/core/model/ready.js";
import type { MasterState, ReplicaState } from "../../../../src/core/model/state.js";
import { hello } from "../core-driver.js";
import { Harness, MY_ID, PEER_B, PEER_C, connect, eventLines } from "../failover-fixture.js";

const T0 = 1_000_000;

interface Scenario {
  h: Harness;
  master: MasterState;
  r1: ReplicaState;
  r2: ReplicaState;
}

function healthy(): Scenario {
  const h = new Harness();
  const master = h.addMaster(0, { failoverTimeout: 10_000 });
  connect(master.link);
  master.serverFailoverState = "no-failover";
  h.addPeer(0, master, PEER_B, 26380);
  h.addPeer(0, master, PEER_C, 26381);
  const r1 = h.addReplica(T0, master, "10.0.0.2", 6379, { slaveReplOffset: 200n });
  const r2 = h.addReplica(T0, master, "10.0.0.3", 6379, { slaveReplOffset: 100n });
  return { h, master, r1, r2 };
}

function admin(
  s: Scenario,
  op: { coordinated?: boolean; to?: { ip: string; port: number } },
  now = T0,
): Ready {
  runAdminOp(s.h.at(now), 1, { op: "failover", name: "mymaster", ...op });
  return s.h.take();
}

function replyOf(ready: Ready): unknown {
  const reply = ready.replies[0];
  return reply?.kind === "admin" ? reply.result : reply;
}

function transactions(ready: Ready): Extract<Command, { type: "transaction" }>[] {
  return ready.commands.filter(
    (c): c is Extract<Command, { type: "transaction" }> => c.type === "transaction",
  );
}

/** Both peers vote for us in epoch 1; the next tick elects us and selects the replica. */
function elect(s: Scenario, now: number): void {
  for (const peer of s.master.sentinels.values()) {
    peer.leader = MY_ID;
    peer.leaderEpoch = 1n;
  }
  failoverStateMachine(s.h.at(now), s.master);
  failoverStateMachine(s.h.at(now), s.master);
}

/** A coordinated failover waiting for its promotion: the master's writes are paused. */
function waitingForPromotion(): Scenario {
  const s = healthy();
  admin(s, { coordinated: true });
  elect(s, T0 + 100);
  failoverStateMachine(s.h.at(T0 + 200), s.master);
  expect(s.master.failoverState).to.equal("wait_promotion");
  s.h.take();
  return s;
}

/** What a coordinated failover's master gets when the failover ends before the promotion. */
const HANDOVER_ABORT = [
  ["failover", "ABORT"],
  ["client", "UNPAUSE"],
];

/** What the Ready sends on the master's link, in order: transactions' steps, close/forget. */
function onMasterLink(ready: Ready, linkId: string): unknown[] {
  return ready.commands
    .filter((c) => "link" in c && c.link === linkId)
    .map((c) => (c.type === "transaction" ? c.steps : c.type === "close" ? c.conn : c.type));
}

describe("SENTINEL FAILOVER … COORDINATED (core)", () => {
  it("is refused with Valkey's NOGOODPRIMARY while the master's INFO has no master_failover_state", () => {
    const s = healthy();
    s.master.infoRefresh = T0;
    s.master.serverFailoverState = "unsupported";
    expect(replyOf(admin(s, { coordinated: true }))).to.deep.equal({
      kind: "error",
      message: "NOGOODPRIMARY Primary does not support FAILOVER command",
    });
    expect(s.master.flags.has("failover_in_progress")).to.equal(false);
  });

  it("says that it does not know yet, under the same code, before the first INFO at this address", () => {
    const s = healthy();
    s.master.serverFailoverState = "unsupported";
    expect(s.master.infoRefresh).to.equal(0);
    expect(replyOf(admin(s, { coordinated: true }))).to.deep.equal({
      kind: "error",
      message:
        "NOGOODPRIMARY No INFO from the primary yet: whether it supports the FAILOVER command is not known",
    });
  });

  it("still knows the master has FAILOVER right after SENTINEL RESET: refused only for want of replicas, as a plain FAILOVER", () => {
    const s = healthy();
    s.master.infoRefresh = T0;
    runAdminOp(s.h.at(T0 + 100), 1, { op: "reset", pattern: "mymaster" });
    s.h.take();
    expect(s.master.serverFailoverState).to.equal("no-failover");
    // The reset forgot the replicas until the next INFO: redis-sentinel 7.0.15 answers a plain
    // FAILOVER so then, and so do both forms here.
    const noReplica = { kind: "error", message: "NOGOODSLAVE No suitable replica to promote" };
    expect(replyOf(admin(s, { coordinated: true }, T0 + 200))).to.deep.equal(noReplica);
    expect(replyOf(admin(s, {}, T0 + 200))).to.deep.equal(noReplica);
    // The next INFO brings the replica back: COORDINATED is taken.
    const back = s.h.addReplica(T0 + 300, s.master, "10.0.0.2", 6379, { slaveReplOffset: 200n });
    back.infoRefresh = T0 + 300;
    expect(replyOf(admin(s, { coordinated: true }, T0 + 300))).to.deep.equal({ kind: "ok" });
  });

  it("forgets it when the master moves to another address, until that address's INFO", () => {
    const s = healthy();
    s.master.infoRefresh = T0;
    resetMasterAndChangeAddress(s.h.at(T0 + 100), s.master, { ip: "10.0.0.2", port: 6379 });
    s.h.take();
    expect([s.master.serverFailoverState, s.master.infoRefresh]).to.deep.equal(["unsupported", 0]);
    expect(replyOf(admin(s, { coordinated: true }, T0 + 200))).to.deep.equal({
      kind: "error",
      message:
        "NOGOODPRIMARY No INFO from the primary yet: whether it supports the FAILOVER command is not known",
    });
  });

  it("runs an election: no force flag, and the peers are asked for votes at once", () => {
    const s = healthy();
    const ready = admin(s, { coordinated: true });
    expect(replyOf(ready)).to.deep.equal({ kind: "ok" });
    expect([...s.master.flags]).to.deep.equal(["failover_in_progress", "coordinated_failover"]);
    const asks = ready.commands.filter((c) => c.type === "ask-master-down");
    expect(asks.map((c) => (c.type === "ask-master-down" ? c.runId : ""))).to.deep.equal([
      MY_ID,
      MY_ID,
    ]);
    // Not elected: it waits, and then aborts like any failover that loses the election.
    failoverStateMachine(s.h.at(T0 + 100), s.master);
    expect(s.master.failoverState).to.equal("wait_start");
  });

  it("hands over through the master: CLIENT PAUSE and FAILOVER TO in one transaction, then kills the clients of both", () => {
    const s = healthy();
    admin(s, { coordinated: true });
    elect(s, T0 + 100);
    expect(s.master.failoverState).to.equal("send_slaveof_noone");
    expect(s.master.promotedReplica).to.equal("10.0.0.2:6379");
    s.h.take();
    failoverStateMachine(s.h.at(T0 + 1_100), s.master);
    const ready = s.h.take();
    expect(ready.commands.filter((c) => c.type === "replicaof")).to.deep.equal([]);
    expect(transactions(ready)).to.deep.equal([
      {
        type: "transaction",
        link: s.master.link.id,
        steps: [
          ["client", "PAUSE", "9000", "WRITE"],
          ["failover", "TO", "10.0.0.2", "6379", "TIMEOUT", "9000"],
        ],
      },
    ]);
    expect(eventLines(ready)).to.deep.equal([
      "+failover-state-wait-promotion slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379",
    ]);
    expect(s.master.failoverState).to.equal("wait_promotion");

    // The pub/sub connection of the old master may be down: the command connection suffices.
    s.master.link.pubsubConnected = false;
    expect(onReplicaReportsMaster(s.h.at(T0 + 2_000), s.master, s.r1)).to.equal(true);
    const kill = [
      ["config", "REWRITE"],
      ["client", "KILL", "TYPE", "normal"],
      ["client", "KILL", "TYPE", "pubsub"],
      ["client", "UNPAUSE"],
    ];
    expect(transactions(s.h.take())).to.deep.equal([
      { type: "transaction", link: s.master.link.id, steps: kill },
      { type: "transaction", link: s.r1.link.id, steps: kill },
    ]);
    expect(s.master.failoverState).to.equal("reconf_slaves");
  });

  it("gives up with -failover-abort-master-timeout when less than a second is left", () => {
    const s = healthy();
    admin(s, { coordinated: true });
    elect(s, T0 + 100);
    s.h.take();
    failoverStateMachine(s.h.at(T0 + 100 + 9_001), s.master);
    const ready = s.h.take();
    expect(eventLines(ready)).to.deep.equal([
      "-failover-abort-master-timeout master mymaster 10.0.0.1 6379",
    ]);
    expect(transactions(ready)).to.deep.equal([]);
    expect(s.master.flags.size).to.equal(0);
  });

  it("sends FAILOVER ABORT and CLIENT UNPAUSE to the master when the promotion never comes", () => {
    const s = healthy();
    admin(s, { coordinated: true });
    elect(s, T0 + 100);
    failoverStateMachine(s.h.at(T0 + 200), s.master);
    s.h.take();
    failoverStateMachine(s.h.at(T0 + 200 + 10_001), s.master);
    const ready = s.h.take();
    expect(eventLines(ready)).to.deep.equal([
      "-failover-abort-slave-timeout master mymaster 10.0.0.1 6379",
    ]);
    expect(transactions(ready)).to.deep.equal([
      {
        type: "transaction",
        link: s.master.link.id,
        steps: [
          ["failover", "ABORT"],
          ["client", "UNPAUSE"],
        ],
      },
    ]);
    expect(s.master.failoverState).to.equal("none");
  });

  it("sends FAILOVER ABORT and CLIENT UNPAUSE to the master when a newer configuration ends the failover", () => {
    const s = healthy();
    admin(s, { coordinated: true });
    elect(s, T0 + 100);
    failoverStateMachine(s.h.at(T0 + 200), s.master);
    s.h.take();
    // Known before the promotion (a hello naming this master in epoch 2: hello.test.ts).
    s.master.configEpoch = 2n;
    expect(onReplicaReportsMaster(s.h.at(T0 + 300), s.master, s.r1)).to.equal(false);
    const ready = s.h.take();
    expect(eventLines(ready)).to.deep.equal([
      "-failover-abort-newer-config master mymaster 10.0.0.1 6379",
    ]);
    expect(transactions(ready).map((t) => t.steps)).to.deep.equal([
      [
        ["failover", "ABORT"],
        ["client", "UNPAUSE"],
      ],
    ]);
    expect([s.master.failoverState, s.master.configEpoch]).to.deep.equal(["none", 2n]);
  });

  it("sends FAILOVER ABORT and CLIENT UNPAUSE to the old master, before its link closes, when a newer hello moves the master", () => {
    const s = waitingForPromotion();
    const linkId = s.master.link.id;
    // Another sentinel's newer configuration puts the master at 10.0.0.3 (the observer switch).
    onHelloReceived(
      s.h.at(T0 + 300),
      null,
      hello(PEER_B, "10.0.1.1", 26380, 2, "mymaster", "10.0.0.3", 6379, 2),
    );
    const ready = s.h.take();
    expect(eventLines(ready)).to.include.members([
      "+config-update-from sentinel " + PEER_B + " 10.0.1.1 26380 @ mymaster 10.0.0.1 6379",
      "+switch-master mymaster 10.0.0.1 6379 10.0.0.3 6379",
    ]);
    const onOldLink = onMasterLink(ready, linkId);
    // Queued on the old master's connection, before the reset closes it (the shell writes a
    // closed connection's pending commands before it goes: resp-link.ts).
    expect(onOldLink.slice(0, 3)).to.deep.equal([
      [
        ["failover", "ABORT"],
        ["client", "UNPAUSE"],
      ],
      "cmd",
      "pubsub",
    ]);
    expect([s.master.addr.ip, s.master.failoverState]).to.deep.equal(["10.0.0.3", "none"]);
  });
});

describe("SENTINEL RESET / REMOVE during a COORDINATED failover (core)", () => {
  it("SENTINEL RESET sends FAILOVER ABORT and CLIENT UNPAUSE to the master before its link closes; reply and events as Redis's", () => {
    const s = waitingForPromotion();
    const linkId = s.master.link.id;
    runAdminOp(s.h.at(T0 + 300), 1, { op: "reset", pattern: "mymaster" });
    const ready = s.h.take();
    expect(replyOf(ready)).to.deep.equal({ kind: "integer", value: 1 });
    expect(eventLines(ready)).to.deep.equal(["+reset-master master mymaster 10.0.0.1 6379"]);
    expect(onMasterLink(ready, linkId)).to.deep.equal([HANDOVER_ABORT, "cmd", "pubsub"]);
    expect(ready.logs.map((l) => (l.kind === "text" ? l.text : ""))).to.deep.equal([
      "Coordinated failover of 'mymaster' ended by SENTINEL RESET: sending FAILOVER ABORT and CLIENT UNPAUSE to the master",
    ]);
    expect([s.master.failoverState, s.master.flags.size]).to.deep.equal(["none", 0]);
  });

  it("SENTINEL REMOVE sends FAILOVER ABORT and CLIENT UNPAUSE to the master before its link goes; reply and events as Redis's", () => {
    const s = waitingForPromotion();
    const linkId = s.master.link.id;
    runAdminOp(s.h.at(T0 + 300), 1, { op: "remove", name: "mymaster" });
    const ready = s.h.take();
    expect(replyOf(ready)).to.deep.equal({ kind: "ok" });
    expect(eventLines(ready)).to.deep.equal(["-monitor master mymaster 10.0.0.1 6379"]);
    expect(onMasterLink(ready, linkId)).to.deep.equal([HANDOVER_ABORT, "forget"]);
    expect(s.h.state.masters.has("mymaster")).to.equal(false);
  });
});

describe("the shutdown during a COORDINATED failover (core)", () => {
  it("sends FAILOVER ABORT and CLIENT UNPAUSE to each master in a coordinated wait_promotion, and only to those", () => {
    const s = waitingForPromotion();
    // A forced failover in wait_promotion holds no pause: its master gets nothing.
    const forced = s.h.addMaster(T0, {}, "forced", "10.0.1.1");
    connect(forced.link);
    forced.flags.add("failover_in_progress").add("force_failover");
    forced.failoverState = "wait_promotion";
    // Nor does a coordinated failover before its FAILOVER TO went out.
    const selecting = s.h.addMaster(T0, {}, "selecting", "10.0.2.1");
    connect(selecting.link);
    selecting.flags.add("failover_in_progress").add("coordinated_failover");
    selecting.failoverState = "select_slave";
    abortHandoversAtShutdown(s.h.at(T0 + 300));
    const ready = s.h.take();
    expect(ready.commands).to.deep.equal([
      { type: "transaction", link: s.master.link.id, steps: HANDOVER_ABORT },
    ]);
    expect(ready.logs.map((l) => (l.kind === "text" ? [l.level, l.text] : []))).to.deep.equal([
      [
        "warning",
        "Coordinated failover of 'mymaster' ended by the sentinel's shutdown: sending FAILOVER ABORT and CLIENT UNPAUSE to the master",
      ],
    ]);
    expect([ready.events, ready.persist]).to.deep.equal([[], null]);
  });
});

describe("SENTINEL FAILOVER … TO <ip> <port> (core)", () => {
  it("promotes the named replica, not the best one", () => {
    const s = healthy();
    expect(replyOf(admin(s, { to: { ip: "10.0.0.3", port: 6379 } }))).to.deep.equal({
      kind: "ok",
    });
    failoverStateMachine(s.h.at(T0 + 10), s.master);
    failoverStateMachine(s.h.at(T0 + 10), s.master);
    expect(s.master.promotedReplica).to.equal("10.0.0.3:6379");
    expect(s.master.flags.has("force_failover")).to.equal(true);
  });

  it("refuses a replica it does not know, and one not promotable now, with the reason", () => {
    const s = healthy();
    expect(replyOf(admin(s, { to: { ip: "10.0.0.9", port: 6379 } }))).to.deep.equal({
      kind: "error",
      message: "ERR No replica 10.0.0.9:6379 is known for master 'mymaster'",
    });
    s.r2.slavePriority = 0;
    expect(replyOf(admin(s, { to: { ip: "10.0.0.3", port: 6379 } }))).to.deep.equal({
      kind: "error",
      message:
        "NOGOODSLAVE Replica 10.0.0.3:6379 cannot be promoted now: priority-0 (replica-priority 0: never promoted)",
    });
    s.r2.slavePriority = 100;
    s.r2.flags.add("s_down");
    expect(replyOf(admin(s, { to: { ip: "10.0.0.3", port: 6379 } }))).to.deep.equal({
      kind: "error",
      message:
        "NOGOODSLAVE Replica 10.0.0.3:6379 cannot be promoted now: down (the replica is SDOWN)",
    });
    expect(s.master.flags.has("failover_in_progress")).to.equal(false);
  });

  it("aborts, saying why, when the named replica stops qualifying before the selection", () => {
    const s = healthy();
    admin(s, { to: { ip: "10.0.0.3", port: 6379 } });
    failoverStateMachine(s.h.at(T0 + 10), s.master);
    s.r2.slavePriority = 0;
    failoverStateMachine(s.h.at(T0 + 10), s.master);
    const ready = s.h.take();
    expect(ready.logs.map((l) => (l.kind === "text" ? l.text : ""))).to.include(
      "The chosen replica 10.0.0.3:6379 is not promotable: priority-0 (replica-priority 0: never promoted)",
    );
    expect(eventLines(ready).at(-1)).to.equal(
      "-failover-abort-no-good-slave master mymaster 10.0.0.1 6379",
    );
  });
});

describe("no hello through a master our coordinated failover holds paused", () => {
  it("publishes no hello to the master between its CLIENT PAUSE and the promotion", () => {
    const s = healthy();
    connect(s.r1.link);
    // The local address the hello announces (formatHello), as the shell reports it.
    s.master.link.localIp = "10.0.0.9";
    s.r1.link.localIp = "10.0.0.9";
    expect(sendHello(s.h.at(T0), s.master, s.master)).to.equal(true);
    s.master.flags.add("coordinated_failover");
    s.master.failoverState = "wait_promotion";
    expect(sendHello(s.h.at(T0), s.master, s.master)).to.equal(false);
    // To the replicas it still goes.
    expect(sendHello(s.h.at(T0), s.r1, s.master)).to.equal(true);
    s.master.failoverState = "reconf_slaves";
    expect(sendHello(s.h.at(T0), s.master, s.master)).to.equal(true);
  });
});

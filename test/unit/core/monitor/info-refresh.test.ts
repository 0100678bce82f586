// Proves what an INFO reply changes (docs/PROTOCOL.md §3): replica discovery with +slave and a
// flush, +reboot, role tracking with ± role-change, and — outside TILT only — the reactions:
// promotion confirmation of our candidate, +convert-to-slave after 8 s (at once when the
// replication ids prove the replica a master left behind), +fix-slave-config after
// failover-timeout, and reconfiguration progress.
import { expect } from "chai";
import { commandsBeforePersist } from "../../../../src/core/model/ready.js";
import {
  Driver,
  commandsOf,
  eventLines,
  info,
  masterConfig,
  hello,
  masterInfo,
  PEER_A,
  pong,
  replicaInfo,
  sentinelConfig,
  twoReplicas,
  connectWithReplica,
} from "../core-driver.js";

const M = "master:mymaster";
const R2 = "slave:mymaster:10.0.0.2:6379";
const RUN_M = "1".repeat(40);
const RUN_R = "2".repeat(40);

function withReplica(settings = {}): Driver {
  const d = new Driver(
    sentinelConfig([
      masterConfig("mymaster", "10.0.0.1", 6379, {
        knownReplicas: [{ ip: "10.0.0.2", port: 6379 }],
        settings,
      }),
    ]),
  );
  return connectWithReplica(d, RUN_M);
}

/** A peer's hello (epoch 1) moves the master to 10.0.0.2. */
function helloSwitch(d: Driver): void {
  d.step({
    type: "hello-received",
    via: M,
    payload: hello(PEER_A, "10.0.1.1", 26379, 1, "mymaster", "10.0.0.2", 6379, 1),
  });
  expect(d.master().addr).to.deep.equal({ ip: "10.0.0.2", port: 6379 });
  d.take();
}

describe("info-refresh: facts", () => {
  it("discovers replicas listed by the master with +slave and a deferrable flush, once", () => {
    const d = new Driver();
    d.take();
    d.step(
      info(
        M,
        masterInfo(RUN_M, [
          ["10.0.0.2", 6379],
          ["10.0.0.3", 6380],
        ]),
      ),
    );
    const ready = d.take();
    expect(eventLines(ready)).to.deep.equal([
      "+slave slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379",
      "+slave slave 10.0.0.3:6380 10.0.0.3 6380 @ mymaster 10.0.0.1 6379",
    ]);
    // Nothing waits for it on disk: written soon, with the next ones (Ready.persistSoon).
    expect(ready.persist).to.equal(null);
    expect(ready.persistSoon).to.equal(true);
    expect(d.core.snapshot().masters[0]?.knownReplicas).to.deep.equal([
      { ip: "10.0.0.2", port: 6379 },
      { ip: "10.0.0.3", port: 6380 },
    ]);
    d.step(info(M, masterInfo(RUN_M, [["10.0.0.2", 6379]])));
    const again = d.take();
    expect(again.events).to.deep.equal([]);
    expect(again.persist).to.equal(null);
    expect(again.persistSoon).to.equal(false);
    expect(d.master().replicas.size).to.equal(2);
  });

  it("does not create replicas from hostnames or out-of-range ports", () => {
    const d = new Driver();
    d.take();
    d.step(
      info(
        M,
        "role:master\r\nslave0:ip=replica.local,port=6379,state=online\r\nslave1:ip=10.0.0.4,port=70000,state=online\r\n",
      ),
    );
    expect(d.take().events).to.deep.equal([]);
  });

  it("stores the text, the refresh time and the replication fields", () => {
    const d = withReplica();
    const text = replicaInfo(RUN_R, "10.0.0.1", 6379, {
      priority: 10,
      offset: 777,
      linkUp: false,
      downSince: 3,
    });
    d.step(info(R2, text));
    const r = d.master().replicas.get("10.0.0.2:6379")!;
    expect(Buffer.from(r.infoBytes!.subarray(0, r.infoLength)).toString()).to.equal(text);
    expect(r.infoRefresh).to.equal(d.now);
    expect(r.runId).to.equal(RUN_R);
    expect([r.slaveMasterHost, r.slaveMasterPort, r.slaveMasterLinkStatusUp]).to.deep.equal([
      "10.0.0.1",
      6379,
      false,
    ]);
    expect([r.slavePriority, r.slaveReplOffset, r.masterLinkDownTime]).to.deep.equal([
      10,
      777n,
      3000,
    ]);
    d.step(info(R2, replicaInfo(RUN_R, "10.0.0.1", 6379)));
    expect(r.masterLinkDownTime).to.equal(0);
  });

  it("ignores error replies (no refresh)", () => {
    const d = withReplica();
    const before = d.master().infoRefresh;
    d.now += 100;
    d.step({
      type: "info-reply",
      link: M,
      reply: { kind: "error", text: "NOAUTH Authentication required." },
    });
    expect(d.master().infoRefresh).to.equal(before);
  });

  it("emits +reboot when the run id changes", () => {
    const d = withReplica();
    d.step(info(R2, replicaInfo(RUN_R, "10.0.0.1", 6379)));
    d.step(info(R2, replicaInfo("3".repeat(40), "10.0.0.1", 6379)));
    expect(eventLines(d.take())).to.deep.equal([
      "+reboot slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379",
    ]);
  });

  it("tracks role changes: + when the role matches the record, - otherwise, also in TILT", () => {
    const d = withReplica();
    d.state.tilt = true;
    d.step(info(R2, masterInfo(RUN_R)));
    d.step(info(R2, replicaInfo(RUN_R, "10.0.0.1", 6379)));
    const ready = d.take();
    expect(eventLines(ready)).to.deep.equal([
      "-role-change slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379 new reported role is master",
      "+role-change slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379 new reported role is slave",
    ]);
    expect(ready.events[0]?.level).to.equal("verbose");
  });
});

describe("info-refresh: +convert-to-slave", () => {
  it("demotes a replica reporting master once it has done so for more than 8 s, the master being sane", () => {
    const d = withReplica();
    d.step(info(R2, masterInfo(RUN_R)));
    const since = d.now;
    d.take();
    d.now = since + 8000;
    d.step(info(M, masterInfo(RUN_M, [["10.0.0.2", 6379]])));
    d.step(info(R2, masterInfo(RUN_R)));
    expect(commandsOf(d.take(), "replicaof")).to.deep.equal([]);
    d.now = since + 8001;
    d.step(info(R2, masterInfo(RUN_R)));
    const ready = d.take();
    expect(eventLines(ready)).to.deep.equal([
      "+convert-to-slave slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379",
    ]);
    expect(commandsOf(ready, "replicaof")).to.deep.equal([
      { type: "replicaof", link: R2, target: { ip: "10.0.0.1", port: 6379 } },
    ]);
  });

  /** INFO of a node with role master and the given replication ids. */
  function withIds(text: string, replId: string, replId2 = "0".repeat(40)): string {
    return text.replace(
      "master_repl_offset:0",
      `master_replid:${replId}\r\nmaster_replid2:${replId2}\r\nmaster_repl_offset:0`,
    );
  }
  const OLD_ID = "a".repeat(40);
  const NEW_ID = "b".repeat(40);

  it("demotes at once (Vigil) a replica still on the history our master was promoted from (its master_replid is the master's master_replid2), even right after an SDOWN", () => {
    const d = withReplica();
    d.step(info(M, withIds(masterInfo(RUN_M, [["10.0.0.2", 6379]]), NEW_ID, OLD_ID)));
    const r = d.master().replicas.get("10.0.0.2:6379")!;
    r.sDownSinceTime = d.now - 100;
    d.take();
    d.step(info(R2, withIds(masterInfo(RUN_R), OLD_ID)));
    const ready = d.take();
    expect(eventLines(ready)).to.include(
      "+convert-to-slave slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379",
    );
    expect(commandsOf(ready, "replicaof")).to.deep.equal([
      { type: "replicaof", link: R2, target: { ip: "10.0.0.1", port: 6379 } },
    ]);
  });

  it("waits the 8 s when the ids prove nothing: a stale view, where the replica was promoted from our master's history", () => {
    const d = withReplica();
    // Our "master" is the old one (id OLD_ID); the replica was promoted out of it: a newer
    // configuration, not yet heard of, names it master.
    d.step(info(M, withIds(masterInfo(RUN_M, [["10.0.0.2", 6379]]), OLD_ID)));
    d.step(info(R2, withIds(masterInfo(RUN_R), NEW_ID, OLD_ID)));
    // Nor when a server reports no ids, or no second one.
    d.step(info(R2, masterInfo(RUN_R)));
    d.step(info(M, masterInfo(RUN_M, [["10.0.0.2", 6379]])));
    d.step(info(R2, withIds(masterInfo(RUN_R), "0".repeat(40))));
    expect(commandsOf(d.take(), "replicaof")).to.deep.equal([]);
  });

  it("after a switch, judges by the new master's ids only (the old address's are forgotten)", () => {
    const d = new Driver(
      sentinelConfig([
        masterConfig("mymaster", "10.0.0.1", 6379, { knownReplicas: twoReplicas() }),
      ]),
    );
    d.take();
    d.tickAndConnect();
    d.step(pong(M));
    const older = "c".repeat(40);
    d.step(info(M, withIds(masterInfo(RUN_M), OLD_ID, older)));
    helloSwitch(d);
    // A node on the history the old address was promoted from proves nothing about 10.0.0.2.
    d.step(info("slave:mymaster:10.0.0.3:6379", withIds(masterInfo(RUN_R), older)));
    expect(commandsOf(d.take(), "replicaof")).to.deep.equal([]);
  });

  it("after a switch, demotes the old master only once the new master's own INFO reports role master (the swarm's seed 1827 built a replication cycle)", () => {
    const d = new Driver(
      sentinelConfig([
        masterConfig("mymaster", "10.0.0.1", 6379, {
          knownReplicas: [{ ip: "10.0.0.2", port: 6379 }],
        }),
      ]),
    );
    d.take();
    d.tickAndConnect();
    d.step(pong(M));
    d.step(info(M, masterInfo(RUN_M, [["10.0.0.2", 6379]])));
    d.now += 500;
    helloSwitch(d);
    // The switch closed the master's link; the new address is asked INFO as soon as it is
    // connected: the INFO of 500 ms ago was the old address's.
    for (const conn of ["cmd", "pubsub"] as const)
      d.step({ type: "link-closed", link: M, conn, reason: "" });
    d.tickAndConnect();
    expect(commandsOf(d.tick(), "info").map((c) => c.link)).to.include(M);
    // The old master, now a replica record, reports role master for more than 8 s...
    const old = "slave:mymaster:10.0.0.1:6379";
    d.step(info(old, masterInfo(RUN_M)));
    d.now += 8001;
    d.step(info(old, masterInfo(RUN_M)));
    // ... but the new master's role master was assumed at the switch, not reported: no INFO of
    // 10.0.0.2 has come yet, and it may itself be a replica by now (of 10.0.0.1: a cycle).
    expect(commandsOf(d.take(), "replicaof")).to.deep.equal([]);
    d.step(info(M, replicaInfo(RUN_R, "10.0.0.1", 6379)));
    d.step(info(old, masterInfo(RUN_M)));
    expect(commandsOf(d.take(), "replicaof")).to.deep.equal([]);
    // Once it reports role master, the old master is demoted under it.
    d.step(info(M, masterInfo(RUN_R)));
    d.step(info(old, masterInfo(RUN_M)));
    expect(eventLines(d.take())).to.include(
      "+convert-to-slave slave 10.0.0.1:6379 10.0.0.1 6379 @ mymaster 10.0.0.2 6379",
    );
  });

  it("does not demote at once while the master looks insane, nor our promoted candidate", () => {
    const d = withReplica();
    d.step(info(M, withIds(masterInfo(RUN_M, [["10.0.0.2", 6379]]), NEW_ID, OLD_ID)));
    d.master().flags.add("s_down");
    d.step(info(R2, withIds(masterInfo(RUN_R), OLD_ID)));
    d.master().flags.delete("s_down");
    d.master().replicas.get("10.0.0.2:6379")!.flags.add("promoted");
    d.step(info(R2, withIds(masterInfo(RUN_R), OLD_ID)));
    expect(commandsOf(d.take(), "replicaof")).to.deep.equal([]);
  });

  it("does not demote while the master looks insane (SDOWN, or INFO older than 20 s)", () => {
    const d = withReplica();
    d.step(info(R2, masterInfo(RUN_R)));
    d.now += 9000;
    d.master().flags.add("s_down");
    d.step(info(R2, masterInfo(RUN_R)));
    d.master().flags.delete("s_down");
    d.now += 12_000;
    d.step(info(R2, masterInfo(RUN_R)));
    expect(commandsOf(d.take(), "replicaof")).to.deep.equal([]);
  });

  it("does not demote in TILT", () => {
    const d = withReplica();
    d.step(info(R2, masterInfo(RUN_R)));
    d.now += 9000;
    d.step(info(M, masterInfo(RUN_M)));
    d.state.tilt = true;
    d.step(info(R2, masterInfo(RUN_R)));
    expect(commandsOf(d.take(), "replicaof")).to.deep.equal([]);
  });

  it("confirms the promotion of our candidate in wait_promotion instead", () => {
    const d = withReplica();
    const m = d.master();
    const r = m.replicas.get("10.0.0.2:6379")!;
    m.flags.add("failover_in_progress");
    m.failoverState = "wait_promotion";
    m.failoverEpoch = 5n;
    m.promotedReplica = r.name;
    r.flags.add("promoted");
    d.step(info(R2, masterInfo(RUN_R)));
    const ready = d.take();
    expect(eventLines(ready)).to.deep.equal([
      "-role-change slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379 new reported role is master",
      "+promoted-slave slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379",
      "+failover-state-reconf-slaves master mymaster 10.0.0.1 6379",
      // No other replica to reconfigure: this step ends reconf_slaves and switches the master.
      "+failover-end master mymaster 10.0.0.1 6379",
      "+switch-master mymaster 10.0.0.1 6379 10.0.0.2 6379",
      "+slave slave 10.0.0.1:6379 10.0.0.1 6379 @ mymaster 10.0.0.2 6379",
    ]);
    expect(ready.persist?.masters[0]?.addr).to.deep.equal({ ip: "10.0.0.2", port: 6379 });
    expect(ready.persist?.masters[0]?.configEpoch).to.equal(5n);
  });
});

describe("info-refresh: the promotion's step", () => {
  const R3 = "slave:mymaster:10.0.0.3:6379";
  const PEER_LINK = `sentinel:${PEER_A}`;

  /** Our failover of epoch 5 waits for 10.0.0.2's promotion; 10.0.0.3 and peer A are connected. */
  function waitingPromotion(): Driver {
    const d = new Driver(
      sentinelConfig([
        masterConfig("mymaster", "10.0.0.1", 6379, {
          knownReplicas: twoReplicas(),
          knownSentinels: [{ addr: { ip: "10.0.1.1", port: 26379 }, runId: PEER_A }],
        }),
      ]),
    );
    d.take();
    d.tickAndConnect();
    for (const link of [M, R2, R3, PEER_LINK]) d.step(pong(link));
    d.step(info(R2, replicaInfo(RUN_R, "10.0.0.1", 6379)));
    d.step(info(R3, replicaInfo("3".repeat(40), "10.0.0.1", 6379)));
    d.take();
    const m = d.master();
    const r = m.replicas.get("10.0.0.2:6379")!;
    m.flags.add("failover_in_progress");
    m.failoverState = "wait_promotion";
    m.failoverEpoch = 5n;
    d.state.currentEpoch = 5n;
    m.promotedReplica = r.name;
    r.flags.add("promoted");
    return d;
  }

  it("sends the other replicas' SLAVEOF and the new configuration's hellos with its persist, before it", () => {
    const d = waitingPromotion();
    d.step(info(R2, masterInfo(RUN_R)));
    const ready = d.take();
    expect(ready.persist?.masters[0]?.configEpoch).to.equal(5n);
    const early = commandsBeforePersist(ready.commands);
    const reconf = commandsOf(ready, "replicaof");
    expect(reconf).to.deep.equal([
      { type: "replicaof", link: R3, target: { ip: "10.0.0.2", port: 6379 } },
    ]);
    expect(early.has(reconf[0]!)).to.equal(true);
    const hellos = commandsOf(ready, "publish-hello");
    expect(hellos.map((c) => c.link).sort()).to.deep.equal([M, PEER_LINK, R2, R3].sort());
    for (const c of hellos) {
      expect(c.payload).to.match(/,5,mymaster,10\.0\.0\.2,6379,5$/);
      expect(early.has(c)).to.equal(true);
    }
    // The INFO that follows the SLAVEOF on its link, so that its reply shows the new master.
    const r3Commands = ready.commands.filter((c) => "link" in c && c.link === R3);
    expect(r3Commands.map((c) => c.type).slice(0, 2)).to.deep.equal(["replicaof", "info"]);
    expect(eventLines(ready)).to.include(
      "+slave-reconf-sent slave 10.0.0.3:6379 10.0.0.3 6379 @ mymaster 10.0.0.1 6379",
    );
  });

  it("publishes each forced hello once: the tick right after sends none again while they are unanswered", () => {
    const d = waitingPromotion();
    d.step(info(R2, masterInfo(RUN_R)));
    expect(commandsOf(d.take(), "publish-hello")).to.have.length(4);
    const next = d.tick(1);
    expect(commandsOf(next, "publish-hello")).to.deep.equal([]);
    expect(commandsOf(next, "replicaof")).to.deep.equal([]);
  });
});

describe("info-refresh: +fix-slave-config and reconfiguration progress", () => {
  it("points a replica following another address back after failover-timeout", () => {
    const d = withReplica({ failoverTimeout: 10_000 });
    d.step(info(R2, replicaInfo(RUN_R, "10.0.0.9", 6379)));
    const changed = d.now;
    d.take();
    d.now = changed + 10_000;
    d.step(info(M, masterInfo(RUN_M, [["10.0.0.2", 6379]])));
    d.step(info(R2, replicaInfo(RUN_R, "10.0.0.9", 6379)));
    expect(commandsOf(d.take(), "replicaof")).to.deep.equal([]);
    d.now += 1;
    d.step(info(R2, replicaInfo(RUN_R, "10.0.0.9", 6379)));
    const ready = d.take();
    expect(eventLines(ready)).to.deep.equal([
      "+fix-slave-config slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379",
    ]);
    expect(commandsOf(ready, "replicaof")[0]?.target).to.deep.equal({ ip: "10.0.0.1", port: 6379 });
  });

  it("leaves a replica following the master (host compared case-insensitively) alone", () => {
    const d = withReplica({ failoverTimeout: 1000 });
    d.now += 5000;
    d.step(info(M, masterInfo(RUN_M)));
    d.step(info(R2, replicaInfo(RUN_R, "10.0.0.1", 6379)));
    expect(commandsOf(d.take(), "replicaof")).to.deep.equal([]);
  });

  it("moves a reconfigured replica reconf_sent → reconf_inprog → reconf_done", () => {
    const d = new Driver(
      sentinelConfig([
        masterConfig("mymaster", "10.0.0.1", 6379, { knownReplicas: twoReplicas() }),
      ]),
    );
    d.take();
    const m = d.master();
    const promoted = m.replicas.get("10.0.0.3:6379")!;
    const r = m.replicas.get("10.0.0.2:6379")!;
    m.flags.add("failover_in_progress");
    m.failoverState = "reconf_slaves";
    m.promotedReplica = promoted.name;
    promoted.flags.add("promoted");
    r.flags.add("reconf_sent");
    d.step(info(R2, replicaInfo(RUN_R, "10.0.0.3", 6379, { linkUp: false })));
    d.step(info(R2, replicaInfo(RUN_R, "10.0.0.3", 6379, { linkUp: true })));
    expect(eventLines(d.take())).to.deep.equal([
      "+slave-reconf-inprog slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379",
      "+slave-reconf-done slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379",
    ]);
    expect(r.flags.has("reconf_done")).to.equal(true);
  });
});

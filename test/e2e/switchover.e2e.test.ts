// Proves the planned switchovers of issue #16 with real processes (redis-server 7.0 has FAILOVER
// and reports master_failover_state): SENTINEL FAILOVER <name> COORDINATED elects a leader among
// three Vigils and hands over through the master's own FAILOVER while a client writes every
// 10 ms — no acknowledged write is lost; a COORDINATED failover still waiting for its promotion
// and ended by a newer configuration at another address leaves the old master taking writes at
// once (FAILOVER ABORT + CLIENT UNPAUSE before the switch closes its link), and so does one ended
// by SENTINEL RESET (before the reset closes it) or by the sentinel's graceful shutdown (SIGTERM,
// SHUTDOWN: before its links close; a master that never answers holds the exit only ~500 ms);
// right after SENTINEL RESET, COORDINATED is refused only for want of replicas, as
// redis-sentinel refuses a plain FAILOVER then; TO <ip> <port> promotes that replica, and a
// priority-0 replica named by TO is refused with the reason; SENTINEL FORGET-SENTINEL drops one peer, the
// drop survives a restart, and the peer comes back only when it sends hellos again; a run id
// announced from two addresses is reported with +sentinel-duplicate-runid and a log line.
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { freePort } from "./harness/ports.js";
import { RespError } from "./harness/resp-client.js";
import { SentinelProcess } from "./harness/sentinel-process.js";
import { waitFor } from "./harness/wait-for.js";
import {
  ClusterRun,
  myIdOf,
  peersOf,
  roleOf,
  waitForReplicaOf,
  waitForReplicasReady,
} from "./support/cluster.js";
import { WriteLoop } from "./support/write-loop.js";

describe("planned switchovers", function () {
  this.timeout(150_000);
  const run = new ClusterRun();
  const extra: SentinelProcess[] = [];

  afterEach(async function () {
    for (const s of extra.splice(0)) await s.cleanup();
    await run.finish(this.currentTest?.state === "failed");
  });

  /**
   * One Vigil, a master and one replica; a COORDINATED failover left in wait_promotion. A stopped
   * replica never answers: the master's FAILOVER TO stays in progress (the master a replica of
   * it, retrying PSYNC) and our CLIENT PAUSE … WRITE (29 s) holds its writes meanwhile.
   */
  async function coordinatedWaitingForPromotion() {
    const { t, rec } = await run.start({
      sentinels: ["vigil"],
      replicas: 1,
      quorum: 1,
      downAfterMs: 5_000,
      failoverTimeoutMs: 30_000,
    });
    const [s0] = t.sentinels;
    const [replica] = t.replicas;
    if (s0 === undefined || replica === undefined) throw new Error("topology");
    await waitForReplicasReady(t.sentinels, 1);
    replica.pause();
    const askedAt = performance.now();
    expect(await s0.command(["SENTINEL", "FAILOVER", "mymaster", "COORDINATED"])).to.equal("OK");
    await rec.waitForEvent("+failover-state-wait-promotion", { since: askedAt });
    return { t, rec, s0, replica, askedAt };
  }

  it("COORDINATED: elected, the master hands over with FAILOVER, no acknowledged write lost", async () => {
    const { t, rec } = await run.start({ failoverTimeoutMs: 30_000 });
    await waitForReplicasReady(t.sentinels, 2);
    const [s0] = t.sentinels;
    if (s0 === undefined) throw new Error("no sentinel");
    const writes = WriteLoop.start(s0);
    await waitFor("some acknowledged writes", () => writes.acknowledged > 50, {
      timeoutMs: 10_000,
    });
    const old = t.master;
    const askedAt = performance.now();
    expect(await s0.command(["SENTINEL", "FAILOVER", "mymaster", "COORDINATED"])).to.equal("OK");
    expect((await s0.master()).get("flags")).to.match(/coordinated_failover/);

    const switched = await rec.waitForEvent(
      "+switch-master",
      { since: askedAt, sentinelPort: s0.port },
      { timeoutMs: 60_000 },
    );
    const newPort = Number(switched.message.split(" ")[4]);
    // A real election: the peers voted for s0 (not the force flag).
    const myId = await myIdOf(s0);
    const votes = rec.all("+vote-for-leader", { since: askedAt, contains: myId });
    expect(votes.filter((v) => v.sentinelPort !== s0.port)).to.not.have.length(0);
    expect(rec.first("+elected-leader", { since: askedAt })?.sentinelPort).to.equal(s0.port);

    await waitForReplicaOf(old, newPort, 30_000);
    expect(await roleOf(t.serverOn(newPort))).to.equal("master");
    // Writes go on against the new master, then the books are compared.
    const before = writes.acknowledged;
    await waitFor(
      "writes acknowledged by the new master",
      () => writes.acknowledged > before + 50,
      {
        timeoutMs: 20_000,
      },
    );
    await writes.stop();
    const report = await writes.report(newPort);
    expect(report.byPort.get(old.port) ?? 0).to.be.greaterThan(0);
    expect(report.byPort.get(newPort) ?? 0).to.be.greaterThan(0);
    expect(report.lost, JSON.stringify({ ...report, byPort: [...report.byPort] })).to.equal(0);
  });

  it("COORDINATED ended by a newer configuration at another address: the old master is unpaused at once", async () => {
    const { t, rec, s0, replica, askedAt } = await coordinatedWaitingForPromotion();
    // A peer's configuration of epoch 5 putting the master at the replica's address, PUBLISHed
    // to the sentinel itself (the paused master refuses PUBLISH too).
    const peerPort = await freePort();
    const hello = `127.0.0.1,${peerPort},${"f".repeat(40)},5,mymaster,127.0.0.1,${replica.port},5`;
    await s0.command(["PUBLISH", "__sentinel__:hello", hello]);
    const switched = await rec.waitForEvent("+switch-master", { since: askedAt });
    expect(switched.message).to.equal(
      `mymaster 127.0.0.1 ${t.master.port} 127.0.0.1 ${replica.port}`,
    );
    // FAILOVER ABORT + CLIENT UNPAUSE reached the old master: a write is taken at once (without
    // them: READONLY while the FAILOVER runs, then held by the pause).
    expect(await t.master.command(["SET", "after-switch", "1"], 3_000)).to.equal("OK");
    const failover = await t.master.info("replication");
    expect(failover.get("master_failover_state")).to.equal("no-failover");
  });

  it("COORDINATED ended by SENTINEL RESET: the old master is unpaused at once, reply and events as Redis's", async () => {
    const { t, rec, s0, askedAt } = await coordinatedWaitingForPromotion();
    expect(await s0.command(["SENTINEL", "RESET", "mymaster"])).to.equal(1);
    // FAILOVER ABORT + CLIENT UNPAUSE went out before the reset closed the master's link.
    expect(await t.master.command(["SET", "after-reset", "1"], 3_000)).to.equal("OK");
    const failover = await t.master.info("replication");
    expect(failover.get("master_failover_state")).to.equal("no-failover");
    // redis-sentinel 7.0.15 resetting a failover in wait_promotion: +reset-master, no abort event.
    await rec.waitForEvent("+reset-master", { since: askedAt });
    const aborts = rec.events.filter(
      (e) => e.at >= askedAt && e.channel.startsWith("-failover-abort-"),
    );
    expect(aborts.map((e) => e.channel)).to.deep.equal([]);
  });

  it("COORDINATED right after SENTINEL RESET: refused for want of replicas, as redis-sentinel refuses a plain FAILOVER then", async () => {
    const { t } = await run.start({
      sentinels: ["vigil", "redis"],
      replicas: 1,
      quorum: 1,
      downAfterMs: 5_000,
    });
    const [vigil, redis] = t.sentinels;
    if (vigil === undefined || redis === undefined) throw new Error("topology");
    await waitForReplicasReady(t.sentinels, 1);
    for (const s of t.sentinels) {
      expect(await s.command(["SENTINEL", "RESET", "mymaster"])).to.equal(1);
    }
    // The reset forgot the replica until the next INFO (info-period, 10 s), not that the master
    // has FAILOVER (before: NOGOODPRIMARY Primary does not support FAILOVER command).
    const coordinated = await vigil.command(["SENTINEL", "FAILOVER", "mymaster", "COORDINATED"]);
    const plain = await redis.command(["SENTINEL", "FAILOVER", "mymaster"]);
    expect([coordinated, plain].map((r) => (r instanceof RespError ? r.message : r))).to.deep.equal(
      ["NOGOODSLAVE No suitable replica to promote", "NOGOODSLAVE No suitable replica to promote"],
    );
  });

  // SIGTERM (SIGINT takes the same path) and the SHUTDOWN command: the graceful shutdown sends
  // the old master FAILOVER ABORT + CLIENT UNPAUSE and waits (briefly) for the replies.
  for (const how of ["SIGTERM", "SHUTDOWN"] as const) {
    it(`COORDINATED in wait_promotion when the sentinel gets ${how}: the old master is unpaused at once`, async () => {
      const { t, s0 } = await coordinatedWaitingForPromotion();
      const stoppedAt = performance.now();
      if (how === "SIGTERM") {
        await s0.terminate(5_000);
      } else {
        // No reply: the connection closes with the process.
        await s0.command(["SHUTDOWN"]).catch(() => null);
        await waitFor("the sentinel to exit", () => !s0.running, { timeoutMs: 5_000 });
      }
      const exitedIn = performance.now() - stoppedAt;
      // Without them: the SET waits for our CLIENT PAUSE … WRITE (29 s), then READONLY or the
      // FAILOVER's own timeout.
      expect(await t.master.command(["SET", "after-shutdown", "1"], 3_000)).to.equal("OK");
      const failover = await t.master.info("replication");
      expect(failover.get("master_failover_state")).to.equal("no-failover");
      const log = fs.readFileSync(s0.logPath, "utf8");
      expect(log).to.contain(
        "Coordinated failover of 'mymaster' ended by the sentinel's shutdown: sending FAILOVER ABORT and CLIENT UNPAUSE to the master",
      );
      // It exited by itself, through the whole ordered shutdown, and did not hang on the master.
      expect(log).to.contain("Sentinel is now ready to exit, bye bye...");
      expect(exitedIn).to.be.below(4_000);
    });
  }

  it("COORDINATED in wait_promotion, the master silent: SIGTERM waits for its reply only a bounded time", async () => {
    const { t, s0 } = await coordinatedWaitingForPromotion();
    // A stopped master keeps its connection open and never answers FAILOVER ABORT.
    t.master.pause();
    const stoppedAt = performance.now();
    await s0.terminate(5_000);
    const exitedIn = performance.now() - stoppedAt;
    t.master.resume();
    const log = fs.readFileSync(s0.logPath, "utf8");
    expect(log).to.contain("ended by the sentinel's shutdown");
    expect(log).to.contain("Sentinel is now ready to exit, bye bye...");
    // It waited for the reply (500 ms), then exited anyway.
    expect(exitedIn).to.be.within(450, 3_000);
  });

  it("TO <ip> <port> promotes that replica; a priority-0 replica is refused with the reason", async () => {
    const { t, rec } = await run.start({ sentinels: ["vigil"], quorum: 1 });
    const [s0] = t.sentinels;
    const [r0, r1] = t.replicas;
    if (s0 === undefined || r0 === undefined || r1 === undefined) throw new Error("topology");
    expect(await s0.command(["SENTINEL", "DEBUG", "info-period", "500"])).to.equal("OK");
    await r0.command(["CONFIG", "SET", "replica-priority", "0"]);
    await waitFor(
      "the sentinel to see priority 0",
      async () => {
        const reply = await s0.command(["SENTINEL", "REPLICAS", "mymaster"]);
        return JSON.stringify(reply).includes('"slave-priority","0"');
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    const refused = await s0.command([
      "SENTINEL",
      "FAILOVER",
      "mymaster",
      "TO",
      "127.0.0.1",
      r0.port,
    ]);
    expect(refused).to.be.instanceOf(RespError);
    expect((refused as RespError).message).to.equal(
      `NOGOODSLAVE Replica 127.0.0.1:${r0.port} cannot be promoted now: priority-0 (replica-priority 0: never promoted)`,
    );
    const unknown = await s0.command(["SENTINEL", "FAILOVER", "mymaster", "TO", "127.0.0.1", 1]);
    expect((unknown as RespError).message).to.equal(
      "ERR No replica 127.0.0.1:1 is known for master 'mymaster'",
    );

    // r1 would not be chosen first (same priority 100 … offsets equal: run id decides); TO picks it.
    const askedAt = performance.now();
    expect(
      await s0.command(["SENTINEL", "FAILOVER", "mymaster", "TO", "127.0.0.1", r1.port]),
    ).to.equal("OK");
    const switched = await rec.waitForEvent(
      "+switch-master",
      { since: askedAt },
      { timeoutMs: 30_000 },
    );
    expect(Number(switched.message.split(" ")[4])).to.equal(r1.port);
    expect(rec.first("+selected-slave", { since: askedAt })?.message).to.contain(
      `127.0.0.1:${r1.port} `,
    );
  });

  it("FORGET-SENTINEL drops one peer, across a restart, until it sends hellos again; a shared run id is reported", async () => {
    const { t, rec } = await run.start();
    const [s0, s1, s2] = t.sentinels;
    if (s0 === undefined || s1 === undefined || s2 === undefined) throw new Error("topology");
    const gone = await myIdOf(s2);
    await s2.kill();
    expect(await s0.command(["SENTINEL", "FORGET-SENTINEL", "mymaster", gone])).to.equal("OK");
    expect((await peersOf(s0)).map((p) => p.get("runid"))).to.deep.equal([await myIdOf(s1)]);
    expect(s0.readConfig()).to.not.contain(gone);
    expect(rec.first("-sentinel", { sentinelPort: s0.port })?.message).to.contain(gone);
    const unknown = await s0.command(["SENTINEL", "FORGET-SENTINEL", "mymaster", gone]);
    expect((unknown as RespError).message).to.equal(
      `ERR No sentinel with run id '${gone}' for this master`,
    );

    await s0.restart();
    // Still forgotten after the restart (s1 knows s2, but only s2's own hellos teach it).
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await peersOf(s0)).length).to.equal(1);

    const back = performance.now();
    await s2.restart();
    await waitFor(
      "s2 to be known again",
      async () => (await peersOf(s0)).some((p) => p.get("runid") === gone),
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(rec.first("+sentinel", { since: back, sentinelPort: s0.port })?.message).to.contain(
      gone,
    );

    // A fourth sentinel started with s1's id: s0 hears one run id from two addresses in turn.
    const shared = await myIdOf(s1);
    const twin = await SentinelProcess.start({
      impl: "vigil",
      dir: path.join(t.dir, "twin"),
      monitors: [{ name: "mymaster", port: t.master.port, quorum: 2 }],
      extraConfig: [`sentinel myid ${shared}`],
    });
    extra.push(twin);
    const dup = await rec.waitForEvent(
      "+sentinel-duplicate-runid",
      { sentinelPort: s0.port },
      { timeoutMs: 30_000 },
    );
    expect(dup.message).to.contain(`for ${shared}`);
    expect(dup.message).to.contain(`port ${s1.port}`);
    expect(dup.message).to.contain(`port ${twin.port}`);
    expect(s0.logs(400)).to.contain(`Two sentinels announce the same run id ${shared}`);
  });
});

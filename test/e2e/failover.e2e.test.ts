// Proves "Failover" end to end with real processes. Three Vigil sentinels (quorum 2, down-after
// 1000 ms) watch a real redis-server master with two replicas; after `kill -9` of the master
// exactly one sentinel publishes +elected-leader, one replica is promoted (ROLE / INFO of the
// real servers), the other replicates from it with the link up, every Vigil answers the new
// address, +switch-master carries exactly "<name> <old-ip> <old-port> <new-ip> <new-port>", each
// Vigil's config file names the new master and its config epoch, and the old master, restarted,
// is turned into a replica of the new one (+convert-to-slave). Also: SENTINEL FAILOVER on a lone
// Vigil (no quorum possible) promotes a replica without ODOWN or votes; and a lone Vigil fails
// over a master whose replica was last described by INFO seconds before the kill (it waits for
// fresh INFO instead of aborting with -failover-abort-no-good-slave); and a SENTINEL FAILOVER
// waiting for its promotion ends at a hello naming the master in a newer config epoch, which it
// keeps (-failover-abort-newer-config, no +promoted-slave when the replica reports role master).
import { expect } from "chai";
import { waitForMasterAddr } from "./harness/sentinel-process.js";
import { freePort } from "./harness/ports.js";
import { waitFor } from "./harness/wait-for.js";
import {
  ClusterRun,
  roleOf,
  waitForConvergence,
  waitForEventOnEach,
  waitForReplicaOf,
  replicasOf,
  waitForReplicasReady,
} from "./support/cluster.js";

describe("failover with Vigil sentinels", function () {
  this.timeout(150_000);
  const run = new ClusterRun();

  afterEach(async function () {
    await run.finish(this.currentTest?.state === "failed");
  });

  it("promotes one replica after kill -9 of the master, with one leader, and every Vigil follows", async () => {
    const { t, rec } = await run.start();
    await waitForReplicasReady(t.sentinels, 2);
    const old = t.master;
    const killedAt = performance.now();
    await old.kill();

    const switches = await waitForEventOnEach(
      rec,
      t.sentinels,
      "+switch-master",
      { since: killedAt },
      45_000,
    );
    const payload = switches[0]?.message ?? "";
    const tokens = payload.split(" ");
    expect(tokens).to.have.length(5);
    const newPort = Number(tokens[4]);
    expect(tokens).to.deep.equal([
      "mymaster",
      "127.0.0.1",
      String(old.port),
      "127.0.0.1",
      String(newPort),
    ]);
    for (const e of switches) expect(e.message).to.equal(payload);

    const promoted = t.serverOn(newPort);
    const other = t.replicas.find((r) => r.port !== newPort);
    if (other === undefined) throw new Error("no other replica");
    expect(t.replicas).to.include(promoted);

    // One leader for the epoch of the failover.
    const { configEpoch } = await waitForConvergence(t.sentinels, old.port, 30_000);
    const leaders = rec.all("+elected-leader", { since: killedAt });
    expect(leaders.map((e) => e.message)).to.deep.equal([`master mymaster 127.0.0.1 ${old.port}`]);
    const leader = leaders[0];
    if (leader === undefined) throw new Error("no +elected-leader");
    const leaderEpochs = rec
      .all("+new-epoch", { since: killedAt, sentinelPort: leader.sentinelPort })
      .filter((e) => e.at <= leader.at);
    expect(leaderEpochs.at(-1)?.message).to.equal(configEpoch);

    // The real servers: one master, the other replica following it with the link up.
    expect(await roleOf(promoted)).to.equal("master");
    expect((await promoted.info()).get("role")).to.equal("master");
    await waitForReplicaOf(other, newPort, 30_000);
    await waitForMasterAddr(t.sentinels, newPort, "mymaster", { timeoutMs: 30_000 });

    // Config files flushed with the new address and the epoch.
    for (const s of t.sentinels) {
      const config = s.readConfig();
      expect(config).to.match(
        new RegExp(`^sentinel monitor mymaster 127\\.0\\.0\\.1 ${newPort} 2$`, "m"),
      );
      expect(config).to.match(new RegExp(`^sentinel config-epoch mymaster ${configEpoch}$`, "m"));
      expect(config).to.not.match(
        new RegExp(`^sentinel monitor mymaster 127\\.0\\.0\\.1 ${old.port} `, "m"),
      );
    }

    // The old master comes back as a master and is converted into a replica of the new one.
    const restartedAt = performance.now();
    await old.restart({ replicaOf: null });
    const converted = await rec.waitForEvent(
      "+convert-to-slave",
      { since: restartedAt, contains: `127.0.0.1:${old.port} ` },
      { timeoutMs: 45_000 },
    );
    expect(converted.message).to.equal(
      `slave 127.0.0.1:${old.port} 127.0.0.1 ${old.port} @ mymaster 127.0.0.1 ${newPort}`,
    );
    await waitForReplicaOf(old, newPort, 30_000);
  });

  it("fails over when the replica's last INFO is older than the selection accepts", async () => {
    const { t, rec } = await run.start({ sentinels: ["vigil"], replicas: 1, quorum: 1 });
    const sentinel = t.sentinels[0]!;
    await waitForReplicasReady(t.sentinels, 1);
    // While the master is down the selection takes INFO up to 5 s old (5 × ping period); the
    // replica is polled every 10 s, so wait until its INFO is past that before the kill.
    await waitFor(
      "the replica's INFO to be over 5.5 s old",
      async () => Number((await replicasOf(sentinel))[0]?.get("info-refresh")) > 5_500,
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    const killedAt = performance.now();
    await t.master.kill();
    const switched = await rec.waitForEvent(
      "+switch-master",
      { since: killedAt },
      { timeoutMs: 20_000 },
    );
    expect(Number(switched.message.split(" ")[4])).to.equal(t.replicas[0]!.port);
    expect(rec.first("-failover-abort-no-good-slave", { since: killedAt })).to.equal(undefined);
  });

  it("fails over on SENTINEL FAILOVER with a single Vigil, without ODOWN or votes", async () => {
    const { t, rec } = await run.start({ sentinels: ["vigil"] });
    const sentinel = t.sentinels[0]!;
    await waitForReplicasReady(t.sentinels, 2);
    const old = t.master;
    const askedAt = performance.now();
    expect(await sentinel.command(["SENTINEL", "FAILOVER", "mymaster"])).to.equal("OK");

    const switched = await rec.waitForEvent(
      "+switch-master",
      { since: askedAt },
      { timeoutMs: 45_000 },
    );
    const tokens = switched.message.split(" ");
    expect(tokens.slice(0, 4)).to.deep.equal([
      "mymaster",
      "127.0.0.1",
      String(old.port),
      "127.0.0.1",
    ]);
    const newPort = Number(tokens[4]);
    const promoted = t.serverOn(newPort);
    expect(t.replicas).to.include(promoted);
    // sentinel.c publishes +elected-leader for a forced failover too (it skips the vote check).
    expect(rec.all("+elected-leader", { since: askedAt }).map((e) => e.message)).to.deep.equal([
      `master mymaster 127.0.0.1 ${old.port}`,
    ]);
    expect(rec.first("+odown", { since: askedAt })).to.equal(undefined);
    expect(rec.first("+failover-end", { since: askedAt })?.message).to.equal(
      `master mymaster 127.0.0.1 ${old.port}`,
    );

    expect(await roleOf(promoted)).to.equal("master");
    for (const r of t.replicas.filter((x) => x !== promoted))
      await waitForReplicaOf(r, newPort, 30_000);
    // The old master was alive: it is reconfigured as a replica of the new one too.
    await waitForReplicaOf(old, newPort, 30_000);
    expect(await sentinel.getMasterAddr()).to.deep.equal({ host: "127.0.0.1", port: newPort });
    const master = await sentinel.master();
    expect(Number(master.get("config-epoch"))).to.be.greaterThan(0);
    expect(sentinel.readConfig()).to.match(
      new RegExp(`^sentinel monitor mymaster 127\\.0\\.0\\.1 ${newPort} 2$`, "m"),
    );
  });

  it("ends a SENTINEL FAILOVER still waiting for its promotion when a hello names the master in a newer config epoch", async () => {
    const { t, rec } = await run.start({ sentinels: ["vigil"], replicas: 1, quorum: 1 });
    const sentinel = t.sentinels[0]!;
    const replica = t.replicas[0]!;
    await waitForReplicasReady(t.sentinels, 1);
    // The replica reads our SLAVEOF NO ONE (and the INFO behind it) only when the pause ends.
    expect(await replica.command(["CLIENT", "PAUSE", "3000", "ALL"])).to.equal("OK");
    const askedAt = performance.now();
    expect(await sentinel.command(["SENTINEL", "FAILOVER", "mymaster"])).to.equal("OK");
    await rec.waitForEvent("+failover-state-wait-promotion", { since: askedAt });
    // A peer's configuration of epoch 5 naming the same master: redis-sentinel 7.0.15 takes it
    // silently, then sets the config epoch back to 1 at +promoted-slave and switches.
    const peerPort = await freePort();
    const hello = `127.0.0.1,${peerPort},${"f".repeat(40)},5,mymaster,127.0.0.1,${t.master.port},5`;
    await t.master.command(["PUBLISH", "__sentinel__:hello", hello]);
    const aborted = await rec.waitForEvent("-failover-abort-newer-config", { since: askedAt });
    expect(aborted.message).to.equal(`master mymaster 127.0.0.1 ${t.master.port}`);
    expect(rec.first("+config-update-from", { since: askedAt })?.message).to.equal(
      `sentinel ${"f".repeat(40)} 127.0.0.1 ${peerPort} @ mymaster 127.0.0.1 ${t.master.port}`,
    );
    // The pause ends: the replica takes the SLAVEOF NO ONE and its INFO reports role master,
    // where the promotion would have been confirmed. Nothing is promoted or switched.
    await rec.waitForEvent("-role-change", { since: askedAt, contains: `:${replica.port} ` });
    expect(rec.first("+promoted-slave", { since: askedAt })).to.equal(undefined);
    expect(rec.first("+switch-master", { since: askedAt })).to.equal(undefined);
    expect(Number((await sentinel.master()).get("config-epoch"))).to.equal(5);
    expect(await sentinel.getMasterAddr()).to.deep.equal({
      host: "127.0.0.1",
      port: t.master.port,
    });
  });
});

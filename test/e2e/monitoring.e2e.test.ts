// Proves "Monitoring" end to end with real processes: three Vigil sentinels watching a real
// redis-server master with two replicas (down-after 1000 ms, quorum 2) discover both replicas
// and each other; a paused (SIGSTOP) replica goes +sdown on every sentinel and -sdown when
// resumed; a paused master goes +sdown then +odown on every sentinel (replica-priority 0 keeps
// the failover from promoting anything, so ODOWN is observed on its own); a Vigil stopped with
// SIGTERM and started again on the same config keeps its myid, comes back knowing the replicas
// and peers from its config file, and its peers list it exactly once.
import { expect } from "chai";
import type { RespValue } from "./harness/resp-client.js";
import type { EventRecorder } from "./harness/sentinel-process.js";
import type { Topology, TopologyOptions } from "./harness/topology.js";
import { waitFor } from "./harness/wait-for.js";
import { ClusterRun, myIdOf, peersOf, replicasOf, waitForEventOnEach } from "./support/cluster.js";

describe("monitoring with three Vigil sentinels", function () {
  this.timeout(120_000);
  const run = new ClusterRun();
  let recorder: EventRecorder | undefined;

  async function start(options: TopologyOptions = {}): Promise<Topology> {
    const { t, rec } = await run.start(options);
    recorder = rec;
    return t;
  }

  afterEach(async function () {
    await run.finish(this.currentTest?.state === "failed");
  });

  it("lists both replicas and two other sentinels on every Vigil", async () => {
    const t = await start();
    const ids = await Promise.all(t.sentinels.map((s) => myIdOf(s)));
    const replicaPorts = t.replicas.map((r) => String(r.port)).sort();
    for (const [i, sentinel] of t.sentinels.entries()) {
      const replicas = await replicasOf(sentinel);
      expect(replicas.map((r) => r.get("port")).sort()).to.deep.equal(replicaPorts);
      for (const r of replicas) {
        expect(r.get("ip")).to.equal("127.0.0.1");
        expect(r.get("flags")).to.equal("slave");
        expect(r.get("master-port")).to.equal(String(t.master.port));
      }
      const master = await sentinel.master();
      expect(master.get("num-slaves")).to.equal("2");
      expect(master.get("num-other-sentinels")).to.equal("2");
      const peers = await peersOf(sentinel);
      const others = ids.filter((_, j) => j !== i).sort();
      expect(peers.map((p) => p.get("runid")).sort()).to.deep.equal(others);
      for (const p of peers) {
        const j = ids.indexOf(p.get("runid") ?? "");
        expect(p.get("ip")).to.equal("127.0.0.1");
        expect(p.get("port")).to.equal(String(t.sentinels[j]?.port));
      }
    }
    // SENTINEL INFO-CACHE: each instance's last INFO text (kept as bytes, core/records/info-copy.ts).
    const reply = await t.sentinels[0]!.command(["SENTINEL", "INFO-CACHE", "mymaster"]);
    expect(Array.isArray(reply) && reply[0]).to.equal("mymaster");
    const entries = (reply as RespValue[])[1] as RespValue[][];
    const texts = entries.map((e) => String(e[1]));
    const runIds = await Promise.all(
      [t.master, ...t.replicas].map(async (r) => (await r.info("server")).get("run_id")),
    );
    expect(texts[0]).to.include(`run_id:${runIds[0]}\r\n`).and.include("role:master\r\n");
    for (const [i, text] of texts.slice(1).entries()) {
      expect(text.startsWith("# Server\r\n")).to.equal(true);
      expect(text).to.include("role:slave\r\n");
      expect(runIds.slice(1).filter((id) => text.includes(`run_id:${id}\r\n`)).length).to.equal(
        1,
        `replica entry ${i}`,
      );
    }
  });

  it("marks a paused replica +sdown on every sentinel and -sdown once it is resumed", async () => {
    const t = await start();
    const rec = recorder!;
    const replica = t.replicas[0]!;
    const text = `slave 127.0.0.1:${replica.port} 127.0.0.1 ${replica.port} @ mymaster 127.0.0.1 ${t.master.port}`;
    const pausedAt = performance.now();
    replica.pause();
    const downs = await waitForEventOnEach(rec, t.sentinels, "+sdown", {
      contains: text,
      since: pausedAt,
    });
    for (const e of downs) expect(e.message).to.equal(text);
    // Nothing else went down meanwhile.
    expect(rec.all("+sdown", { since: pausedAt }).every((e) => e.message === text)).to.equal(true);
    for (const s of t.sentinels) {
      const entry = (await replicasOf(s)).find((r) => r.get("port") === String(replica.port));
      expect(entry?.get("flags")).to.match(/^s_down,slave/);
    }

    const resumedAt = performance.now();
    replica.resume();
    const ups = await waitForEventOnEach(rec, t.sentinels, "-sdown", {
      contains: text,
      since: resumedAt,
    });
    for (const e of ups) expect(e.message).to.equal(text);
  });

  it("marks a paused master +sdown then +odown on every sentinel, and clears both on resume", async () => {
    // replica-priority 0: the sentinels may try a failover but can promote nobody.
    const t = await start({ redisArgs: ["--replica-priority", "0"] });
    const rec = recorder!;
    const text = `master mymaster 127.0.0.1 ${t.master.port}`;
    const pausedAt = performance.now();
    t.master.pause();
    const sdowns = await waitForEventOnEach(rec, t.sentinels, "+sdown", {
      contains: text,
      since: pausedAt,
    });
    const odowns = await waitForEventOnEach(rec, t.sentinels, "+odown", {
      contains: text,
      since: pausedAt,
    });
    for (const [i, odown] of odowns.entries()) {
      expect(odown.message).to.match(
        new RegExp(`^master mymaster 127\\.0\\.0\\.1 ${t.master.port} #quorum [23]/2$`),
      );
      expect(odown.at).to.be.at.least(sdowns[i]?.at ?? Infinity);
      // SDOWN needs down-after without a reply (1000 ms), not less.
      expect((sdowns[i]?.at ?? 0) - pausedAt).to.be.greaterThan(900);
    }
    for (const s of t.sentinels) {
      expect((await s.master()).get("flags")).to.match(/^s_down,o_down,master/);
    }
    expect(rec.all("+switch-master", { since: pausedAt })).to.deep.equal([]);

    const resumedAt = performance.now();
    t.master.resume();
    await waitForEventOnEach(rec, t.sentinels, "-sdown", { contains: text, since: resumedAt });
    await waitForEventOnEach(rec, t.sentinels, "-odown", { contains: text, since: resumedAt });
    for (const s of t.sentinels)
      expect(await s.getMasterAddr()).to.deep.include({ port: t.master.port });
  });

  it("restarts a Vigil with its myid, replicas and peers from its config, listed once by its peers", async () => {
    const t = await start();
    const [restarted, ...others] = t.sentinels;
    if (restarted === undefined) throw new Error("no sentinel");
    const id = await myIdOf(restarted);
    const config = restarted.readConfig();
    expect(config).to.match(new RegExp(`^sentinel myid ${id}$`, "m"));
    for (const r of t.replicas) {
      expect(config).to.match(
        new RegExp(`^sentinel known-replica mymaster 127\\.0\\.0\\.1 ${r.port}$`, "m"),
      );
    }
    for (const o of others) {
      expect(config).to.match(
        new RegExp(
          `^sentinel known-sentinel mymaster 127\\.0\\.0\\.1 ${o.port} ${await myIdOf(o)}$`,
          "m",
        ),
      );
    }

    await restarted.terminate();
    expect(restarted.running).to.equal(false);
    await restarted.restart();
    const restartedAt = performance.now();
    expect(await myIdOf(restarted)).to.equal(id);
    // Right after the start, before any hello could be heard: what the config file held.
    const master = await restarted.master();
    expect(master.get("num-slaves")).to.equal("2");
    expect(master.get("num-other-sentinels")).to.equal("2");
    expect((await replicasOf(restarted)).map((r) => r.get("port")).sort()).to.deep.equal(
      t.replicas.map((r) => String(r.port)).sort(),
    );

    // Its peers hear its hellos again and still hold one entry for it.
    for (const peer of others) {
      await waitFor(
        `sentinel :${peer.port} to hear a hello from the restarted sentinel`,
        async () => {
          const mine = (await peersOf(peer)).filter((p) => p.get("runid") === id);
          const age = Number(mine[0]?.get("last-hello-message") ?? Infinity);
          if (
            mine.length === 1 &&
            !(mine[0]?.get("flags") ?? "").includes("disconnected") &&
            age < performance.now() - restartedAt
          ) {
            return true;
          }
          throw new Error(`entries: ${JSON.stringify(mine.map((m) => [...m]))}`);
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      const peers = await peersOf(peer);
      expect(peers).to.have.length(2);
      expect(new Set(peers.map((p) => p.get("runid"))).size).to.equal(2);
      expect(new Set(peers.map((p) => `${p.get("ip")}:${p.get("port")}`)).size).to.equal(2);
      expect((await peer.master()).get("num-other-sentinels")).to.equal("2");
    }
    await t.waitForDiscovery(30_000);
  });
});

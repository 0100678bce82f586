// Proves that real Redis clients discover and follow the master through Vigil alone (3 Vigil
// sentinels, quorum 2, down-after 1000 ms, 1 master + 2 replicas): ioredis 6 (RESP3 by default and
// RESP2) and node-redis 6 resolve the master and, after `kill -9` of the master, write to the
// promoted replica; ioredis `role: "slave"` lands on a replica; redis-py's Sentinel
// discover_master / discover_slaves / master_for work before and after the failover; SUBSCRIBE
// `+switch-master` clients (ioredis and redis-cli) get the exact 5-token message; redis-cli prints
// `SENTINEL get-master-addr-by-name` exactly as it does for redis-sentinel; and the SENTINEL
// replies that clients parse are right in RESP3 (HELLO 3), not only in RESP2.
import { expect } from "chai";
import { Redis } from "ioredis";
import { createClient, createSentinel } from "redis";
import { startTopology, type Topology } from "./harness/topology.js";
import { SentinelProcess, waitForMasterAddr } from "./harness/sentinel-process.js";
import { waitFor } from "./harness/wait-for.js";
import {
  Closers,
  CliSubscriber,
  bounded,
  redisCli,
  writeLoop,
  roleOf,
  tcpPort,
} from "./support/clients.js";

import { HOST, NAME, failover, ioredisFor, noop, redisPy } from "./support/topology-clients.js";

describe("real clients through Vigil (3 Vigil sentinels, quorum 2, down-after 1000)", function () {
  this.timeout(180_000);
  let topology: Topology | null = null;
  const closers = new Closers();

  beforeEach(async function () {
    topology = await startTopology({
      replicas: 2,
      sentinels: ["vigil", "vigil", "vigil"],
      quorum: 2,
      downAfterMs: 1_000,
      failoverTimeoutMs: 10_000,
      discoveryTimeoutMs: 30_000,
    });
  });

  afterEach(async function () {
    await closers.closeAll();
    if (this.currentTest?.state === "failed" && topology !== null) {
      for (const s of topology.sentinels) console.log(s.logs(40));
    }
    await topology?.teardown();
    topology = null;
  });

  function topo(): Topology {
    if (topology === null) throw new Error("no topology");
    return topology;
  }

  describe("ioredis 6", function () {
    it("resolves the master with RESP3 (default) and RESP2, and role slave lands on a replica", async function () {
      const t = topo();
      for (const protocol of [undefined, 2] as const) {
        const client = ioredisFor(t, protocol === undefined ? {} : { protocol });
        closers.add(() => {
          client.disconnect();
        });
        await client.set(`ioredis:${String(protocol)}`, "v");
        expect(tcpPort(await client.info("server"))).to.equal(t.master.port);
        expect(await t.master.command(["GET", `ioredis:${String(protocol)}`])).to.equal("v");
      }
      const replicaPorts = t.replicas.map((r) => r.port);
      for (const protocol of [undefined, 2] as const) {
        const reader = ioredisFor(t, {
          role: "slave",
          ...(protocol === undefined ? {} : { protocol }),
        });
        closers.add(() => {
          reader.disconnect();
        });
        const info = await reader.info();
        expect(roleOf(info)).to.equal("slave");
        expect(replicaPorts).to.include(tcpPort(info));
      }
    });

    it("keeps writing across kill -9 of the master and lands on the promoted replica; +switch-master subscribers get the 5-token message", async function () {
      const t = topo();
      const resp3 = ioredisFor(t);
      const resp2 = ioredisFor(t, { protocol: 2 });
      closers.add(() => {
        resp3.disconnect();
      });
      closers.add(() => {
        resp2.disconnect();
      });
      for (const client of [resp3, resp2]) {
        expect(tcpPort(await client.info("server"))).to.equal(t.master.port);
      }

      // Event subscribers: ioredis (RESP3 push frames and RESP2) and redis-cli, on different sentinels.
      const received = new Map<string, string[]>();
      for (const [i, protocol] of [
        [0, 3],
        [1, 2],
      ] as const) {
        const sub = new Redis({ host: HOST, port: t.sentinels[i]?.port ?? 0, protocol });
        sub.on("error", noop);
        closers.add(() => {
          sub.disconnect();
        });
        const messages: string[] = [];
        received.set(`ioredis RESP${protocol}`, messages);
        sub.on("message", (channel: string, message: string) => {
          if (channel === "+switch-master") messages.push(message);
        });
        expect(await bounded("ioredis SUBSCRIBE", sub.subscribe("+switch-master"), 5_000)).to.equal(
          1,
        );
      }
      const cli = await CliSubscriber.start(t.sentinels[2]?.port ?? 0, "+switch-master");
      closers.add(() => cli.stop());

      const stop = { stopped: false };
      closers.add(() => {
        stop.stopped = true;
      });
      const fromPort = t.master.port;
      const loops = (
        [
          ["RESP3", resp3],
          ["RESP2", resp2],
        ] as const
      ).map(([label, client]) => ({
        label,
        client,
        key: `loop:${label}`,
        ...writeLoop(
          async (n) => {
            await client.set(`loop:${label}`, String(n));
            return tcpPort(await client.info("server"));
          },
          fromPort,
          90_000,
          stop,
        ),
      }));

      await waitFor(
        "both ioredis writers to write to the master",
        () => loops.every((l) => (l.live.okByPort.get(fromPort) ?? 0) > 0),
        { timeoutMs: 10_000 },
      );
      const { oldPort, newPort } = await failover(t);

      for (const loop of loops) {
        const result = await loop.done;
        expect(result.moved, `ioredis ${loop.label} never wrote elsewhere: ${result.lastError}`).to
          .not.be.null;
        expect(result.moved?.port, loop.label).to.equal(newPort);
        expect(result.okByPort.get(oldPort), loop.label).to.be.greaterThan(0);
        // A write that timed out in the loop may still be replayed: check one more write instead.
        await loop.client.set(`${loop.key}:after`, "x");
        expect(await t.serverOn(newPort).command(["GET", `${loop.key}:after`])).to.equal("x");
      }

      // Exactly one switch, with the 5-token payload Jedis/go-redis split on spaces.
      const expected = `${NAME} ${HOST} ${oldPort} ${HOST} ${newPort}`;
      await waitFor(
        "every +switch-master subscriber to get the message",
        () =>
          [...received.values()].every((m) => m.length > 0) &&
          cli.messages("+switch-master").length > 0,
        { timeoutMs: 20_000 },
      );
      for (const [label, messages] of received) {
        expect(messages, label).to.deep.equal([expected]);
        expect(messages[0]?.split(" "), label).to.have.length(5);
      }
      expect(cli.messages("+switch-master")).to.deep.equal([expected]);
    });
  });

  describe("node-redis 6 (createSentinel)", function () {
    it("discovers the master and, across kill -9 of the master, writes to the promoted replica", async function () {
      const t = topo();
      const sentinel = createSentinel({
        name: NAME,
        sentinelRootNodes: t.sentinels.map((s) => ({ host: HOST, port: s.port })),
        scanInterval: 1_000,
        nodeClientOptions: { socket: { connectTimeout: 2_000, reconnectStrategy: 100 } },
        sentinelClientOptions: { socket: { connectTimeout: 2_000, reconnectStrategy: 100 } },
      });
      sentinel.on("error", noop);
      closers.add(() => sentinel.destroy());
      await bounded("node-redis sentinel connect", sentinel.connect(), 20_000);
      await bounded("node-redis SET", sentinel.set("node-redis", "before"), 5_000);
      expect(await t.master.command(["GET", "node-redis"])).to.equal("before");

      const stop = { stopped: false };
      closers.add(() => {
        stop.stopped = true;
      });
      const fromPort = t.master.port;
      const loop = writeLoop(
        async (n) => {
          await bounded("node-redis SET", sentinel.set("node-redis", String(n)), 3_000);
          return tcpPort(await bounded("node-redis INFO", sentinel.info("server"), 3_000));
        },
        fromPort,
        90_000,
        stop,
      );
      await waitFor(
        "the node-redis writer to write to the master",
        () => (loop.live.okByPort.get(fromPort) ?? 0) > 0,
        { timeoutMs: 10_000 },
      );
      const { oldPort, newPort } = await failover(t);

      const result = await loop.done;
      expect(result.moved, `node-redis never wrote elsewhere: ${result.lastError}`).to.not.be.null;
      expect(result.moved?.port).to.equal(newPort);
      expect(result.okByPort.get(oldPort)).to.be.greaterThan(0);
      // node-redis may replay a write that timed out in our loop after a later one, so the loop
      // key's final value is not checked; one more write must land on the new master.
      await bounded("node-redis SET", sentinel.set("node-redis:after", "x"), 5_000);
      expect(await t.serverOn(newPort).command(["GET", "node-redis:after"])).to.equal("x");
    });
  });

  describe("redis-py (Debian python3-redis)", function () {
    it("discover_master, discover_slaves and master_for().set() work before and after a failover", async function () {
      const t = topo();
      const replicas = t.replicas.map((r) => [HOST, r.port]).sort();
      const before = await redisPy(t, "py", "before");
      expect(before.master).to.deep.equal([HOST, t.master.port]);
      expect(before.slaves).to.deep.equal(replicas);
      expect(before).to.include({ get: "before", tcp_port: t.master.port, role: "master" });
      expect(await t.master.command(["GET", "py"])).to.equal("before");

      const { oldPort } = await failover(t);

      // Right after the switch the dead old master is a fresh replica record that is not yet
      // s_down (as in redis-sentinel); redis-py offers it for reads until down-after passes. The
      // master is whatever the sentinels name now (the ioredis test asserts a single switch).
      const after = await waitFor(
        "redis-py to discover and write to the promoted replica, offering only the other replica",
        async () => {
          const current = (await t.sentinels[0]?.getMasterAddr(NAME))?.port;
          const probe = await redisPy(t, "py", "after");
          if (probe.master[1] !== current || probe.slaves.length !== 1)
            throw new Error(`master ${String(current)}, probe: ${JSON.stringify(probe)}`);
          return probe;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      const master = after.master[1];
      expect(t.replicas.map((r) => r.port)).to.include(master);
      expect(after).to.include({ get: "after", tcp_port: master, role: "master" });
      expect(await t.serverOn(master).command(["GET", "py"])).to.equal("after");
      const other = t.replicas.find((r) => r.port !== master);
      expect(after.slaves).to.deep.equal([[HOST, other?.port]]);
      expect(after.slaves).to.not.deep.include([HOST, oldPort]);
    });
  });

  describe("redis-cli", function () {
    it("prints SENTINEL get-master-addr-by-name exactly as for redis-sentinel (RESP2, RESP3, unknown name)", async function () {
      const t = topo();
      const real = await SentinelProcess.start({
        impl: "redis",
        monitors: [{ name: NAME, port: t.master.port, quorum: 2, downAfterMs: 1_000 }],
      });
      closers.add(() => real.cleanup());
      await waitForMasterAddr([real, ...t.sentinels], t.master.port);
      const vigil = t.sentinels[0]?.port ?? 0;
      for (const args of [
        ["SENTINEL", "get-master-addr-by-name", NAME],
        ["sentinel", "GET-MASTER-ADDR-BY-NAME", NAME],
        ["--no-raw", "SENTINEL", "get-master-addr-by-name", NAME],
        ["-3", "SENTINEL", "get-master-addr-by-name", NAME],
        ["-3", "--no-raw", "SENTINEL", "get-master-addr-by-name", NAME],
        ["SENTINEL", "get-master-addr-by-name", "nosuchmaster"],
        ["--no-raw", "SENTINEL", "get-master-addr-by-name", "nosuchmaster"],
        ["-3", "--no-raw", "SENTINEL", "get-master-addr-by-name", "nosuchmaster"],
      ]) {
        const ours = await redisCli(vigil, args);
        const theirs = await redisCli(real.port, args);
        expect(ours.stdout, args.join(" ")).to.equal(theirs.stdout);
        expect(ours.code, args.join(" ")).to.equal(theirs.code);
      }
      expect(
        (await redisCli(vigil, ["SENTINEL", "get-master-addr-by-name", NAME])).stdout,
      ).to.equal(`${HOST}\n${t.master.port}\n`);
    });
  });

  describe("RESP3 (HELLO 3, the default of ioredis 6 and node-redis 6)", function () {
    it("ioredis gets the SENTINEL replies it parses in RESP3 exactly as in RESP2", async function () {
      const t = topo();
      const port = t.sentinels[0]?.port ?? 0;
      const resp3 = new Redis({ host: HOST, port });
      const resp2 = new Redis({ host: HOST, port, protocol: 2 });
      const maps = new Redis({ host: HOST, port, replyMapping: "resp3" });
      for (const c of [resp3, resp2, maps]) {
        c.on("error", noop);
        closers.add(() => {
          c.disconnect();
        });
      }
      // The connection really negotiated RESP3.
      const hello = (await resp3.call("HELLO")) as unknown[];
      expect(hello.slice(hello.indexOf("proto"), hello.indexOf("proto") + 2)).to.deep.equal([
        "proto",
        3,
      ]);
      expect(hello.slice(hello.indexOf("mode"), hello.indexOf("mode") + 2)).to.deep.equal([
        "mode",
        "sentinel",
      ]);

      const addr3 = await resp3.call("SENTINEL", "get-master-addr-by-name", NAME);
      expect(addr3).to.deep.equal([HOST, String(t.master.port)]);
      expect(await resp2.call("SENTINEL", "get-master-addr-by-name", NAME)).to.deep.equal(addr3);
      expect(await resp3.call("SENTINEL", "get-master-addr-by-name", "nosuchmaster")).to.equal(
        null,
      );

      // ioredis's "legacy" mapping flattens RESP3 maps: same field order and string values.
      for (const sub of ["master", "slaves", "replicas", "sentinels"]) {
        const r3 = await resp3.call("SENTINEL", sub, NAME);
        const r2 = await resp2.call("SENTINEL", sub, NAME);
        expect(shape(r3), sub).to.deep.equal(shape(r2));
      }
      const masters = (await maps.call("SENTINEL", "masters")) as Record<string, unknown>[];
      expect(masters).to.have.length(1);
      expect(masters[0]).to.include({
        name: NAME,
        ip: HOST,
        port: String(t.master.port),
        flags: "master",
        "num-slaves": "2",
        "num-other-sentinels": "2",
        quorum: "2",
        "config-epoch": "0",
      });
      const slaves = (await maps.call("SENTINEL", "slaves", NAME)) as Record<string, unknown>[];
      expect(slaves.map((s) => Number(s["port"])).sort()).to.deep.equal(
        t.replicas.map((r) => r.port).sort(),
      );
      for (const s of slaves) expect(s["flags"]).to.equal("slave");
      const sentinels = (await maps.call("SENTINEL", "sentinels", NAME)) as Record<
        string,
        unknown
      >[];
      expect(sentinels.map((s) => Number(s["port"])).sort()).to.deep.equal(
        t.sentinels
          .slice(1)
          .map((s) => s.port)
          .sort(),
      );
    });

    it("node-redis (RESP3) gets maps with string values for SENTINEL MASTER/REPLICAS/SENTINELS", async function () {
      const t = topo();
      const client = createClient({ socket: { host: HOST, port: t.sentinels[1]?.port ?? 0 } });
      client.on("error", noop);
      closers.add(() => {
        client.destroy();
      });
      await bounded("node-redis connect (HELLO 3)", client.connect(), 10_000);
      const hello = await client.sendCommand<Record<string, unknown>>(["HELLO"]);
      expect(hello).to.include({ proto: 3, mode: "sentinel", server: "redis" });

      const master = await client.sendCommand<Record<string, unknown>>([
        "SENTINEL",
        "MASTER",
        NAME,
      ]);
      expect(master).to.include({
        name: NAME,
        ip: HOST,
        port: String(t.master.port),
        flags: "master",
        "config-epoch": "0",
        "num-other-sentinels": "2",
      });
      for (const value of Object.values(master)) expect(value).to.be.a("string");
      const replicas = await client.sendCommand<Record<string, unknown>[]>([
        "SENTINEL",
        "REPLICAS",
        NAME,
      ]);
      expect(replicas).to.have.length(2);
      for (const r of replicas) expect(r).to.include({ flags: "slave", ip: HOST });
      const sentinels = await client.sendCommand<Record<string, unknown>[]>([
        "SENTINEL",
        "SENTINELS",
        NAME,
      ]);
      expect(sentinels).to.have.length(2);
      for (const s of sentinels) expect(s).to.include({ flags: "sentinel", ip: HOST });
      expect(
        await client.sendCommand(["SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nosuchmaster"]),
      ).to.equal(null);
    });
  });
});

/** Field names, in order, of a flat field/value reply or an array of them (values dropped). */
function shape(reply: unknown): unknown {
  if (!Array.isArray(reply)) return typeof reply;
  if (reply.every((x) => typeof x === "string")) return reply.filter((_, i) => i % 2 === 0);
  return reply.map(shape);
}

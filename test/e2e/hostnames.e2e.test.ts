// Proves hostnames end to end, against real redis-server processes, with the same assertions for
// Vigil and Debian's redis-sentinel 7.0.15 (so the two agree): with `resolve-hostnames yes` a
// master monitored as `localhost` (127.0.0.1 in /etc/hosts) is shown and compared by its IP — its
// replica, reporting master_host:127.0.0.1, is discovered and left alone (no +fix-slave-config),
// SENTINEL MONITOR takes a name; with `announce-hostnames yes` the hello, the replies and
// +switch-master of a failover carry `localhost`, and the rewritten config restarts the same.
// Only `localhost` is looked up: nothing leaves the loopback (/etc/hosts answers it).
import { expect } from "chai";
import { Redis } from "ioredis";
import { RedisProcess } from "./harness/redis-process.js";
import { RespError, pairsToMap, type RespValue } from "./harness/resp-client.js";
import {
  EventRecorder,
  SENTINEL_IMPLS,
  SentinelProcess,
  type SentinelImpl,
} from "./harness/sentinel-process.js";
import { delay, waitFor } from "./harness/wait-for.js";

interface Run {
  servers: RedisProcess[];
  sentinel: SentinelProcess | null;
  recorder: EventRecorder | null;
  clients: Redis[];
}

function newRun(): Run {
  return { servers: [], sentinel: null, recorder: null, clients: [] };
}

async function finish(run: Run, failed: boolean): Promise<void> {
  if (failed && run.sentinel !== null) console.log(run.sentinel.logs(60));
  run.recorder?.stop();
  for (const c of run.clients) c.disconnect();
  await run.sentinel?.cleanup();
  for (const s of run.servers) await s.cleanup();
}

function replyArray(reply: RespValue): RespValue[] {
  if (reply instanceof RespError) throw reply;
  if (!Array.isArray(reply)) throw new Error(`not an array: ${String(reply)}`);
  return reply;
}

async function replicas(sentinel: SentinelProcess, name: string): Promise<Map<string, string>[]> {
  const reply = await sentinel.command(["SENTINEL", "REPLICAS", name]);
  return replyArray(reply).map((r) => pairsToMap(r));
}

/** The first hello the sentinel publishes on the master's `__sentinel__:hello`, as fields. */
async function firstHello(run: Run, port: number): Promise<string[]> {
  const sub = new Redis({
    host: "127.0.0.1",
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    autoResubscribe: false,
  });
  run.clients.push(sub);
  sub.on("error", () => {
    // The sentinel's CLIENT KILL TYPE pubsub may close it during a failover.
  });
  const hellos: string[] = [];
  sub.on("message", (_channel: string, message: string) => hellos.push(message));
  await sub.connect();
  await sub.subscribe("__sentinel__:hello");
  const payload = await waitFor("a hello on the master", () => hellos[0], { timeoutMs: 10_000 });
  sub.disconnect();
  return payload.split(",");
}

for (const impl of SENTINEL_IMPLS) {
  describe(`hostnames (${impl})`, function () {
    this.timeout(90_000);
    let run = newRun();

    beforeEach(() => {
      run = newRun();
    });

    afterEach(async function () {
      await finish(run, this.currentTest?.state === "failed");
    });

    async function start(
      which: SentinelImpl,
      lines: readonly string[],
      replicaArgs: readonly string[] = [],
    ): Promise<{ master: RedisProcess; replica: RedisProcess; sentinel: SentinelProcess }> {
      const master = await RedisProcess.start();
      run.servers.push(master);
      const replica = await RedisProcess.start({ replicaOf: master.port, extraArgs: replicaArgs });
      run.servers.push(replica);
      const sentinel = await SentinelProcess.start({
        impl: which,
        monitors: [],
        extraConfig: [
          "sentinel resolve-hostnames yes",
          ...lines,
          `sentinel monitor m localhost ${master.port} 1`,
          "sentinel down-after-milliseconds m 1000",
          "sentinel failover-timeout m 2000",
        ],
      });
      run.sentinel = sentinel;
      run.recorder = await EventRecorder.start([sentinel]);
      return { master, replica, sentinel };
    }

    it("shows a master monitored as localhost by its IP and matches its replica's master_host", async () => {
      const { master, replica, sentinel } = await start(impl, []);
      // INFO every 200 ms: a replica judged to follow another address gets +fix-slave-config
      // failover-timeout (2 s) after its first INFO.
      expect(await sentinel.command(["SENTINEL", "DEBUG", "INFO-PERIOD", "200"])).to.equal("OK");
      const replicaName = `127.0.0.1:${replica.port}`;
      const seen = await waitFor(
        "the replica discovered with its master_host",
        async () => {
          const list = await replicas(sentinel, "m");
          const r = list.find((x) => x.get("name") === replicaName);
          return r?.get("master-host") === "127.0.0.1" ? r : undefined;
        },
        { timeoutMs: 15_000 },
      );
      expect(seen.get("ip")).to.equal("127.0.0.1");
      expect(seen.get("master-port")).to.equal(String(master.port));
      expect(await sentinel.getMasterAddr("m")).to.deep.equal({
        host: "127.0.0.1",
        port: master.port,
      });
      expect((await sentinel.master("m")).get("ip")).to.equal("127.0.0.1");
      const info = await sentinel.info("sentinel");
      expect(info.get("master0")).to.equal(
        `name=m,status=ok,address=127.0.0.1:${master.port},slaves=1,sentinels=1`,
      );
      const hello = await firstHello(run, master.port);
      expect(hello.slice(4, 7)).to.deep.equal(["m", "127.0.0.1", String(master.port)]);

      // Past failover-timeout and several INFOs: the replica is left alone.
      await delay(3_500);
      expect(run.recorder?.all("+fix-slave-config")).to.deep.equal([]);
      const role = await replica.command(["INFO", "replication"]);
      expect(String(role)).to.include("master_host:127.0.0.1");

      // The config: Vigil keeps the name, redis-sentinel writes the IP it resolved
      // (docs/COMPATIBILITY.md, "Hostnames").
      await sentinel.command(["SENTINEL", "FLUSHCONFIG"]);
      const kept = impl === "vigil" ? "localhost" : "127.0.0.1";
      expect(sentinel.readConfig()).to.include(`sentinel monitor m ${kept} ${master.port} 1`);

      // SENTINEL MONITOR of a name: looked up, shown by its IP.
      expect(
        await sentinel.command(["SENTINEL", "MONITOR", "m2", "localhost", master.port, 1]),
      ).to.equal("OK");
      expect((await sentinel.master("m2")).get("ip")).to.equal("127.0.0.1");
      const monitor = await run.recorder?.waitForEvent("+monitor", { contains: "m2" });
      expect(monitor?.message).to.equal(`master m2 127.0.0.1 ${master.port} quorum 1`);
    });

    it("announces localhost in hellos, replies, +switch-master and the rewritten config with announce-hostnames", async () => {
      const { master, replica, sentinel } = await start(
        impl,
        ["sentinel announce-hostnames yes"],
        ["--replica-announce-ip", "localhost"],
      );
      const replicaName = `localhost:${replica.port}`;
      await waitFor(
        "the replica discovered by name, connected, with INFO",
        async () => {
          const list = await replicas(sentinel, "m");
          const r = list.find((x) => x.get("name") === replicaName);
          const ready = r?.get("flags") === "slave" && r.get("master-link-status") === "ok";
          return ready ? r : undefined;
        },
        { timeoutMs: 20_000 },
      );
      expect((await replicas(sentinel, "m")).map((r) => r.get("ip"))).to.deep.equal(["localhost"]);
      expect(await sentinel.getMasterAddr("m")).to.deep.equal({
        host: "localhost",
        port: master.port,
      });
      expect((await sentinel.master("m")).get("ip")).to.equal("localhost");
      const hello = await firstHello(run, master.port);
      expect(hello.slice(4, 7)).to.deep.equal(["m", "localhost", String(master.port)]);

      expect(await sentinel.command(["SENTINEL", "FAILOVER", "m"])).to.equal("OK");
      const switched = await run.recorder?.waitForEvent(
        "+switch-master",
        {},
        { timeoutMs: 30_000 },
      );
      expect(switched?.message).to.equal(`m localhost ${master.port} localhost ${replica.port}`);
      const promoted = run.recorder?.first("+promoted-slave");
      expect(promoted?.message).to.equal(
        `slave ${replicaName} localhost ${replica.port} @ m localhost ${master.port}`,
      );
      const oldMaster = await run.recorder?.waitForEvent("+slave", {
        contains: `localhost:${master.port}`,
      });
      expect(oldMaster?.message).to.equal(
        `slave localhost:${master.port} localhost ${master.port} @ m localhost ${replica.port}`,
      );
      expect(await sentinel.getMasterAddr("m")).to.deep.equal({
        host: "localhost",
        port: replica.port,
      });

      const conf = sentinel.readConfig();
      expect(conf).to.include(`sentinel monitor m localhost ${replica.port} 1`);
      expect(conf).to.include(`sentinel known-replica m localhost ${master.port}`);

      // Restarted from the rewritten file: the same answers.
      await sentinel.restart();
      expect(await sentinel.getMasterAddr("m")).to.deep.equal({
        host: "localhost",
        port: replica.port,
      });
      expect((await sentinel.master("m")).get("ip")).to.equal("localhost");
      expect(sentinel.readConfig()).to.include(`sentinel monitor m localhost ${replica.port} 1`);

      // Switched off at run time: the same records are shown by their IPs again.
      expect(
        await sentinel.command(["SENTINEL", "CONFIG", "SET", "announce-hostnames", "no"]),
      ).to.equal("OK");
      expect(await sentinel.getMasterAddr("m")).to.deep.equal({
        host: "127.0.0.1",
        port: replica.port,
      });
      expect((await sentinel.master("m")).get("ip")).to.equal("127.0.0.1");
      const ips = await waitFor("the old master listed as a replica", async () => {
        const list = (await replicas(sentinel, "m")).map((r) => r.get("ip"));
        return list.length > 0 ? list : undefined;
      });
      expect(ips).to.deep.equal(["127.0.0.1"]);
    });
  });
}

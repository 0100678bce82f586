// Proves TLS on every link, as redis-sentinel 7.0 offers it. Every process of the topology runs
// with `port 0` and a `tls-port` (redis-server with --tls-replication yes, the sentinels with
// tls-replication yes), so nothing works unless the sentinel listens on TLS, connects to the
// master, the replicas and its peers over TLS, and announces its TLS port in its hellos:
// - three Vigil sentinels discover the replicas and one another (at their TLS ports), ioredis and
//   redis-py discover the master through them over TLS, RESP3 works over TLS, and a kill -9 of
//   the master ends in one failover that every sentinel and the other replica follow;
// - tls-auth-clients yes refuses a client without a certificate, one with a certificate the CA
//   did not sign, and a plain connection, exactly as redis-sentinel does, with its log line;
//   `optional` takes a client without a certificate but not the stranger's;
// - a mixed quorum of redis-sentinel and Vigil, all on TLS, lists one another at the TLS ports
//   and completes a failover;
// - at start, `port` and `tls-port` together listen on both; a bad certificate is refused with
//   redis-sentinel's log line and exit 1, as is `port 0` without a tls-port.
import fs from "node:fs";
import path from "node:path";
import type { ConnectionOptions } from "node:tls";
import { expect } from "chai";
import { Redis } from "ioredis";
import { RedisProcess } from "./harness/redis-process.js";
import { RespConnection, RespError, sendCommand } from "./harness/resp-client.js";
import {
  REDIS_SENTINEL_BIN,
  SentinelProcess,
  VIGIL_ENTRY,
  type EventRecorder,
  type SentinelImpl,
} from "./harness/sentinel-process.js";
import { makeTlsFiles, tlsClientOptions, type TlsFiles } from "./harness/tls-files.js";
import type { Topology } from "./harness/topology.js";
import { bounded, python, runBounded, type RunResult } from "./support/clients.js";
import { freePort } from "./harness/ports.js";
import { waitFor } from "./harness/wait-for.js";
import {
  ClusterRun,
  peersOf,
  replicasOf,
  waitForConvergence,
  waitForEventOnEach,
  waitForReplicaOf,
  waitForReplicasReady,
} from "./support/cluster.js";

const NAME = "mymaster";
const HOST = "127.0.0.1";

/** Every sentinel lists the others at their (TLS) ports, and every replica at its TLS port. */
async function expectTlsDiscovery(t: Topology): Promise<void> {
  const replicaPorts = t.replicas.map((r) => r.port).sort();
  for (const [i, sentinel] of t.sentinels.entries()) {
    const peers = (await peersOf(sentinel)).map((p) => Number(p.get("port"))).sort();
    const others = t.sentinels.filter((_, j) => j !== i).map((s) => s.port);
    expect(peers, `${sentinel.impl} :${sentinel.port} peers`).to.deep.equal(others.sort());
    const replicas = (await replicasOf(sentinel)).map((r) => Number(r.get("port"))).sort();
    expect(replicas, `${sentinel.impl} :${sentinel.port} replicas`).to.deep.equal(replicaPorts);
  }
}

/** Kills the master; every sentinel converges and announces it; the other replica follows. */
async function failOver(t: Topology, rec: EventRecorder): Promise<number> {
  await waitForReplicasReady(t.sentinels, 2);
  const old = t.master;
  const killedAt = performance.now();
  await old.kill();
  const { port: newPort } = await waitForConvergence(t.sentinels, old.port);
  expect(t.replicas.map((r) => r.port)).to.include(newPort);
  const switched = `${NAME} ${HOST} ${old.port} ${HOST} ${newPort}`;
  await waitForEventOnEach(rec, t.sentinels, "+switch-master", {
    contains: switched,
    since: killedAt,
  });
  const other = t.replicas.find((r) => r.port !== newPort);
  if (other !== undefined) await waitForReplicaOf(other, newPort);
  return newPort;
}

/** PING on a fresh TLS connection with `options`: "PONG", or the error that ended it. */
async function pingWith(port: number, options: ConnectionOptions | undefined): Promise<string> {
  try {
    const reply = await sendCommand(port, ["PING"], 2_000, options);
    return reply instanceof RespError ? `-${reply.message}` : String(reply);
  } catch (error: unknown) {
    return `refused: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Waits (bounded) for Redis's refused-handshake line with OpenSSL's `reason` in the log. */
async function logged(s: SentinelProcess, reason: string): Promise<void> {
  const line = `Error accepting a client connection: error:`;
  await waitFor(`"${line}…${reason}" in ${s.impl}'s log`, () =>
    fs
      .readFileSync(s.logPath, "utf8")
      .split("\n")
      .some((l) => l.includes(line) && l.includes(`routines::${reason}`)),
  );
}

const REDIS_PY_TLS_PROBE = `
import json, sys
from redis.sentinel import Sentinel
port, ca, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
tls = dict(ssl=True, ssl_ca_certs=ca, ssl_certfile=cert, ssl_keyfile=key)
sentinel = Sentinel([("127.0.0.1", port)], socket_timeout=2.0, sentinel_kwargs=tls, **tls)
master = sentinel.discover_master("mymaster")
client = sentinel.master_for("mymaster", socket_timeout=2.0)
client.set("py-tls", "yes")
print(json.dumps({"master": [master[0], int(master[1])], "get": client.get("py-tls").decode(),
                  "tcp_port": client.info("server")["tcp_port"]}))
`;

describe("TLS on every link (port 0, tls-port, tls-replication yes)", function () {
  this.timeout(150_000);

  describe("three Vigil sentinels", function () {
    const run = new ClusterRun();
    let t: Topology;
    let rec: EventRecorder;

    before(async function () {
      ({ t, rec } = await run.start({ tls: true }));
    });

    after(async function () {
      await run.finish(this.currentTest?.state === "failed");
    });

    it("discovers the replicas and one another over TLS, each at its TLS port", async () => {
      await expectTlsDiscovery(t);
      for (const s of t.sentinels) {
        expect((await s.info("server")).get("tcp_port"), "INFO tcp_port").to.equal(String(s.port));
      }
    });

    it("answers RESP3 (HELLO 3) and SENTINEL get-master-addr-by-name over TLS", async () => {
      const sentinel = t.sentinels[0]!;
      const conn = await RespConnection.connect(sentinel.port, 2_000, HOST, sentinel.tls);
      try {
        const hello = await conn.call(["HELLO", "3"]);
        expect(hello).to.be.an("array").that.includes("proto");
        expect(await conn.call(["SENTINEL", "get-master-addr-by-name", NAME])).to.deep.equal([
          HOST,
          String(t.master.port),
        ]);
      } finally {
        conn.close();
      }
    });

    it("ioredis discovers the master through the sentinels over TLS", async () => {
      const tls = tlsClientOptions(t.tls!);
      const client = new Redis({
        sentinels: t.sentinels.map((s) => ({ host: HOST, port: s.port })),
        name: NAME,
        enableTLSForSentinelMode: true,
        sentinelTLS: tls,
        tls,
        connectTimeout: 2_000,
        sentinelCommandTimeout: 2_000,
        commandTimeout: 2_000,
        maxRetriesPerRequest: 1,
      });
      client.on("error", () => {
        // Reported by the bounded commands below.
      });
      try {
        await bounded("ioredis SET over TLS", client.set("ioredis-tls", "yes"), 10_000);
        const info = await bounded("ioredis INFO", client.info("server"), 5_000);
        expect(info).to.include(`tcp_port:${t.master.port}\r\n`);
        expect(await t.master.command(["GET", "ioredis-tls"])).to.equal("yes");
      } finally {
        client.disconnect();
      }
    });

    it("redis-py (python3-redis) discovers the master through a sentinel over TLS", async () => {
      const files = t.tls!;
      const result = await python(REDIS_PY_TLS_PROBE, [
        String(t.sentinels[0]!.port),
        files.caCert,
        files.cert,
        files.key,
      ]);
      expect(result.code, result.stderr).to.equal(0);
      const probe = JSON.parse(result.stdout) as { master: unknown; get: string; tcp_port: number };
      expect(probe).to.deep.equal({
        master: [HOST, t.master.port],
        get: "yes",
        tcp_port: t.master.port,
      });
    });

    it("fails over after kill -9 of the master, every link on TLS", async () => {
      const newPort = await failOver(t, rec);
      for (const s of t.sentinels) expect((await s.getMasterAddr(NAME))?.port).to.equal(newPort);
    });
  });

  describe("a mixed quorum of redis-sentinel and Vigil, all on TLS", function () {
    const run = new ClusterRun();
    afterEach(async function () {
      await run.finish(this.currentTest?.state === "failed");
    });

    it("redis-sentinel + 2 Vigil: every side lists the others at their TLS ports and one failover completes", async () => {
      const sentinels: SentinelImpl[] = ["redis", "vigil", "vigil"];
      const { t, rec } = await run.start({ tls: true, sentinels });
      await expectTlsDiscovery(t);
      await failOver(t, rec);
    });
  });

  describe("client certificates (tls-auth-clients)", function () {
    let files: TlsFiles;
    let master: RedisProcess;
    const sentinels: SentinelProcess[] = [];
    let dir: string;

    before(async function () {
      master = await RedisProcess.start();
      dir = master.dir;
      files = makeTlsFiles(path.join(dir, "tls"));
    });

    afterEach(async function () {
      for (const s of sentinels.splice(0)) {
        if (this.currentTest?.state === "failed") console.log(s.logs(30));
        await s.cleanup();
      }
    });

    after(async function () {
      await master.cleanup();
    });

    async function sentinel(impl: SentinelImpl, auth?: string): Promise<SentinelProcess> {
      const s = await SentinelProcess.start({
        impl,
        tls: files,
        monitors: [{ name: NAME, port: master.port, quorum: 1 }],
        // The master is plain here: only the client side of the listener is under test.
        extraConfig: [
          "tls-replication no",
          ...(auth === undefined ? [] : [`tls-auth-clients ${auth}`]),
        ],
      });
      sentinels.push(s);
      return s;
    }

    const ca = (): ConnectionOptions => ({
      ...tlsClientOptions(files),
      cert: undefined,
      key: undefined,
    });
    const stranger = (): ConnectionOptions => ({
      ...ca(),
      cert: fs.readFileSync(files.strangerCert),
      key: fs.readFileSync(files.strangerKey),
    });

    for (const impl of ["redis", "vigil"] as const) {
      it(`${impl}: tls-auth-clients yes (the default) refuses no certificate, a stranger's, and plain TCP`, async () => {
        const s = await sentinel(impl);
        expect(await pingWith(s.port, tlsClientOptions(files))).to.equal("PONG");
        expect(await pingWith(s.port, ca())).to.match(/^refused/);
        expect(await pingWith(s.port, stranger())).to.match(/^refused/);
        expect(await pingWith(s.port, undefined)).to.match(/^refused/);
        await logged(s, "peer did not return a certificate");
      });

      it(`${impl}: tls-auth-clients optional takes no certificate but refuses a stranger's`, async () => {
        const s = await sentinel(impl, "optional");
        expect(await pingWith(s.port, tlsClientOptions(files))).to.equal("PONG");
        expect(await pingWith(s.port, ca())).to.equal("PONG");
        expect(await pingWith(s.port, stranger())).to.match(/^refused/);
        await logged(s, "certificate verify failed");
      });
    }
  });

  describe("start", function () {
    let files: TlsFiles;
    let master: RedisProcess;
    const started: SentinelProcess[] = [];

    before(async function () {
      master = await RedisProcess.start();
      files = makeTlsFiles(path.join(master.dir, "tls"));
    });

    afterEach(async function () {
      for (const s of started.splice(0)) {
        if (this.currentTest?.state === "failed") console.log(s.logs(30));
        await s.cleanup();
      }
    });

    after(async function () {
      await master.cleanup();
    });

    const tlsLines = (): string[] => [
      `tls-cert-file "${files.cert}"`,
      `tls-key-file "${files.key}"`,
      `tls-ca-cert-file "${files.caCert}"`,
    ];

    /** Runs a sentinel on `lines` (no logfile: the log goes to stdout) until it exits. */
    async function exitOf(impl: SentinelImpl, lines: readonly string[]): Promise<RunResult> {
      const conf = path.join(master.dir, `${impl}-start.conf`);
      fs.writeFileSync(
        conf,
        [...lines, `sentinel monitor ${NAME} ${HOST} ${master.port} 1`, ""].join("\n"),
      );
      return impl === "redis"
        ? runBounded(REDIS_SENTINEL_BIN, [conf], 15_000)
        : runBounded(process.execPath, [VIGIL_ENTRY, conf], 15_000);
    }

    for (const impl of ["redis", "vigil"] as const) {
      it(`${impl}: port and tls-port together listen on both`, async () => {
        const s = await SentinelProcess.start({
          impl,
          monitors: [{ name: NAME, port: master.port, quorum: 1 }],
          extraConfig: [`tls-port ${await freePort()}`, ...tlsLines()],
        });
        started.push(s);
        const tlsPort = Number(/^tls-port (\d+)$/m.exec(s.readConfig())?.[1]);
        expect(await pingWith(s.port, undefined)).to.equal("PONG");
        expect(await pingWith(tlsPort, tlsClientOptions(files))).to.equal("PONG");
        expect((await s.info("server")).get("tcp_port")).to.equal(String(s.port));
      });

      it(`${impl}: a bad certificate at start is one reason line, then exit 1`, async () => {
        const bad = path.join(master.dir, "bad.crt");
        fs.writeFileSync(bad, "garbage\n");
        const r = await exitOf(impl, [
          "port 0",
          `tls-port ${await freePort()}`,
          ...tlsLines(),
          `tls-cert-file "${bad}"`,
        ]);
        expect(r.code).to.equal(1);
        expect(r.stdout).to.include(
          `Failed to load certificate: ${bad}: error:0480006C:PEM routines::no start line`,
        );
        expect(r.stdout).to.include("Failed to configure TLS. Check logs for more info.");
      });

      it(`${impl}: port 0 without a tls-port listens nowhere and exits 1`, async () => {
        const r = await exitOf(impl, ["port 0"]);
        expect(r.code).to.equal(1);
        expect(r.stdout).to.include("Configured to not listen anywhere, exiting.");
      });
    }
  });
});

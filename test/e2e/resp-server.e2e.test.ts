// Proves the client-facing RESP server works with real clients and survives hostile ones:
// redis-cli and ioredis (RESP2 and RESP3) talk to an in-process server backed by a fake
// ServerHost; malformed frames, half frames, 1 MB of seeded random bytes and a subscriber that
// never reads each end with the protocol error and a closed connection, or bounded buffering,
// while a second client keeps being served. Finally the same requests are sent to a real
// redis-sentinel 7.0.15 and to us, and the reply bytes are compared (ids normalized).
import { expect } from "chai";
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import type { ServerHost } from "../../src/commands/host.js";
import type { Reply } from "../../src/protocol/reply.js";
import { R } from "../../src/protocol/reply.js";
import type { RespServer, RespServerOptions } from "../../src/shell/resp-server.js";
import { startRespServer } from "../../src/shell/resp-server.js";
import { registerPid, unregisterPid } from "./harness/pid-registry.js";
import { freePort } from "./harness/ports.js";
import { parseReply } from "./harness/resp-client.js";
import { waitFor } from "./harness/wait-for.js";

const run = promisify(execFile);

/** SENTINEL GET-MASTER-ADDR-BY-NAME as a multibulk, with the words as given. */
function getAddr(name: string, word = "sentinel", sub = "get-master-addr-by-name"): string {
  return [word, sub, name].reduce(
    (out, a) => `${out}$${Buffer.byteLength(a)}\r\n${a}\r\n`,
    "*3\r\n",
  );
}

/** Our own ServerHost for the test: fixed data shaped like a 1-master sentinel. */
class TestHost implements ServerHost {
  readonly hellos: string[] = [];
  /** Requests answered through the server's GET-MASTER-ADDR-BY-NAME fast path. */
  fastAddrCalls = 0;
  sentinelSection =
    "# Sentinel\nsentinel_masters:1\nsentinel_tilt:0\nsentinel_tilt_since_seconds:-1\nsentinel_running_scripts:0\nsentinel_scripts_queue_length:0\nsentinel_simulate_failure_flags:0\nmaster0:name=m,status=sdown,address=127.0.0.1:1,slaves=0,sentinels=1";
  sentinel(args: readonly string[]): Reply | Promise<Reply> {
    const sub = args[0]?.toLowerCase();
    if (sub === "get-master-addr-by-name") {
      return args[1] === "m" ? R.array([R.bulk("127.0.0.1"), R.bulk("6379")]) : R.nullArray();
    }
    if (sub === "slow") {
      return new Promise((resolve) =>
        setTimeout(() => {
          resolve(R.simple(`slow ${args[1] ?? ""}`));
        }, 20),
      );
    }
    if (sub === "masters")
      return R.array([
        R.bulkMap([
          ["name", "m"],
          ["port", "6379"],
        ]),
      ]);
    return R.error(`ERR unknown subcommand '${args[0] ?? ""}'. Try SENTINEL HELP.`);
  }
  masterAddrReply(name: string): Reply {
    this.fastAddrCalls += 1;
    return name === "m" ? R.array([R.bulk("127.0.0.1"), R.bulk("6379")]) : R.nullArray();
  }
  infoSentinelSection(): string {
    return this.sentinelSection;
  }
  masterNames(): readonly string[] {
    return ["m"];
  }
  helloReceived(payload: string): void {
    this.hellos.push(payload);
  }
  shutdown(): void {
    // The runtime would stop the process; the test only checks the connection closes.
  }
}

interface Exchange {
  data: Buffer;
  closed: boolean;
}

/** Sends bytes on a fresh connection; resolves when `done(data)` holds, the peer closes, or timeout. */
function exchange(
  port: number,
  input: Buffer | string,
  done: (data: Buffer) => boolean,
  timeoutMs = 5000,
): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    let data = Buffer.alloc(0);
    let settled = false;
    const finish = (closed: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ data, closed });
    };
    const timer = setTimeout(() => {
      finish(false);
    }, timeoutMs);
    socket.on("connect", () => socket.write(input));
    socket.on("data", (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (done(data)) finish(false);
    });
    socket.on("error", () => {
      finish(true);
    });
    socket.on("close", () => {
      finish(true);
    });
  });
}

function countReplies(data: Buffer): number {
  let at = 0;
  let n = 0;
  for (;;) {
    const r = parseReply(data, at);
    if (r === null) return n;
    n += 1;
    at = r.end;
  }
}

const replies =
  (n: number) =>
  (d: Buffer): boolean =>
    countReplies(d) >= n;
const never = (): boolean => false;

/** A seeded PRNG (mulberry32) so the random-bytes test replays identically. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function startOurs(
  host: ServerHost,
  extra: Partial<RespServerOptions> = {},
): Promise<RespServer> {
  return startRespServer({ port: 0, bind: ["127.0.0.1"], runId: "b".repeat(40), ...extra }, host);
}

describe("RESP server (e2e)", function () {
  this.timeout(60_000);
  let server: RespServer;
  let host: TestHost;
  let port: number;
  const clients: Redis[] = [];

  beforeEach(async () => {
    host = new TestHost();
    server = await startOurs(host);
    port = server.address().port;
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await server.close();
  });

  function ioredis(protocol: 2 | 3): Redis {
    const c = new Redis({
      port,
      host: "127.0.0.1",
      protocol,
      lazyConnect: true,
      enableOfflineQueue: true,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    clients.push(c);
    return c;
  }

  describe("with real clients", () => {
    it("answers redis-cli", async () => {
      const { stdout } = await run("redis-cli", ["-p", String(port), "PING"]);
      expect(stdout.trim()).to.equal("PONG");
      const role = await run("redis-cli", ["-p", String(port), "ROLE"]);
      expect(role.stdout.trim().split("\n")).to.deep.equal(["sentinel", "m"]);
      const info = await run("redis-cli", ["-p", String(port), "INFO", "server"]);
      expect(info.stdout).to.include("redis_mode:sentinel");
      const addr = await run("redis-cli", [
        "-p",
        String(port),
        "SENTINEL",
        "get-master-addr-by-name",
        "m",
      ]);
      expect(addr.stdout.trim().split("\n")).to.deep.equal(["127.0.0.1", "6379"]);
    });

    for (const protocol of [2, 3] as const) {
      it(`serves ioredis with protocol ${protocol}, including pub/sub`, async () => {
        const c = ioredis(protocol);
        await c.connect();
        expect(await c.ping()).to.equal("PONG");
        expect(await c.call("SENTINEL", "get-master-addr-by-name", "m")).to.deep.equal([
          "127.0.0.1",
          "6379",
        ]);
        expect(await c.call("SENTINEL", "get-master-addr-by-name", "x")).to.equal(null);
        expect(await c.client("SETNAME", "app")).to.equal("OK");
        expect(await c.client("GETNAME")).to.equal("app");
        const sub = ioredis(protocol);
        await sub.connect();
        const got: string[] = [];
        sub.on("message", (ch: string, msg: string) => got.push(`${ch} ${msg}`));
        sub.on("pmessage", (p: string, ch: string, msg: string) => got.push(`${p}|${ch} ${msg}`));
        await sub.subscribe("+switch-master");
        await sub.psubscribe("[-+]sdown");
        await waitFor(
          "both subscriptions registered",
          () => server.publish("+sdown", "master m 127.0.0.1 6379") === 1,
        );
        expect(server.publish("+switch-master", "m 127.0.0.1 6379 127.0.0.1 6380")).to.equal(1);
        await waitFor("two messages delivered", () => got.length >= 2);
        expect(got).to.include("+switch-master m 127.0.0.1 6379 127.0.0.1 6380");
        expect(got).to.include("[-+]sdown|+sdown master m 127.0.0.1 6379");
      });
    }

    it("keeps replies in request order when the host answers asynchronously", async () => {
      const input = "SENTINEL slow 1\r\nPING\r\nSENTINEL slow 2\r\nPING x\r\n";
      const { data } = await exchange(port, input, replies(4));
      expect(data.toString()).to.equal("+slow 1\r\n+PONG\r\n+slow 2\r\n$1\r\nx\r\n");
    });

    it("answers QUIT with +OK and closes", async () => {
      const { data, closed } = await exchange(port, "QUIT\r\nPING\r\n", never);
      expect(data.toString()).to.equal("+OK\r\n");
      expect(closed).to.equal(true);
    });

    it("answers GET-MASTER-ADDR-BY-NAME on its fast path, and not before AUTH or past the ACL", async () => {
      const c = ioredis(2);
      await c.connect();
      expect(await c.call("sentinel", "get-master-addr-by-name", "m")).to.deep.equal([
        "127.0.0.1",
        "6379",
      ]);
      expect(await c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "x")).to.equal(null);
      expect(host.fastAddrCalls).to.equal(2);
      const secured = await startOurs(host, { requirePass: "s3cret" });
      try {
        const p = secured.address().port;
        const request = getAddr("m");
        const { data } = await exchange(p, `${request}AUTH s3cret\r\n${request}`, replies(3));
        expect(data.toString()).to.equal(
          "-NOAUTH Authentication required.\r\n+OK\r\n*2\r\n$9\r\n127.0.0.1\r\n$4\r\n6379\r\n",
        );
        expect(host.fastAddrCalls).to.equal(3);
        const denied = await exchange(
          p,
          `AUTH s3cret\r\nACL SETUSER u on >pw +ping\r\nAUTH u pw\r\n${request}`,
          replies(4),
        );
        expect(denied.data.toString()).to.equal(
          "+OK\r\n+OK\r\n+OK\r\n-NOPERM this user has no permissions to run the 'sentinel|get-master-addr-by-name' command\r\n",
        );
        expect(host.fastAddrCalls).to.equal(3);
      } finally {
        await secured.close();
      }
    });

    it("requires authentication when requirepass is set", async () => {
      const secured = await startOurs(host, { requirePass: "s3cret" });
      try {
        const p = secured.address().port;
        const { data } = await exchange(p, "PING\r\nAUTH s3cret\r\nPING\r\n", replies(3));
        expect(data.toString()).to.equal("-NOAUTH Authentication required.\r\n+OK\r\n+PONG\r\n");
        const c = new Redis({
          port: p,
          host: "127.0.0.1",
          password: "s3cret",
          lazyConnect: true,
          retryStrategy: () => null,
        });
        clients.push(c);
        await c.connect();
        expect(await c.ping()).to.equal("PONG");
      } finally {
        await secured.close();
      }
    });
  });

  describe("with hostile input", () => {
    async function expectServedStill(): Promise<void> {
      const { data } = await exchange(port, "PING\r\n", replies(1));
      expect(data.toString()).to.equal("+PONG\r\n");
    }

    const malformed: readonly (readonly [string, string])[] = [
      ["*x\r\n", "-ERR Protocol error: invalid multibulk length\r\n"],
      ["*-99999999999999999999\r\n", "-ERR Protocol error: invalid multibulk length\r\n"],
      ["*99999999999\r\n", "-ERR Protocol error: invalid multibulk length\r\n"],
      ["*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length\r\n"],
      ["*1\r\n$9999999999\r\n", "-ERR Protocol error: invalid bulk length\r\n"],
      ["*1\r\n$x\r\n", "-ERR Protocol error: invalid bulk length\r\n"],
      ["*1\r\n:1\r\n", "-ERR Protocol error: expected '$', got ':'\r\n"],
      ["PING 'unbalanced\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"],
    ];
    for (const [input, expected] of malformed) {
      it(`answers ${JSON.stringify(input)} with the protocol error and closes`, async () => {
        const { data, closed } = await exchange(port, `PING\r\n${input}`, never);
        expect(data.toString()).to.equal(`+PONG\r\n${expected}`);
        expect(closed).to.equal(true);
        await expectServedStill();
      });
    }

    it("forgets a half frame when the client goes away", async () => {
      const socket = net.connect({ port, host: "127.0.0.1" });
      await new Promise((r) => socket.once("connect", r));
      socket.end("*3\r\n$8\r\nSENTINEL\r\n$3\r\nget");
      await waitFor("half-frame client gone", () => server.stats().connectedClients === 0);
      await expectServedStill();
    });

    it("closes a client that sends 1 MB of random bytes (seeded), without crashing", async () => {
      const rand = seeded(20240607);
      const junk = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(rand() * 256);
      const { data, closed } = await exchange(port, junk, never, 15_000);
      expect(closed).to.equal(true);
      expect(data.toString("latin1")).to.match(/-ERR Protocol error: [^\r\n]*\r\n$/);
      await expectServedStill();
    });

    it("closes a client whose query buffer passes the limit", async () => {
      const small = await startOurs(host, { limits: { queryBufferLimit: 64 * 1024 } });
      try {
        const p = small.address().port;
        const big = Buffer.concat([
          Buffer.from("*2\r\n$4\r\nPING\r\n$200000\r\n"),
          Buffer.alloc(100_000, 0x61),
        ]);
        const { data, closed } = await exchange(p, big, never);
        expect(closed).to.equal(true);
        expect(data.length).to.equal(0);
      } finally {
        await small.close();
      }
    });

    it("bounds what it buffers for a subscriber that never reads, and keeps serving others", async () => {
      const limited = await startOurs(host, { limits: { pubsubOutputHardBytes: 2 * 1024 * 1024 } });
      try {
        const p = limited.address().port;
        const lazy = net.connect({ port: p, host: "127.0.0.1" });
        lazy.on("error", () => undefined);
        lazy.write("SUBSCRIBE +sdown\r\n");
        await waitFor("subscriber registered", () => limited.publish("+sdown", "x") === 1);
        lazy.pause();
        const payload = "y".repeat(4096);
        let published = 0;
        // A paused socket never sees its own close, so watch the server's side.
        const gone = (): boolean => limited.stats().connectedClients === 0;
        await waitFor(
          "the non-reading subscriber is disconnected",
          () => {
            for (let i = 0; i < 500 && !gone(); i++) {
              limited.publish("+sdown", payload);
              published += 1;
            }
            return gone();
          },
          { timeoutMs: 20_000, intervalMs: 1 },
        );
        expect(published * payload.length).to.be.greaterThan(2 * 1024 * 1024);
        const { data } = await exchange(p, "PING\r\n", replies(1));
        expect(data.toString()).to.equal("+PONG\r\n");
        lazy.destroy();
      } finally {
        await limited.close();
      }
    });

    it("throttles a client that pipelines without reading instead of buffering without bound", async () => {
      const socket = net.connect({ port, host: "127.0.0.1" });
      socket.on("error", () => undefined);
      await new Promise((r) => socket.once("connect", r));
      socket.pause();
      const burst = Buffer.from("INFO\r\n".repeat(2000));
      for (let i = 0; i < 20; i++) socket.write(burst);
      // Stalled = no progress between two polls while far fewer than the 40 000 requests ran,
      // with the output waiting for that client bounded near outputPauseBytes (1 MB).
      let last = -1;
      let probes = 0;
      await waitFor(
        "the server stops reading the pipelining client",
        async () => {
          const { data } = await exchange(port, "CLIENT LIST\r\n", replies(1));
          probes += 1;
          const line = data
            .toString()
            .split("\n")
            .find((l) => l.includes("cmd=info"));
          const omem = Number(/ omem=(\d+)/.exec(line ?? "")?.[1] ?? "NaN");
          const processed = server.stats().totalCommandsProcessed - probes;
          const stalled = processed === last && processed < 40_000 && omem <= 2 * 1024 * 1024;
          last = processed;
          return stalled;
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
      await expectServedStill();
      socket.destroy();
    });

    it("still serves loopback clients in protected mode", async () => {
      const guarded = await startOurs(host, { protectedMode: true });
      try {
        const { data } = await exchange(guarded.address().port, "PING\r\n", replies(1));
        expect(data.toString()).to.equal("+PONG\r\n");
      } finally {
        await guarded.close();
      }
    });
  });
});

/** Starts Debian's redis-sentinel on a free port with a minimal config; returns it and its port. */
async function startRealSentinel(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const unused = await freePort();
  const conf = path.join(dir, "sentinel.conf");
  writeFileSync(
    conf,
    `port ${port}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor m 127.0.0.1 ${unused} 2\n`,
  );
  const child = spawn("/usr/bin/redis-sentinel", [conf], { stdio: "ignore" });
  if (child.pid === undefined) throw new Error("redis-sentinel did not start");
  registerPid(child.pid, `redis-sentinel:${port}`);
  await waitFor(`redis-sentinel on ${port} answers PING`, async () => {
    const { data } = await exchange(port, "PING\r\n", replies(1), 500);
    return data.toString() === "+PONG\r\n";
  });
  return { child, port };
}

describe("RESP server compared with redis-sentinel 7.0.15 (e2e)", function () {
  this.timeout(60_000);
  let dir: string;
  let real: { child: ChildProcess; port: number } | undefined;
  let ours: RespServer;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "vigil-resp-"));
    real = await startRealSentinel(dir);
    const host = new TestHost();
    ours = await startOurs(host);
  });

  afterEach(async () => {
    await ours.close();
    if (real?.child.pid !== undefined) {
      const child = real.child;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
      unregisterPid(child.pid!);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  // Each case: request bytes and how many replies to wait for (0 = until the server closes).
  const cases: readonly (readonly [string, number])[] = [
    ["PING\r\n", 1],
    ["PING x\r\n", 1],
    ["HELLO 3\r\n", 1],
    ["HELLO 2\r\n", 1],
    ["HELLO 4\r\n", 1],
    ["HELLO x\r\n", 1],
    ["ROLE\r\n", 1],
    ["COMMAND COUNT\r\n", 1],
    ["COMMAND INFO ping\r\n", 1],
    ["HELLO 3\r\nCOMMAND INFO ping\r\n", 2],
    ["select 0\r\n", 1],
    ["FOO a b\r\n", 1],
    ["AUTH x\r\n", 1],
    ["AUTH a b\r\n", 1],
    ["AUTH\r\n", 1],
    ["CLIENT SETNAME abc\r\nCLIENT GETNAME\r\n", 2],
    ['CLIENT SETNAME "a b"\r\n', 1],
    ["CLIENT FOO\r\n", 1],
    ["CLIENT KILL TYPE foo\r\n", 1],
    // Several channels unsubscribe-all in Redis's dict order, which is not stable: one here.
    [
      "SUBSCRIBE a b\r\nPSUBSCRIBE x*\r\nPING\r\nPING hi\r\nUNSUBSCRIBE b\r\nUNSUBSCRIBE\r\nPUNSUBSCRIBE\r\nUNSUBSCRIBE\r\n",
      9,
    ],
    ["HELLO 3\r\nSUBSCRIBE a\r\nPSUBSCRIBE +*\r\nPING\r\nPUNSUBSCRIBE\r\nUNSUBSCRIBE\r\n", 6],
    ["SUBSCRIBE a\r\nROLE\r\nSENTINEL masters\r\n", 3],
    ["PUBLISH x y\r\n", 1],
    ["PING a b\r\n", 1],
    ["INFO foo\r\n", 1],
    ["ACL WHOAMI\r\nACL USERS\r\nACL LIST\r\n", 3],
    // GET-MASTER-ADDR-BY-NAME, which the server answers on a byte-level fast path, in the
    // situations where that path must step aside or give the general path's answer.
    [
      `${getAddr("m")}${getAddr("nomaster")}${getAddr("m", "SENTINEL", "GET-MASTER-ADDR-BY-NAME")}`,
      3,
    ],
    [`HELLO 3\r\n${getAddr("nomaster")}${getAddr("m")}`, 3],
    [`SUBSCRIBE a\r\n${getAddr("m")}`, 2],
    [`CLIENT REPLY OFF\r\n${getAddr("m")}CLIENT REPLY ON\r\nPING\r\n`, 2],
    [`CLIENT REPLY SKIP\r\n${getAddr("m")}PING\r\n`, 1],
    [`${getAddr("m", "SeNtInEl", "Get-Master-Addr-By-Name")}${getAddr("m")}`, 2],
    [`${getAddr("m")}*3\r\n$8\r\nsentinel\r\n$23\r\nget-master-addr-by-name\r\n$01\r\nm\r\n`, 0],
    ["*x\r\n", 0],
    ["*1\r\n$-1\r\n", 0],
    ["*1\r\nPING\r\n", 0],
    ['PING "a\r\n', 0],
  ];

  // Ids differ, and the real sentinel's master listens on a port picked for the run.
  const normalize = (b: Buffer): string =>
    b
      .toString("latin1")
      .replace(/\$2\r\nid\r\n:\d+\r\n/g, "$2\r\nid\r\n:N\r\n")
      .replace(/\*2\r\n\$9\r\n127\.0\.0\.1\r\n\$\d+\r\n\d+\r\n/g, "ADDR");

  it("gives byte-identical replies to the same requests", async () => {
    const realPort = real!.port;
    const ourPort = ours.address().port;
    for (const [input, n] of cases) {
      const done = n === 0 ? never : replies(n);
      const [theirs, mine] = await Promise.all([
        exchange(realPort, input, done),
        exchange(ourPort, input, done),
      ]);
      expect(normalize(mine.data), JSON.stringify(input)).to.equal(normalize(theirs.data));
      if (n === 0)
        expect(mine.closed && theirs.closed, `${JSON.stringify(input)} closes`).to.equal(true);
    }
  });

  it("gives INFO the same sections and field names in the same order", async () => {
    const fieldNames = (b: Buffer): string[] =>
      b
        .toString()
        .split("\r\n")
        .filter((l) => l.startsWith("#") || l.includes(":"))
        .map((l) => (l.startsWith("#") ? l : l.slice(0, l.indexOf(":"))))
        .filter((n) => !n.startsWith("master0") && !n.startsWith("$"));
    const [theirs, mine] = await Promise.all([
      exchange(real!.port, "INFO\r\n", replies(1)),
      exchange(ours.address().port, "INFO\r\n", replies(1)),
    ]);
    expect(fieldNames(mine.data)).to.deep.equal(fieldNames(theirs.data));
  });
});

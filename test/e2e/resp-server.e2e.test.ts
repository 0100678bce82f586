// Proves the client-facing RESP server works with real clients and survives hostile ones:
// redis-cli and ioredis (RESP2 and RESP3) talk to an in-process server backed by a fake
// ServerHost; malformed frames, half frames, 1 MB of seeded random bytes and a subscriber that
// never reads each end with the protocol error and a closed connection, or bounded buffering,
// while a second client keeps being served. (resp-server-parity compares bytes with
// redis-sentinel.)
import { expect } from "chai";
import { execFile } from "node:child_process";
import net from "node:net";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { waitFor } from "./harness/wait-for.js";
import {
  ServerPerTest,
  exchange,
  never,
  replies,
  seeded,
  startOurs,
} from "./support/resp-server-kit.js";

const run = promisify(execFile);

describe("RESP server (e2e)", function () {
  this.timeout(60_000);
  const ours = new ServerPerTest();
  const ioredis = (protocol: 2 | 3): Redis => ours.ioredis(protocol);

  describe("with real clients", () => {
    it("answers redis-cli", async () => {
      const { stdout } = await run("redis-cli", ["-p", String(ours.port), "PING"]);
      expect(stdout.trim()).to.equal("PONG");
      const role = await run("redis-cli", ["-p", String(ours.port), "ROLE"]);
      expect(role.stdout.trim().split("\n")).to.deep.equal(["sentinel", "m"]);
      const info = await run("redis-cli", ["-p", String(ours.port), "INFO", "server"]);
      expect(info.stdout).to.include("redis_mode:sentinel");
      const addr = await run("redis-cli", [
        "-p",
        String(ours.port),
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
          () => ours.server.publish("+sdown", "master m 127.0.0.1 6379") === 1,
        );
        expect(ours.server.publish("+switch-master", "m 127.0.0.1 6379 127.0.0.1 6380")).to.equal(
          1,
        );
        await waitFor("two messages delivered", () => got.length >= 2);
        expect(got).to.include("+switch-master m 127.0.0.1 6379 127.0.0.1 6380");
        expect(got).to.include("[-+]sdown|+sdown master m 127.0.0.1 6379");
      });
    }

    it("keeps replies in request order when the host answers asynchronously", async () => {
      // The first request waits longest for the core.
      ours.host.submitDelays.push(40, 5);
      const input =
        "SENTINEL FLUSHCONFIG\r\nPING\r\nSENTINEL RESET m\r\nPING x\r\nSENTINEL MYID\r\n";
      const { data } = await exchange(ours.port, input, replies(5));
      expect(data.toString()).to.equal(
        `+OK\r\n+PONG\r\n+OK\r\n$1\r\nx\r\n$40\r\n${ours.host.state.myId}\r\n`,
      );
    });

    it("answers QUIT with +OK and closes", async () => {
      const { data, closed } = await exchange(ours.port, "QUIT\r\nPING\r\n", never);
      expect(data.toString()).to.equal("+OK\r\n");
      expect(closed).to.equal(true);
    });

    it("requires authentication when requirepass is set", async () => {
      const secured = await startOurs(ours.host, { requirePass: "s3cret" });
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
        ours.closeAfter(c);
        await c.connect();
        expect(await c.ping()).to.equal("PONG");
      } finally {
        await secured.close();
      }
    });
  });

  describe("with hostile input", () => {
    async function expectServedStill(): Promise<void> {
      const { data } = await exchange(ours.port, "PING\r\n", replies(1));
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
        const { data, closed } = await exchange(ours.port, `PING\r\n${input}`, never);
        expect(data.toString()).to.equal(`+PONG\r\n${expected}`);
        expect(closed).to.equal(true);
        await expectServedStill();
      });
    }

    it("forgets a half frame when the client goes away", async () => {
      const socket = net.connect({ port: ours.port, host: "127.0.0.1" });
      await new Promise((r) => socket.once("connect", r));
      socket.end("*3\r\n$8\r\nSENTINEL\r\n$3\r\nget");
      await waitFor("half-frame client gone", () => ours.server.stats().connectedClients === 0);
      await expectServedStill();
    });

    it("closes a client that sends 1 MB of random bytes (seeded), without crashing", async () => {
      const rand = seeded(20240607);
      const junk = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(rand() * 256);
      const { data, closed } = await exchange(ours.port, junk, never, 15_000);
      expect(closed).to.equal(true);
      expect(data.toString("latin1")).to.match(/-ERR Protocol error: [^\r\n]*\r\n$/);
      await expectServedStill();
    });

    it("closes a client whose query buffer passes the limit", async () => {
      const small = await startOurs(ours.host, { limits: { queryBufferLimit: 64 * 1024 } });
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
      const limited = await startOurs(ours.host, {
        limits: { pubsubOutputHardBytes: 2 * 1024 * 1024 },
      });
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
      const socket = net.connect({ port: ours.port, host: "127.0.0.1" });
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
          const { data } = await exchange(ours.port, "CLIENT LIST\r\n", replies(1));
          probes += 1;
          const line = data
            .toString()
            .split("\n")
            .find((l) => l.includes("cmd=info"));
          const omem = Number(/ omem=(\d+)/.exec(line ?? "")?.[1] ?? "NaN");
          const processed = ours.server.stats().totalCommandsProcessed - probes;
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
      const guarded = await startOurs(ours.host, { protectedMode: true });
      try {
        const { data } = await exchange(guarded.address().port, "PING\r\n", replies(1));
        expect(data.toString()).to.equal("+PONG\r\n");
      } finally {
        await guarded.close();
      }
    });
  });
});

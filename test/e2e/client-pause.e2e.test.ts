// CLIENT PAUSE side by side with redis-sentinel 7.0.15: ALL holds every command that passed its
// checks (the pausing client's own, PING, CLIENT UNPAUSE and a peer's is-master-down-by-addr
// included) while unknown commands and subcommands are answered at once; WRITE holds PUBLISH
// alone; a later shorter pause does not shorten it; UNPAUSE releases the held commands in order;
// CLIENT LIST shows `flags=b cmd=publish` and INFO `blocked_clients:1` meanwhile; the monitoring
// goes on (a subscriber gets +sdown during an ALL pause). Also the client ids: the first
// connection is id 3 (CLIENT ID, HELLO, CLIENT LIST); INFO's tracking_clients counts the
// connections with CLIENT TRACKING on.
import { expect } from "chai";
import { RespConnection } from "./harness/resp-client.js";
import type { RespValue } from "./harness/resp-client.js";
import { sentinelDir } from "./shell-support/sentinel-dir.js";
import { rawConnection, type RawConnection } from "./harness/raw-connection.js";
import { readFileSync } from "node:fs";

/** Sends `args` and resolves with the reply and the milliseconds it took. */
async function timed(
  c: RespConnection,
  args: readonly (string | number)[],
): Promise<{ reply: RespValue; ms: number }> {
  const started = performance.now();
  const reply = await c.call(args, 5_000);
  return { reply, ms: performance.now() - started };
}

/** Opens `n` fresh connections to `port`. */
function connections(port: number, n: number): Promise<RespConnection[]> {
  return Promise.all(Array.from({ length: n }, () => RespConnection.connect(port)));
}

const text = (v: RespValue): string => (v instanceof Error ? `-${v.message}` : String(v));

describe("CLIENT PAUSE holds connections as redis-sentinel 7.0.15 does (e2e)", function () {
  this.timeout(60_000);
  const s = sentinelDir(
    "vigil-pause-",
    (other) => `sentinel monitor m 127.0.0.1 ${other} 1\nsentinel down-after-milliseconds m 1500\n`,
  );

  for (const impl of ["redis", "vigil"] as const) {
    it(`${impl}: ALL holds every checked command, answers refusals at once`, async () => {
      await s.up(impl);
      const [a, b, c, d, e, f] = await connections(s.port, 6);
      expect(text(await a!.call(["CLIENT", "PAUSE", "800", "ALL"]))).to.equal("OK");
      const held = [
        timed(a!, ["PING"]),
        timed(b!, ["PING"]),
        timed(c!, ["CLIENT", "UNPAUSE"]),
        timed(d!, ["SENTINEL", "is-master-down-by-addr", "127.0.0.1", "1", "0", "*"]),
      ];
      const atOnce = [
        timed(e!, ["NOSUCHCOMMAND"]),
        timed(f!, ["CLIENT", "NOSUCH"]),
        timed(f!, ["SENTINEL", "NOSUCH"]),
      ];
      for (const r of await Promise.all(atOnce)) expect(r.ms, text(r.reply)).to.be.below(400);
      const done = await Promise.all(held);
      for (const r of done) expect(r.ms, text(r.reply)).to.be.within(700, 800 + 600);
      expect(done.slice(0, 3).map((r) => text(r.reply))).to.deep.equal(["PONG", "PONG", "OK"]);
      for (const x of [a, b, c, d, e, f]) x!.close();
    });

    it(`${impl}: WRITE holds PUBLISH only; a shorter pause does not shorten it`, async () => {
      await s.up(impl);
      const [a, b, c] = await connections(s.port, 3);
      await a!.call(["CLIENT", "PAUSE", "900", "WRITE"]);
      await a!.call(["CLIENT", "PAUSE", "100", "WRITE"]);
      const publish = timed(b!, ["PUBLISH", "__sentinel__:hello", "x"]);
      for (const args of [
        ["PING"],
        ["SUBSCRIBE", "q"],
        ["SENTINEL", "SET", "m", "quorum", "1"],
        ["SENTINEL", "is-master-down-by-addr", "127.0.0.1", "1", "0", "*"],
      ]) {
        const r = await timed(c!, args);
        expect(r.ms, args.join(" ")).to.be.below(400);
        if (args[0] === "SUBSCRIBE") await c!.call(["UNSUBSCRIBE"]);
      }
      const r = await publish;
      expect(text(r.reply)).to.equal("1");
      expect(r.ms).to.be.within(850, 900 + 600);
      for (const x of [a, b, c]) x!.close();
    });

    it(`${impl}: UNPAUSE releases the held commands in order; CLIENT LIST and INFO show them`, async () => {
      await s.up(impl);
      const [a, c] = await connections(s.port, 2);
      const b = await rawConnection(s.port);
      await a!.call(["CLIENT", "PAUSE", "10000", "WRITE"]);
      b.socket.write("PUBLISH x y\r\nPING\r\n");
      const bLine = async (): Promise<string> =>
        text(await c!.call(["CLIENT", "LIST"]))
          .split("\n")
          .find((l) => l.includes("cmd=publish")) ?? "";
      await waitUntil(async () => (await bLine()) !== "", 3_000);
      expect(await bLine()).to.match(/ flags=b .* cmd=publish /);
      expect(text(await c!.call(["INFO", "clients"]))).to.contain("blocked_clients:1\r\n");
      expect(b.received()).to.equal("");
      const started = performance.now();
      await a!.call(["CLIENT", "UNPAUSE"]);
      await waitUntil(() => b.received().endsWith("+PONG\r\n"), 3_000);
      expect(performance.now() - started).to.be.below(1_000);
      expect(b.received()).to.equal(
        "-ERR Only HELLO messages are accepted by Sentinel instances.\r\n+PONG\r\n",
      );
      expect(text(await c!.call(["INFO", "clients"]))).to.contain("blocked_clients:0\r\n");
      b.socket.destroy();
      for (const x of [a, c]) x!.close();
    });

    it(`${impl}: the monitoring goes on under ALL (+sdown reaches a subscriber)`, async () => {
      await s.up(impl);
      const sub = await rawConnection(s.port);
      sub.socket.write("SUBSCRIBE +sdown\r\n");
      await waitUntil(() => sub.received().includes("subscribe"), 3_000);
      const [a, b] = await connections(s.port, 2);
      await a!.call(["CLIENT", "PAUSE", "6000", "ALL"]);
      let pinged = false;
      const ping = b!.call(["PING"], 10_000).then(
        () => (pinged = true),
        () => undefined,
      );
      await waitUntil(() => sub.received().includes("master m 127.0.0.1"), 4_500);
      expect(pinged).to.equal(false);
      sub.socket.destroy();
      for (const x of [a, b]) x!.close();
      await ping;
    });

    it(`${impl}: the first connection is id 3; INFO counts tracking clients`, async () => {
      await s.up(impl); // redis-cli's PING took id 3
      const [a] = await connections(s.port, 1);
      expect(await a!.call(["CLIENT", "ID"])).to.equal(4);
      const hello = (await a!.call(["HELLO", "2"])) as RespValue[];
      expect(hello[hello.indexOf("id") + 1]).to.equal(4);
      expect(text(await a!.call(["CLIENT", "LIST"]))).to.match(/^id=4 /);
      // INFO's tracking_clients counts the connections with CLIENT TRACKING on.
      const b = await RespConnection.connect(s.port);
      expect(text(await a!.call(["CLIENT", "TRACKING", "on"]))).to.equal("OK");
      expect(text(await b.call(["INFO", "clients"]))).to.contain("\r\ntracking_clients:1\r\n");
      expect(text(await a!.call(["CLIENT", "TRACKING", "off"]))).to.equal("OK");
      expect(text(await b.call(["INFO", "clients"]))).to.contain("\r\ntracking_clients:0\r\n");
      a!.close();
      b.close();
    });
  }
});

async function waitUntil(check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("an unknown SENTINEL subcommand is refused before NOAUTH (e2e, both programs)", function () {
  this.timeout(60_000);
  const s = sentinelDir(
    "vigil-noauth-",
    (other) => `requirepass pw\nsentinel monitor m 127.0.0.1 ${other} 1\n`,
  );
  for (const impl of ["redis", "vigil"] as const) {
    it(`${impl}: SENTINEL NOSUCH answers its own error to a client not yet authenticated`, async () => {
      s.start(impl);
      const raw = await waitForConnection(s.port);
      raw.socket.write("SENTINEL NOSUCH\r\nSENTINEL MASTERS x\r\nPING\r\n");
      await waitUntil(() => raw.received().split("\r\n").length > 3, 3_000);
      expect(raw.received()).to.equal(
        "-ERR unknown subcommand 'NOSUCH'. Try SENTINEL HELP.\r\n" +
          "-ERR wrong number of arguments for 'sentinel|masters' command\r\n" +
          "-NOAUTH Authentication required.\r\n",
      );
      raw.socket.destroy();
    });
  }
});

/**
 * A connection the server took: with maxclients 1 the one just closed may not be seen closed
 * yet, and a connection is refused meanwhile (bounded retries).
 */
async function accepted(port: number, request: string): Promise<RawConnection> {
  const deadline = performance.now() + 3_000;
  for (;;) {
    const c = await rawConnection(port);
    c.socket.write(request);
    await waitUntil(() => c.received() !== "", 3_000);
    if (!c.received().startsWith("-ERR max") || performance.now() > deadline) return c;
    c.socket.destroy();
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Connects once the program listens (bounded). */
async function waitForConnection(port: number): Promise<RawConnection> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    try {
      return await rawConnection(port);
    } catch (err) {
      if (performance.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe("maxclients as in redis-sentinel 7.0.15 (e2e, both programs)", function () {
  this.timeout(60_000);
  const s = sentinelDir(
    "vigil-maxclients-",
    (other) => `maxclients 1\nsentinel monitor m 127.0.0.1 ${other} 1\n`,
  );
  for (const impl of ["redis", "vigil"] as const) {
    it(`${impl}: refuses past maxclients without taking an id, and keeps it across a rewrite`, async () => {
      const first = await s.up(impl); // redis-cli's PING took id 3
      const a = await accepted(s.port, "CLIENT ID\r\n");
      expect(a.received()).to.equal(":4\r\n");
      const refused = await rawConnection(s.port);
      await waitUntil(() => refused.received() !== "", 3_000);
      expect(refused.received()).to.equal("-ERR max number of clients reached\r\n");
      refused.socket.destroy();
      a.socket.destroy();
      // Until the server has seen `a` close, a new connection is refused too (and takes no id).
      const c = await accepted(s.port, "CLIENT ID\r\nINFO clients\r\nSENTINEL FLUSHCONFIG\r\n");
      await waitUntil(() => c.received().endsWith("+OK\r\n"), 3_000);
      expect(c.received()).to.match(/^:5\r\n/);
      expect(c.received()).to.contain("maxclients:1\r\n");
      c.socket.destroy();
      await s.stop(first);
      expect(readFileSync(s.conf, "utf8")).to.match(/\nmaxclients 1\n/);
      await s.up(impl);
      const d = await accepted(s.port, "INFO clients\r\n");
      await waitUntil(() => d.received().endsWith("\r\n\r\n"), 3_000);
      expect(d.received()).to.contain("maxclients:1\r\n");
      d.socket.destroy();
    });
  }
});

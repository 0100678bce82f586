// Proves the RESP server's fast paths (GET-MASTER-ADDR-BY-NAME, PING, SENTINEL MASTER/REPLICAS,
// INFO sentinel matched as bytes) give the general path's bytes in RESP2 and RESP3 and keep its
// checks (AUTH, ACL, also after an ACL change, subscribe mode), and that a batch's replies
// gathered in one stage reach a client that reads late intact.
import { expect } from "chai";
import net from "node:net";
import type { Redis } from "ioredis";
import { parseReply } from "./harness/resp-client.js";
import { waitFor } from "./harness/wait-for.js";
import {
  ServerPerTest,
  exchange,
  getAddr,
  multibulk,
  replies,
  startOurs,
} from "./support/resp-server-kit.js";

describe("RESP server fast paths (e2e)", function () {
  this.timeout(60_000);
  const ours = new ServerPerTest();
  const ioredis = (protocol: 2 | 3): Redis => ours.ioredis(protocol);

  it("answers GET-MASTER-ADDR-BY-NAME on its fast path, and not before AUTH or past the ACL", async () => {
    const c = ioredis(2);
    await c.connect();
    expect(await c.call("sentinel", "get-master-addr-by-name", "m")).to.deep.equal([
      "127.0.0.1",
      "6379",
    ]);
    expect(await c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "x")).to.equal(null);
    expect(ours.host.fastAddrCalls).to.equal(2);
    const secured = await startOurs(ours.host, { requirePass: "s3cret" });
    try {
      const p = secured.address().port;
      const request = getAddr("m");
      const { data } = await exchange(p, `${request}AUTH s3cret\r\n${request}`, replies(3));
      expect(data.toString()).to.equal(
        "-NOAUTH Authentication required.\r\n+OK\r\n*2\r\n$9\r\n127.0.0.1\r\n$4\r\n6379\r\n",
      );
      expect(ours.host.fastAddrCalls).to.equal(3);
      const denied = await exchange(
        p,
        `AUTH s3cret\r\nACL SETUSER u on >pw +ping\r\nAUTH u pw\r\n${request}`,
        replies(4),
      );
      expect(denied.data.toString()).to.equal(
        "+OK\r\n+OK\r\n+OK\r\n-NOPERM this user has no permissions to run the 'sentinel|get-master-addr-by-name' command\r\n",
      );
      expect(ours.host.fastAddrCalls).to.equal(3);
    } finally {
      await secured.close();
    }
  });

  it("answers PING, SENTINEL MASTER/REPLICAS and INFO sentinel on fast paths, as the general path does", async () => {
    const fast = [
      multibulk("PING"),
      multibulk("sentinel", "master", "m"),
      multibulk("SENTINEL", "REPLICAS", "m"),
      multibulk("info", "SENTINEL"),
      multibulk("sentinel", "master", "nope"),
    ].join("");
    const inline =
      "PING\r\nSENTINEL MASTER m\r\nSENTINEL REPLICAS m\r\nINFO sentinel\r\nSENTINEL master nope\r\n";
    const viaFast = await exchange(ours.port, fast, replies(5));
    // Four reads, and an unknown master is asked again by the general path it falls back to.
    expect(ours.host.readCalls).to.equal(5);
    const viaGeneral = await exchange(ours.port, inline, replies(5));
    expect(ours.host.readCalls).to.equal(9);
    expect(viaFast.data.toString()).to.equal(viaGeneral.data.toString());
    const text = viaFast.data.toString();
    expect(text.startsWith("+PONG\r\n*")).to.equal(true);
    expect(text).to.include("$4\r\nname\r\n$1\r\nm\r\n");
    expect(text).to.include("# Sentinel\r\nsentinel_masters:1\r\n");
    expect(text.endsWith("-ERR No such master with that name\r\n")).to.equal(true);
    // A RESP2 subscriber's PING is the general path's ["pong", ""].
    const subscribed = await exchange(ours.port, `SUBSCRIBE c\r\n${multibulk("PING")}`, replies(2));
    expect(subscribed.data.toString()).to.equal(
      "*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n",
    );
    const secured = await startOurs(ours.host, { requirePass: "s3cret" });
    try {
      const p = secured.address().port;
      const probes = `${multibulk("PING")}${multibulk("INFO", "sentinel")}${multibulk("SENTINEL", "master", "m")}`;
      const before = await exchange(p, `${probes}AUTH s3cret\r\n${multibulk("PING")}`, replies(5));
      expect(before.data.toString()).to.equal(
        `${"-NOAUTH Authentication required.\r\n".repeat(3)}+OK\r\n+PONG\r\n`,
      );
      const denied = await exchange(
        p,
        `AUTH s3cret\r\nACL SETUSER u on >pw +ping\r\nAUTH u pw\r\n${probes}`,
        replies(6),
      );
      expect(denied.data.toString()).to.equal(
        "+OK\r\n+OK\r\n+OK\r\n+PONG\r\n" +
          "-NOPERM this user has no permissions to run the 'info' command\r\n" +
          "-NOPERM this user has no permissions to run the 'sentinel|master' command\r\n",
      );
      expect(ours.host.readCalls).to.equal(9);
    } finally {
      await secured.close();
    }
  });

  it("answers GET-MASTER-ADDR-BY-NAME on its fast path with the general path's bytes, RESP2 and RESP3", async () => {
    // After HELLO 3's own reply (which shows the connection's id).
    const answers = (data: Buffer, hello: string): string =>
      data.subarray(hello === "" ? 0 : (parseReply(data, 0)?.end ?? 0)).toString();
    for (const hello of ["", "HELLO 3\r\n"]) {
      const skip = hello === "" ? 0 : 1;
      const asked = [
        getAddr("m"),
        getAddr("nope"),
        getAddr("M", "SENTINEL", "Get-Master-Addr-By-Name"),
      ];
      const calls = ours.host.fastAddrCalls;
      const viaFast = await exchange(ours.port, hello + asked.join(""), replies(skip + 3));
      expect(ours.host.fastAddrCalls).to.equal(calls + 3);
      // The general path: inline requests never take a fast path.
      const inline =
        "SENTINEL get-master-addr-by-name m\r\nSENTINEL get-master-addr-by-name nope\r\nSENTINEL GET-MASTER-ADDR-BY-NAME M\r\n";
      const viaGeneral = await exchange(ours.port, hello + inline, replies(skip + 3));
      const nil = hello === "" ? "*-1\r\n" : "_\r\n";
      expect(answers(viaFast.data, hello)).to.equal(
        `*2\r\n$9\r\n127.0.0.1\r\n$4\r\n6379\r\n${nil}${nil}`,
      );
      expect(answers(viaGeneral.data, hello)).to.equal(answers(viaFast.data, hello));
    }
  });

  it("refuses a fast request as soon as an ACL change takes the command away from its user", async () => {
    const request = getAddr("m");
    const { data } = await exchange(
      ours.port,
      `ACL SETUSER u on nopass +@all\r\nAUTH u x\r\n${request}${multibulk("PING")}` +
        `ACL SETUSER u -sentinel|get-master-addr-by-name -ping\r\n${request}${multibulk("PING")}` +
        `ACL SETUSER u +ping\r\n${multibulk("PING")}`,
      replies(8),
    );
    expect(data.toString()).to.equal(
      "+OK\r\n+OK\r\n*2\r\n$9\r\n127.0.0.1\r\n$4\r\n6379\r\n+PONG\r\n+OK\r\n" +
        "-NOPERM this user has no permissions to run the 'sentinel|get-master-addr-by-name' command\r\n" +
        "-NOPERM this user has no permissions to run the 'ping' command\r\n+OK\r\n+PONG\r\n",
    );
  });

  it("delivers every reply intact to a client that reads only after the server's writes queued up", async () => {
    // Distinct replies (PING <n> echoes n), far more than the socket buffers hold: writes
    // complete later, and memory still queued must never serve the next batch. Now and then a
    // reply larger than a stage, written on its own.
    const count = 40_000;
    const pad = "z".repeat(300);
    const big = "w".repeat(20_000);
    let input = "";
    let expected = "";
    for (let i = 0; i < count; i++) {
      const arg = `${i}${i % 500 === 7 ? big : pad}`;
      input += i % 2 === 0 ? multibulk("PING", arg) : `PING ${arg}\r\n`;
      expected += `$${arg.length}\r\n${arg}\r\n`;
    }
    const socket = net.connect({ port: ours.port, host: "127.0.0.1" });
    socket.on("error", () => undefined);
    await new Promise((r) => socket.once("connect", r));
    socket.pause();
    socket.write(input);
    // Let the server fill the socket buffers and queue the rest before reading anything.
    await waitFor("the server's output backs up", async () => {
      const { data } = await exchange(ours.port, "CLIENT LIST\r\n", replies(1));
      return / omem=[1-9][^\n]* cmd=ping /.test(data.toString());
    });
    const chunks: Buffer[] = [];
    let received = 0;
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
    });
    socket.resume();
    await waitFor("every reply read", () => received >= expected.length, { timeoutMs: 20_000 });
    socket.destroy();
    expect(Buffer.concat(chunks).toString() === expected).to.equal(true);
  });
});

// Proves the scale benchmark's stand-in master (bench/lib/fake-master.ts, fake-instance.ts,
// fake-resp.ts) answers what a sentinel sends as a redis-server would: pipelined and split
// commands, inline ones, INFO at its template's size with its own identity and replica, and
// hellos published on one link delivered on another byte for byte.
import { expect } from "chai";
import net from "node:net";
import { FakeMaster } from "../../../bench/lib/fake-master.js";
import { InfoTemplate } from "../../../bench/lib/fake-instance.js";
import { CommandSpans } from "../../../bench/lib/fake-resp.js";
import { freePort } from "../../e2e/harness/ports.js";

const TEMPLATE = new InfoTemplate(
  [
    "# Server",
    "redis_version:7.0.15",
    "run_id:0000000000000000000000000000000000000000",
    "tcp_port:6379",
    "",
    "# Replication",
    "role:master",
    "connected_slaves:0",
    "",
    "# CPU",
    "used_cpu_sys:0.1",
    "",
  ].join("\n"),
);

function multibulk(...args: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === "string" ? Buffer.from(arg) : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

/** A connection that gathers what it receives; `until` waits (bounded) for `bytes` of it. */
async function connect(
  port: number,
  host: string,
): Promise<{
  socket: net.Socket;
  until: (bytes: number) => Promise<Buffer>;
}> {
  const socket = net.createConnection({ host, port });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  let got = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    got = Buffer.concat([got, chunk]);
  });
  const until = async (bytes: number): Promise<Buffer> => {
    for (let waited = 0; got.length < bytes && waited < 3_000; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const out = got;
    got = Buffer.alloc(0);
    return out;
  };
  return { socket, until };
}

describe("bench stand-in master (fake-master.ts)", () => {
  let master: FakeMaster | null = null;
  const sockets: net.Socket[] = [];

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.destroy();
    master?.close();
    master = null;
  });

  async function start(replicaPort: number): Promise<FakeMaster> {
    master = await FakeMaster.start("127.0.0.1", await freePort(), replicaPort, TEMPLATE, TEMPLATE);
    return master;
  }

  async function client(m: FakeMaster): Promise<Awaited<ReturnType<typeof connect>>> {
    const c = await connect(m.port, m.host);
    sockets.push(c.socket);
    return c;
  }

  it("answers pipelined, split and inline commands in order", async () => {
    const m = await start(0);
    const c = await client(m);
    const expected = "+PONG\r\n+OK\r\n-ERR unknown command 'HELLO'\r\n+PONG\r\n+PONG\r\n";
    const request = Buffer.concat([
      multibulk("ping"),
      multibulk("CLIENT", "SETNAME", "sentinel-1-cmd"),
      multibulk("HELLO", "3"),
      Buffer.from("PING\r\n"),
      multibulk("PING"),
    ]);
    // Byte by byte: every command arrives split at every point.
    for (const byte of request) {
      c.socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await c.until(expected.length)).toString()).to.equal(expected);
    c.socket.write(request);
    expect((await c.until(expected.length)).toString()).to.equal(expected);
  });

  it("answers INFO as a bulk string of its template with its own port and replica", async () => {
    const replicaPort = await freePort();
    const m = await start(replicaPort);
    const c = await client(m);
    c.socket.write(multibulk("INFO"));
    const reply = (await c.until(200)).toString();
    const header = /^\$(\d+)\r\n/.exec(reply);
    expect(header).to.not.equal(null);
    const body = reply.slice(header![0].length);
    expect(Buffer.byteLength(body)).to.equal(Number(header![1]) + 2);
    expect(body).to.match(/\r\n$/);
    expect(body).to.include(`tcp_port:${m.port}\r\n`);
    expect(body).to.match(/run_id:[0-9a-f]{40}\r\n/);
    expect(body).to.not.include("run_id:0000000000000000000000000000000000000000");
    expect(body).to.include("role:master\r\nconnected_slaves:1\r\n");
    expect(body).to.include(`slave0:ip=127.0.0.1,port=${replicaPort},state=online,`);
    expect(body).to.include("# CPU\r\nused_cpu_sys:0.1\r\n");
  });

  it("delivers a PUBLISH to the subscribed link as the message it carried", async () => {
    const m = await start(0);
    const publisher = await client(m);
    const subscriber = await client(m);
    subscriber.socket.write(multibulk("SUBSCRIBE", "__sentinel__:hello"));
    const subscribed = "*3\r\n$9\r\nsubscribe\r\n$18\r\n__sentinel__:hello\r\n:1\r\n";
    expect((await subscriber.until(subscribed.length)).toString()).to.equal(subscribed);
    const payload = Buffer.from([0x31, 0x0d, 0x0a, 0xff, 0x2c, 0x00]);
    publisher.socket.write(
      Buffer.concat([multibulk("PUBLISH", "__sentinel__:hello", payload), multibulk("PING")]),
    );
    expect((await publisher.until(11)).toString()).to.equal(":1\r\n+PONG\r\n");
    const message = Buffer.concat([
      Buffer.from("*3\r\n$7\r\nmessage\r\n$18\r\n__sentinel__:hello\r\n$6\r\n"),
      payload,
      Buffer.from("\r\n"),
    ]);
    expect(await subscriber.until(message.length)).to.deep.equal(message);
    publisher.socket.write(multibulk("PUBLISH", "other", "x"));
    expect((await publisher.until(4)).toString()).to.equal(":0\r\n");
  });

  it("reads a command's arguments as spans, and waits for a command's last byte", () => {
    const spans = new CommandSpans();
    const buf = multibulk("publish", "ch", "a b");
    expect(spans.read(buf.subarray(0, buf.length - 1), 0)).to.equal(-1);
    expect(spans.read(buf, 0)).to.equal(buf.length);
    expect(spans.argc).to.equal(3);
    expect(spans.is(buf, 0, Buffer.from("PUBLISH"))).to.equal(true);
    expect(spans.is(buf, 0, Buffer.from("PUBLIS"))).to.equal(false);
    expect(spans.text(buf, 2)).to.equal("a b");
    const inline = Buffer.from("  info   replication\r\n");
    expect(spans.read(inline, 0)).to.equal(inline.length);
    expect([spans.argc, spans.text(inline, 0), spans.text(inline, 1)]).to.deep.equal([
      2,
      "info",
      "replication",
    ]);
  });
});

// Proves the bare RESP link's framing over real loopback sockets (the commands a real Redis
// answers are covered by test/e2e/links.e2e.test.ts): every link reads into one shared buffer,
// so a reply split across reads must survive another link's read in between; a call on a link
// that is not connected, and the calls pending when it closes, are answered "closed"; commands
// given before a close in the same turn still reach the server, the connection ended after them.
import { expect } from "chai";
import { readSync } from "node:fs";
import net from "node:net";
import type { CallResult, RedisLink } from "../../../src/shell/link-contract.js";
import { createRespLink, encodeCommand, flushLinkWrites } from "../../../src/shell/resp-link.js";
import { CONNECTION_REFUSED } from "../../../src/core/index.js";

interface Peer {
  readonly server: net.Server;
  readonly port: number;
  /** What the link sent, as text. */
  received: string;
  socket: net.Socket | null;
}

async function listen(): Promise<Peer> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  const peer: Peer = { server, port: address.port, received: "", socket: null };
  server.on("connection", (socket) => {
    peer.socket = socket;
    socket.on("data", (data) => (peer.received += data.toString("utf8")));
  });
  return peer;
}

/**
 * What reached the peer's socket and was not read yet, read from its descriptor without
 * yielding the turn (so no flush scheduled for later in the turn can have run): up to `bytes`
 * bytes, waiting at most 1 s for them (loopback delivers a write before write(2) returns, or
 * soon after on another CPU). Added to `received` too. `bytes` 0: what is there now.
 */
function arrivedNow(peer: Peer, bytes: number): string {
  const fd = (peer.socket as unknown as { _handle: { fd: number } })._handle.fd;
  const chunk = Buffer.alloc(4096);
  const deadline = Date.now() + 1_000;
  let got = "";
  do {
    try {
      const n = readSync(fd, chunk);
      if (n === 0) break;
      got += chunk.toString("utf8", 0, n);
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
    }
  } while (got.length < bytes && Date.now() < deadline);
  peer.received += got;
  return got;
}

async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function connect(peer: Peer): Promise<{ link: RedisLink; closed: string[] }> {
  let ready = false;
  const closed: string[] = [];
  const link = createRespLink(
    { host: "127.0.0.1", port: peer.port, connectTimeout: 2_000 },
    {
      onReady: () => (ready = true),
      onClosed: (reason) => closed.push(reason),
      onMessage: () => undefined,
    },
  );
  await until("the link to connect", () => ready && peer.socket !== null);
  return { link, closed };
}

describe("RESP link", () => {
  const peers: Peer[] = [];
  const links: RedisLink[] = [];

  afterEach(async () => {
    for (const link of links.splice(0)) link.close();
    for (const peer of peers.splice(0)) {
      peer.socket?.destroy();
      await new Promise((resolve) => peer.server.close(resolve));
    }
  });

  async function open(): Promise<{ peer: Peer; link: RedisLink; closed: string[] }> {
    const peer = await listen();
    peers.push(peer);
    const { link, closed } = await connect(peer);
    links.push(link);
    return { peer, link, closed };
  }

  it("keeps a reply split across reads intact while another link reads in between", async () => {
    const a = await open();
    const b = await open();
    const results: Record<string, CallResult> = {};
    a.link.call("PING", [], (r) => (results["ping"] = r));
    a.link.call("GET", ["k"], (r) => (results["get"] = r));
    await until("both commands at the server", () => a.peer.received.includes("GET"));
    expect(a.peer.received).to.equal(encodeCommand("PING", []) + encodeCommand("GET", ["k"]));
    // The PONG proves the chunk was read; the bulk that follows it is incomplete.
    a.peer.socket?.write("+PONG\r\n$10\r\nhello");
    await until("the PONG", () => results["ping"] !== undefined);
    expect(results["get"]).to.equal(undefined);
    // Another link's read reuses the shared buffer.
    b.link.call("PING", [], (r) => (results["other"] = r));
    await until("the other command", () => b.peer.received.length > 0);
    b.peer.socket?.write(`+${"x".repeat(64)}\r\n`);
    await until("the other reply", () => results["other"] !== undefined);
    a.peer.socket?.write("world\r\n");
    await until("the bulk reply", () => results["get"] !== undefined);
    expect(results["ping"]).to.deep.equal({ kind: "reply", value: "PONG" });
    expect(results["get"]).to.deep.equal({ kind: "reply", value: "helloworld", bulk: true });
    expect(results["other"]).to.deep.equal({ kind: "reply", value: "x".repeat(64) });
  });

  it("writes the commands given so far at once on flushLinkWrites, not at the end of the turn", async () => {
    const a = await open();
    a.link.call("PING", [], () => undefined);
    expect(arrivedNow(a.peer, 0), "queued until the end of the turn").to.equal("");
    flushLinkWrites();
    expect(arrivedNow(a.peer, encodeCommand("PING", []).length)).to.equal(
      encodeCommand("PING", []),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(a.peer.received).to.equal(encodeCommand("PING", []));
  });

  it("writes one link's commands at once on flushNow, ahead of the others queued in the turn", async () => {
    const a = await open();
    const b = await open();
    const ping = encodeCommand("PING", []);
    const vote = encodeCommand("SENTINEL", ["is-master-down-by-addr", "127.0.0.1", 6379, 1, "x"]);
    b.link.call("PING", [], () => undefined);
    a.link.call("PING", [], () => undefined);
    a.link.call("SENTINEL", ["is-master-down-by-addr", "127.0.0.1", 6379, 1, "x"], () => undefined);
    a.link.flushNow?.();
    // a's commands, in their order; b's PING, queued first, still waits for the flusher.
    expect(arrivedNow(a.peer, ping.length + vote.length)).to.equal(ping + vote);
    expect(arrivedNow(b.peer, 0)).to.equal("");
    a.link.call("PING", [], () => undefined);
    flushLinkWrites();
    // The flusher then writes b's PING and what a was given after, once each.
    expect(arrivedNow(b.peer, ping.length)).to.equal(ping);
    expect(arrivedNow(a.peer, ping.length)).to.equal(ping);
    await new Promise((resolve) => setImmediate(resolve));
    expect(a.peer.received).to.equal(ping + vote + ping);
    expect(b.peer.received).to.equal(ping);
  });

  it("writes to the socket's descriptor while nothing is queued, and what the kernel does not take through its queue, in order", async () => {
    const a = await open();
    const writes: unknown[] = [];
    // Every socket.write (restored below): the Writable's way, which a direct write skips.
    const proto = net.Socket.prototype;
    const write = Reflect.get(proto, "write") as (this: net.Socket, ...args: unknown[]) => boolean;
    Reflect.set(proto, "write", function (this: net.Socket, ...args: unknown[]) {
      writes.push(args[0]);
      return write.apply(this, args);
    });
    const ping = encodeCommand("PING", []);
    // More than the loopback socket buffers hold while the peer does not read.
    const big = encodeCommand("SET", ["k", "x".repeat(16 * 1024 * 1024)]);
    try {
      a.peer.socket?.pause();
      a.link.call("PING", [], () => undefined);
      flushLinkWrites();
      expect(arrivedNow(a.peer, ping.length)).to.equal(ping);
      expect(writes, "the PING went straight to the descriptor").to.deep.equal([]);
      a.link.call("SET", ["k", "x".repeat(16 * 1024 * 1024)], () => undefined);
      flushLinkWrites();
      expect(writes.length, "the rest of the SET, queued").to.equal(1);
      a.link.call("PING", [], () => undefined);
      flushLinkWrites();
      expect(writes.length, "the PING behind it, queued too").to.equal(2);
    } finally {
      Reflect.set(proto, "write", write);
    }
    a.peer.socket?.resume();
    await until(
      "everything at the server",
      () => a.peer.received.length >= ping.length * 2 + big.length,
    );
    expect(a.peer.received === ping + big + ping, "in order, once each").to.equal(true);
  });

  it("answers error replies as errors and the calls pending at a close as closed", async () => {
    const a = await open();
    const results: CallResult[] = [];
    a.link.call("AUTH", ["pw"], (r) => results.push(r));
    a.link.call("PING", [], (r) => results.push(r));
    await until("both commands at the server", () => a.peer.received.includes("PING"));
    a.peer.socket?.write("-ERR invalid password\r\n");
    await until("the error", () => results.length === 1);
    a.peer.socket?.destroy();
    await until("the close", () => a.closed.length === 1);
    expect(results).to.deep.equal([
      { kind: "error", text: "ERR invalid password" },
      { kind: "closed", reason: "connection closed" },
    ]);
    let after: CallResult | null = null;
    a.link.call("PING", [], (r) => (after = r));
    expect(after).to.deep.equal({ kind: "closed", reason: "Connection is not writable." });
  });

  it("still writes the commands given before a close in the same turn, then ends the connection", async () => {
    const a = await open();
    let ended = false;
    a.peer.socket?.on("end", () => (ended = true));
    const results: CallResult[] = [];
    // The core's FAILOVER ABORT + CLIENT UNPAUSE to an old master, queued just before the
    // switch closes its link (core/failover/switch-master.ts).
    a.link.call("CLIENT", ["UNPAUSE"], (r) => results.push(r));
    a.link.close();
    await until("the command at the server", () => a.peer.received.length > 0);
    expect(a.peer.received).to.equal(encodeCommand("CLIENT", ["UNPAUSE"]));
    await until("the end of the connection", () => ended);
    expect(results).to.deep.equal([{ kind: "closed", reason: "Connection is closed." }]);
    expect(a.closed, "a close() is silent").to.deep.equal([]);
  });

  it('tells a bulk string reply from a status reply (a bulk "PONG" is no PONG to sentinel.c)', async () => {
    const a = await open();
    const results: CallResult[] = [];
    a.link.call("PING", [], (r) => results.push(r));
    a.link.call("RANDOMKEY", [], (r) => results.push(r));
    a.link.call("DBSIZE", [], (r) => results.push(r));
    await until("the commands at the server", () => a.peer.received.includes("DBSIZE"));
    a.peer.socket?.write("+PONG\r\n$4\r\nPONG\r\n:1\r\n");
    await until("the replies", () => results.length === 3);
    expect(results).to.deep.equal([
      { kind: "reply", value: "PONG" },
      { kind: "reply", value: "PONG", bulk: true },
      { kind: "reply", value: 1 },
    ]);
  });

  it("closes a refused connect with strerror's words, as redis-sentinel logs them (the core's CONNECTION_REFUSED)", async () => {
    // A port that was just listened on and closed again refuses.
    const peer = await listen();
    await new Promise((resolve) => peer.server.close(resolve));
    const closed: string[] = [];
    const link = createRespLink(
      { host: "127.0.0.1", port: peer.port, connectTimeout: 2_000 },
      { onReady: () => undefined, onClosed: (r) => closed.push(r), onMessage: () => undefined },
    );
    links.push(link);
    await until("the refused connect to close", () => closed.length > 0);
    expect(closed).to.deep.equal([CONNECTION_REFUSED]);
  });
});

// Proves socket-output.ts over real loopback sockets: a write the kernel takes at once goes
// straight to the descriptor (the socket's Writable is never called); what the kernel does not
// take is queued through the Writable, counted in pendingBytes, and every later write keeps its
// place behind it, up to an end(); encoder memory is copied when it is queued; a closed peer
// closes the socket; a socket that may not be written directly takes the ordinary path.
import { expect } from "chai";
import net from "node:net";
import { readAccepted } from "../../../src/shell/accepted-socket.js";
import { SocketOutput, writableFd } from "../../../src/shell/socket-output.js";

interface Pair {
  readonly server: net.Server;
  /** The accepted side, moved by readAccepted as the RESP server does. */
  readonly socket: net.Socket;
  readonly client: net.Socket;
}

async function pair(): Promise<Pair> {
  let accepted: ((s: net.Socket) => void) | undefined;
  const got = new Promise<net.Socket>((resolve) => (accepted = resolve));
  const server = net.createServer({ pauseOnConnect: true }, (raw) => {
    accepted?.(readAccepted(raw, () => undefined));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  const client = net.connect(address.port, "127.0.0.1");
  const socket = await got;
  return { server, socket, client };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** `size` bytes of a pattern that tells blocks apart (block `n` starts at byte value n). */
function block(n: number, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) out[i] = (n + i) % 251;
  return out;
}

/** Counts the socket's Writable writes (and lets them through). */
function countWrites(socket: net.Socket): { n: number } {
  const count = { n: 0 };
  const write = (chunk: Uint8Array): boolean => net.Socket.prototype.write.call(socket, chunk);
  socket.write = (chunk: Uint8Array): boolean => {
    count.n++;
    return write(chunk);
  };
  return count;
}

/** Writes 1 MiB blocks to a client that reads nothing until one is left queued. */
function fill(output: SocketOutput, sent: Buffer[]): boolean {
  let consumed = true;
  while (consumed && sent.length < 64) {
    const b = block(sent.length, 1 << 20);
    sent.push(b);
    consumed = output.write(b);
  }
  return consumed;
}

/** Resumes the client and resolves with every byte it reads, once `size` arrived. */
async function readAll(client: net.Socket, size: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  client.on("data", (d: Buffer) => {
    chunks.push(d);
    got += d.length;
  });
  client.resume();
  await until(() => got >= size, "every byte");
  return Buffer.concat(chunks);
}

describe("SocketOutput", () => {
  let p: Pair;

  beforeEach(async () => {
    p = await pair();
  });

  afterEach(async () => {
    p.client.destroy();
    p.socket.destroy();
    await new Promise((r) => p.server.close(r));
  });

  it("writes to the descriptor when nothing is queued, without the Writable", async () => {
    const output = new SocketOutput(p.socket);
    expect(output.direct).to.equal(true);
    const writes = countWrites(p.socket);
    let received = "";
    p.client.on("data", (d: Buffer) => (received += d.toString("latin1")));
    expect(output.write(Buffer.from("+PONG\r\n"))).to.equal(true);
    expect(output.write(new Uint8Array(Buffer.from(":1\r\n")), true)).to.equal(true);
    expect(output.pendingBytes).to.equal(0);
    expect(writes.n).to.equal(0);
    await until(() => received === "+PONG\r\n:1\r\n", "both replies");
  });

  it("queues what the kernel does not take and keeps later writes behind it", async () => {
    const output = new SocketOutput(p.socket);
    p.client.pause();
    // The client reads nothing: a few MiB fill both socket buffers, so one write is queued.
    const sent: Buffer[] = [];
    expect(fill(output, sent), "a write left queued").to.equal(false);
    expect(output.pendingBytes).to.be.greaterThan(0);
    const writes = countWrites(p.socket);
    // Encoder memory changed after the call must not change what is sent.
    const transient = block(sent.length, 1000);
    sent.push(Buffer.from(transient));
    expect(output.write(transient, true)).to.equal(true);
    transient.fill(0);
    for (let i = 0; i < 2; i++) {
      const b = block(sent.length, 1000);
      sent.push(b);
      expect(output.write(b)).to.equal(false);
    }
    expect(writes.n).to.equal(3);
    const expected = Buffer.concat(sent);
    const got = await readAll(p.client, expected.length);
    expect(got.equals(expected)).to.equal(true);
    await until(() => output.pendingBytes === 0, "an empty queue");
    // Nothing queued any more: direct again.
    expect(output.write(Buffer.from("+OK\r\n"))).to.equal(true);
    expect(writes.n).to.equal(3);
  });

  it("sends the queued rest in full before the end of the connection", async () => {
    const output = new SocketOutput(p.socket);
    p.client.pause();
    const sent: Buffer[] = [];
    expect(fill(output, sent)).to.equal(false);
    p.socket.end();
    let ended = false;
    p.client.on("end", () => (ended = true));
    const expected = Buffer.concat(sent);
    const got = await readAll(p.client, expected.length);
    await until(() => ended, "the end of the connection");
    expect(got.equals(expected)).to.equal(true);
  });

  it("closes the socket when the peer is gone", async () => {
    const output = new SocketOutput(p.socket);
    let closed = false;
    const errors: Error[] = [];
    p.socket.on("close", () => (closed = true));
    p.socket.on("error", (err) => errors.push(err));
    // Not reading: only the write can see the reset.
    p.socket.pause();
    p.client.resetAndDestroy();
    // The first write after a reset may still be taken; a later one fails (EPIPE/ECONNRESET).
    await until(() => {
      output.write(Buffer.from("+PONG\r\n"));
      return p.socket.destroyed;
    }, "a failed write");
    await until(() => closed, "the close");
    // Closed by the direct write's failure, as a failed Writable write would (no 'error' left).
    expect(errors).to.deep.equal([]);
    expect(output.write(Buffer.from("+late\r\n"))).to.equal(true);
  });

  it("takes the Writable when told not to write directly, and nothing once destroyed", async () => {
    const output = new SocketOutput(p.socket, false);
    expect(output.direct).to.equal(false);
    const writes = countWrites(p.socket);
    let received = "";
    p.client.on("data", (d: Buffer) => (received += d.toString("latin1")));
    const transient = Buffer.from("+PONG\r\n");
    expect(output.write(transient, true)).to.equal(true);
    transient.fill(0);
    expect(writes.n).to.equal(1);
    await until(() => received === "+PONG\r\n", "the reply");
    p.socket.destroy();
    expect(output.write(Buffer.from("+late\r\n"))).to.equal(true);
    expect(writes.n).to.equal(1);
  });

  it("has no descriptor for a socket that is not a plain TCP socket", () => {
    const plain = new net.Socket();
    expect(writableFd(plain)).to.equal(-1);
    expect(writableFd(p.socket)).to.be.greaterThan(-1);
  });
});

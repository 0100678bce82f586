// Proves readAccepted over real loopback sockets: an accepted TCP connection is moved into a
// socket that reads with `onread` (one shared buffer), yet its bytes, its writes, pause/resume,
// the peer's addresses, the end of the connection and the server's close behave as before; a
// socket without a movable handle is read with 'data' events.
import { expect } from "chai";
import net from "node:net";
import { readAccepted } from "../../../src/shell/accepted-socket.js";

interface Accepted {
  /** What net.Server handed over. */
  readonly raw: net.Socket;
  readonly socket: net.Socket;
  /** Every chunk onBytes saw, copied (the buffer is reused after the call). */
  readonly chunks: string[];
}

interface Fixture {
  readonly server: net.Server;
  readonly port: number;
  next(): Promise<Accepted>;
}

async function listen(): Promise<Fixture> {
  const waiting: ((a: Accepted) => void)[] = [];
  const server = net.createServer({ pauseOnConnect: true }, (raw) => {
    const chunks: string[] = [];
    const socket = readAccepted(raw, (bytes, size) => {
      chunks.push(bytes.toString("latin1", 0, size));
    });
    waiting.shift()?.({ raw, socket, chunks });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    server,
    port: address.port,
    next: () => new Promise<Accepted>((resolve) => waiting.push(resolve)),
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const client = net.connect(port, "127.0.0.1", () => {
      resolve(client);
    });
    client.once("error", reject);
  });
}

describe("readAccepted", () => {
  let fixture: Fixture;
  const clients: net.Socket[] = [];

  beforeEach(async () => {
    fixture = await listen();
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await new Promise((r) => fixture.server.close(r));
  });

  it("moves a TCP connection into a new socket that reads into the shared buffer", async () => {
    const accepting = fixture.next();
    const client = await connect(fixture.port);
    clients.push(client);
    const { raw, socket, chunks } = await accepting;
    expect(socket).to.not.equal(raw);
    expect(raw.destroyed).to.equal(true);
    expect(socket.remotePort).to.equal(client.localPort);
    expect(socket.remoteAddress).to.equal("127.0.0.1");
    let echoed = "";
    client.on("data", (d: Buffer) => (echoed += d.toString("latin1")));
    client.write("PING\r\n");
    await until(() => chunks.join("") === "PING\r\n", "the first request");
    socket.write("+PONG\r\n");
    await until(() => echoed === "+PONG\r\n", "the reply");
    // Two connections share the one buffer: each sees only its own bytes.
    const second = fixture.next();
    const other = await connect(fixture.port);
    clients.push(other);
    const b = await second;
    other.write("ECHO b\r\n");
    client.write("ECHO a\r\n");
    await until(() => b.chunks.join("") === "ECHO b\r\n", "the second connection's bytes");
    await until(() => chunks.join("") === "PING\r\nECHO a\r\n", "the first connection's bytes");
  });

  it("stops reading while paused and reads what waited once resumed", async () => {
    const accepting = fixture.next();
    const client = await connect(fixture.port);
    clients.push(client);
    const { socket, chunks } = await accepting;
    socket.pause();
    client.write("held\r\n");
    await new Promise((r) => setTimeout(r, 100));
    expect(chunks).to.deep.equal([]);
    socket.resume();
    await until(() => chunks.join("") === "held\r\n", "the bytes sent while paused");
  });

  it("ends with 'close' when the peer goes away, and lets the server close", async () => {
    const accepting = fixture.next();
    const client = await connect(fixture.port);
    const { socket } = await accepting;
    let closed = false;
    socket.on("close", () => (closed = true));
    client.end();
    await until(() => closed, "close of the accepted socket");
    // The server's own close must not wait for the moved connection's empty shell.
    const secondAccept = fixture.next();
    const open = await connect(fixture.port);
    clients.push(open);
    const still = await secondAccept;
    let serverClosed = false;
    fixture.server.close(() => (serverClosed = true));
    still.socket.destroy();
    await until(() => serverClosed, "the server's close");
    fixture = await listen(); // afterEach closes a server
  });

  it("falls back to 'data' events for a socket without a movable handle", () => {
    const unconnected = new net.Socket();
    const seen: string[] = [];
    const socket = readAccepted(unconnected, (bytes, size) => {
      seen.push(bytes.toString("latin1", 0, size));
    });
    expect(socket).to.equal(unconnected);
    socket.emit("data", Buffer.from("abc"));
    expect(seen).to.deep.equal(["abc"]);
    socket.destroy();
  });
});

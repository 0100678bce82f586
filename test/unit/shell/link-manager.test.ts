// Proves the link manager's bookkeeping with scripted fake connections (the real wire is covered
// by test/e2e/links.e2e.test.ts): the handshake order and renamed names, replies of replaced or
// closed connections dropped, commands on a link that is not connected dropped, and hellos
// accepted only from the pub/sub connection's hello channel.
import { expect } from "chai";
import type { Input } from "../../../src/core/inputs.js";
import type { Command } from "../../../src/core/ready.js";
import { createLogger } from "../../../src/shell/logger.js";
import { LinkManager } from "../../../src/shell/link-manager.js";
import type {
  CallResult,
  RedisLinkHandlers,
  RedisLinkOptions,
} from "../../../src/shell/redis-link.js";

interface FakeConn {
  readonly options: RedisLinkOptions;
  readonly handlers: RedisLinkHandlers;
  readonly calls: string[];
  readonly answers: ((result: CallResult) => void)[];
  closed: boolean;
}

function setup(): { manager: LinkManager; conns: FakeConn[]; inputs: Input[] } {
  const conns: FakeConn[] = [];
  const inputs: Input[] = [];
  const manager = new LinkManager({
    push: (i) => inputs.push(i),
    logger: createLogger({
      level: "nothing",
      logfile: "",
      destination: { write: () => undefined },
    }),
    connectTimeout: () => 1234,
    createLink: (options, handlers) => {
      const conn: FakeConn = { options, handlers, calls: [], answers: [], closed: false };
      conns.push(conn);
      return {
        call: (name, args) => {
          conn.calls.push([name, ...args.map(String)].join(" "));
          return new Promise<CallResult>((resolve) => conn.answers.push(resolve));
        },
        subscribe: (name, channel) => {
          conn.calls.push(`${name} ${channel}`);
          return new Promise<CallResult>((resolve) => conn.answers.push(resolve));
        },
        localAddress: () => "::ffff:127.0.0.1",
        close: () => {
          conn.closed = true;
        },
      };
    },
  });
  return { manager, conns, inputs };
}

const CONNECT: Extract<Command, { type: "connect" }> = {
  type: "connect",
  link: "master:m",
  conn: "pubsub",
  addr: { ip: "10.0.0.1", port: 6379 },
  auth: { user: "mon", pass: "pw" },
  clientName: "sentinel-12345678-pubsub",
  renamedCommands: { auth: "xauth", client: "xclient", subscribe: "xsub", ping: "xping" },
};

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("link manager", () => {
  it("connects with the link's address and timeout, then AUTH, SETNAME and SUBSCRIBE renamed", () => {
    const { manager, conns, inputs } = setup();
    manager.execute(CONNECT);
    expect(conns[0]?.options).to.deep.equal({ host: "10.0.0.1", port: 6379, connectTimeout: 1234 });
    conns[0]?.handlers.onReady();
    expect(conns[0]?.calls).to.deep.equal([
      "xauth mon pw",
      "xclient SETNAME sentinel-12345678-pubsub",
      "xsub __sentinel__:hello",
    ]);
    expect(inputs).to.deep.equal([
      { type: "link-connected", link: "master:m", conn: "pubsub", localIp: "127.0.0.1" },
    ]);
  });

  it("turns hello-channel messages of the pub/sub connection into hello-received", () => {
    const { manager, conns, inputs } = setup();
    manager.execute(CONNECT);
    conns[0]?.handlers.onReady();
    conns[0]?.handlers.onMessage("__sentinel__:hello", "payload");
    conns[0]?.handlers.onMessage("other", "ignored");
    expect(inputs.slice(1)).to.deep.equal([
      { type: "hello-received", via: "master:m", payload: "payload" },
    ]);
  });

  it("drops the replies of a connection that was replaced, and commands on an unconnected link", async () => {
    const { manager, conns, inputs } = setup();
    manager.execute({ ...CONNECT, conn: "cmd", auth: null });
    manager.execute({ type: "ping", link: "master:m" });
    expect(conns[0]?.calls).to.deep.equal([]);
    conns[0]?.handlers.onReady();
    manager.execute({ type: "ping", link: "master:m" });
    expect(conns[0]?.calls.at(-1)).to.equal("xping");
    manager.execute({ ...CONNECT, conn: "cmd", auth: null });
    expect(conns[0]?.closed).to.equal(true);
    conns[0]?.answers.at(-1)?.({ kind: "reply", value: "PONG" });
    conns[0]?.handlers.onClosed("gone");
    await flush();
    expect(inputs.map((i) => i.type)).to.deep.equal(["link-connected"]);
  });

  it("produces no input for a command whose connection closed before the reply", async () => {
    const { manager, conns, inputs } = setup();
    manager.execute({ ...CONNECT, conn: "cmd", auth: null });
    conns[0]?.handlers.onReady();
    manager.execute({ type: "info", link: "master:m" });
    conns[0]?.answers.at(-1)?.({ kind: "closed", reason: "Connection is closed." });
    await flush();
    expect(inputs.map((i) => i.type)).to.deep.equal(["link-connected"]);
  });

  it("reports link-closed once when the connection drops, and nothing after a forget", () => {
    const { manager, conns, inputs } = setup();
    manager.execute({ ...CONNECT, conn: "cmd" });
    conns[0]?.handlers.onClosed("ECONNREFUSED");
    conns[0]?.handlers.onClosed("ECONNREFUSED");
    expect(inputs).to.deep.equal([
      { type: "link-closed", link: "master:m", conn: "cmd", reason: "ECONNREFUSED" },
    ]);
    manager.execute({ ...CONNECT, conn: "cmd" });
    manager.execute({ type: "forget", link: "master:m" });
    conns[1]?.handlers.onClosed("closed");
    expect(inputs).to.have.length(1);
    expect(conns[1]?.closed).to.equal(true);
  });
});

// Proves the link manager's bookkeeping with scripted fake connections (the real wire is covered
// by test/e2e/links.e2e.test.ts): the handshake order and renamed names, replies of replaced or
// closed connections dropped, every close answered, commands on a link that is not connected dropped, and hellos
// accepted only from the pub/sub connection's hello channel, replies turned into inputs as they
// arrive, and the reconfiguration transaction reported once all its replies are in; a refused
// SUBSCRIBE drops the pub/sub connection, and a new rename-command map applies to open ones;
// the shutdown learns when every transaction sent has its replies, or gives up after its bound.
import { expect } from "chai";
import type { Input } from "../../../src/core/model/inputs.js";
import type { Command } from "../../../src/core/model/ready.js";
import { createLogger } from "../../../src/shell/logger.js";
import { LinkManager } from "../../../src/shell/link-manager.js";
import { CONNECTS_PER_TURN } from "../../../src/shell/connect-pacer.js";
import type {
  CallResult,
  RedisLinkHandlers,
  RedisLinkOptions,
} from "../../../src/shell/link-contract.js";

interface FakeConn {
  readonly options: RedisLinkOptions;
  readonly handlers: RedisLinkHandlers;
  readonly calls: string[];
  readonly answers: ((result: CallResult) => void)[];
  /** How many calls had been made at each flushNow. */
  readonly flushes: number[];
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
    createLink: (options, handlers) => {
      const conn: FakeConn = {
        options,
        handlers,
        calls: [],
        answers: [],
        flushes: [],
        closed: false,
      };
      conns.push(conn);
      return {
        call: (name, args, done) => {
          conn.calls.push([name, ...args.map(String)].join(" "));
          conn.answers.push(done);
        },
        subscribe: (name, channel, done) => {
          conn.calls.push(`${name} ${channel}`);
          conn.answers.push(done);
        },
        flushNow: () => conn.flushes.push(conn.calls.length),
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
  gen: 7,
  connectTimeoutMs: 1234,
};

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("link manager", () => {
  it("opens at most CONNECTS_PER_TURN connections per turn, the rest in order in the next turns, none closed meanwhile", async () => {
    const { manager, conns, inputs } = setup();
    const total = CONNECTS_PER_TURN * 2 + 10;
    for (let i = 0; i < total; i++) {
      manager.execute({ ...CONNECT, link: `master:m${i}`, conn: "cmd" });
    }
    expect(conns).to.have.length(CONNECTS_PER_TURN);
    expect(manager.queuedConnects).to.equal(total - CONNECTS_PER_TURN);
    // Closed by the core before its turn came: answered now, never opened.
    manager.execute({ type: "close", link: `master:m${CONNECTS_PER_TURN}`, conn: "cmd" });
    expect(inputs.at(-1)).to.deep.include({
      type: "link-closed",
      link: `master:m${CONNECTS_PER_TURN}`,
    });
    await flush();
    expect(conns).to.have.length(CONNECTS_PER_TURN * 2);
    for (let i = 0; i < 5 && manager.queuedConnects > 0; i++) await flush();
    expect(manager.queuedConnects).to.equal(0);
    expect(conns).to.have.length(total - 1);
    const hosts = conns.map((c) => c.options.host);
    expect(new Set(hosts).size).to.equal(1);
    expect(conns.every((c) => !c.closed)).to.equal(true);
  });

  it("connects with the link's address and the core's timeout, then AUTH, SETNAME and SUBSCRIBE renamed", () => {
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
      { type: "link-connected", link: "master:m", conn: "pubsub", localIp: "127.0.0.1", gen: 7 },
    ]);
  });

  it("turns hello-channel messages of the pub/sub connection into hello-received", () => {
    const { manager, conns, inputs } = setup();
    manager.execute(CONNECT);
    conns[0]?.handlers.onReady();
    conns[0]?.handlers.onMessage("__sentinel__:hello", "payload");
    conns[0]?.handlers.onMessage("other", "ignored");
    expect(inputs.slice(1)).to.deep.equal([
      { type: "hello-received", via: "master:m", payload: "payload", gen: 7 },
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

  it("turns PING, INFO and PUBLISH replies into inputs as they arrive, with the renamed names", () => {
    const { manager, conns, inputs } = setup();
    manager.execute({ ...CONNECT, conn: "cmd", auth: null });
    conns[0]?.handlers.onReady();
    manager.execute({ type: "ping", link: "master:m" });
    manager.execute({ type: "info", link: "master:m" });
    manager.execute({ type: "publish-hello", link: "master:m", payload: "hello" });
    expect(conns[0]?.calls.slice(-3)).to.deep.equal([
      "xping",
      "info",
      "publish __sentinel__:hello hello",
    ]);
    const [ping, info, publish] = conns[0]?.answers.slice(-3) ?? [];
    ping?.({ kind: "reply", value: "PONG" });
    info?.({ kind: "error", text: "LOADING Redis is loading the dataset in memory" });
    publish?.({ kind: "error", text: "NOPERM" });
    expect(inputs.slice(1)).to.deep.equal([
      { type: "ping-reply", link: "master:m", reply: { kind: "ok", text: "PONG" }, gen: 7 },
      {
        type: "info-reply",
        link: "master:m",
        reply: { kind: "error", text: "LOADING Redis is loading the dataset in memory" },
        gen: 7,
      },
      { type: "publish-reply", link: "master:m", ok: false, gen: 7 },
    ]);
  });

  it("reports the reconfiguration transaction once all six replies are in, not if one was lost", () => {
    const { manager, conns, inputs } = setup();
    manager.execute({ ...CONNECT, conn: "cmd", auth: null });
    conns[0]?.handlers.onReady();
    manager.execute({
      type: "replicaof",
      link: "master:m",
      target: { ip: "10.0.0.2", port: 6380 },
    });
    expect(conns[0]?.calls.slice(-6)).to.deep.equal([
      "multi",
      "slaveof 10.0.0.2 6380",
      "config REWRITE",
      "xclient KILL TYPE normal",
      "xclient KILL TYPE pubsub",
      "exec",
    ]);
    const answers = conns[0]?.answers.slice(-6) ?? [];
    for (const answer of answers.slice(0, 5)) answer({ kind: "reply", value: "QUEUED" });
    expect(inputs).to.have.length(1);
    answers[5]?.({ kind: "reply", value: ["OK", "OK", "OK", 1, 0] });
    expect(inputs.slice(1)).to.deep.equal([{ type: "command-done", link: "master:m", gen: 7 }]);

    manager.execute({ type: "replicaof", link: "master:m", target: null });
    const second = conns[0]?.answers.slice(-6) ?? [];
    for (const answer of second.slice(0, 5)) answer({ kind: "reply", value: "QUEUED" });
    second[5]?.({ kind: "closed", reason: "Connection is closed." });
    expect(inputs).to.have.length(2);
  });

  it("writes at once a vote request, a transaction, and an INFO while a transaction is unanswered", () => {
    const { manager, conns } = setup();
    manager.execute({ ...CONNECT, conn: "cmd", auth: null });
    const conn = conns[0]!;
    conn.handlers.onReady();
    const ask = { type: "ask-master-down", link: "master:m", master: "m", ip: "10.0.0.1" } as const;
    // A plain SDOWN question waits for the paced flush; a vote request does not.
    manager.execute({ ...ask, port: 6379, epoch: 0n, runId: "*" });
    manager.execute({ type: "info", link: "master:m" });
    expect(conn.flushes).to.deep.equal([]);
    manager.execute({ ...ask, port: 6379, epoch: 1n, runId: "a".repeat(40) });
    expect(conn.flushes).to.deep.equal([conn.calls.length]);
    manager.execute({ type: "replicaof", link: "master:m", target: null });
    manager.execute({ type: "info", link: "master:m" });
    const calls = conn.calls.length;
    expect(conn.flushes.slice(1)).to.deep.equal([calls - 1, calls]);
    // Once every reply of the transaction is in, INFO waits again.
    for (const answer of conn.answers.slice(-7, -1)) answer({ kind: "reply", value: "OK" });
    manager.execute({ type: "ping", link: "master:m" });
    manager.execute({ type: "info", link: "master:m" });
    expect(conn.flushes).to.have.length(3);
  });

  it("pipelines the coordinated failover's transactions and FAILOVER ABORT before SLAVEOF, renamed", () => {
    const { manager, conns, inputs } = setup();
    manager.execute({ ...CONNECT, conn: "cmd", auth: null });
    conns[0]?.handlers.onReady();
    manager.execute({
      type: "transaction",
      link: "master:m",
      steps: [
        ["client", "PAUSE", "9000", "WRITE"],
        ["failover", "TO", "10.0.0.2", "6380", "TIMEOUT", "9000"],
      ],
    });
    expect(conns[0]?.calls.slice(-4)).to.deep.equal([
      "multi",
      "xclient PAUSE 9000 WRITE",
      "failover TO 10.0.0.2 6380 TIMEOUT 9000",
      "exec",
    ]);
    const answers = conns[0]?.answers.slice(-4) ?? [];
    for (const answer of answers.slice(0, 3)) answer({ kind: "reply", value: "QUEUED" });
    answers[3]?.({ kind: "reply", value: ["OK", "OK"] });
    expect(inputs.slice(1)).to.deep.equal([{ type: "command-done", link: "master:m", gen: 7 }]);

    manager.execute({ type: "replicaof", link: "master:m", target: null, abortFailover: true });
    expect(conns[0]?.calls.slice(-7, -4)).to.deep.equal([
      "multi",
      "failover ABORT",
      "slaveof NO ONE",
    ]);
  });

  it("tells the shutdown when every transaction has its replies, or gives up after the bound", async () => {
    const { manager, conns } = setup();
    expect(await manager.transactionsSettled(10_000)).to.equal(true);
    manager.execute({ ...CONNECT, conn: "cmd", auth: null });
    conns[0]?.handlers.onReady();
    const abort: Command = {
      type: "transaction",
      link: "master:m",
      steps: [
        ["failover", "ABORT"],
        ["client", "UNPAUSE"],
      ],
    };
    manager.execute(abort);
    let settled: boolean | null = null;
    void manager.transactionsSettled(10_000).then((v) => (settled = v));
    const answers = conns[0]?.answers.slice(-4) ?? [];
    for (const answer of answers.slice(0, 3)) answer({ kind: "reply", value: "QUEUED" });
    await flush();
    expect(settled).to.equal(null);
    answers[3]?.({ kind: "reply", value: ["OK", "OK"] });
    await flush();
    expect(settled).to.equal(true);

    // An instance that never answers: the wait ends at the bound all the same.
    manager.execute(abort);
    const startedAt = performance.now();
    expect(await manager.transactionsSettled(30)).to.equal(false);
    expect(performance.now() - startedAt).to.be.below(1_000);
  });

  it("answers every close with link-closed, with no reason for a connection it does not hold", () => {
    const { manager, conns, inputs } = setup();
    manager.execute({ ...CONNECT, conn: "cmd" });
    conns[0]?.handlers.onReady();
    inputs.length = 0;
    manager.execute({ type: "close", link: "master:m", conn: "cmd" });
    expect(conns[0]?.closed).to.equal(true);
    // Closed already, a link never opened, and a forgotten one: the core still gets its answer.
    manager.execute({ type: "close", link: "master:m", conn: "cmd" });
    manager.execute({ type: "close", link: "replica:x", conn: "pubsub" });
    expect(inputs).to.deep.equal([
      { type: "link-closed", link: "master:m", conn: "cmd", reason: "closed by sentinel", gen: 7 },
      { type: "link-closed", link: "master:m", conn: "cmd", reason: "" },
      { type: "link-closed", link: "replica:x", conn: "pubsub", reason: "" },
    ]);
  });

  it("reports link-closed once when the connection drops, and nothing after a forget", () => {
    const { manager, conns, inputs } = setup();
    manager.execute({ ...CONNECT, conn: "cmd" });
    conns[0]?.handlers.onClosed("ECONNREFUSED");
    conns[0]?.handlers.onClosed("ECONNREFUSED");
    expect(inputs).to.deep.equal([
      { type: "link-closed", link: "master:m", conn: "cmd", reason: "ECONNREFUSED", gen: 7 },
    ]);
    manager.execute({ ...CONNECT, conn: "cmd" });
    manager.execute({ type: "forget", link: "master:m" });
    conns[1]?.handlers.onClosed("closed");
    expect(inputs).to.have.length(1);
    expect(conns[1]?.closed).to.equal(true);
  });

  it("closes the pub/sub connection whose SUBSCRIBE is refused, as a drop (hiredis)", () => {
    const { manager, conns, inputs } = setup();
    manager.execute({ ...CONNECT, auth: null });
    conns[0]?.handlers.onReady();
    const [setName, subscribe] = conns[0]?.answers ?? [];
    // CLIENT SETNAME refused: ignored, as sentinel.c's discard callback does.
    setName?.({ kind: "error", text: "NOAUTH Authentication required." });
    expect(conns[0]?.closed).to.equal(false);
    subscribe?.({ kind: "error", text: "NOAUTH Authentication required." });
    expect(conns[0]?.closed).to.equal(true);
    // Its own close comes later, or never: the drop is reported once.
    conns[0]?.handlers.onClosed("connection closed");
    expect(inputs.slice(1)).to.deep.equal([
      {
        type: "link-closed",
        link: "master:m",
        conn: "pubsub",
        reason: "NOAUTH Authentication required.",
        gen: 7,
      },
    ]);
    // A refusal reaching a connection already replaced closes nothing.
    manager.execute({ ...CONNECT, auth: null, gen: 8 });
    manager.execute({ ...CONNECT, auth: null, gen: 9 });
    conns[1]?.handlers.onReady();
    conns[2]?.handlers.onReady();
    conns[1]?.answers[1]?.({ kind: "error", text: "NOAUTH Authentication required." });
    conns[2]?.answers[1]?.({ kind: "reply", value: ["subscribe", "__sentinel__:hello", 1] });
    expect(conns[2]?.closed).to.equal(false);
    expect(inputs.slice(2).map((i) => i.type)).to.deep.equal(["link-connected"]);
  });

  it("sends under the names of the latest rename-commands on connections already open", () => {
    const { manager, conns } = setup();
    manager.execute({ ...CONNECT, conn: "cmd", auth: null, renamedCommands: {} });
    conns[0]?.handlers.onReady();
    manager.execute({ type: "ping", link: "master:m" });
    manager.execute({
      type: "rename-commands",
      link: "master:m",
      renamedCommands: { ping: "PONG", info: "xinfo", slaveof: "xslaveof", config: "xconfig" },
    });
    // Another link's map is its own.
    manager.execute({ type: "rename-commands", link: "master:other", renamedCommands: {} });
    manager.execute({ type: "ping", link: "master:m" });
    manager.execute({ type: "info", link: "master:m" });
    manager.execute({ type: "replicaof", link: "master:m", target: null });
    expect(conns[0]?.calls.slice(1)).to.deep.equal([
      "ping",
      "PONG",
      "xinfo",
      "multi",
      "xslaveof NO ONE",
      "xconfig REWRITE",
      "client KILL TYPE normal",
      "client KILL TYPE pubsub",
      "exec",
    ]);
  });
});

// Proves the link manager speaks to real Redis processes as redis-sentinel does: AUTH and
// CLIENT SETNAME on connect (visible in CLIENT LIST), PING/INFO replies as typed inputs, hellos
// published on the command connection and received on the pub/sub one, is-master-down-by-addr
// narrowed from a real redis-sentinel, the reconfiguration transaction turning a real replica
// into a master and back, and rename-command applied to every command name.
import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Input } from "../../src/core/model/inputs.js";
import type { Command } from "../../src/core/model/ready.js";
import { createLogger } from "../../src/shell/logger.js";
import { LinkManager } from "../../src/shell/link-manager.js";
import { loadRedisClient } from "../../src/shell/redis-link.js";
import { freePort, redisCli, startRedis, waitFor } from "./shell-support/processes.js";
import type { RedisProcess } from "./shell-support/processes.js";
import { spawn } from "node:child_process";

const CLIENT_NAME = "sentinel-abcdef12";

describe("link manager against redis-server", function () {
  this.timeout(30_000);
  let processes: RedisProcess[];
  let inputs: Input[];
  let manager: LinkManager;
  let logLines: string[];
  /** The generation of the last connect (each connect gets the next, as the core gives them). */
  let lastGen: number;

  before(async () => {
    await loadRedisClient();
  });

  beforeEach(() => {
    lastGen = 0;
    processes = [];
    inputs = [];
    logLines = [];
    manager = new LinkManager({
      push: (input) => inputs.push(input),
      logger: createLogger({
        level: "debug",
        logfile: "",
        destination: { write: (l) => logLines.push(l) },
      }),
    });
  });

  afterEach(async () => {
    manager.closeAll();
    for (const p of processes) await p.stop();
  });

  async function redis(
    extra: readonly string[] = [],
    password = "",
    probe = ["PING"],
    expected = "PONG",
  ): Promise<RedisProcess> {
    const p = await startRedis(extra, password, probe, expected);
    processes.push(p);
    return p;
  }

  function connect(
    link: string,
    port: number,
    conn: "cmd" | "pubsub",
    extra: Partial<Extract<Command, { type: "connect" }>> = {},
  ): void {
    manager.execute({
      type: "connect",
      link,
      conn,
      addr: { ip: "127.0.0.1", port },
      auth: null,
      clientName: `${CLIENT_NAME}-${conn}`,
      renamedCommands: {},
      gen: ++lastGen,
      connectTimeoutMs: 2000,
      ...extra,
    });
  }

  function find<T extends Input["type"]>(
    type: T,
    pred: (i: Extract<Input, { type: T }>) => boolean = () => true,
  ): Extract<Input, { type: T }> | undefined {
    return inputs.find(
      (i): i is Extract<Input, { type: T }> =>
        i.type === type && pred(i as Extract<Input, { type: T }>),
    );
  }

  async function connected(link: string, conn: "cmd" | "pubsub"): Promise<void> {
    await waitFor(
      `${link} ${conn} connected`,
      () => find("link-connected", (i) => i.link === link && i.conn === conn) !== undefined,
    );
  }

  it("authenticates, names the connection and reports the local IP", async () => {
    const r = await redis(["--requirepass", "s3cret"], "s3cret");
    connect("master:m", r.port, "cmd", { auth: { user: "", pass: "s3cret" } });
    await connected("master:m", "cmd");
    expect(find("link-connected")).to.deep.include({ localIp: "127.0.0.1" });
    await waitFor("the name in CLIENT LIST", async () =>
      (await redisCli(r.port, ["CLIENT", "LIST"], "s3cret")).includes(`name=${CLIENT_NAME}-cmd`),
    );
    manager.execute({ type: "ping", link: "master:m" });
    manager.execute({ type: "info", link: "master:m" });
    await waitFor("INFO reply", () => find("info-reply") !== undefined);
    expect(find("ping-reply")?.reply).to.deep.equal({ kind: "ok", text: "PONG" });
    const info = find("info-reply")?.reply;
    // INFO answers with a bulk string, PING with a status: the core reads them differently.
    expect(info?.kind).to.equal(process.env["VIGIL_LINK_CLIENT"] === "ioredis" ? "ok" : "bulk");
    expect(info?.text).to.contain("role:master");
  });

  it("sends AUTH <user> <pass> when auth-user is set", async () => {
    const r = await redis(["--user", "mon", "on", ">pw", "~*", "&*", "+@all"]);
    connect("master:m", r.port, "cmd", { auth: { user: "mon", pass: "pw" } });
    await connected("master:m", "cmd");
    await waitFor(
      "the name in CLIENT LIST",
      async () =>
        (await redisCli(r.port, ["CLIENT", "LIST"])).includes(`name=${CLIENT_NAME}-cmd`) &&
        (await redisCli(r.port, ["CLIENT", "LIST"])).includes("user=mon"),
    );
    manager.execute({ type: "script-kill", link: "master:m" });
    await waitFor("command-done", () => find("command-done") !== undefined);
  });

  it("publishes hellos on the command connection and receives them on the pub/sub one", async () => {
    const r = await redis();
    connect("master:m", r.port, "cmd");
    connect("master:m", r.port, "pubsub");
    await connected("master:m", "cmd");
    await connected("master:m", "pubsub");
    await waitFor("the subscription", async () =>
      (await redisCli(r.port, ["PUBSUB", "NUMSUB", "__sentinel__:hello"])).includes("1"),
    );
    const payload = "127.0.0.1,26379,abc,0,m,127.0.0.1,6379,0";
    manager.execute({ type: "publish-hello", link: "master:m", payload });
    await waitFor("the hello back", () => find("hello-received") !== undefined);
    // Each tagged with the generation of its connection: cmd was connected first, pub/sub second.
    expect(find("hello-received")).to.deep.equal({
      type: "hello-received",
      via: "master:m",
      payload,
      gen: 2,
    });
    expect(find("publish-reply")).to.deep.equal({
      type: "publish-reply",
      link: "master:m",
      ok: true,
      gen: 1,
    });
    expect(await redisCli(r.port, ["CLIENT", "LIST"])).to.contain(`name=${CLIENT_NAME}-pubsub`);
  });

  it("reports link-closed for a refused connection and at once for a close, never for a forget", async () => {
    const port = await freePort();
    connect("slave:m:x", port, "cmd");
    await waitFor("link-closed", () => find("link-closed") !== undefined);
    expect(find("link-connected")).to.equal(undefined);
    const r = await redis();
    inputs.length = 0;
    connect("master:m", r.port, "cmd");
    connect("master:m", r.port, "pubsub");
    await connected("master:m", "pubsub");
    await connected("master:m", "cmd");
    manager.execute({ type: "close", link: "master:m", conn: "both" });
    expect(
      inputs.filter((i) => i.type === "link-closed").map((i) => (i as { conn: string }).conn),
    ).to.deep.equal(["cmd", "pubsub"]);
    connect("sentinel:peer", r.port, "cmd");
    await connected("sentinel:peer", "cmd");
    const before = inputs.length;
    manager.execute({ type: "forget", link: "sentinel:peer" });
    manager.execute({ type: "ping", link: "sentinel:peer" });
    await waitFor(
      "the socket to go",
      async () => !(await redisCli(r.port, ["CLIENT", "LIST"])).includes("name=sentinel"),
    );
    expect(inputs.length).to.equal(before);
  });

  it("narrows is-master-down-by-addr replies from a real redis-sentinel, and errors to null", async () => {
    const r = await redis();
    const sentinelPort = await freePort();
    const conf = join(r.dir, "sentinel.conf");
    writeFileSync(
      conf,
      `port ${sentinelPort}\nbind 127.0.0.1\nsentinel monitor m 127.0.0.1 ${r.port} 1\n`,
    );
    const sentinel = spawn("redis-sentinel", [conf], { stdio: "ignore" });
    processes.push({
      port: sentinelPort,
      child: sentinel,
      dir: r.dir,
      stop: async () => {
        if (sentinel.exitCode !== null || sentinel.signalCode !== null) return;
        const exited = new Promise((resolve) => sentinel.once("exit", resolve));
        sentinel.kill("SIGKILL");
        await exited;
      },
    });
    await waitFor("redis-sentinel", async () =>
      (await redisCli(sentinelPort, ["PING"])).includes("PONG"),
    );
    connect("sentinel:peer", sentinelPort, "cmd");
    connect("master:m", r.port, "cmd");
    await connected("sentinel:peer", "cmd");
    await connected("master:m", "cmd");
    const ask = {
      type: "ask-master-down",
      master: "m",
      ip: "127.0.0.1",
      port: r.port,
      epoch: 0n,
      runId: "*",
    } as const;
    manager.execute({ ...ask, link: "sentinel:peer" });
    manager.execute({ ...ask, link: "master:m" });
    await waitFor(
      "both replies",
      () => inputs.filter((i) => i.type === "is-master-down-reply").length === 2,
    );
    expect(find("is-master-down-reply", (i) => i.link === "sentinel:peer")?.reply).to.deep.equal({
      down: false,
      leader: "*",
      leaderEpoch: 0n,
    });
    expect(find("is-master-down-reply", (i) => i.link === "master:m")?.reply).to.equal(null);
  });

  async function role(port: number): Promise<string> {
    const info = await redisCli(port, ["INFO", "replication"]);
    return /role:(\w+)/.exec(info)?.[1] ?? "";
  }

  it("turns a real replica into a master and back with the reconfiguration transaction", async () => {
    const master = await redis();
    const replica = await redis(["--replicaof", "127.0.0.1", String(master.port)]);
    expect(await role(replica.port)).to.equal("slave");
    connect("slave:m:r", replica.port, "cmd");
    connect("slave:m:r", replica.port, "pubsub");
    await connected("slave:m:r", "cmd");
    await connected("slave:m:r", "pubsub");
    manager.execute({ type: "replicaof", link: "slave:m:r", target: null });
    await waitFor("command-done", () => find("command-done") !== undefined);
    expect(await role(replica.port)).to.equal("master");
    // CLIENT KILL TYPE pubsub dropped our own pub/sub connection, as it does for Redis.
    await waitFor(
      "pubsub closed",
      () => find("link-closed", (i) => i.conn === "pubsub") !== undefined,
    );
    inputs.length = 0;
    manager.execute({
      type: "replicaof",
      link: "slave:m:r",
      target: { ip: "127.0.0.1", port: master.port },
    });
    await waitFor("command-done", () => find("command-done") !== undefined);
    expect(await role(replica.port)).to.equal("slave");
    // The replica has no config file: CONFIG REWRITE failed, was logged, and EXEC still ran.
    expect(logLines.join("")).to.contain("config file");
  });

  it("applies rename-command to every command it sends", async () => {
    const renames = [
      "CONFIG",
      "vvconfig",
      "SLAVEOF",
      "vvslaveof",
      "CLIENT",
      "vvclient",
      "PING",
      "vvping",
      "INFO",
      "vvinfo",
      "MULTI",
      "vvmulti",
      "EXEC",
      "vvexec",
      "SUBSCRIBE",
      "vvsubscribe",
      "PUBLISH",
      "vvpublish",
    ];
    const renameArgs = renames.flatMap((_, i) =>
      i % 2 === 0 ? ["--rename-command", renames[i] ?? "", renames[i + 1] ?? ""] : [],
    );
    const master = await redis();
    const replica = await redis(
      [...renameArgs, "--replicaof", "127.0.0.1", String(master.port)],
      "",
      ["vvping"],
      "PONG",
    );
    const renamedCommands: Record<string, string> = {};
    for (let i = 0; i < renames.length; i += 2)
      renamedCommands[(renames[i] ?? "").toLowerCase()] = renames[i + 1] ?? "";
    connect("slave:m:r", replica.port, "cmd", { renamedCommands });
    connect("slave:m:r", replica.port, "pubsub", { renamedCommands });
    await connected("slave:m:r", "cmd");
    await connected("slave:m:r", "pubsub");
    await waitFor("the renamed subscription", async () =>
      (await redisCli(replica.port, ["PUBSUB", "NUMSUB", "__sentinel__:hello"])).includes("1"),
    );
    manager.execute({ type: "publish-hello", link: "slave:m:r", payload: "hello" });
    await waitFor(
      "the hello back through renamed PUBLISH and SUBSCRIBE",
      () => find("hello-received") !== undefined,
    );
    await waitFor("the name in CLIENT LIST", async () =>
      (await redisCli(replica.port, ["vvclient", "LIST"])).includes(`name=${CLIENT_NAME}-cmd`),
    );
    manager.execute({ type: "ping", link: "slave:m:r" });
    manager.execute({ type: "info", link: "slave:m:r" });
    manager.execute({ type: "replicaof", link: "slave:m:r", target: null });
    await waitFor("command-done", () => find("command-done") !== undefined);
    expect(find("ping-reply")?.reply).to.deep.equal({ kind: "ok", text: "PONG" });
    expect(find("info-reply")?.reply.text).to.contain("role:slave");
    const info = await redisCli(replica.port, ["vvinfo", "replication"]);
    expect(info).to.contain("role:master");
    expect(logLines.join("")).not.to.contain("unknown command");
  });
});

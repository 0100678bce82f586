// Proves the runtime keeps the Ready ordering contract of core/model/ready.ts with a fake core and a
// fake config store whose save() the test completes by hand: nothing is replied or sent before
// the persist completes, a failed persist turns deferred replies into Redis's save error and is
// fed back to the core, inputs arriving during the persist wait, events reach the log, the
// pub/sub channel, then the core's notification jobs (batches: runtime-batches.test.ts).
import { expect } from "chai";
import type { CoreAnswer } from "../../../src/commands/host.js";
import type { Command } from "../../../src/core/index.js";
import { SAVE_FAILED_ERROR } from "../../../src/shell/runtime.js";
import type { Harness } from "./runtime-fixture.js";
import {
  PERSISTED,
  FakeCore,
  event,
  adminReply,
  settle,
  harness,
  ADMIN_FLUSH,
} from "./runtime-fixture.js";

/** An is-master-down-by-addr request to peer b about mymaster, in epoch 2 (`*`: no vote asked). */
function askMasterDown(runId: string) {
  return {
    type: "ask-master-down",
    link: "sentinel:b",
    master: "mymaster",
    ip: "127.0.0.1",
    port: 6379,
    epoch: 2n,
    runId,
  } as const;
}

describe("runtime: persist before replies and commands", () => {
  it("sends no reply and no command until the persist completes", async () => {
    const h = harness();
    h.core.respond = (input) =>
      input.type === "admin"
        ? {
            persist: PERSISTED,
            replies: [adminReply(input.requestId, true)],
            commands: [{ type: "replicaof", link: "master:m", target: null }],
          }
        : {};
    let answered: CoreAnswer | null = null;
    const pending = h.request(ADMIN_FLUSH).then((reply) => (answered = reply));
    await settle();
    expect(h.store.inFlight).to.equal(true);
    expect(h.order).to.deep.equal([]);
    expect(answered).to.equal(null);
    h.store.complete();
    await pending;
    expect(answered).to.deep.equal(adminReply(1, true));
    expect(h.order).to.deep.equal(["reply:1", "command:replicaof"]);
    expect(h.store.saved).to.deep.equal([PERSISTED]);
  });

  it("sends vote requests, PINGs, INFOs, hellos and SLAVEOF <host> <port> before the persist starts, the rest only after it", async () => {
    const h = harness();
    const ask = askMasterDown("a".repeat(40));
    h.core.respond = (input) =>
      input.type === "tick"
        ? {
            persist: PERSISTED,
            commands: [
              { type: "replicaof", link: "slave:r", target: null },
              // Behind the SLAVEOF NO ONE on its link: its reply must show the new role.
              { type: "info", link: "slave:r" },
              { type: "publish-hello", link: "sentinel:b", payload: "hello" },
              ask,
              { type: "replicaof", link: "slave:s", target: { ip: "127.0.0.1", port: 6380 } },
              { type: "info", link: "slave:s" },
              { type: "ping", link: "master:m" },
              { type: "client-unpause", link: "master:m" },
              // Behind the held CLIENT UNPAUSE on its link.
              { type: "publish-hello", link: "master:m", payload: "hello" },
            ],
            events: [event("+try-failover", "master mymaster 127.0.0.1 6379", "mymaster")],
          }
        : {};
    h.runtime.push({ type: "tick", wallNow: 1 });
    await settle();
    expect(h.store.inFlight).to.equal(true);
    expect(h.order, "our vote for ourselves is being written").to.deep.equal([
      "command:publish-hello",
      "command:ask-master-down",
      "command:replicaof",
      "command:info",
      "command:ping",
    ]);
    expect(h.published).to.deep.equal([]);
    h.store.complete();
    await h.runtime.idle();
    expect(h.order.slice(5)).to.deep.equal([
      "command:replicaof",
      "command:info",
      "command:client-unpause",
      "command:publish-hello",
    ]);
    expect(h.published.map(([channel]) => channel)).to.deep.equal(["+try-failover"]);
  });

  it("opens the connects of a Ready after its other commands, each link's commands in order", async () => {
    const sent: string[] = [];
    const h = harness(new FakeCore(), (c) => sent.push(`${c.type}:${"link" in c ? c.link : ""}`));
    const connect = (link: string): Command => ({
      type: "connect",
      link,
      conn: "cmd",
      addr: { ip: "127.0.0.1", port: 6379 },
      auth: null,
      clientName: "sentinel-aaaaaaaa-cmd",
      renamedCommands: {},
      gen: 1,
      connectTimeoutMs: 1000,
    });
    h.core.respond = (input) =>
      input.type === "tick"
        ? {
            commands: [
              connect("master:m"),
              askMasterDown("a".repeat(40)),
              { type: "info", link: "slave:r" },
              connect("slave:s"),
              { type: "ping", link: "sentinel:b" },
              // Its connect opens first.
              { type: "forget", link: "slave:s" },
              { type: "info", link: "slave:t" },
            ],
          }
        : {};
    h.runtime.push({ type: "tick", wallNow: 1 });
    await h.runtime.idle();
    expect(sent).to.deep.equal([
      "ask-master-down:sentinel:b",
      "info:slave:r",
      "ping:sentinel:b",
      "connect:master:m",
      "connect:slave:s",
      "forget:slave:s",
      "info:slave:t",
    ]);
  });

  it("writes a Ready's commands to the sockets before it logs and publishes its events", async () => {
    const seen: string[] = [];
    const h: Harness = harness(
      new FakeCore(),
      (c) => seen.push(c.type),
      () => 1000,
      () => seen.push(`flush (${h.published.length} published)`),
    );
    h.core.respond = (input) =>
      input.type === "tick"
        ? {
            commands: [askMasterDown("*"), { type: "info", link: "slave:r" }],
            events: [event("+sdown", "master mymaster 127.0.0.1 6379", "mymaster")],
          }
        : {};
    h.runtime.push({ type: "tick", wallNow: 1 });
    await h.runtime.idle();
    expect(seen).to.deep.equal(["ask-master-down", "info", "flush (0 published)"]);
    expect(h.published.map(([channel]) => channel)).to.deep.equal(["+sdown"]);
  });

  it("writes the commands sent before the persist ahead of the core's snapshot too", async () => {
    const h = harness();
    h.core.announcesAhead = true;
    h.core.onTake = () => h.order.push("snapshot");
    h.core.respond = (input) =>
      input.type === "tick"
        ? {
            persist: PERSISTED,
            commands: [
              askMasterDown("a".repeat(40)),
              { type: "publish-hello", link: "slave:r", payload: "hello" },
              { type: "client-unpause", link: "master:m" },
            ],
          }
        : {};
    h.runtime.push({ type: "tick", wallNow: 1 });
    await settle();
    expect(h.order).to.deep.equal(["command:ask-master-down", "command:publish-hello", "snapshot"]);
    h.store.complete();
    await h.runtime.idle();
    expect(h.order.slice(3)).to.deep.equal(["command:client-unpause"]);
  });

  it("keeps inputs that arrive during the persist queued until it completes", async () => {
    const h = harness();
    h.core.respond = (input) => (input.type === "tick" ? { persist: PERSISTED } : {});
    h.runtime.push({ type: "tick", wallNow: 1 });
    await settle();
    h.runtime.push({ type: "command-done", link: "master:m" });
    await settle();
    expect(h.core.steps.map((s) => s.type)).to.deep.equal(["tick"]);
    h.store.complete();
    await h.runtime.idle();
    expect(h.core.steps.map((s) => s.type)).to.deep.equal(["tick", "command-done"]);
  });

  it("replies without waiting when the batch has nothing to persist", async () => {
    const h = harness();
    h.core.respond = (input) =>
      input.type === "admin" ? { replies: [adminReply(input.requestId, false)] } : {};
    const reply = await h.request(ADMIN_FLUSH);
    expect(reply).to.deep.equal(adminReply(1, false));
    expect(h.store.saved).to.have.length(0);
  });

  it("carries out the Ready the core prepared at construction when started", async () => {
    const core = new FakeCore({
      persist: PERSISTED,
      events: [event("+monitor", "master m 127.0.0.1 6379 quorum 2", "mymaster")],
    });
    const h = harness(core);
    const started = h.runtime.start();
    await settle();
    h.store.complete();
    await started;
    expect(h.store.saved).to.have.length(1);
    expect(h.published).to.deep.equal([["+monitor", "master m 127.0.0.1 6379 quorum 2"]]);
  });

  it("hands every event, debug ones too, to the observer (the HTTP endpoint's telemetry)", async () => {
    const events = [
      event("+sdown", "master mymaster 127.0.0.1 6379", "mymaster"),
      event("-cmd-link-reconnection", "master mymaster 127.0.0.1 6379 #refused", "mymaster"),
    ];
    const h = harness(new FakeCore({ events }));
    await h.runtime.start();
    expect(h.observed).to.deep.equal(events);
    // Published first: the observer never delays what clients see.
    expect(h.published).to.deep.equal([["+sdown", "master mymaster 127.0.0.1 6379"]]);
  });
});

describe("runtime: persist failure", () => {
  /** CONFIG FLUSH (request 1), its OK reply held until the persist it asks for is saved. */
  function flushAfterPersist(h: Harness): Promise<CoreAnswer> {
    h.core.respond = (input) =>
      input.type === "admin" && input.requestId === 1
        ? { persist: PERSISTED, replies: [adminReply(1, true)] }
        : {};
    return h.request(ADMIN_FLUSH);
  }

  it("answers afterPersist replies with the save error and feeds persist-failed back", async () => {
    const h = harness();
    const first = flushAfterPersist(h);
    await settle();
    h.store.fail("EACCES: permission denied");
    expect(await first).to.deep.equal({ kind: "refused", message: SAVE_FAILED_ERROR });
    await h.runtime.idle();
    const failed = h.core.steps.find((s) => s.type === "persist-failed");
    expect(failed).to.deep.equal({ type: "persist-failed", error: "EACCES: permission denied" });
    expect(h.lines.join("")).to.contain(
      "WARNING: Sentinel was not able to save the new configuration on disk!!!",
    );
  });

  it("logs redis-sentinel's two lines after a save: the rewrite at debug, then the notice", async () => {
    const h = harness();
    const first = flushAfterPersist(h);
    await settle();
    h.store.complete();
    await first;
    const logged = h.lines.map((l) => JSON.parse(l) as { msg: string; level: number });
    const rewritten = logged.findIndex(
      (l) => l.msg === "Rewritten config file (/etc/vigil/sentinel.conf) successfully",
    );
    const saved = logged.findIndex((l) => l.msg === "Sentinel new configuration saved on disk");
    expect(rewritten).to.be.at.least(0);
    expect(saved).to.equal(rewritten + 1);
  });

  it("still sends replies that did not depend on the persist", async () => {
    const h = harness();
    h.core.respond = (input) =>
      input.type === "is-master-down-request"
        ? {
            persist: PERSISTED,
            replies: [
              {
                kind: "is-master-down",
                requestId: input.requestId,
                down: true,
                leader: "*",
                leaderEpoch: 0n,
                afterPersist: false,
              },
            ],
          }
        : {};
    const reply = h.request((requestId) => ({
      type: "is-master-down-request",
      requestId,
      ip: "127.0.0.1",
      port: 6379,
      epoch: 0n,
      runId: "*",
    }));
    await settle();
    h.store.fail("disk full");
    expect((await reply).kind).to.equal("is-master-down");
    expect(h.order).to.deep.equal(["reply:1"]);
  });
});

describe("runtime: events, scripts and exit", () => {
  it("logs every event, publishes non-debug ones, then runs the core's notification and client-reconfig jobs", async () => {
    const h = harness();
    h.core.respond = () => ({
      events: [
        event("+sdown", "master mymaster 127.0.0.1 6379", "mymaster"),
        event(
          "+slave",
          "slave 127.0.0.1:6380 127.0.0.1 6380 @ mymaster 127.0.0.1 6379",
          "mymaster",
        ),
        event("-cmd-link-reconnection", "master mymaster 127.0.0.1 6379 #ECONNREFUSED", "mymaster"),
      ],
      notifications: [
        {
          kind: "notification",
          master: "mymaster",
          path: "/bin/notify",
          args: ["+sdown", "master mymaster 127.0.0.1 6379"],
        },
      ],
      scripts: [
        {
          kind: "client-reconfig",
          master: "mymaster",
          path: "/bin/reconf",
          args: ["mymaster", "leader"],
        },
      ],
    });
    h.runtime.push({ type: "tick", wallNow: 1 });
    await h.runtime.idle();
    expect(h.published.map(([c]) => c)).to.deep.equal(["+sdown", "+slave"]);
    expect(h.scripts).to.deep.equal([
      ["/bin/notify", ["+sdown", "master mymaster 127.0.0.1 6379"]],
      ["/bin/reconf", ["mymaster", "leader"]],
    ]);
    const logged = h.lines.map(
      (l) => JSON.parse(l) as { event?: string; msg: string; master?: string },
    );
    const sdown = logged.find((l) => l.event === "+sdown");
    expect(sdown).to.include({ msg: "+sdown master mymaster 127.0.0.1 6379", master: "mymaster" });
    expect(logged.filter((l) => l.event !== undefined)).to.have.length(3);
  });

  it("exits with the core's exit code after the persist and sends nothing", async () => {
    const h = harness();
    h.core.respond = () => ({
      persist: PERSISTED,
      exitCode: 99,
      commands: [{ type: "ping", link: "master:m" }, askMasterDown("*")],
      events: [event("+elected-leader", "master mymaster 127.0.0.1 6379", "mymaster")],
    });
    h.runtime.push({ type: "tick", wallNow: 1 });
    await settle();
    expect(h.exits).to.deep.equal([]);
    h.store.complete();
    await h.runtime.idle();
    expect(h.exits).to.deep.equal([99]);
    expect(h.order).to.deep.equal([]);
    expect(h.lines.join("")).to.contain("+elected-leader");
  });

  it("writes the core's log lines among its events, the failover delay as a wall-clock date", async () => {
    const h = harness();
    h.core.respond = () => ({
      events: [
        event("+new-epoch", "1", "mymaster"),
        event("+try-failover", "master mymaster 127.0.0.1 6379", "mymaster"),
      ],
      logs: [
        { kind: "text", at: 0, level: "warning", text: "Executing user requested FAILOVER" },
        { kind: "failover-delay", at: 2, waitMs: 121_000 },
      ],
    });
    h.runtime.push({ type: "tick", wallNow: 1 });
    await h.runtime.idle();
    const messages = h.lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).to.deep.equal([
      "Executing user requested FAILOVER",
      "+new-epoch 1",
      "+try-failover master mymaster 127.0.0.1 6379",
      "Next failover delay: I will not start a failover before Mon Aug  9 08:24:00 2021",
    ]);
  });

  it("follows the loglevel the core holds (SENTINEL CONFIG SET loglevel)", async () => {
    const h = harness();
    h.core.state.global = { ...h.core.state.global, logLevel: "warning" };
    h.core.respond = () => ({
      events: [event("+slave", "slave 1.1.1.1:1 1.1.1.1 1 @ mymaster 127.0.0.1 6379", "mymaster")],
    });
    h.runtime.push({ type: "tick", wallNow: 1 });
    await h.runtime.idle();
    expect(h.lines).to.deep.equal([]);
  });

  it("answers a request the core left unanswered instead of hanging", async () => {
    const h = harness();
    const reply = await h.request(ADMIN_FLUSH);
    expect(reply).to.deep.equal({ kind: "refused", message: "ERR internal error: no reply" });
  });
});

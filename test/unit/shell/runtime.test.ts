// Proves the runtime keeps the Ready ordering contract of core/ready.ts with a fake core and a
// fake config store whose save() the test completes by hand: nothing is replied or sent before
// the persist completes, a failed persist turns deferred replies into Redis's save error and is
// fed back to the core, inputs arriving during the persist wait, events reach the log, the
// pub/sub channel and the master's notification script, and the inputs of one turn of the event
// loop are stepped as one batch.
import { expect } from "chai";
import type { PersistedState } from "../../../src/core/config.js";
import type { Input } from "../../../src/core/inputs.js";
import type { Command, CoreReply, Ready } from "../../../src/core/ready.js";
import type { SentinelState } from "../../../src/core/state.js";
import type { SentinelEvent } from "../../../src/core/events.js";
import { EVENT_LEVELS } from "../../../src/core/events.js";
import { R } from "../../../src/protocol/reply.js";
import type { Reply } from "../../../src/protocol/reply.js";
import { createLogger } from "../../../src/shell/logger.js";
import { Runtime, SAVE_FAILED_ERROR } from "../../../src/shell/runtime.js";
import type { CoreDriver, PersistStore } from "../../../src/shell/runtime.js";

const PERSISTED: PersistedState = {
  myId: "a".repeat(40),
  currentEpoch: 1,
  global: {
    announceIp: "",
    announcePort: 0,
    denyScriptsReconfig: true,
    resolveHostnames: false,
    announceHostnames: false,
    sentinelUser: "",
    sentinelPass: "",
  },
  masters: [],
};

function emptyReady(): Ready {
  return { persist: null, replies: [], commands: [], events: [], scripts: [], exitCode: null };
}

class FakeCore implements CoreDriver {
  readonly steps: Input[] = [];
  /** How many Readies were taken: one per batch. */
  takes = 0;
  /** What the core answers to each input. */
  respond: (input: Input) => Partial<Ready> = () => ({});
  private pending: Ready = emptyReady();
  readonly state = {
    masters: new Map([["mymaster", { settings: { notificationScript: "/bin/notify" } }]]),
  } as unknown as SentinelState;

  constructor(initial: Partial<Ready> = {}) {
    this.pending = { ...emptyReady(), ...initial };
  }

  step(_now: number, input: Input): void {
    this.steps.push(input);
    const out = this.respond(input);
    this.pending = {
      persist: out.persist ?? this.pending.persist,
      replies: [...this.pending.replies, ...(out.replies ?? [])],
      commands: [...this.pending.commands, ...(out.commands ?? [])],
      events: [...this.pending.events, ...(out.events ?? [])],
      scripts: [...this.pending.scripts, ...(out.scripts ?? [])],
      exitCode: out.exitCode ?? this.pending.exitCode,
    };
  }

  takeReady(): Ready {
    this.takes++;
    const ready = this.pending;
    this.pending = emptyReady();
    return ready;
  }
}

/** A store whose saves complete only when the test says so. */
class ManualStore implements PersistStore {
  readonly saved: PersistedState[] = [];
  private settle: { resolve: () => void; reject: (err: Error) => void } | null = null;

  save(state: PersistedState): Promise<void> {
    return new Promise((resolve, reject) => {
      this.saved.push(state);
      this.settle = { resolve, reject };
    });
  }

  get inFlight(): boolean {
    return this.settle !== null;
  }

  complete(): void {
    const s = this.settle;
    this.settle = null;
    s?.resolve();
  }

  fail(message: string): void {
    const s = this.settle;
    this.settle = null;
    s?.reject(new Error(message));
  }
}

function event(
  type: keyof typeof EVENT_LEVELS,
  text: string,
  master: string | null,
): SentinelEvent {
  return { type, level: EVENT_LEVELS[type], text, master };
}

function adminReply(requestId: number, afterPersist: boolean): CoreReply {
  return { kind: "admin", requestId, result: { kind: "ok" }, afterPersist };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

interface Harness {
  runtime: Runtime;
  core: FakeCore;
  store: ManualStore;
  order: string[];
  published: [string, string][];
  scripts: [string, readonly string[]][];
  exits: number[];
  lines: string[];
}

function harness(
  core = new FakeCore(),
  onCommand: (command: Command, runtime: Runtime) => void = () => undefined,
): Harness {
  const store = new ManualStore();
  const order: string[] = [];
  const published: [string, string][] = [];
  const scripts: [string, readonly string[]][] = [];
  const exits: number[] = [];
  const lines: string[] = [];
  const logger = createLogger({
    level: "debug",
    logfile: "",
    destination: { write: (l) => lines.push(l) },
  });
  const runtime = new Runtime({
    core,
    store,
    commands: {
      execute: (c: Command) => {
        order.push(`command:${c.type}`);
        onCommand(c, runtime);
      },
    },
    scripts: { enqueue: (path, args) => scripts.push([path, args]) },
    publish: (channel, message) => published.push([channel, message]),
    logger,
    now: () => 1000,
    renderReply: (reply: CoreReply): Reply => {
      order.push(`reply:${reply.requestId}`);
      return R.ok();
    },
    exit: (code) => exits.push(code),
  });
  return { runtime, core, store, order, published, scripts, exits, lines };
}

const ADMIN_FLUSH = (requestId: number): Input => ({
  type: "admin",
  requestId,
  op: { op: "flushconfig" },
});

describe("runtime: persist before replies and commands", () => {
  it("sends no reply and no command until the persist completes", async () => {
    const h = harness();
    h.core.respond = (input) =>
      input.type === "admin"
        ? {
            persist: PERSISTED,
            replies: [adminReply(input.requestId, true)],
            commands: [{ type: "ping", link: "master:m" }],
          }
        : {};
    let answered: Reply | null = null;
    const pending = h.runtime.request(ADMIN_FLUSH).then((reply) => (answered = reply));
    await settle();
    expect(h.store.inFlight).to.equal(true);
    expect(h.order).to.deep.equal([]);
    expect(answered).to.equal(null);
    h.store.complete();
    await pending;
    expect(answered).to.deep.equal(R.ok());
    expect(h.order).to.deep.equal(["reply:1", "command:ping"]);
    expect(h.store.saved).to.deep.equal([PERSISTED]);
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
    const reply = await h.runtime.request(ADMIN_FLUSH);
    expect(reply).to.deep.equal(R.ok());
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
});

describe("runtime: persist failure", () => {
  it("answers afterPersist replies with the save error and feeds persist-failed back", async () => {
    const h = harness();
    h.core.respond = (input) =>
      input.type === "admin" && input.requestId === 1
        ? { persist: PERSISTED, replies: [adminReply(1, true)] }
        : {};
    const first = h.runtime.request(ADMIN_FLUSH);
    await settle();
    h.store.fail("EACCES: permission denied");
    expect(await first).to.deep.equal(R.error(SAVE_FAILED_ERROR));
    await h.runtime.idle();
    const failed = h.core.steps.find((s) => s.type === "persist-failed");
    expect(failed).to.deep.equal({ type: "persist-failed", error: "EACCES: permission denied" });
    expect(h.lines.join("")).to.contain(
      "WARNING: Sentinel was not able to save the new configuration on disk!!!",
    );
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
                leaderEpoch: 0,
                afterPersist: false,
              },
            ],
          }
        : {};
    const reply = h.runtime.request((requestId) => ({
      type: "is-master-down-request",
      requestId,
      ip: "127.0.0.1",
      port: 6379,
      epoch: 0,
      runId: "*",
    }));
    await settle();
    h.store.fail("disk full");
    expect(await reply).to.deep.equal(R.ok());
    expect(h.order).to.deep.equal(["reply:1"]);
  });
});

describe("runtime: events, scripts and exit", () => {
  it("logs every event, publishes non-debug ones and runs the notification script for warnings", async () => {
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
      commands: [{ type: "ping", link: "master:m" }],
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

  it("answers a request the core left unanswered instead of hanging", async () => {
    const h = harness();
    const reply = await h.runtime.request(ADMIN_FLUSH);
    expect(reply.type).to.equal("error");
  });
});

describe("runtime: batches", () => {
  const PONG: Input = { type: "ping-reply", link: "master:m", reply: { kind: "ok", text: "PONG" } };

  it("steps every input pushed in one turn of the event loop as one batch", async () => {
    const h = harness();
    h.runtime.push(PONG);
    h.runtime.push({ type: "command-done", link: "master:m" });
    h.runtime.push({ type: "publish-reply", link: "master:m", ok: true });
    expect(h.core.steps).to.have.length(0);
    await h.runtime.idle();
    expect(h.core.steps.map((s) => s.type)).to.deep.equal([
      "ping-reply",
      "command-done",
      "publish-reply",
    ]);
    expect(h.core.takes).to.equal(1);
  });

  it("steps the replies read in a turn before the tick queued ahead of them", async () => {
    // After a long turn Node runs the due scheduler tick (timers phase) before it reads the
    // replies that arrived meanwhile (poll phase): all land in one batch, tick first.
    const h = harness();
    h.runtime.push({ type: "tick", wallNow: 1 });
    h.runtime.push(PONG);
    h.runtime.push({ type: "tick", wallNow: 2 });
    h.runtime.push({ type: "command-done", link: "master:m" });
    await h.runtime.idle();
    expect(h.core.steps.map((s) => s.type)).to.deep.equal([
      "ping-reply",
      "command-done",
      "tick",
      "tick",
    ]);
    expect(h.core.steps.filter((s) => s.type === "tick").map((s) => s.wallNow)).to.deep.equal([
      1, 2,
    ]);
  });

  it("steps an input pushed while a batch is carried out in a batch of its own, right after", async () => {
    // The command executor feeds an input back synchronously, as a link close does.
    const h = harness(new FakeCore(), (_command, runtime) => {
      runtime.push(PONG);
    });
    h.core.respond = (input) =>
      input.type === "tick" ? { commands: [{ type: "ping", link: "master:m" }] } : {};
    h.runtime.push({ type: "tick", wallNow: 1 });
    await h.runtime.idle();
    expect(h.core.steps.map((s) => s.type)).to.deep.equal(["tick", "ping-reply"]);
    expect(h.core.takes).to.equal(2);
  });
});

describe("runtime: follow-up ticks", () => {
  const VOTE: Input = {
    type: "is-master-down-reply",
    link: "sentinel:x",
    master: "mymaster",
    reply: { down: true, leader: "*", leaderEpoch: 0 },
  };

  it("steps one more tick at once after an is-master-down-by-addr reply", async () => {
    const h = harness();
    h.runtime.push(VOTE);
    await h.runtime.idle();
    expect(h.core.steps.map((s) => s.type)).to.deep.equal(["is-master-down-reply", "tick"]);
  });

  it("steps one more tick after a tick that entered a failover state acting at once", async () => {
    const h = harness();
    let ticks = 0;
    h.core.respond = (input) => {
      if (input.type !== "tick") return {};
      ticks++;
      return ticks === 1
        ? { events: [event("+elected-leader", "master mymaster 10.0.0.1 6379", "mymaster")] }
        : {};
    };
    h.runtime.push({ type: "tick", wallNow: 1 });
    await h.runtime.idle();
    expect(ticks).to.equal(2);
  });

  it("does not follow up on ordinary replies", async () => {
    const h = harness();
    h.runtime.push({ type: "ping-reply", link: "master:m", reply: { kind: "ok", text: "PONG" } });
    await h.runtime.idle();
    expect(h.core.steps.map((s) => s.type)).to.deep.equal(["ping-reply"]);
  });

  it("caps the follow-ups between two scheduler ticks", async () => {
    const h = harness();
    // A core that would ask for a follow-up after every tick.
    h.core.respond = (input) =>
      input.type === "tick"
        ? { events: [event("+selected-slave", "slave x @ mymaster 10.0.0.1 6379", "mymaster")] }
        : {};
    h.runtime.push({ type: "tick", wallNow: 1 });
    await h.runtime.idle();
    expect(h.core.steps.filter((s) => s.type === "tick")).to.have.length(9);
    h.runtime.push({ type: "tick", wallNow: 2 });
    await h.runtime.idle();
    expect(h.core.steps.filter((s) => s.type === "tick")).to.have.length(18);
  });
});

describe("runtime: candidate wake-up", () => {
  it("ticks when a master that just went ODOWN is due to stand as a candidate", async () => {
    const core = new FakeCore();
    const master = core.state.masters.get("mymaster") as unknown as { candidateTime: number };
    master.candidateTime = 1030;
    const h = harness(core);
    let ticks = 0;
    h.core.respond = (input) => {
      if (input.type !== "tick") return {};
      ticks++;
      return ticks === 1
        ? { events: [event("+odown", "master mymaster 10.0.0.1 6379 #quorum 2/2", "mymaster")] }
        : {};
    };
    h.runtime.push({ type: "tick", wallNow: 1 });
    await h.runtime.idle();
    expect(ticks).to.equal(1);
    const deadline = Date.now() + 2_000;
    while (ticks < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(ticks).to.equal(2);
    await h.runtime.stop();
  });
});

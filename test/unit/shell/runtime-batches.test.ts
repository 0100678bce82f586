// Proves how the runtime groups inputs: the inputs of one turn of the event loop are stepped as
// one batch (replies before the tick queued ahead of them), an input pushed during a batch gets
// a batch of its own, and the runtime follows the core's wake-up wish: a tick at once (within a
// cap), one at a later time, none; stop() steps the shutdown's last input and carries it out.
import { expect } from "chai";
import type { Input } from "../../../src/core/model/inputs.js";
import { FakeCore, harness } from "./runtime-fixture.js";
import type { Harness } from "./runtime-fixture.js";

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

describe("runtime: a failover's inputs first (urgent-batch.ts)", () => {
  const PONG: Input = { type: "ping-reply", link: "master:m", reply: { kind: "ok", text: "PONG" } };
  const ASK: Input = {
    type: "is-master-down-request",
    requestId: 7,
    ip: "10.0.0.1",
    port: 6379,
    epoch: 1n,
    runId: "*",
  };
  const PROMOTED: Input = {
    type: "info-reply",
    link: "slave:f:r",
    reply: { kind: "ok", text: "" },
  };

  it("steps the urgent inputs of a turn in a batch of their own, carried out before the routine ones are stepped", async () => {
    const h = harness();
    h.core.urgent = (input) => input === ASK || input === PROMOTED;
    const order: string[] = [];
    h.core.onTake = () => order.push(`take after ${h.core.steps.length}`);
    h.runtime.push({ type: "tick", wallNow: 1 });
    h.runtime.push(PONG);
    h.runtime.push(ASK);
    h.runtime.push({ type: "command-done", link: "master:m" });
    h.runtime.push(PROMOTED);
    await h.runtime.idle();
    expect(h.core.steps.map((s) => s.type)).to.deep.equal([
      "is-master-down-request",
      "info-reply",
      "ping-reply",
      "command-done",
      "tick",
    ]);
    expect(order).to.deep.equal(["take after 2", "take after 5"]);
  });

  it("keeps one batch when every input, or none, is urgent", async () => {
    const h = harness();
    h.core.urgent = () => false;
    h.runtime.push(PONG);
    h.runtime.push(ASK);
    await h.runtime.idle();
    expect(h.core.takes).to.equal(1);
  });
});

describe("runtime: stop with a last input (the shutdown)", () => {
  it("drops what was queued, steps the last input alone, carries out its commands and logs, then takes nothing more", async () => {
    const h = harness();
    h.core.respond = (input) =>
      input.type === "shutdown"
        ? {
            commands: [
              {
                type: "transaction",
                link: "master:m",
                steps: [
                  ["failover", "ABORT"],
                  ["client", "UNPAUSE"],
                ],
              },
            ],
            logs: [{ kind: "text", at: 0, level: "warning", text: "handover ended" }],
          }
        : {};
    h.runtime.push({ type: "tick", wallNow: 1 });
    await h.runtime.stop({ type: "shutdown" });
    expect(h.core.steps.map((s) => s.type)).to.deep.equal(["shutdown"]);
    expect(h.core.takes).to.equal(1);
    expect(h.order).to.deep.equal(["command:transaction"]);
    expect(h.lines.some((l) => l.includes("handover ended"))).to.equal(true);
    h.runtime.push({ type: "tick", wallNow: 2 });
    await h.runtime.idle();
    expect(h.core.steps).to.have.length(1);
  });
});

describe("runtime: the core's wake-up (Ready.wakeAt)", () => {
  /**
   * The core asks for a tick at `wakeAt(tickNumber)` after each of its ticks, each visiting
   * `tickRecords` records.
   */
  function wakeAfterTicks(
    h: Harness,
    wakeAt: (tick: number) => number | null,
    tickRecords = 5000,
  ): () => number {
    let ticks = 0;
    h.core.respond = (input) => {
      if (input.type !== "tick") return {};
      ticks++;
      return { wakeAt: wakeAt(ticks), tickRecords };
    };
    return () => ticks;
  }

  it("steps one more tick at once when the core asks for one at or before now", async () => {
    const h = harness();
    // now is 1000 in the fixture: asked once, at 1000.
    const ticks = wakeAfterTicks(h, (n) => (n === 1 ? 1000 : null));
    h.runtime.push({ type: "tick", wallNow: 1 });
    await h.runtime.idle();
    expect(ticks()).to.equal(2);
    expect(h.core.takes).to.equal(2);
  });

  it("steps no extra tick when the core asks for none", async () => {
    const h = harness();
    const ticks = wakeAfterTicks(h, () => null);
    h.runtime.push({ type: "tick", wallNow: 1 });
    h.runtime.push({ type: "ping-reply", link: "master:m", reply: { kind: "ok", text: "PONG" } });
    await h.runtime.idle();
    expect(ticks()).to.equal(1);
  });

  it("caps the at-once ticks between two regular ticks at 8 when a tick visits many records", async () => {
    const h = harness();
    // A core that asks for a tick at once after every tick.
    wakeAfterTicks(h, () => 1000);
    h.runtime.push({ type: "tick", wallNow: 1 });
    await h.runtime.idle();
    expect(h.core.steps.filter((s) => s.type === "tick")).to.have.length(9);
    h.runtime.push({ type: "tick", wallNow: 2 });
    await h.runtime.idle();
    expect(h.core.steps.filter((s) => s.type === "tick")).to.have.length(18);
  });

  it("allows up to 64 at-once ticks between two regular ticks while they visit at most 2048 records", async () => {
    for (const [records, allowed] of [
      [5, 64],
      [64, 32],
      [256, 8],
      [500, 8],
    ] as const) {
      const h = harness();
      wakeAfterTicks(h, () => 1000, records);
      h.runtime.push({ type: "tick", wallNow: 1 });
      await h.runtime.idle();
      const ticks = h.core.steps.filter((s) => s.type === "tick").length;
      expect(ticks, `${records} records per tick`).to.equal(1 + allowed);
    }
  });

  it("ticks when a later wake-up time comes", async () => {
    const h = harness();
    const ticks = wakeAfterTicks(h, (n) => (n === 1 ? 1030 : null));
    h.runtime.push({ type: "tick", wallNow: 1 });
    await h.runtime.idle();
    expect(ticks()).to.equal(1);
    const deadline = Date.now() + 2_000;
    while (ticks() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(ticks()).to.equal(2);
    await h.runtime.stop();
  });

  it("drops the timer when the core no longer asks for the wake-up", async () => {
    const h = harness();
    h.core.respond = (input) => {
      if (input.type === "tick") return {};
      // A reply asks for 1030; the next batch (another reply) withdraws it.
      return { wakeAt: input.type === "ping-reply" ? 1030 : null };
    };
    h.runtime.push({ type: "ping-reply", link: "master:m", reply: { kind: "ok", text: "PONG" } });
    await h.runtime.idle();
    h.runtime.push({ type: "command-done", link: "master:m" });
    await h.runtime.idle();
    await new Promise((r) => setTimeout(r, 100));
    expect(h.core.steps.filter((s) => s.type === "tick")).to.have.length(0);
    await h.runtime.stop();
  });

  it("waits for a wake-up beyond setTimeout's 2^31-1 ms instead of firing at once", async () => {
    const h = harness();
    // 2^40 ms ahead (now is 1000): an unclamped setTimeout overflows into a 1 ms timer.
    const ticks = wakeAfterTicks(h, (n) => (n === 1 ? 1000 + 2 ** 40 : null));
    h.runtime.push({ type: "tick", wallNow: 1 });
    await h.runtime.idle();
    await new Promise((r) => setTimeout(r, 100));
    expect(ticks()).to.equal(1);
    await h.runtime.stop();
  });
});

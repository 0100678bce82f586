// Proves how the runtime groups inputs: the inputs of one turn of the event loop are stepped as
// one batch (replies before the tick queued ahead of them), an input pushed during a batch gets
// a batch of its own, follow-up ticks come right after replies that let the core act, within a
// cap, and a master that just went ODOWN is ticked when its candidate delay ends.
import { expect } from "chai";
import type { SentinelEvent } from "../../../src/core/model/events.js";
import type { Input } from "../../../src/core/model/inputs.js";
import { FakeCore, event, harness } from "./runtime-fixture.js";
import type { Harness } from "./runtime-fixture.js";

/** The core reports `first` from its first tick and nothing after; returns the tick count. */
function eventOnFirstTick(h: Harness, first: SentinelEvent): () => number {
  let ticks = 0;
  h.core.respond = (input) => {
    if (input.type !== "tick") return {};
    ticks++;
    return ticks === 1 ? { events: [first] } : {};
  };
  return () => ticks;
}

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
    reply: { down: true, leader: "*", leaderEpoch: 0n },
  };

  it("steps one more tick at once after an is-master-down-by-addr reply", async () => {
    const h = harness();
    h.runtime.push(VOTE);
    await h.runtime.idle();
    expect(h.core.steps.map((s) => s.type)).to.deep.equal(["is-master-down-reply", "tick"]);
  });

  it("steps one more tick after a tick that entered a failover state acting at once", async () => {
    const h = harness();
    const ticks = eventOnFirstTick(
      h,
      event("+elected-leader", "master mymaster 10.0.0.1 6379", "mymaster"),
    );
    h.runtime.push({ type: "tick", wallNow: 1 });
    await h.runtime.idle();
    expect(ticks()).to.equal(2);
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
    const master = core.state.masters.get("mymaster")!;
    master.candidateTime = 1030;
    const h = harness(core);
    const ticks = eventOnFirstTick(
      h,
      event("+odown", "master mymaster 10.0.0.1 6379 #quorum 2/2", "mymaster"),
    );
    h.runtime.push({ type: "tick", wallNow: 1 });
    await h.runtime.idle();
    expect(ticks()).to.equal(1);
    const deadline = Date.now() + 2_000;
    while (ticks() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(ticks()).to.equal(2);
    await h.runtime.stop();
  });

  it("waits for a wake-up beyond setTimeout's 2^31-1 ms instead of firing at once", async () => {
    const core = new FakeCore();
    const master = core.state.masters.get("mymaster")!;
    // 2^40 ms ahead (now is 1000): an unclamped setTimeout overflows into a 1 ms timer.
    master.candidateTime = 1000 + 2 ** 40;
    const h = harness(core);
    const ticks = eventOnFirstTick(
      h,
      event("+odown", "master mymaster 10.0.0.1 6379 #quorum 2/2", "mymaster"),
    );
    h.runtime.push({ type: "tick", wallNow: 1 });
    await h.runtime.idle();
    await new Promise((r) => setTimeout(r, 100));
    expect(ticks()).to.equal(1);
    await h.runtime.stop();
  });
});

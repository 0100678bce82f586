// Proves the runtime's deferrable saves (Ready.persistSoon: a replica or peer discovered): the
// batch's commands go out without waiting for them, they are written soon after from a snapshot
// taken then, several close together become one write once the last write took long, a full
// persist covers a pending one, and stop() writes one still pending.
import { expect } from "chai";
import { SOFT_SAVE_SPACING } from "../../../src/shell/runtime.js";
import type { Input } from "../../../src/core/model/inputs.js";
import type { Ready } from "../../../src/core/model/ready.js";
import type { Harness } from "./runtime-fixture.js";
import { PERSISTED, FakeCore, harness, settle } from "./runtime-fixture.js";
import { waitFor } from "../../e2e/harness/wait-for.js";

const SOON = { persistSoon: true, commands: [{ type: "ping", link: "master:m" }] } as const;

/** The runtime on a clock the test moves; its core answers each tick with a deferrable save. */
function clocked(
  respond: (input: Input) => Partial<Ready> = (input) => (input.type === "tick" ? SOON : {}),
): { h: Harness; clock: { now: number } } {
  const clock = { now: 1_000 };
  const h = harness(
    new FakeCore(),
    () => undefined,
    () => clock.now,
  );
  h.core.respond = respond;
  return { h, clock };
}

/** One tick, and the runtime idle after it. */
async function tick(h: Harness): Promise<void> {
  h.runtime.push({ type: "tick", wallNow: 1 });
  await h.runtime.idle();
}

/** The first tick's deferrable save, written in `tookMs` of the clock. */
async function firstSave(h: Harness, clock: { now: number }, tookMs: number): Promise<void> {
  h.runtime.push({ type: "tick", wallNow: 1 });
  await waitFor("the first save", () => h.store.inFlight, { timeoutMs: 2_000 });
  clock.now += tookMs;
  h.store.complete();
  await h.runtime.idle();
}

describe("runtime: deferrable saves", () => {
  it("sends the batch's commands without waiting, then writes a snapshot", async () => {
    const h = harness();
    h.core.respond = (input) => (input.type === "tick" ? SOON : {});
    h.runtime.push({ type: "tick", wallNow: 1 });
    await settle();
    expect(h.order).to.deep.equal(["command:ping"]);
    await waitFor("the deferred save", () => h.store.inFlight, { timeoutMs: 2_000 });
    expect(h.core.snapshots).to.equal(1);
    expect(h.store.saved).to.deep.equal([PERSISTED]);
    h.store.complete();
    await h.runtime.idle();
  });

  it("makes one write of the saves asked while the last write is recent", async () => {
    const { h, clock } = clocked();
    // The write takes 25 ms: the next deferrable one waits SOFT_SAVE_SPACING × 25 ms after it.
    await firstSave(h, clock, 25);
    for (let i = 0; i < 3; i++) await tick(h);
    expect(h.store.saved).to.have.length(1);
    clock.now += SOFT_SAVE_SPACING * 25;
    await waitFor("the coalesced save", () => h.store.inFlight, { timeoutMs: 2_000 });
    expect(h.store.saved).to.have.length(2);
    expect(h.core.snapshots).to.equal(2);
    h.store.complete();
    await h.runtime.idle();
  });

  it("writes no deferred save after a full persist covered it", async () => {
    const { h, clock } = clocked((input) =>
      input.type === "tick" ? SOON : input.type === "command-done" ? { persist: PERSISTED } : {},
    );
    await firstSave(h, clock, 1_000);
    await tick(h);
    h.runtime.push({ type: "command-done", link: "master:m" });
    await waitFor("the full persist", () => h.store.inFlight, { timeoutMs: 2_000 });
    h.store.complete();
    await h.runtime.idle();
    clock.now += 100_000;
    await new Promise((resolve) => setTimeout(resolve, 30));
    await settle();
    expect(h.store.saved).to.have.length(2);
    expect(h.core.snapshots).to.equal(1);
  });

  it("writes a deferred save still pending when it stops", async () => {
    const { h, clock } = clocked();
    await firstSave(h, clock, 1_000);
    await tick(h);
    const stopped = h.runtime.stop();
    await waitFor("the save at stop", () => h.store.inFlight, { timeoutMs: 2_000 });
    h.store.complete();
    await stopped;
    expect(h.store.saved).to.have.length(2);
  });
});

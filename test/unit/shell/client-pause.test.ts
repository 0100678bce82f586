// Proves ServerPause keeps CLIENT PAUSE's state as networking.c's pauseClients does: the mode
// and the end only grow (a later shorter or WRITE pause changes neither), an end past INT64_MAX
// wraps into the past as in 7.0.15 (no pause), UNPAUSE and the end release the held connections
// in the order they were held, a released request can be held again, and a closed one is
// forgotten.
import { expect } from "chai";
import { PAUSE_ALL, PAUSE_NONE, PAUSE_WRITE } from "../../../src/commands/context.js";
import type { Holdable } from "../../../src/shell/client-pause.js";
import { ServerPause } from "../../../src/shell/client-pause.js";

function recorder(log: string[], name: string, onRelease?: () => void): Holdable {
  return {
    release: () => {
      log.push(name);
      onRelease?.();
    },
  };
}

describe("ServerPause", () => {
  const clock = { ms: 1_700_000_000_000 };
  let pause: ServerPause;
  beforeEach(() => {
    pause = new ServerPause(() => clock.ms);
  });
  afterEach(() => {
    pause.stop();
  });

  it("widens the mode and lengthens the end, never the reverse", () => {
    pause.pause(600n, PAUSE_ALL);
    pause.pause(100n, PAUSE_WRITE);
    expect(pause.mode).to.equal(PAUSE_ALL);
    clock.ms += 599;
    pause.pause(0n, PAUSE_WRITE);
    expect(pause.mode).to.equal(PAUSE_ALL);
    clock.ms += 1;
    pause.pause(0n, PAUSE_WRITE);
    expect(pause.mode).to.equal(PAUSE_NONE);
  });

  it("takes an end past INT64_MAX as 7.0.15 does: wrapped into the past, nothing paused", () => {
    pause.pause(9_223_372_036_854_775_807n, PAUSE_WRITE);
    expect(pause.mode).to.equal(PAUSE_NONE);
    pause.pause(9_000_000_000_000_000_000n, PAUSE_WRITE);
    expect(pause.mode).to.equal(PAUSE_WRITE);
  });

  it("releases the held connections in order at UNPAUSE, forgetting closed ones", () => {
    const log: string[] = [];
    pause.pause(10_000n, PAUSE_ALL);
    const [a, b, c] = ["a", "b", "c"].map((n) => recorder(log, n));
    pause.hold(a!);
    pause.hold(b!);
    pause.hold(c!);
    pause.forget(b!);
    expect(pause.heldCount).to.equal(2);
    pause.unpause();
    expect(log).to.deep.equal(["a", "c"]);
    expect(pause.mode).to.equal(PAUSE_NONE);
    expect(pause.heldCount).to.equal(0);
  });

  it("holds again what a released request paused anew (a held CLIENT PAUSE)", () => {
    const log: string[] = [];
    pause.pause(10_000n, PAUSE_ALL);
    const second = recorder(log, "second", () => {
      pause.hold(second);
    });
    const first = recorder(log, "first", () => {
      pause.pause(5_000n, PAUSE_ALL);
    });
    pause.hold(first);
    pause.hold(second);
    pause.unpause();
    expect(log).to.deep.equal(["first", "second"]);
    expect(pause.mode).to.equal(PAUSE_ALL);
    expect(pause.heldCount).to.equal(1);
  });

  it("ends by itself at the end time (bounded wait)", async () => {
    const real = new ServerPause();
    const log: string[] = [];
    real.pause(30n, PAUSE_WRITE);
    real.hold(recorder(log, "held"));
    const started = performance.now();
    while (log.length === 0 && performance.now() - started < 2_000) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(log).to.deep.equal(["held"]);
    expect(performance.now() - started).to.be.within(20, 2_000);
    expect(real.mode).to.equal(PAUSE_NONE);
  });
});

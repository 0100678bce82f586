// Proves the tick keeps Redis's jitter (1000/hz ms, hz re-drawn in [10, 19] after every tick) and
// hands both clocks to each tick, using a scripted Random and fake timer functions.
import { expect } from "chai";
import { CyclingRandom } from "../../support/fake-random.js";
import { nextTickDelay, Scheduler } from "../../../src/shell/scheduler.js";

describe("scheduler: jitter", () => {
  it("keeps every delay between 1000/19 and 1000/10 ms", () => {
    const delays = Array.from({ length: 10 }, (_, k) => nextTickDelay(new CyclingRandom([k])));
    expect(Math.min(...delays)).to.equal(53);
    expect(Math.max(...delays)).to.equal(100);
    for (const d of delays) expect(d).to.be.within(52, 100);
  });

  it("draws hz among exactly ten values", () => {
    const seen: number[] = [];
    nextTickDelay({ int: (n) => (seen.push(n), 0) });
    expect(seen).to.deep.equal([10]);
  });
});

describe("scheduler: ticks", () => {
  it("re-draws the delay after every tick and passes monotonic and wall time", () => {
    const armed: { fn: () => void; ms: number }[] = [];
    const ticks: [number, number][] = [];
    let mono = 5000;
    const scheduler = new Scheduler({
      random: new CyclingRandom([0, 9, 4]),
      monotonicNow: () => (mono += 10),
      wallNow: () => 1_700_000_000_000,
      onTick: (now, wall) => ticks.push([now, wall]),
      timers: { set: (fn, ms) => armed.push({ fn, ms }), clear: () => undefined },
    });
    scheduler.start();
    armed[0]?.fn();
    armed[1]?.fn();
    expect(armed.map((a) => a.ms)).to.deep.equal([100, 53, 71]);
    expect(ticks).to.deep.equal([
      [5010, 1_700_000_000_000],
      [5020, 1_700_000_000_000],
    ]);
  });

  it("stops ticking once stopped", () => {
    const armed: (() => void)[] = [];
    let ticks = 0;
    const scheduler = new Scheduler({
      random: new CyclingRandom([0]),
      monotonicNow: () => 0,
      wallNow: () => 0,
      onTick: () => ticks++,
      timers: { set: (fn) => armed.push(fn), clear: () => undefined },
    });
    scheduler.start();
    scheduler.stop();
    armed[0]?.();
    expect(ticks).to.equal(0);
    expect(scheduler.isRunning).to.equal(false);
  });
});

// Proves the tick keeps Redis's jitter (1000/hz ms, hz re-drawn in [10, 19] after every tick) and
// hands both clocks to each tick, using a scripted Random and fake timer functions; and that it
// reports how late each tick's timer fired (INFO's event-loop lag): a loop held busy shows as
// one late tick, an idle one as about 0, with no timer beside the tick's.
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

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Hold the event loop.
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("scheduler: lateness of the tick", () => {
  it("reports how late each tick fired, counted from the previous one", () => {
    const armed: (() => void)[] = [];
    const late: number[] = [];
    let clock = 0;
    const scheduler = new Scheduler({
      random: new CyclingRandom([0]),
      monotonicNow: () => 0,
      wallNow: () => 0,
      // Each tick's own work takes 30 ms: it does not count against the next one.
      onTick: () => (clock += 30),
      onLate: (ms) => late.push(ms),
      lagClock: () => clock,
      timers: { set: (fn) => armed.push(fn), clear: () => undefined },
    });
    scheduler.start();
    clock = 100;
    armed[0]?.();
    clock += 70 + 12;
    armed[1]?.();
    expect(late).to.deep.equal([0, 12]);
  });

  it("shows a blocked loop as one late tick on real timers", async () => {
    const late: number[] = [];
    const scheduler = new Scheduler({
      random: new CyclingRandom([9]),
      monotonicNow: () => 0,
      wallNow: () => 0,
      onTick: () => undefined,
      onLate: (ms) => late.push(ms),
    });
    scheduler.start();
    try {
      await sleep(140);
      busy(200);
      await sleep(140);
    } finally {
      scheduler.stop();
    }
    // Ticks every 53 ms: the one due during the 200 ms fired at least 140 ms late; the others,
    // on a loop that waited, about on time.
    expect(Math.max(...late)).to.be.at.least(140);
    expect(late.filter((ms) => ms < 50).length).to.be.greaterThan(late.length / 2);
  });
});

// Proves the tick keeps Redis's jitter (1000/hz ms, hz re-drawn in [10, 19] after every tick) and
// hands both clocks to each tick, using a scripted Random and fake timer functions; and that it
// reports how late each tick's timer fired (INFO's event-loop lag): a loop held busy shows as
// one late tick, an idle one as about 0, with no timer beside the tick's; and that while the
// core names a later time for its next useful tick (holdUntil), the tick waits until then.
import { expect } from "chai";
import { CyclingRandom } from "../../support/fake-random.js";
import { MAX_IDLE_MS, nextTickDelay, Scheduler } from "../../../src/shell/scheduler.js";

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

describe("scheduler: idle stretch (holdUntil)", () => {
  /** A scheduler on fake timers and one clock (lag clock = monotonic clock). */
  function fake(): {
    scheduler: Scheduler;
    armed: { fn: () => void; ms: number; cleared: boolean }[];
    ticks: number[];
    late: number[];
    advance: (ms: number) => void;
  } {
    let clock = 10_000;
    const armed: { fn: () => void; ms: number; cleared: boolean }[] = [];
    const ticks: number[] = [];
    const late: number[] = [];
    const scheduler = new Scheduler({
      // hz 10: a regular tick every 100 ms.
      random: new CyclingRandom([0]),
      monotonicNow: () => clock,
      wallNow: () => clock,
      lagClock: () => clock,
      onTick: (_now, _wall, idleMs) => ticks.push(idleMs),
      onLate: (ms) => late.push(ms),
      timers: {
        set: (fn, ms) => armed.push({ fn, ms, cleared: false }) - 1,
        clear: (handle) => {
          armed[handle as number]!.cleared = true;
        },
      },
    });
    return { scheduler, armed, ticks, late, advance: (ms) => (clock += ms) };
  }

  it("moves the next tick to the time the core names, and says how much later it came", () => {
    const { scheduler, armed, ticks, advance } = fake();
    scheduler.start();
    advance(10);
    scheduler.holdUntil(10_000 + 400);
    expect(armed.map((a) => [a.ms, a.cleared])).to.deep.equal([
      [100, true],
      [392, false],
    ]);
    advance(392);
    armed[1]!.fn();
    // Due at 402 instead of 100.
    expect(ticks).to.deep.equal([302]);
  });

  it("gives the tick a whole-ms `now` past the time the core named, even when its timer fires a ms early", () => {
    // The lag clock has fractions; the core's clock is whole ms (clock.ts: monotonicNow).
    let real = 10_000.7;
    const armed: { fn: () => void; ms: number }[] = [];
    const nows: number[] = [];
    const scheduler = new Scheduler({
      random: new CyclingRandom([0]),
      monotonicNow: () => Math.floor(real),
      wallNow: () => real,
      lagClock: () => real,
      onTick: (now) => nows.push(now),
      timers: { set: (fn, ms) => armed.push({ fn, ms }), clear: () => undefined },
    });
    scheduler.start();
    real += 10;
    const at = 10_400;
    scheduler.holdUntil(at);
    const started = real;
    // libuv counts the delay from the loop time it cached, up to a ms before the timer was set.
    real = started + armed.at(-1)!.ms - 0.99;
    armed.at(-1)!.fn();
    // The core's strict tests (`now - last > period`) pass at at + 1 at the earliest.
    expect(nows[0]).to.be.at.least(at + 1);
  });

  it("waits at most MAX_IDLE_MS after the last tick, and never less than the regular delay", () => {
    const { scheduler, armed } = fake();
    scheduler.start();
    scheduler.holdUntil(10_000 + 60_000);
    expect(armed.at(-1)!.ms).to.equal(MAX_IDLE_MS);
    scheduler.holdUntil(10_000 + 50);
    expect(armed.at(-1)!.ms).to.equal(100);
  });

  it("brings the regular tick back when a gate is voided (holdUntil(0)), not counted as lag", () => {
    const { scheduler, armed, ticks, late, advance } = fake();
    scheduler.start();
    scheduler.holdUntil(10_000 + 900);
    advance(300);
    scheduler.holdUntil(0);
    // Overdue since 100: at once.
    expect(armed.map((a) => [a.ms, a.cleared])).to.deep.equal([
      [100, true],
      [902, true],
      [0, false],
    ]);
    advance(1);
    armed[2]!.fn();
    // 200 ms after its regular time, waited on purpose (TILT does not count them); late by the
    // 1 ms since it was armed, not by the 201 ms since its regular time.
    expect(ticks).to.deep.equal([200]);
    expect(late).to.deep.equal([1]);
    // The same time again arms nothing new.
    const before = armed.length;
    scheduler.holdUntil(0);
    expect(armed.length).to.equal(before);
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

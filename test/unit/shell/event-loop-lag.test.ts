// Proves the event-loop lag recorder: lateness reported by the tick timer lands in the
// cumulative histogram (early counts as 0), and the p99 covers about the last minute — a burst
// of lateness leaves it once its 10 s slices have aged out, while the histogram keeps it. The
// timer that feeds it is the scheduler's (scheduler.test.ts: "reports how late").
import { expect } from "chai";
import { EventLoopLag } from "../../../src/shell/event-loop-lag.js";
import { LAG_BOUNDS_MS } from "../../../src/commands/lag-histogram.js";

describe("EventLoopLag", () => {
  it("records lateness into the cumulative histogram, early as 0", () => {
    const lag = new EventLoopLag(() => 0);
    for (const late of [-0.4, 0.5, 3, 75]) lag.record(late);
    const snapshot = lag.snapshot();
    expect(snapshot.count).to.equal(4);
    expect(snapshot.le[LAG_BOUNDS_MS.indexOf(1)]).to.equal(2);
    expect(snapshot.le[LAG_BOUNDS_MS.indexOf(50)]).to.equal(3);
    expect(snapshot.sumMs).to.equal(78.5);
  });

  it("keeps the p99 to about the last minute, the histogram to the whole run", () => {
    let now = 1_000;
    const lag = new EventLoopLag(() => now);
    const tick = (late: number): void => {
      now += 100;
      lag.record(late);
    };
    for (let i = 0; i < 100; i++) tick(i % 25 === 0 ? 400 : 0.5);
    expect(lag.p99Ms()).to.be.at.least(300);
    // Seventy seconds of idle ticks later the 400 ms samples are out of the window.
    for (let i = 0; i < 700; i++) tick(0.5);
    expect(lag.p99Ms()).to.be.at.most(1);
    const snapshot = lag.snapshot();
    expect(snapshot.count).to.equal(800);
    expect(snapshot.count - (snapshot.le[LAG_BOUNDS_MS.indexOf(300)] ?? 0)).to.equal(4);
  });

  it("reads 0 with no samples", () => {
    const lag = new EventLoopLag();
    expect(lag.p99Ms()).to.equal(0);
    expect(lag.snapshot().count).to.equal(0);
  });
});

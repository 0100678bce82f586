// Proves the event-loop lag sampler records how late its timer fired: a loop held busy for
// 80 ms shows one sample of at least the part of it past the timer's due time, in the
// cumulative histogram and in the rolling p99; an idle loop records lateness near 0, not the
// 10 ms interval.
import { expect } from "chai";
import { startEventLoopLag } from "../../../src/shell/event-loop-lag.js";
import { LAG_BOUNDS_MS } from "../../../src/commands/lag-histogram.js";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Hold the event loop.
  }
}

describe("startEventLoopLag", () => {
  it("records a blocked loop as one late sample", async () => {
    const lag = startEventLoopLag();
    try {
      await sleep(30);
      busy(80);
      await sleep(30);
      const snapshot = lag.snapshot();
      expect(snapshot.count).to.be.greaterThan(1);
      // The timer was due at most 10 ms into the 80 ms: at least 70 ms late.
      const le50 = snapshot.le[LAG_BOUNDS_MS.indexOf(50)] ?? 0;
      expect(snapshot.count - le50, "samples above 50 ms").to.equal(1);
      expect(snapshot.sumMs).to.be.at.least(70);
      expect(lag.p99Ms()).to.be.at.least(50);
    } finally {
      lag.stop();
    }
  });

  it("records lateness, not the sampling interval, on an idle loop", async () => {
    const lag = startEventLoopLag();
    try {
      await sleep(120);
      const snapshot = lag.snapshot();
      expect(snapshot.count).to.be.greaterThan(3);
      // Every sample of an idle loop is far below the 10 ms interval it waited.
      const le8 = snapshot.le[LAG_BOUNDS_MS.indexOf(8)] ?? 0;
      expect(le8).to.be.greaterThan(snapshot.count / 2);
    } finally {
      lag.stop();
    }
  });
});

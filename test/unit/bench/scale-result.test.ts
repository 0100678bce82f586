// Proves bench:scale's lag figures: each sentinel's window is its end snapshot minus its start,
// the max is the bound of the highest bucket holding a sample, and a sentinel without a
// histogram (redis-sentinel) gives no figures.
import { expect } from "chai";
import { LagHistogram } from "../../../src/commands/lag-histogram.js";
import { lagFigures } from "../../../bench/lib/scale-result.js";

describe("bench:scale lagFigures", () => {
  it("reads p50, p99 and the max bucket of each sentinel's own window", () => {
    const h = new LagHistogram();
    h.record(400); // before the window: not counted
    const before = h.snapshot();
    for (let i = 0; i < 98; i++) h.record(0.5);
    h.record(7);
    h.record(18);
    const figures = lagFigures([before], [h.snapshot()]);
    expect(figures.lagMaxMs?.values).to.deep.equal([20]);
    expect(figures.lagP50Ms?.median).to.be.within(0, 1);
    expect(figures.lagP99Ms?.median).to.be.within(6, 8);
  });

  it("reads Infinity above the last bound, and nothing without a histogram", () => {
    const h = new LagHistogram();
    const before = h.snapshot();
    h.record(9000);
    expect(lagFigures([before], [h.snapshot()]).lagMaxMs?.values).to.deep.equal([Infinity]);
    expect(lagFigures([null], [null])).to.deep.equal({
      lagP50Ms: null,
      lagP99Ms: null,
      lagMaxMs: null,
    });
  });
});

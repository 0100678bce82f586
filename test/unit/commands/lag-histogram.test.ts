// Proves the cumulative lag histogram: bucket edges are inclusive upper bounds, snapshots
// subtract to the samples of a window, and quantiles interpolate inside a bucket like
// Prometheus's histogram_quantile.
import { expect } from "chai";
import {
  LAG_BOUNDS_MS,
  LagHistogram,
  formatLagHistogram,
  lagBetween,
  lagQuantile,
  parseLagHistogram,
} from "../../../src/commands/lag-histogram.js";

describe("LagHistogram", () => {
  it("counts a sample in the first bucket whose bound it does not exceed", () => {
    const h = new LagHistogram();
    for (const v of [-3, 0, 1, 1.01, 10, 10.5, 5000, 5001]) h.record(v);
    const s = h.snapshot();
    const le = (bound: number): number => s.le[LAG_BOUNDS_MS.indexOf(bound)] ?? -1;
    expect(le(1)).to.equal(3); // -3 (as 0), 0 and 1
    expect(le(2)).to.equal(4);
    expect(le(10)).to.equal(5);
    expect(le(12)).to.equal(6);
    expect(le(5000)).to.equal(7);
    expect(s.count).to.equal(8);
    expect(s.sumMs).to.be.closeTo(0 + 0 + 1 + 1.01 + 10 + 10.5 + 5000 + 5001, 1e-9);
  });

  it("gives a window's samples as the difference of two snapshots", () => {
    const h = new LagHistogram();
    for (let i = 0; i < 50; i++) h.record(400);
    const before = h.snapshot();
    for (let i = 0; i < 100; i++) h.record(i < 99 ? 1 : 40);
    const window = lagBetween(before, h.snapshot());
    expect(window.count).to.equal(100);
    expect(window.sumMs).to.be.closeTo(99 + 40, 1e-9);
    // The 400 ms samples before the window do not reach its p99.
    expect(lagQuantile(window, 0.99)).to.equal(1);
    expect(lagQuantile(window, 1)).to.equal(40);
  });

  it("interpolates inside the bucket and reads 0 with no samples", () => {
    const h = new LagHistogram();
    expect(lagQuantile(h.snapshot(), 0.99)).to.equal(0);
    for (let i = 0; i < 10; i++) h.record(i < 5 ? 12 : 14);
    const s = h.snapshot();
    // 5 samples ≤ 12, 5 in (12, 15]: the 0.75 quantile is halfway through (12, 15].
    expect(lagQuantile(s, 0.75)).to.be.closeTo(13.5, 1e-9);
    expect(lagQuantile(s, 0.5)).to.be.closeTo(12, 1e-9);
  });

  it("reads a quantile above every finite bound as the highest bound", () => {
    const h = new LagHistogram();
    h.record(9_000);
    expect(lagQuantile(h.snapshot(), 0.99)).to.equal(5000);
  });

  it("formats and parses back; rejects text that is not a histogram", () => {
    const h = new LagHistogram();
    for (const v of [0.5, 7, 7, 250, 6000]) h.record(v);
    const text = formatLagHistogram(h.snapshot());
    expect(text.startsWith("le_1=1,le_2=1,")).to.equal(true);
    expect(text.endsWith(",le_5000=4,le_inf=5")).to.equal(true);
    expect(parseLagHistogram(text, 3)).to.deep.equal({ ...h.snapshot(), sumMs: 3 });
    expect(parseLagHistogram("")).to.equal(null);
    expect(parseLagHistogram("le_1=1")).to.equal(null);
    expect(parseLagHistogram(text.replace("le_2=1", "le_2=x"))).to.equal(null);
  });
});

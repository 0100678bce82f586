// Proves the young generation's growth rule (heap-tuning.ts): growth is allowed only while
// scavenges keep coming faster than two a second (the last 16 within 8 s) and the space is below
// its 4 MiB cap; a burst (the start's) or a quiet sentinel holds it at its size.
import { expect } from "chai";
import { BUSY_SCAVENGES, NEW_SPACE_CAP, growthFactor } from "../../../src/shell/heap-tuning.js";

const MiB = 1024 * 1024;
/** `count` scavenge times `everyMs` apart. */
const times = (count: number, everyMs: number): number[] =>
  Array.from({ length: count }, (_, i) => 1_000 + i * everyMs);

describe("heap tuning: young generation growth", () => {
  it("allows growth while scavenges keep coming faster than two a second", () => {
    expect(growthFactor(times(BUSY_SCAVENGES + 1, 300), 2 * MiB)).to.equal(2);
  });

  it("holds the size when they come slower", () => {
    expect(growthFactor(times(BUSY_SCAVENGES + 1, 600), 2 * MiB)).to.equal(1);
    expect(growthFactor(times(BUSY_SCAVENGES + 1, 30_000), 1 * MiB)).to.equal(1);
  });

  it("does not grow on a burst shorter than the window", () => {
    expect(growthFactor(times(BUSY_SCAVENGES, 10), 1 * MiB)).to.equal(1);
    // A burst after a quiet time: the oldest of the window is long ago.
    const burst = [0, ...times(BUSY_SCAVENGES, 10).map((t) => t + 60_000)];
    expect(growthFactor(burst, 1 * MiB)).to.equal(1);
  });

  it("stops at the cap, 4 MiB", () => {
    expect(growthFactor(times(BUSY_SCAVENGES + 1, 100), 4 * MiB)).to.equal(1);
    expect(growthFactor(times(BUSY_SCAVENGES + 1, 100), NEW_SPACE_CAP)).to.equal(1);
    expect(growthFactor(times(BUSY_SCAVENGES + 1, 100), NEW_SPACE_CAP - MiB)).to.equal(2);
  });
});

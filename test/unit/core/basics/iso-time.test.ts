// Proves isoUtc (the core's Date-free wall-time text) writes what Date.toISOString writes,
// across leap years, century rules, month ends and the epoch itself.
import { expect } from "chai";
import { isoUtc } from "../../../../src/core/basics/iso-time.js";

describe("isoUtc", () => {
  it("matches Date.toISOString", () => {
    const samples = [
      0, 1, 999, 86_399_999, 951_782_400_000, 951_868_799_999, 4_107_542_399_999, 1_796_562_394_659,
      1_709_164_800_000, 253_402_300_799_999,
    ];
    for (let t = 0; t < 4_200_000_000_000; t += 37_123_456_789) samples.push(t);
    for (const t of samples) expect(isoUtc(t), String(t)).to.equal(new Date(t).toISOString());
  });
});

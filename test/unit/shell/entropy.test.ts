// Proves the kernel-backed randomness that replaced node:crypto's at start-up (issue #18): run
// ids and temporary names are random lowercase hex of the asked length, and the production
// Random's integers are uniform (a draw at or above the last whole multiple of n is drawn again,
// as crypto.randomInt does) and stay in range.
import { expect } from "chai";
import { RandomInts, randomBytes, randomHex } from "../../../src/shell/entropy.js";
import { systemRandom } from "../../../src/shell/system-random.js";

/** A source that hands out `bytes` in order, then zeros. */
function fixed(bytes: readonly number[]): (count: number) => Buffer {
  let at = 0;
  return (count) => {
    const out = Buffer.alloc(count);
    for (let i = 0; i < count && at < bytes.length; i++, at++) out[i] = bytes[at] ?? 0;
    return out;
  };
}

describe("entropy", () => {
  it("gives random lowercase hex of the asked length (run ids, temporary names)", () => {
    const ids = [randomHex(40), randomHex(40)];
    for (const id of ids) expect(id).to.match(/^[0-9a-f]{40}$/);
    expect(ids[0]).to.not.equal(ids[1]);
    expect(randomHex(5)).to.match(/^[0-9a-f]{5}$/);
    expect(randomBytes(32).length).to.equal(32);
  });

  it("draws again a value at or above the last whole multiple of n (no modulo bias)", () => {
    // 2^48 mod 3 = 1: the one value 2^48 - 1 (six 0xff bytes) would favour 0; it is drawn again.
    const ints = new RandomInts(fixed([255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 5]));
    expect(ints.int(3)).to.equal(2);
  });

  it("keeps to [0, n) and reaches every value", () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = systemRandom.int(16);
      expect(v).to.be.within(0, 15);
      seen.add(v);
    }
    expect(seen.size).to.equal(16);
    expect(systemRandom.int(1)).to.equal(0);
    expect(systemRandom.int(0)).to.equal(0);
  });
});

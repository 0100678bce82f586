// Proves the reply memory of output-slab.ts: small takes are adjacent views of one slab (so a
// batch of replies joins into one view without a copy), large takes and slab changes are
// separate memory, a join is refused whenever the chunks are not exactly adjacent, and a
// pre-encoded reply is copied in after the takes before it.
import { expect } from "chai";
import { copyOutput, joinAdjacent, takeOutput } from "../../../src/protocol/output-slab.js";

function filled(size: number, byte: number): Buffer {
  const out = takeOutput(size);
  out.fill(byte);
  return out;
}

describe("output slab", () => {
  it("joins consecutive small takes into one view of the same bytes", () => {
    const chunks = [filled(10, 1), filled(600, 2), filled(3, 3)];
    const joined = joinAdjacent(chunks);
    if (joined === undefined) {
      // The slab may have been exhausted between two takes; then they are not adjacent.
      expect(chunks[1]?.buffer).to.not.equal(chunks[0]?.buffer);
      return;
    }
    expect(joined).to.deep.equal(Buffer.concat(chunks));
    expect(joined.buffer).to.equal(chunks[0]?.buffer);
  });

  it("refuses chunks that are not adjacent, out of order or from other memory", () => {
    const a = filled(8, 1);
    const b = filled(8, 2);
    expect(joinAdjacent([b, a])).to.equal(undefined);
    expect(joinAdjacent([a, Buffer.from("xy")])).to.equal(undefined);
    const c = filled(8, 3);
    if (a.buffer === c.buffer) expect(joinAdjacent([a, c])).to.equal(undefined);
    expect(joinAdjacent([])).to.equal(undefined);
  });

  it("gives a large output memory of its own", () => {
    const big = takeOutput(64 * 1024);
    expect(big.length).to.equal(64 * 1024);
    expect(big.byteOffset).to.equal(0);
    expect(big.buffer.byteLength).to.equal(64 * 1024);
  });

  it("never hands out overlapping memory, across slab changes", () => {
    const taken: Buffer[] = [];
    for (let i = 0; i < 2000; i++) taken.push(filled(100 + (i % 7), i % 256));
    taken.forEach((chunk, i) => {
      expect(chunk.every((byte) => byte === i % 256)).to.equal(true);
    });
    const slabs = new Set(taken.map((t) => t.buffer));
    expect(slabs.size).to.be.greaterThan(1);
  });

  it("copies pre-encoded replies, short and long, after the other takes", () => {
    for (const size of [0, 7, 64, 65, 5000]) {
      const bytes = Uint8Array.from({ length: size }, (_, i) => i % 251);
      const before = takeOutput(1);
      const copy = copyOutput(bytes);
      expect(Buffer.from(copy)).to.deep.equal(Buffer.from(bytes));
      expect(copy.buffer).to.not.equal(bytes.buffer);
      if (copy.buffer === before.buffer) expect(copy.byteOffset).to.equal(before.byteOffset + 1);
    }
  });
});

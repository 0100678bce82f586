// Proves the reply memory of output-slab.ts: large takes get memory of their own, and takes
// never overlap, across slab changes.
import { expect } from "chai";
import { takeOutput } from "../../../src/protocol/output-slab.js";

function filled(size: number, byte: number): Buffer {
  const out = takeOutput(size);
  out.fill(byte);
  return out;
}

describe("output slab", () => {
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
});

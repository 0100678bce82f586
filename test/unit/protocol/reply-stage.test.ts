// Proves reply-stage.ts: replies short and long come out in order as one view, `fits` stops at
// the stage's size, the memory of a write the socket completed serves the next stage while
// that of a queued write is never handed out again, and a batch's only shared reply comes back
// as those very bytes (copied in once a second reply follows).
import { expect } from "chai";
import { ReplyStage, STAGE_SIZE } from "../../../src/protocol/reply-stage.js";

function bytes(size: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i + seed) % 251);
}

describe("reply stage", () => {
  it("gives the appended replies back in order as one view, and empties", () => {
    const stage = new ReplyStage();
    const parts = [bytes(7, 1), bytes(0, 2), bytes(64, 3), bytes(65, 4), bytes(5000, 5)];
    for (const part of parts) stage.append(part);
    expect(stage.length).to.equal(5136);
    const out = stage.take();
    expect(out).to.deep.equal(Buffer.concat(parts));
    expect(stage.length).to.equal(0);
    stage.release(true);
  });

  it("fits up to its size", () => {
    const stage = new ReplyStage();
    expect(stage.fits(STAGE_SIZE)).to.equal(true);
    expect(stage.fits(STAGE_SIZE + 1)).to.equal(false);
    stage.append(bytes(100, 0));
    expect(stage.fits(STAGE_SIZE - 100)).to.equal(true);
    expect(stage.fits(STAGE_SIZE - 99)).to.equal(false);
    stage.take();
    stage.release(true);
  });

  it("reuses the memory of a consumed write, never that of a queued one", () => {
    const a = new ReplyStage();
    a.append(bytes(10, 0));
    const written = a.take();
    a.release(true);
    const b = new ReplyStage();
    b.append(bytes(10, 1));
    const next = b.take();
    // The consumed memory serves the next batch, from its start.
    expect(next.buffer).to.equal(written.buffer);
    expect(next.byteOffset).to.equal(written.byteOffset);
    b.release(false);
    const c = new ReplyStage();
    c.append(bytes(10, 2));
    const after = c.take();
    c.release(true);
    // `next` is still queued: its bytes are left alone.
    expect(after.buffer === next.buffer && after.byteOffset === next.byteOffset).to.equal(false);
    expect(next).to.deep.equal(Buffer.from(bytes(10, 1)));
  });

  it("gives a batch's only shared reply back by reference, and copies it in for a second", () => {
    const stage = new ReplyStage();
    const shared = bytes(30, 7);
    stage.appendShared(shared);
    expect(stage.length).to.equal(30);
    expect(stage.fits(STAGE_SIZE - 30)).to.equal(true);
    expect(stage.fits(STAGE_SIZE - 29)).to.equal(false);
    expect(stage.take()).to.equal(shared);
    expect(stage.length).to.equal(0);
    stage.release(true);
    // Shared, then shared and copied: one view holding all three in order.
    const second = bytes(5, 8);
    const third = bytes(70, 9);
    stage.appendShared(shared);
    stage.appendShared(second);
    stage.append(third);
    expect(stage.length).to.equal(105);
    const out = stage.take();
    expect(out).to.not.equal(shared);
    expect(Buffer.from(out)).to.deep.equal(Buffer.concat([shared, second, third]));
    stage.release(true);
    // Copied first: a shared reply after it is copied too.
    stage.append(second);
    stage.appendShared(shared);
    expect(Buffer.from(stage.take())).to.deep.equal(Buffer.concat([second, shared]));
    stage.release(true);
  });
});

/**
 * One client's replies of a batch (the requests of one read), gathered into one buffer for
 * one socket write.
 *
 * Why: queuing each reply as a buffer of its own and joining them at the end of the batch cost
 * a view per reply and a pass over the list to join them — at redis-benchmark
 * -P 16 more user time than answering PING itself. Here a reply is copied once into the stage.
 *
 * The stage's memory is reused from batch to batch: when the socket took the whole write at
 * once (the usual case: nothing is left in its queue afterwards) nothing refers to the bytes any
 * more, and the memory goes back to one spare that the next batch, of any client, starts from.
 * When the write was queued the memory stays with the socket, and the next batch takes new
 * memory from the output slab.
 *
 * A batch of one reply whose bytes stay as they are (a cached reply, a pub/sub frame) is not
 * copied at all: the stage keeps a reference and take() returns those very bytes (one request
 * per read, a client that waits for each reply, is the usual batch). A second reply copies the
 * first in.
 */
import { takeOutput } from "./output-slab.js";

/** Bytes one stage holds; a batch with more output is written in several writes. */
export const STAGE_SIZE = 16 * 1024;
/** Up to this size a reply is copied byte by byte (a loop costs less than the native set()). */
const SMALL_COPY = 64;

/** Memory of a stage whose write completed, for the next batch. */
let spare: Buffer | null = null;

export class ReplyStage {
  private buf: Buffer | null = null;
  private used = 0;
  /** The batch's only output so far, kept by reference (appendShared); then `used` is 0. */
  private only: Uint8Array | null = null;

  /** Bytes staged and not yet taken. */
  get length(): number {
    return this.only === null ? this.used : this.only.length;
  }

  /** Whether `size` more bytes fit. */
  fits(size: number): boolean {
    return size <= STAGE_SIZE - this.length;
  }

  /**
   * Stages `bytes`, which nobody changes afterwards: by reference when they are the first output
   * of the batch, else copied in. The caller checked `fits`.
   */
  appendShared(bytes: Uint8Array): void {
    if (this.used === 0 && this.only === null) this.only = bytes;
    else this.append(bytes);
  }

  /** Copies `bytes` in after what is staged; the caller checked `fits`. */
  append(bytes: Uint8Array): void {
    const only = this.only;
    if (only !== null) {
      this.only = null;
      this.copyIn(only);
    }
    this.copyIn(bytes);
  }

  private copyIn(bytes: Uint8Array): void {
    let buf = this.buf;
    if (buf === null) {
      buf = spare ?? takeOutput(STAGE_SIZE);
      spare = null;
      this.buf = buf;
    }
    const n = bytes.length;
    const at = this.used;
    if (n > SMALL_COPY) {
      buf.set(bytes, at);
    } else {
      for (let i = 0; i < n; i++) buf[at + i] = bytes[i]!;
    }
    this.used = at + n;
  }

  /**
   * The staged bytes as one view (or the one reply kept by reference), and the stage emptied.
   * Call `release` after handing them to the socket.
   */
  take(): Uint8Array {
    const only = this.only;
    if (only !== null) {
      this.only = null;
      return only;
    }
    const out = this.buf!.subarray(0, this.used);
    this.used = 0;
    return out;
  }

  /**
   * After the write of what `take` returned: `consumed` when nothing refers to those bytes any
   * more (the socket wrote them at once, or they were never written), so the memory can be
   * reused; otherwise it is left to the socket.
   */
  release(consumed: boolean): void {
    if (consumed && spare === null) spare = this.buf;
    this.buf = null;
  }
}

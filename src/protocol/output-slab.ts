/**
 * Memory for encoded replies: small outputs are cut one after another from a shared slab, as
 * Node's own Buffer pool does, but from a larger slab (Node pools only below 4 KiB).
 *
 * Why: every Buffer of 4 KiB or more is an ArrayBuffer of its own, with a backing store the
 * garbage collector has to track and free. Sixteen pipelined SENTINEL MASTER replies (~10 KiB)
 * made one such buffer per batch, and tracking them was most of the time spent in GC under
 * redis-benchmark -P 16. A view on a slab is an ordinary small object.
 *
 * Consecutive takes are adjacent in memory, so the replies of one batch can be written as one
 * view without copying them together (see `joinAdjacent`). A slab stays alive while any view on
 * it is in a socket's write queue; SLAB_SIZE bounds what one slow client can hold that way.
 */
const SLAB_SIZE = 128 * 1024;
/** Larger outputs get their own buffer, so one big reply does not waste a slab. */
const MAX_SLAB_TAKE = SLAB_SIZE / 8;
/** copyOutput copies up to this size byte by byte. */
const SMALL_COPY = 64;

let slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
let used = 0;

/** An uninitialized buffer of `size` bytes for the caller to fill completely. */
export function takeOutput(size: number): Buffer {
  if (size > MAX_SLAB_TAKE) return Buffer.allocUnsafeSlow(size);
  if (used + size > SLAB_SIZE) {
    slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
    used = 0;
  }
  const out = slab.subarray(used, used + size);
  // No alignment padding (Node's pool pads to 8): these bytes are only ever written to a
  // socket, and unpadded takes stay adjacent.
  used += size;
  return out;
}

/** `bytes` copied into output memory (after the batch's other replies, see joinAdjacent). */
export function copyOutput(bytes: Uint8Array): Buffer {
  const n = bytes.length;
  const out = takeOutput(n);
  if (n > SMALL_COPY) {
    out.set(bytes);
  } else {
    // A short reply (an address, +PONG): a loop costs less than the native set().
    for (let i = 0; i < n; i++) out[i] = bytes[i]!;
  }
  return out;
}

/**
 * One view covering `chunks` when each starts where the previous one ends in the same memory
 * (consecutive `takeOutput` results), or undefined when they are not adjacent.
 */
export function joinAdjacent(chunks: readonly Uint8Array[]): Buffer | undefined {
  const first = chunks[0];
  if (first === undefined) return undefined;
  let end = first.byteOffset + first.byteLength;
  for (let i = 1; i < chunks.length; i++) {
    const chunk = chunks[i]!;
    if (chunk.buffer !== first.buffer || chunk.byteOffset !== end) return undefined;
    end += chunk.byteLength;
  }
  return Buffer.from(first.buffer, first.byteOffset, end - first.byteOffset);
}

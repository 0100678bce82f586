/**
 * Memory for encoded replies: small outputs are cut one after another from a shared slab, as
 * Node's own Buffer pool does, but from a larger slab (Node pools only below 4 KiB).
 *
 * Why: every Buffer of 4 KiB or more is an ArrayBuffer of its own, with a backing store the
 * garbage collector has to track and free. Sixteen pipelined SENTINEL MASTER replies (~10 KiB)
 * made one such buffer per batch, and tracking them was most of the time spent in GC under
 * redis-benchmark -P 16. A view on a slab is an ordinary small object.
 *
 * A client's batch of replies is gathered in a stage taken from here (reply-stage.ts). A slab
 * stays alive while any view on it is in a socket's write queue; SLAB_SIZE bounds what one slow
 * client can hold that way.
 */
const SLAB_SIZE = 128 * 1024;
/** Larger outputs get their own buffer, so one big reply does not waste a slab. */
const MAX_SLAB_TAKE = SLAB_SIZE / 8;

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
  // socket.
  used += size;
  return out;
}

/**
 * A client connection's output: a write goes straight to the socket's file descriptor
 * (fs.writeSync) when nothing is queued, and through the socket's Writable otherwise.
 *
 * Why: socket.write() runs Writable's bookkeeping, makes a native write request per write, and
 * schedules a tick for its callback, before the same nonblocking write(2) that libuv tries
 * first (uv_try_write). Under redis-benchmark (one small reply per read) that was the largest
 * share of the user time per request that was ours to change. fs.writeSync on the descriptor is
 * that write(2) alone, through a public API.
 *
 * Order: libuv writes a stream's queue in order and polls for writability only while that
 * queue holds something; the Writable counts every byte handed to libuv until it is written
 * (writableLength). So while writableLength is 0 nothing is queued anywhere and a write(2) of
 * our own lands in order. What the kernel does not take (a partial write, EAGAIN) is handed to
 * socket.write(), which queues it; every later write takes the same way until the queue is
 * empty again. An error (EPIPE, ECONNRESET) closes the connection, as a failed write does.
 *
 * The descriptor is the TCP handle's `fd` (not a documented field, but what Node reports on
 * every Unix). A socket without one (TLS, whose bytes must be encrypted; Windows; a Node that
 * changed its internals) is written with socket.write() only.
 */
import { writeSync } from "node:fs";
import { Socket } from "node:net";

interface HandleHolder {
  _handle: { fd?: unknown } | null;
}

/**
 * The descriptor of a plain TCP socket (net.Socket or a subclass of it, such as resp-link.ts's),
 * or -1 when it must be written through its Writable (a TLSSocket: `encrypted`, documented).
 */
export function writableFd(socket: Socket): number {
  if (!(socket instanceof Socket) || "encrypted" in socket) return -1;
  const handle = (socket as unknown as HandleHolder)._handle;
  const fd = handle?.fd;
  return typeof fd === "number" && fd >= 0 ? fd : -1;
}

export class SocketOutput {
  private readonly socket: Socket;
  /** The socket's descriptor for direct writes, -1 for none. */
  private readonly fd: number;
  /**
   * Whether bytes were handed to the Writable since its length was last seen at 0: only then
   * can it hold any, so the usual write and check read no stream state (per request, those
   * getters cost as much as the rest of a fast-path reply).
   */
  private queued = false;
  /** Told a failed direct write's error before the socket is destroyed (a link's close reason). */
  private readonly onWriteError: ((err: unknown) => void) | undefined;

  constructor(socket: Socket, direct = true, onWriteError?: (err: unknown) => void) {
    this.socket = socket;
    this.fd = direct ? writableFd(socket) : -1;
    this.onWriteError = onWriteError;
  }

  /** Whether writes may go straight to the descriptor. */
  get direct(): boolean {
    return this.fd >= 0;
  }

  /** Output bytes handed over and not yet taken by the kernel. */
  get pendingBytes(): number {
    if (!this.queued) return 0;
    const pending = this.socket.writableLength;
    if (pending === 0) this.queued = false;
    return pending;
  }

  /**
   * Writes `bytes`. Returns true when nothing refers to them any more (the kernel took them, or
   * the socket is gone), so their memory may be reused; false when the socket's queue holds them.
   * `copy`: bytes that change after this call (an encoder's memory) are copied when queued.
   */
  write(bytes: Uint8Array, copy = false): boolean {
    const socket = this.socket;
    // destroy() closes the descriptor at once (it may then be reused): checked before each write.
    if (socket.destroyed) return true;
    if (this.fd >= 0 && this.pendingBytes === 0 && !socket.writableEnded) {
      let written = 0;
      try {
        written = writeSync(this.fd, bytes, 0, bytes.length);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EAGAIN") {
          this.onWriteError?.(err);
          socket.destroy();
          return true;
        }
      }
      if (written === bytes.length) return true;
      const rest = bytes.subarray(written);
      this.queued = true;
      socket.write(copy ? Buffer.from(rest) : rest);
      return copy;
    }
    this.queued = true;
    socket.write(copy ? Buffer.from(bytes) : bytes);
    if (copy) return true;
    // The Writable keeps nothing once its length is back to 0 (the write completed at once).
    return this.pendingBytes === 0;
  }
}

/**
 * Random bytes from the kernel's generator (/dev/urandom, read with node:fs, which the daemon
 * loads anyway) for the run id, the temporary files of a config rewrite, ACL GENPASS and the
 * production Random (system-random.ts). node:crypto would give the same bytes (OpenSSL seeds from
 * the same kernel source) but loading it costs ~0.7 MB resident (issue #18): it is loaded only
 * where /dev/urandom cannot be read, and for TLS and ACL password hashes, which need it.
 */
import { closeSync, openSync, readSync } from "node:fs";

const URANDOM = "/dev/urandom";

/** `count` random bytes. */
export function randomBytes(count: number): Buffer {
  const out = Buffer.alloc(count);
  let fd: number;
  try {
    fd = openSync(URANDOM, "r");
  } catch {
    return process.getBuiltinModule("node:crypto").randomBytes(count);
  }
  let filled = 0;
  try {
    while (filled < count) {
      const n = readSync(fd, out, filled, count - filled, null);
      if (n <= 0) break;
      filled += n;
    }
  } finally {
    closeSync(fd);
  }
  if (filled < count) process.getBuiltinModule("node:crypto").randomFillSync(out, filled);
  return out;
}

/** `length` random lowercase hex characters. */
export function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString("hex")
    .slice(0, length);
}

/** 2^48: the uniform integers below are drawn from 6 random bytes. */
const SPAN = 2 ** 48;
const POOL_BYTES = 192;

/** Uniform integers in [0, n) from pooled random bytes, without modulo bias (n ≤ 2^48). */
export class RandomInts {
  private pool: Buffer = Buffer.alloc(0);
  private at = 0;
  private readonly source: (count: number) => Buffer;

  constructor(source: (count: number) => Buffer = randomBytes) {
    this.source = source;
  }

  int(n: number): number {
    if (n <= 1) return 0;
    // Values at or above the largest multiple of n below 2^48 are drawn again.
    const limit = SPAN - (SPAN % n);
    for (;;) {
      if (this.at + 6 > this.pool.length) {
        this.pool = this.source(POOL_BYTES);
        this.at = 0;
      }
      const value = this.pool.readUIntBE(this.at, 6);
      this.at += 6;
      if (value < limit) return value % n;
    }
  }
}

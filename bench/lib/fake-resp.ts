// The request reader of the scale benchmark's stand-ins (fake-instance.ts): finds each complete
// command's arguments in the bytes read as spans of that buffer, without making a string, so
// that ten thousand stand-ins answering a sentinel's PINGs cost the farm little more than the
// system calls (bench/scale.ts: the farm's CPU column). RESP2 multibulk, and inline commands.

/** One command's arguments as spans of the buffer it was read from (reused from one to the next). */
export class CommandSpans {
  argc = 0;
  /** Argument i is buf[starts[i], ends[i]). */
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  /** Where argument i's `$<len>\r\n` header starts (-1 for an inline command). */
  readonly heads: number[] = [];

  private push(head: number, start: number, end: number): void {
    this.heads[this.argc] = head;
    this.starts[this.argc] = start;
    this.ends[this.argc] = end;
    this.argc++;
  }

  /**
   * Reads the command at `at` into these spans; returns the offset after it, or -1 while the
   * buffer does not hold all of it yet.
   */
  read(buf: Buffer, at: number): number {
    this.argc = 0;
    if (buf[at] !== 0x2a) return this.readInline(buf, at);
    const countEnd = buf.indexOf(0x0d, at);
    if (countEnd < 0 || countEnd + 1 >= buf.length) return -1;
    const count = digits(buf, at + 1, countEnd);
    let p = countEnd + 2;
    for (let i = 0; i < count; i++) {
      const lenEnd = buf.indexOf(0x0d, p);
      if (lenEnd < 0) return -1;
      const start = lenEnd + 2;
      const end = start + digits(buf, p + 1, lenEnd);
      if (end + 2 > buf.length) return -1;
      this.push(p, start, end);
      p = end + 2;
    }
    return p;
  }

  /** One line of space-separated words. */
  private readInline(buf: Buffer, at: number): number {
    const eol = buf.indexOf(0x0a, at);
    if (eol < 0) return -1;
    const stop = eol > at && buf[eol - 1] === 0x0d ? eol - 1 : eol;
    let p = at;
    while (p < stop) {
      if (buf[p] === 0x20) {
        p++;
        continue;
      }
      const start = p;
      while (p < stop && buf[p] !== 0x20) p++;
      this.push(-1, start, p);
    }
    return eol + 1;
  }

  /** Argument i equals `upper` (an upper-case ASCII word) whatever its case. */
  is(buf: Buffer, i: number, upper: Buffer): boolean {
    const start = this.starts[i] ?? 0;
    if (i >= this.argc || (this.ends[i] ?? 0) - start !== upper.length) return false;
    for (let k = 0; k < upper.length; k++) {
      if (((buf[start + k] ?? 0) & 0xdf) !== upper[k]) return false;
    }
    return true;
  }

  /** Argument i as text ("" when absent). */
  text(buf: Buffer, i: number): string {
    return i < this.argc ? buf.toString("utf8", this.starts[i], this.ends[i]) : "";
  }
}

/** The decimal number in buf[from, to) (what a well-formed request holds there). */
function digits(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let p = from; p < to; p++) n = n * 10 + ((buf[p] ?? 0x30) - 0x30);
  return n;
}

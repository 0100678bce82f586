/**
 * Incremental RESP request parser (networking.c: processMultibulkBuffer / processInlineBuffer).
 *
 * Feed it whatever the socket delivered — half a frame, ten frames — and pull complete commands
 * with next(). A request starting with `*` is a multibulk (`*<n>\r\n$<len>\r\n<bytes>\r\n…`),
 * anything else an inline line split like redis-cli (split-args.ts). Malformed input yields one
 * `error` event with Redis's exact text; the parser is then dead (the server replies and closes).
 *
 * Quirks kept on purpose, because peers and tests compare bytes with the real server:
 * - header lines end at the first `\r`, inline lines at the first `\n` (a NUL before either hides
 *   it, as strchr does) and the byte after `\r` is skipped unchecked, as are the two bytes after
 *   a bulk payload;
 * - `*0` and negative multibulk counts are empty requests, silently skipped;
 * - lengths must be canonical decimal (no `+`, no leading zeros, no `-0`).
 *
 * Memory: the buffer grows geometrically and is compacted in place, a bulk of known length is
 * reserved once, and heldBytes (buffer plus parsed arguments with a per-argument overhead)
 * lets the server enforce a per-client query buffer limit (client-query-buffer-limit).
 */
import type { KnownRequest } from "./known-request.js";
import { sameBytes } from "./known-request.js";
import { parseIntegerAt } from "./resp-integer.js";
import { splitArgs } from "./split-args.js";

export { parseStrictInteger } from "./resp-integer.js";

export interface ParserLimits {
  /** proto-max-bulk-len: larger bulk lengths are "invalid bulk length" (default 512 MB). */
  readonly maxBulkLength: number;
  /** Largest multibulk count; Redis 7.0 allows INT_MAX, we default to 1024*1024. */
  readonly maxMultibulkLength: number;
  /** PROTO_INLINE_MAX_SIZE: an inline line or header line without terminator (64 KB). */
  readonly maxInlineLength: number;
  /** Limits while the client is not authenticated (Redis 7.0: 10 arguments, 16 KB bulks). */
  readonly unauthenticatedMaxMultibulk: number;
  readonly unauthenticatedMaxBulk: number;
}

export const DEFAULT_PARSER_LIMITS: ParserLimits = {
  maxBulkLength: 512 * 1024 * 1024,
  maxMultibulkLength: 1024 * 1024,
  maxInlineLength: 64 * 1024,
  unauthenticatedMaxMultibulk: 10,
  unauthenticatedMaxBulk: 16384,
};

export const PROTOCOL_ERRORS = {
  invalidMultibulkLength: "Protocol error: invalid multibulk length",
  invalidBulkLength: "Protocol error: invalid bulk length",
  tooBigInline: "Protocol error: too big inline request",
  tooBigMbulkCount: "Protocol error: too big mbulk count string",
  tooBigBulkCount: "Protocol error: too big bulk count string",
  unbalancedQuotes: "Protocol error: unbalanced quotes in request",
  unauthenticatedMultibulk: "Protocol error: unauthenticated multibulk length",
  unauthenticatedBulk: "Protocol error: unauthenticated bulk length",
} as const;

/**
 * `Protocol error: expected '$', got '<c>'` (the byte as a character). A CR or LF becomes a space,
 * as Redis maps them in every error reply (networking.c: addReplyErrorFormat), or the reply line
 * would be cut short.
 */
export function expectedDollarError(byte: number): string {
  const c = byte === CR || byte === LF ? " " : String.fromCharCode(byte);
  return `Protocol error: expected '$', got '${c}'`;
}

export type ParseEvent =
  | { readonly type: "command"; readonly args: readonly Buffer[] }
  | { readonly type: "error"; readonly message: string };

/**
 * What nextStrings() yields: arguments already decoded as UTF-8 (the command table's input).
 * `notUtf8`, present only when some argument's bytes were not valid UTF-8 (decoding replaced
 * them with U+FFFD), lists those arguments' indices: the command layer refuses them
 * (docs/COMPATIBILITY.md, "Arguments that are not valid UTF-8").
 */
export type StringParseEvent =
  | {
      readonly type: "command";
      readonly args: readonly string[];
      readonly notUtf8?: readonly number[];
    }
  | { readonly type: "error"; readonly message: string };

/**
 * Whether `text`, decoded from `bytes`, lost bytes that were not UTF-8. Decoding writes U+FFFD
 * for them, so text without one was valid; an ASCII argument (a one-byte string in V8) answers
 * the indexOf at once. Only a U+FFFD sent on purpose pays for the byte check.
 */
export function lostBytes(text: string, buf: Buffer, from: number, to: number): boolean {
  // No subarray() unless needed: a view costs more than the rest of an argument's parse.
  if (!text.includes("\uFFFD")) return false;
  try {
    STRICT_UTF8.decode(buf.subarray(from, to));
    return false;
  } catch {
    return true;
  }
}

/** Throws on bytes that are not UTF-8 (the WHATWG decoder Buffer's toString also follows). */
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Accounted per parsed argument on top of its bytes (object headers), like Redis's argv-mem. */
const ARG_OVERHEAD = 64;
const MIN_CAPACITY = 16 * 1024;
const SHRINK_ABOVE = 1024 * 1024;
const CR = 13;
const LF = 10;
/** Header lines are short: scan this many bytes by hand before falling back to indexOf. */
const HEADER_SCAN = 32;
/** Reads up to this size are copied into the parser buffer byte by byte (feed). */
const SMALL_COPY = 128;
/** The buffer of a parser that holds nothing (never written: its length is 0). */
const EMPTY = Buffer.alloc(0);

export class RespParser {
  private buf: Buffer = Buffer.alloc(0);
  /** A DataView over `buf` for takeKnown (made when first needed, dropped with `buf`). */
  private bufView: DataView | null = null;
  /** While `buf` is lent (lend()): the parser's own buffer. Then the last lent and its view. */
  private own: Buffer | null = null;
  private lentBuf: Buffer | null = null;
  private lentView: DataView | null = null;
  private start = 0;
  private end = 0;
  private mode: "none" | "multibulk" = "none";
  private remaining = 0;
  private bulkLen = -1;
  /** Buffers for next(), strings for nextStrings(); one caller uses one of them. */
  private args: (Buffer | string)[] = [];
  private decodeStrings = false;
  private argBytes = 0;
  /** nextStrings(): indices of the pending command's arguments that were not valid UTF-8. */
  private notUtf8: number[] | undefined = undefined;
  private failed = false;
  private readonly limits: ParserLimits;
  /** When false the unauthenticated limits apply (only when the server requires auth). */
  authenticated = true;
  /** takeKnown(): the last argument's range, and the last one decoded (clients repeat it). */
  private readonly tailRange = { from: 0, to: 0 };
  private tailBytes: Uint8Array = new Uint8Array(0);
  private tailText = "";

  constructor(limits: Partial<ParserLimits> = {}) {
    this.limits = { ...DEFAULT_PARSER_LIMITS, ...limits };
  }

  /** Bytes held for this client: unparsed input plus parsed arguments of the pending command. */
  get heldBytes(): number {
    return this.end - this.start + this.argBytes;
  }

  /** Unparsed input bytes (CLIENT LIST qbuf). */
  get bufferedBytes(): number {
    return this.end - this.start;
  }

  /**
   * True when no input waits between requests, so next() would return undefined (the buffer is
   * then rewound, as next() would): the server's loop stops without trying every matcher.
   */
  drained(): boolean {
    if (this.mode !== "none" || this.start < this.end) return false;
    this.compactWhenEmpty();
    return true;
  }

  /** True once a protocol error was returned; nothing more will be parsed. */
  get isFailed(): boolean {
    return this.failed;
  }

  /** Copies the first `length` bytes of `chunk` (a reused read buffer may be passed). */
  feed(chunk: Uint8Array, length: number = chunk.length): void {
    if (this.failed || length === 0) return;
    this.reserve(length);
    if (length === chunk.length) {
      this.buf.set(chunk, this.end);
    } else if (length <= SMALL_COPY) {
      // A request or two: a loop costs less than the view set() would need.
      const buf = this.buf;
      const end = this.end;
      for (let i = 0; i < length; i++) buf[end + i] = chunk[i]!;
    } else {
      this.buf.set(chunk.subarray(0, length), this.end);
    }
    this.end += length;
  }

  /**
   * feed() without a copy when nothing is held: `chunk` is parsed in place until settle(), due
   * before `chunk` changes (redis-benchmark -P 1: the copy was the parser's largest cost).
   */
  lend(chunk: Buffer, length: number): void {
    if (this.own !== null || this.failed || this.mode !== "none" || this.start < this.end) {
      this.feed(chunk, length);
      return;
    }
    this.own = this.buf;
    this.buf = chunk;
    if (this.lentBuf !== chunk) this.lentView = null;
    this.lentBuf = chunk;
    this.bufView = this.lentView;
    this.start = 0;
    this.end = length;
  }

  /**
   * Ends a lend(): what is left unparsed is copied into the parser's own buffer. After a protocol
   * error nothing is kept: not the own buffer, not the lent one (nor its view), since nothing
   * will be parsed again.
   */
  settle(): void {
    const own = this.own;
    if (own === null) return;
    this.own = null;
    if (this.failed) {
      this.setBuffer(EMPTY);
      this.lentBuf = null;
      this.lentView = null;
      return;
    }
    const lent = this.buf;
    const { start, end } = this;
    if (lent === this.lentBuf) this.lentView = this.bufView;
    this.setBuffer(own);
    this.start = 0;
    this.end = 0;
    if (end > start) {
      this.reserve(end - start);
      lent.copy(this.buf, 0, start, end);
      this.end = end - start;
    }
  }

  /** The next complete command, a protocol error, or undefined when more bytes are needed. */
  next(): ParseEvent | undefined {
    this.decodeStrings = false;
    return this.nextEvent() as ParseEvent | undefined;
  }

  /**
   * Like next(), with the arguments decoded as UTF-8 strings straight from the input buffer
   * (no per-argument Buffer copy). A parser is driven through one of the two, not both.
   */
  nextStrings(): StringParseEvent | undefined {
    this.decodeStrings = true;
    return this.nextEvent() as StringParseEvent | undefined;
  }

  /**
   * When the next complete request is `known`, consumes it and returns its last argument as
   * nextStrings() would decode it ("" for a request without one); otherwise (or when that
   * argument is not valid UTF-8) consumes nothing and returns undefined (the general parser
   * then handles the same bytes).
   */
  takeKnown(known: KnownRequest): string | undefined {
    if (this.mode !== "none" || this.failed || this.start >= this.end) return undefined;
    const buf = this.buf;
    const view = (this.bufView ??= new DataView(buf.buffer, buf.byteOffset, buf.byteLength));
    const frameEnd = known.match(buf, this.start, this.end, this.tailRange, view);
    if (frameEnd < 0) return undefined;
    if (!known.hasTail) {
      this.start = frameEnd;
      if (this.start >= this.end) this.compactWhenEmpty();
      return "";
    }
    const { from, to } = this.tailRange;
    if (!sameBytes(this.buf, from, to, this.tailBytes)) {
      const text = this.buf.toString("utf8", from, to);
      // Not valid UTF-8: the general path parses it and flags it (notUtf8).
      if (lostBytes(text, this.buf, from, to)) return undefined;
      this.tailBytes = Buffer.from(this.buf.subarray(from, to));
      this.tailText = text;
    }
    this.start = frameEnd;
    if (this.start >= this.end) this.compactWhenEmpty();
    return this.tailText;
  }

  private nextEvent(): ParseEvent | StringParseEvent | undefined {
    while (!this.failed) {
      if (this.mode === "none") {
        if (this.start >= this.end) {
          this.compactWhenEmpty();
          return undefined;
        }
        if (this.buf[this.start] !== 0x2a) {
          const inline = this.nextInline();
          if (inline !== "skip") return inline;
          continue;
        }
        this.mode = "multibulk";
        this.remaining = 0;
      }
      const event = this.nextMultibulk();
      if (event !== "skip") return event;
    }
    return undefined;
  }

  /** Everything consumed: rewind, and let go of a buffer grown for one big request. */
  private compactWhenEmpty(): void {
    this.start = 0;
    this.end = 0;
    if (this.buf.length > SHRINK_ABOVE) this.setBuffer(Buffer.alloc(0));
  }

  private setBuffer(buf: Buffer): void {
    this.buf = buf;
    this.bufView = null;
  }

  private fail(message: string): ParseEvent & StringParseEvent {
    this.failed = true;
    this.setBuffer(Buffer.alloc(0));
    this.start = 0;
    this.end = 0;
    this.args = [];
    this.notUtf8 = undefined;
    this.argBytes = 0;
    return { type: "error", message };
  }

  private reserve(extra: number): void {
    if (this.end + extra <= this.buf.length) return;
    const needed = this.end - this.start + extra;
    if (needed <= this.buf.length) {
      this.buf.copyWithin(0, this.start, this.end);
    } else {
      // Doubling amortizes many small pipelined requests; past 1 MB (a big bulk, reserved
      // exactly once) grow by what is needed plus one socket read.
      const capacity =
        needed > SHRINK_ABOVE ? needed + MIN_CAPACITY * 4 : Math.max(MIN_CAPACITY, needed * 2);
      const next = Buffer.allocUnsafe(capacity);
      this.buf.copy(next, 0, this.start, this.end);
      this.setBuffer(next);
    }
    this.end -= this.start;
    this.start = 0;
  }

  private nextInline(): ParseEvent | StringParseEvent | "skip" | undefined {
    const view = this.buf.subarray(this.start, this.end);
    const found = view.indexOf(LF);
    // A NUL before the LF hides it (networking.c: processInlineBuffer's strchr): the line never
    // ends, and its client waits until the inline limit refuses it.
    const hidden = found !== -1 && view.subarray(0, found).indexOf(0) !== -1;
    const nl = found === -1 || hidden ? -1 : this.start + found;
    if (nl === -1) {
      if (this.end - this.start > this.limits.maxInlineLength) {
        return this.fail(PROTOCOL_ERRORS.tooBigInline);
      }
      return undefined;
    }
    let lineEnd = nl;
    if (lineEnd > this.start && this.buf[lineEnd - 1] === CR) lineEnd -= 1;
    const args = splitArgs(this.buf.subarray(this.start, lineEnd));
    this.start = nl + 1;
    if (args === null) return this.fail(PROTOCOL_ERRORS.unbalancedQuotes);
    if (args.length === 0) return "skip";
    if (!this.decodeStrings) return { type: "command", args };
    const texts = args.map((a) => a.toString("utf8"));
    const notUtf8: number[] = [];
    texts.forEach((text, i) => {
      const bytes = args[i]!;
      if (lostBytes(text, bytes, 0, bytes.length)) notUtf8.push(i);
    });
    return notUtf8.length === 0
      ? { type: "command", args: texts }
      : { type: "command", args: texts, notUtf8 };
  }

  /**
   * Finds the `\r` ending a header line that starts at this.start. Returns -1 when the line is
   * not complete yet (a NUL before the `\r` hides it, like strchr), -2 when it is too long.
   */
  private headerEnd(): number {
    const { buf, start, end } = this;
    let found = -1;
    let hidden = false;
    const scanEnd = Math.min(end, start + HEADER_SCAN);
    let i = start;
    for (; i < scanEnd; i++) {
      const c = buf[i]!;
      if (c === CR) {
        found = i;
        break;
      }
      if (c === 0) hidden = true;
    }
    if (found === -1 && i < end) {
      // A long line (bad input): let indexOf do the rest.
      const view = buf.subarray(i, end);
      const cr = view.indexOf(CR);
      if (cr !== -1) {
        found = i + cr;
        if (view.subarray(0, cr).indexOf(0) !== -1) hidden = true;
      }
    }
    if (found === -1 || hidden) {
      return end - start > this.limits.maxInlineLength ? -2 : -1;
    }
    // The byte after `\r` must have arrived too (it is skipped, not checked).
    return found > end - 2 ? -1 : found;
  }

  private readCount(): ParseEvent | StringParseEvent | "skip" | undefined {
    const cr = this.headerEnd();
    if (cr === -2) return this.fail(PROTOCOL_ERRORS.tooBigMbulkCount);
    if (cr === -1) return undefined;
    const count = parseIntegerAt(this.buf, this.start + 1, cr);
    if (count === undefined || count > this.limits.maxMultibulkLength) {
      return this.fail(PROTOCOL_ERRORS.invalidMultibulkLength);
    }
    if (!this.authenticated && count > this.limits.unauthenticatedMaxMultibulk) {
      return this.fail(PROTOCOL_ERRORS.unauthenticatedMultibulk);
    }
    this.start = cr + 2;
    if (count <= 0) {
      this.mode = "none";
      return "skip";
    }
    this.remaining = count;
    this.args = [];
    this.notUtf8 = undefined;
    this.argBytes = 0;
    this.bulkLen = -1;
    return "skip";
  }

  private readBulkLength(): ParseEvent | StringParseEvent | "ok" | undefined {
    const cr = this.headerEnd();
    if (cr === -2) return this.fail(PROTOCOL_ERRORS.tooBigBulkCount);
    if (cr === -1) return undefined;
    const first = this.buf[this.start]!;
    if (first !== 0x24) return this.fail(expectedDollarError(first));
    const len = parseIntegerAt(this.buf, this.start + 1, cr);
    if (len === undefined || len < 0 || len > this.limits.maxBulkLength) {
      return this.fail(PROTOCOL_ERRORS.invalidBulkLength);
    }
    if (!this.authenticated && len > this.limits.unauthenticatedMaxBulk) {
      return this.fail(PROTOCOL_ERRORS.unauthenticatedBulk);
    }
    this.start = cr + 2;
    this.bulkLen = len;
    return "ok";
  }

  private nextMultibulk(): ParseEvent | StringParseEvent | "skip" | undefined {
    if (this.remaining === 0) return this.readCount();
    while (this.remaining > 0) {
      if (this.bulkLen === -1) {
        if (this.start >= this.end) return undefined;
        const got = this.readBulkLength();
        if (got !== "ok") return got;
      }
      const need = this.bulkLen + 2;
      if (this.end - this.start < need) {
        // Reserve the whole payload once instead of growing chunk by chunk.
        this.reserve(need - (this.end - this.start));
        return undefined;
      }
      const from = this.start;
      const to = from + this.bulkLen;
      if (this.decodeStrings) {
        const text = this.buf.toString("utf8", from, to);
        if (lostBytes(text, this.buf, from, to)) {
          (this.notUtf8 ??= []).push(this.args.length);
        }
        this.args.push(text);
      } else {
        this.args.push(Buffer.from(this.buf.subarray(from, to)));
      }
      this.start += need;
      this.argBytes += this.bulkLen + ARG_OVERHEAD;
      this.bulkLen = -1;
      this.remaining -= 1;
    }
    const args = this.args;
    const notUtf8 = this.notUtf8;
    this.args = [];
    this.notUtf8 = undefined;
    this.argBytes = 0;
    this.mode = "none";
    if (!this.decodeStrings) return { type: "command", args: args as Buffer[] };
    return notUtf8 === undefined
      ? { type: "command", args: args as string[] }
      : { type: "command", args: args as string[], notUtf8 };
  }
}

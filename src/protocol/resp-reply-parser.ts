/**
 * Incremental RESP2 reply parser for the monitor links (the client side of the wire; the server
 * side is resp-parser.ts). Feed it socket chunks; it hands back every complete reply, shaped as
 * the link manager reads them: status and bulk strings as strings (UTF-8), integers as numbers
 * (as bigints beyond 15 digits, so that none is rounded),
 * arrays as arrays, `$-1`/`*-1` as null, and errors as ReplyError — at the top level the caller
 * turns it into an error result, nested (EXEC) it stays an Error value in the array.
 *
 * Sentinel links never send HELLO 3, so RESP3 types are not expected; one that arrives anyway
 * is a protocol error that the caller answers by closing the connection. So is an array nested
 * deeper than MAX_DEPTH (a sentinel reads depth 2 at most, EXEC's): thousands of `*1` headers
 * would otherwise be held as thousands of arrays in progress.
 *
 * A reply split across chunks is resumed where it stopped: the arrays still being filled wait
 * on a stack, a bulk whose header was read waits for its length in bytes, and a line is searched
 * for its end only in bytes not searched yet. Bytes not consumed by the end of a feed are kept
 * in one buffer that grows geometrically. So a large reply arriving in many chunks costs each of
 * its lines one read and each of its bytes a bounded number of copies (linesRead and
 * bytesCopied count both, for the tests).
 */
import { ReplyProtocolError } from "../errors.js";

export type ReplyValue = string | number | bigint | null | ReplyError | ReplyValue[];

/** An error reply (`-ERR …`), with Redis's full text as the message. */
export class ReplyError extends Error {
  override readonly name = "ReplyError";
}

const CR = 13;
/** Deepest array nesting accepted (hiredis has no limit: its stack of tasks is on the heap). */
export const MAX_DEPTH = 64;
/** The kept buffer's smallest size. */
const MIN_KEEP = 1024;
const EMPTY = Buffer.alloc(0);
/** A bulk payload up to this size is reserved whole when its first bytes are kept. */
const RESERVE_MAX = 1024 * 1024;

/** What lineValue() returns for a header whose content follows (a bulk or an array). */
const OPENED: unique symbol = Symbol("opened");

/** An array being filled: its items so far and how many are still to come. */
interface Pending {
  readonly items: ReplyValue[];
  remaining: number;
}

export class RespReplyParser {
  /** Unconsumed bytes kept between feeds: kept[keptStart, keptEnd). */
  private kept: Buffer = EMPTY;
  private keptStart = 0;
  private keptEnd = 0;
  /** Arrays being filled, outermost first. */
  private readonly stack: Pending[] = [];
  /** The byte length of a bulk whose header was read and whose payload has not all arrived. */
  private bulkLength = -1;
  /** How many bytes past the current position were already searched for a line's end. */
  private searched = 0;
  /** The type byte of the top-level reply being read (`$` tells a bulk string). */
  private topType = 0;
  /** Bumped by reset(), so a feed that a reply handler reset stops. */
  private resets = 0;
  /** Work done so far: reply lines (headers, statuses) read, and bytes copied to be kept. */
  linesRead = 0;
  bytesCopied = 0;

  /**
   * Reads a chunk and calls `onReply` for each complete reply, in order; `bulk` tells a bulk
   * string (`$…`) from a status (`+…`), which sentinel.c's PING and INFO callbacks tell apart.
   * The chunk is only read during the call (the parser copies what it keeps); only its first
   * `size` bytes count (a link's read lands at the start of the shared read buffer: reading it
   * there costs no Buffer view per read).
   */
  feed(
    chunk: Buffer,
    onReply: (value: ReplyValue, bulk: boolean) => void,
    size = chunk.length,
  ): void {
    let buf: Buffer;
    let pos: number;
    let end: number;
    if (this.keptEnd === this.keptStart) {
      buf = chunk;
      pos = 0;
      end = size;
    } else {
      this.keep(chunk, 0, size);
      buf = this.kept;
      pos = this.keptStart;
      end = this.keptEnd;
    }
    const resets = this.resets;
    pos = this.parse(buf, pos, end, onReply);
    if (this.resets !== resets) return;
    if (buf === this.kept) {
      this.keptStart = pos;
      if (pos === end) this.emptyKept();
    } else if (pos < end) {
      this.keep(buf, pos, end);
    }
  }

  /** Forgets buffered bytes and any reply in progress (the connection closed). */
  reset(): void {
    this.resets += 1;
    this.emptyKept();
    this.stack.length = 0;
    this.bulkLength = -1;
    this.searched = 0;
  }

  /** Nothing left to keep: the buffer goes too (most replies arrive in one read, and a
   * sentinel at thousands of masters has thousands of links). */
  private emptyKept(): void {
    this.keptStart = 0;
    this.keptEnd = 0;
    this.kept = EMPTY;
  }

  /** Appends bytes[from, to) to the kept bytes, compacting or growing the buffer as needed. */
  private keep(bytes: Buffer, from: number, to: number): void {
    const length = to - from;
    if (this.keptEnd + length > this.kept.length) {
      const held = this.keptEnd - this.keptStart;
      const needed = held + length;
      // A pending bulk's whole payload is reserved at once, up to RESERVE_MAX (the length comes
      // from the peer); anything else grows by doubling.
      const payload =
        this.bulkLength >= 0 && this.bulkLength < RESERVE_MAX ? this.bulkLength + 2 : 0;
      if (needed <= this.kept.length) {
        this.kept.copyWithin(0, this.keptStart, this.keptEnd);
      } else {
        const size = payload >= needed ? payload + MIN_KEEP : Math.max(MIN_KEEP, needed * 2);
        const next = Buffer.allocUnsafe(size);
        this.kept.copy(next, 0, this.keptStart, this.keptEnd);
        this.kept = next;
      }
      this.bytesCopied += held;
      this.keptStart = 0;
      this.keptEnd = held;
    }
    bytes.copy(this.kept, this.keptEnd, from, to);
    this.keptEnd += length;
    this.bytesCopied += length;
  }

  /** Parses buf[pos, end); returns where it stopped (the start of what is incomplete). */
  private parse(
    buf: Buffer,
    start: number,
    end: number,
    onReply: (value: ReplyValue, bulk: boolean) => void,
  ): number {
    const resets = this.resets;
    let pos = start;
    for (;;) {
      let value: ReplyValue;
      if (this.bulkLength >= 0) {
        const payloadEnd = pos + this.bulkLength;
        if (payloadEnd + 2 > end) return pos;
        value = bulkText(buf, pos, payloadEnd);
        pos = payloadEnd + 2;
        this.bulkLength = -1;
      } else {
        if (pos >= end) return pos;
        const type = buf[pos]!;
        const lineEnd = findCr(buf, pos + 1 + this.searched, end);
        if (lineEnd === -1 || lineEnd + 1 >= end) {
          // Search only the bytes that come next time (the CR may be the last byte).
          this.searched = Math.max(0, (lineEnd === -1 ? end : lineEnd) - pos - 1);
          return pos;
        }
        this.searched = 0;
        this.linesRead += 1;
        if (this.stack.length === 0) this.topType = type;
        const line = this.lineValue(buf, type, pos + 1, lineEnd);
        pos = lineEnd + 2;
        if (line === OPENED) continue;
        value = line;
      }
      // A complete value: into the array being filled, or out as a reply.
      const stack = this.stack;
      let top = stack[stack.length - 1];
      while (top !== undefined) {
        top.items.push(value);
        top.remaining -= 1;
        if (top.remaining > 0) break;
        stack.pop();
        value = top.items;
        top = stack[stack.length - 1];
      }
      if (top === undefined) {
        onReply(value, this.topType === 0x24);
        // onReply may have reset the parser (the connection was closed in a handler).
        if (this.resets !== resets) return pos;
      }
    }
  }

  /**
   * The value of the line buf[from, lineEnd) of type `type`, or OPENED when it was the header
   * of a bulk or an array whose content follows.
   */
  private lineValue(
    buf: Buffer,
    type: number,
    from: number,
    lineEnd: number,
  ): ReplyValue | typeof OPENED {
    switch (type) {
      case 0x2b: // +
        return statusText(buf, from, lineEnd);
      case 0x2d: // -
        return new ReplyError(buf.toString("utf8", from, lineEnd));
      case 0x3a: // :
        return lineEnd - from > 15
          ? readLongInteger(buf, from, lineEnd)
          : readInteger(buf, from, lineEnd);
      case 0x24: {
        // $
        const length = readInteger(buf, from, lineEnd);
        if (length < 0) return null;
        this.bulkLength = length;
        return OPENED;
      }
      case 0x2a: {
        // *
        const count = readInteger(buf, from, lineEnd);
        if (count <= 0) return count < 0 ? null : [];
        if (this.stack.length >= MAX_DEPTH) {
          throw new ReplyProtocolError(
            `Protocol error, nested multi bulk replies with depth > ${MAX_DEPTH}`,
          );
        }
        this.stack.push({ items: [], remaining: count });
        return OPENED;
      }
      default:
        throw new ReplyProtocolError(
          `Protocol error, got ${JSON.stringify(String.fromCharCode(type))} as reply type byte`,
        );
    }
  }
}

/**
 * The texts every monitor link reads over and over: a pub/sub message's kind and the hello
 * channel (each hello a sentinel receives), PING's and most commands' status. Returned as the
 * same constant instead of decoded again at each reply.
 */
const MESSAGE = "message";
const HELLO_CHANNEL = "__sentinel__:hello";
const PONG = "PONG";
const OK = "OK";

/** Whether buf[from, from + text.length) holds `text` (ASCII). */
function holds(buf: Buffer, from: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (buf[from + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** A bulk string's payload buf[from, to) as text. */
function bulkText(buf: Buffer, from: number, to: number): string {
  const length = to - from;
  if (length === 7 && holds(buf, from, MESSAGE)) return MESSAGE;
  if (length === 18 && holds(buf, from, HELLO_CHANNEL)) return HELLO_CHANNEL;
  return buf.toString("utf8", from, to);
}

/** A status line's text buf[from, to). */
function statusText(buf: Buffer, from: number, to: number): string {
  const length = to - from;
  if (length === 4 && holds(buf, from, PONG)) return PONG;
  if (length === 2 && holds(buf, from, OK)) return OK;
  return buf.toString("utf8", from, to);
}

/**
 * The first CR in buf[from, end), or -1. Not buf.indexOf: the kept buffer has room past `end`
 * whose stale bytes may hold a CR, and a search bounded by hand stays linear in what arrived.
 */
function findCr(buf: Buffer, from: number, end: number): number {
  for (let i = from; i < end; i++) if (buf[i] === CR) return i;
  return -1;
}

const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;

/**
 * An integer reply too long for a number to hold exactly, as a bigint. Beyond int64 it is a
 * protocol error, as hiredis's "Bad integer value".
 */
function readLongInteger(buf: Buffer, from: number, to: number): bigint {
  const text = buf.toString("latin1", from, to);
  if (!/^-?\d+$/.test(text)) throw new ReplyProtocolError("Protocol error, bad integer");
  const value = BigInt(text);
  if (value < INT64_MIN || value > INT64_MAX) {
    throw new ReplyProtocolError("Protocol error, bad integer");
  }
  return value;
}

/** A decimal integer between `from` and `to` (exclusive); RESP lengths and integer replies. */
function readInteger(buf: Buffer, from: number, to: number): number {
  let i = from;
  let negative = false;
  if (buf[i] === 0x2d) {
    negative = true;
    i++;
  }
  let value = 0;
  for (; i < to; i++) {
    const digit = (buf[i] ?? 0) - 0x30;
    if (digit < 0 || digit > 9) throw new ReplyProtocolError("Protocol error, bad integer");
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

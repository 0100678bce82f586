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
 * deeper than MAX_DEPTH (a sentinel reads depth 2 at most, EXEC's): parsing is recursive, and
 * thousands of `*1` headers in one read would otherwise overflow the stack.
 *
 * A reply split across chunks is parsed again from its start once more bytes arrived; the
 * parser remembers how many bytes a pending bulk needs, so a large INFO arriving in many
 * chunks is not re-scanned for each.
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
const INCOMPLETE: unique symbol = Symbol("incomplete");
type Parsed = ReplyValue | typeof INCOMPLETE;

export class RespReplyParser {
  private buffer: Buffer | null = null;
  private offset = 0;
  /** Bytes the buffer must hold before parsing is worth trying again (0 = try). */
  private need = 0;

  /**
   * Appends a chunk and calls `onReply` for each complete reply, in order; `bulk` tells a bulk
   * string (`$…`) from a status (`+…`), which sentinel.c's PING and INFO callbacks tell apart.
   */
  feed(chunk: Buffer, onReply: (value: ReplyValue, bulk: boolean) => void): void {
    if (this.buffer === null) {
      this.buffer = chunk;
      this.offset = 0;
    } else {
      this.buffer = Buffer.concat([this.buffer.subarray(this.offset), chunk]);
      this.offset = 0;
    }
    if (this.buffer.length < this.need) return;
    this.need = 0;
    for (;;) {
      const buf: Buffer = this.buffer;
      if (this.offset >= buf.length) {
        this.buffer = null;
        this.offset = 0;
        return;
      }
      const start = this.offset;
      const value = this.parse(buf);
      if (value === INCOMPLETE) {
        this.offset = start;
        return;
      }
      onReply(value, buf[start] === 0x24);
      // onReply may have reset the parser (the connection was closed in a handler).
      if (this.buffer !== buf) return;
    }
  }

  /** Forgets buffered bytes (the connection closed). */
  reset(): void {
    this.buffer = null;
    this.offset = 0;
    this.need = 0;
  }

  private parse(buf: Buffer, depth = 0): Parsed {
    const at = this.offset;
    if (at >= buf.length) return INCOMPLETE;
    const type = buf[at];
    const lineEnd = buf.indexOf(CR, at + 1);
    if (lineEnd === -1 || lineEnd + 1 >= buf.length) return INCOMPLETE;
    const next = lineEnd + 2;
    switch (type) {
      case 0x2b: // +
        this.offset = next;
        return buf.toString("utf8", at + 1, lineEnd);
      case 0x2d: // -
        this.offset = next;
        return new ReplyError(buf.toString("utf8", at + 1, lineEnd));
      case 0x3a: // :
        this.offset = next;
        return lineEnd - at > 16
          ? readLongInteger(buf, at + 1, lineEnd)
          : readInteger(buf, at + 1, lineEnd);
      case 0x24: {
        // $
        const len = readInteger(buf, at + 1, lineEnd);
        if (len < 0) {
          this.offset = next;
          return null;
        }
        const end = next + len;
        if (end + 2 > buf.length) {
          this.need = end + 2 - at;
          return INCOMPLETE;
        }
        this.offset = end + 2;
        return buf.toString("utf8", next, end);
      }
      case 0x2a: {
        // *
        const count = readInteger(buf, at + 1, lineEnd);
        this.offset = next;
        if (count < 0) return null;
        if (count > 0 && depth >= MAX_DEPTH) {
          throw new ReplyProtocolError(
            `Protocol error, nested multi bulk replies with depth > ${MAX_DEPTH}`,
          );
        }
        const items: ReplyValue[] = [];
        for (let i = 0; i < count; i++) {
          const item = this.parse(buf, depth + 1);
          if (item === INCOMPLETE) {
            // Only a top-level bulk's need is kept: the array is parsed again from its start.
            this.need = 0;
            return INCOMPLETE;
          }
          items.push(item);
        }
        return items;
      }
      case undefined:
        return INCOMPLETE;
      default:
        throw new ReplyProtocolError(
          `Protocol error, got ${JSON.stringify(String.fromCharCode(type))} as reply type byte`,
        );
    }
  }
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

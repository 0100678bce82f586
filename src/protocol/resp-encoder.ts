/**
 * Reply → RESP bytes, for RESP2 or RESP3 (sentinel-protocol §9.1).
 *
 * RESP2 has no map, set, push, null, double or verbatim types, so they degrade the way Redis
 * degrades them: maps become flat key/value arrays, sets and pushes plain arrays, `null` is
 * `$-1`, `null-array` is `*-1`, doubles and verbatim strings are bulk strings.
 *
 * encodeReply/encodeReplies write in one pass (resp-writer.ts). encodeReplyBytes, which
 * measures then writes each field natively, is the reference it is tested against.
 * Simple strings and errors cannot carry CR/LF on the wire; like Redis's addReplyError they are
 * replaced by spaces so a reply can never break the framing.
 */
import type { Reply } from "./reply.js";
import { writeReplies } from "./resp-writer.js";

export type ProtocolVersion = 2 | 3;

const CRLF_LEN = 2;

/** Encodes one reply. */
export function encodeReply(reply: Reply, protocol: ProtocolVersion): Buffer {
  return writeReplies([reply], protocol, formatDouble);
}

/** The two-pass reference encoder: measures, then writes each field natively. */
export function encodeReplyBytes(reply: Reply, protocol: ProtocolVersion): Buffer {
  const out = Buffer.allocUnsafe(measure(reply, protocol));
  const end = write(reply, protocol, out, 0);
  return end === out.length ? out : out.subarray(0, end);
}

/** Encodes several replies back to back into one buffer (pipelined answers, SUBSCRIBE a b c). */
export function encodeReplies(replies: readonly Reply[], protocol: ProtocolVersion): Buffer {
  return writeReplies(replies, protocol, formatDouble);
}

/** Redis renders doubles with "%.17g"; integers print without a fraction, inf/nan by name. */
export function formatDouble(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  if (Number.isInteger(value) && Math.abs(value) < 1e17) return String(value);
  const text = value.toPrecision(17);
  const [mantissa = text, exponent] = text.split("e");
  const trimmed = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
  if (exponent === undefined) return trimmed;
  const sign = exponent.startsWith("-") ? "-" : "+";
  const digits = exponent.replace(/^[+-]/, "").padStart(2, "0");
  return `${trimmed}e${sign}${digits}`;
}

function sanitizeLine(text: string): string {
  return text.includes("\r") || text.includes("\n") ? text.replace(/[\r\n]/g, " ") : text;
}

function integerText(value: number | bigint): string {
  return typeof value === "bigint" ? value.toString() : String(Math.trunc(value));
}

function digits(n: number): number {
  // Length of a non-negative integer's decimal form (lengths and counts are small).
  return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : String(n).length;
}

function byteLength(value: string | Uint8Array): number {
  return typeof value === "string" ? Buffer.byteLength(value, "utf8") : value.length;
}

function bulkSize(len: number): number {
  return 1 + digits(len) + CRLF_LEN + len + CRLF_LEN;
}

function headerSize(count: number): number {
  return 1 + (count < 0 ? 2 : digits(count)) + CRLF_LEN;
}

/** A verbatim payload is a 3-letter format, a colon, then the text. */
function verbatimLen(value: string): number {
  return 4 + byteLength(value);
}

function measure(reply: Reply, protocol: ProtocolVersion): number {
  switch (reply.type) {
    case "simple":
    case "error":
      return 1 + Buffer.byteLength(sanitizeLine(reply.value), "utf8") + CRLF_LEN;
    case "integer":
      return 1 + integerText(reply.value).length + CRLF_LEN;
    case "bulk":
      return bulkSize(byteLength(reply.value));
    case "null":
      return protocol === 3 ? 3 : 5;
    case "null-array":
      return protocol === 3 ? 3 : 5;
    case "double": {
      const text = formatDouble(reply.value);
      return protocol === 3 ? 1 + text.length + CRLF_LEN : bulkSize(text.length);
    }
    case "verbatim": {
      const len = protocol === 3 ? verbatimLen(reply.value) : byteLength(reply.value);
      return bulkSize(len);
    }
    case "array":
    case "set":
    case "push": {
      let size = headerSize(reply.items.length);
      for (const item of reply.items) size += measure(item, protocol);
      return size;
    }
    case "map": {
      const count = protocol === 3 ? reply.entries.length : reply.entries.length * 2;
      let size = headerSize(count);
      for (const [k, v] of reply.entries) size += measure(k, protocol) + measure(v, protocol);
      return size;
    }
    case "raw":
      return reply.bytes.length;
  }
}

function writeAscii(out: Buffer, at: number, text: string): number {
  return at + out.write(text, at, "latin1");
}

function writeHeader(out: Buffer, at: number, prefix: string, count: number): number {
  return writeAscii(out, at, `${prefix}${count}\r\n`);
}

function writeBulk(out: Buffer, at: number, value: string | Uint8Array, prefix = "$"): number {
  const len = byteLength(value);
  let pos = writeHeader(out, at, prefix, len);
  if (typeof value === "string") pos += out.write(value, pos, "utf8");
  else {
    out.set(value, pos);
    pos += value.length;
  }
  out[pos] = 13;
  out[pos + 1] = 10;
  return pos + CRLF_LEN;
}

function writeLine(out: Buffer, at: number, prefix: string, text: string): number {
  out[at] = prefix.charCodeAt(0);
  const pos = at + 1 + out.write(text, at + 1, "utf8");
  out[pos] = 13;
  out[pos + 1] = 10;
  return pos + CRLF_LEN;
}

function aggregatePrefix(type: "array" | "set" | "push", protocol: ProtocolVersion): string {
  if (protocol === 2) return "*";
  return type === "array" ? "*" : type === "set" ? "~" : ">";
}

function write(reply: Reply, protocol: ProtocolVersion, out: Buffer, at: number): number {
  switch (reply.type) {
    case "simple":
      return writeLine(out, at, "+", sanitizeLine(reply.value));
    case "error":
      return writeLine(out, at, "-", sanitizeLine(reply.value));
    case "integer":
      return writeLine(out, at, ":", integerText(reply.value));
    case "bulk":
      return writeBulk(out, at, reply.value);
    case "null":
      return writeAscii(out, at, protocol === 3 ? "_\r\n" : "$-1\r\n");
    case "null-array":
      return writeAscii(out, at, protocol === 3 ? "_\r\n" : "*-1\r\n");
    case "double": {
      const text = formatDouble(reply.value);
      return protocol === 3 ? writeLine(out, at, ",", text) : writeBulk(out, at, text);
    }
    case "verbatim":
      if (protocol === 2) return writeBulk(out, at, reply.value);
      return writeBulk(out, at, `${reply.format.padEnd(3, " ").slice(0, 3)}:${reply.value}`, "=");
    case "array":
    case "set":
    case "push": {
      let pos = writeHeader(out, at, aggregatePrefix(reply.type, protocol), reply.items.length);
      for (const item of reply.items) pos = write(item, protocol, out, pos);
      return pos;
    }
    case "map": {
      const count = protocol === 3 ? reply.entries.length : reply.entries.length * 2;
      let pos = writeHeader(out, at, protocol === 3 ? "%" : "*", count);
      for (const [k, v] of reply.entries) {
        pos = write(k, protocol, out, pos);
        pos = write(v, protocol, out, pos);
      }
      return pos;
    }
    case "raw":
      out.set(reply.bytes, at);
      return at + reply.bytes.length;
  }
}

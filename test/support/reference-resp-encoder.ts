// The two-pass RESP encoder the production one (src/protocol/resp-encoder.ts) replaced, kept as
// the tests' reference: it measures the reply, then writes each field natively into a Buffer of
// that size. The encoder tests require both to give the same bytes.
import type { Reply } from "../../src/protocol/reply.js";
import { formatDouble } from "../../src/protocol/resp-encoder.js";

type ProtocolVersion = 2 | 3;

const CRLF_LEN = 2;

/** Encodes one reply in two passes: measure, then write. */
export function encodeReplyBytes(reply: Reply, protocol: ProtocolVersion): Buffer {
  const out = Buffer.allocUnsafe(measure(reply, protocol));
  const end = write(reply, protocol, out, 0);
  return end === out.length ? out : out.subarray(0, end);
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
    case "bulk-map":
      return measure(asMap(reply.pairs), protocol);
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

/** The general form of a bulk-map: a map of bulk strings. */
function asMap(pairs: readonly (readonly [string, string])[]): Reply {
  return {
    type: "map",
    entries: pairs.map(
      ([k, v]) =>
        [
          { type: "bulk", value: k },
          { type: "bulk", value: v },
        ] as const,
    ),
  };
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
    case "bulk-map":
      return write(asMap(reply.pairs), protocol, out, at);
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

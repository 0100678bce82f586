/**
 * Reply → RESP bytes, for RESP2 or RESP3 (docs/PROTOCOL.md §9.1).
 *
 * RESP2 has no map, set, push, null, double or verbatim types, so they degrade the way Redis
 * degrades them: maps become flat key/value arrays, sets and pushes plain arrays, `null` is
 * `$-1`, `null-array` is `*-1`, doubles and verbatim strings are bulk strings. Simple strings
 * and errors cannot carry CR/LF on the wire; like Redis's addReplyError they are replaced by
 * spaces so a reply can never break the framing.
 *
 * One pass into a reused scratch buffer, then one copy out (into output-slab.ts memory, or
 * straight into a client's reply stage with encodeTransient).
 * Replies are mostly short ASCII strings (field names, addresses, numbers), so a string is
 * first written byte by byte on the guess that it is ASCII, with its length as the header;
 * the first non-ASCII character undoes that and the string is measured and written natively
 * as UTF-8 instead. This costs no native call per field and builds no intermediate strings,
 * where measuring and writing each field natively (the encoder this replaced, kept as the tests'
 * reference in test/support/reference-resp-encoder.ts) made SENTINEL MASTER's forty fields slow.
 */
import { takeOutput } from "./output-slab.js";
import type { Reply } from "./reply.js";

export type ProtocolVersion = 2 | 3;

const CR = 13;
const LF = 10;
/** Longer strings skip the ASCII guess and go straight to the native UTF-8 writer. */
const GUESS_LIMIT = 512;
const SCRATCH_SIZE = 64 * 1024;
/** A scratch buffer grown past this for one huge reply is let go afterwards. */
const SCRATCH_KEEP = 1024 * 1024;

let scratch = Buffer.allocUnsafe(SCRATCH_SIZE);
let pos = 0;

function ensure(extra: number): void {
  if (pos + extra <= scratch.length) return;
  const next = Buffer.allocUnsafe(Math.max(scratch.length * 2, pos + extra));
  scratch.copy(next, 0, 0, pos);
  scratch = next;
}

/** Text known to be ASCII (prefixes, digits). */
function putAscii(text: string): void {
  const n = text.length;
  ensure(n);
  const out = scratch;
  let p = pos;
  for (let i = 0; i < n; i++) out[p++] = text.charCodeAt(i);
  pos = p;
}

/** `<prefix char><n>\r\n` for a non-negative integer, with no intermediate string. */
function putHeader(prefix: number, n: number): void {
  ensure(24);
  const out = scratch;
  out[pos++] = prefix;
  if (n < 10) {
    out[pos++] = 0x30 + n;
  } else {
    const text = String(n);
    for (let i = 0; i < text.length; i++) out[pos++] = text.charCodeAt(i);
  }
  out[pos++] = CR;
  out[pos++] = LF;
}

function putCrlf(): void {
  ensure(2);
  scratch[pos] = CR;
  scratch[pos + 1] = LF;
  pos += 2;
}

/** Writes `text` if it is ASCII; otherwise writes nothing and returns false. */
function tryAscii(text: string): boolean {
  const n = text.length;
  ensure(n);
  const out = scratch;
  const start = pos;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return false;
    out[start + i] = c;
  }
  pos = start + n;
  return true;
}

function putUtf8(text: string): void {
  ensure(Buffer.byteLength(text, "utf8"));
  pos += scratch.write(text, pos, "utf8");
}

const DOLLAR = 0x24;

/** `<prefix><byte length>\r\n<text>\r\n`. */
function putBulkText(prefix: number, text: string): void {
  const mark = pos;
  if (text.length <= GUESS_LIMIT) {
    putHeader(prefix, text.length);
    if (tryAscii(text)) {
      putCrlf();
      return;
    }
    pos = mark;
  }
  putHeader(prefix, Buffer.byteLength(text, "utf8"));
  putUtf8(text);
  putCrlf();
}

function putBulkBytes(bytes: Uint8Array): void {
  putHeader(DOLLAR, bytes.length);
  ensure(bytes.length);
  scratch.set(bytes, pos);
  pos += bytes.length;
  putCrlf();
}

/** `<prefix><text>\r\n` with CR/LF in the text replaced by spaces (addReplyError does). */
function putLine(prefix: string, text: string): void {
  const clean = text.includes("\r") || text.includes("\n") ? text.replace(/[\r\n]/g, " ") : text;
  putAscii(prefix);
  if (clean.length > GUESS_LIMIT || !tryAscii(clean)) putUtf8(clean);
  putCrlf();
}

/** `*`, or RESP3's `~` (set) and `>` (push). */
function aggregatePrefix(type: "array" | "set" | "push", protocol: ProtocolVersion): number {
  if (protocol === 2 || type === "array") return 0x2a;
  return type === "set" ? 0x7e : 0x3e;
}

function put(reply: Reply, protocol: ProtocolVersion): void {
  switch (reply.type) {
    case "simple":
      putLine("+", reply.value);
      return;
    case "error":
      putLine("-", reply.value);
      return;
    case "integer":
      putAscii(
        `:${typeof reply.value === "bigint" ? reply.value.toString() : String(Math.trunc(reply.value))}\r\n`,
      );
      return;
    case "bulk":
      if (typeof reply.value === "string") putBulkText(DOLLAR, reply.value);
      else putBulkBytes(reply.value);
      return;
    case "null":
      putAscii(protocol === 3 ? "_\r\n" : "$-1\r\n");
      return;
    case "null-array":
      putAscii(protocol === 3 ? "_\r\n" : "*-1\r\n");
      return;
    case "double": {
      const text = formatDouble(reply.value);
      if (protocol === 3) putAscii(`,${text}\r\n`);
      else putBulkText(DOLLAR, text);
      return;
    }
    case "verbatim":
      if (protocol === 2) putBulkText(DOLLAR, reply.value);
      else putBulkText(0x3d, `${reply.format.padEnd(3, " ").slice(0, 3)}:${reply.value}`);
      return;
    case "array":
    case "set":
    case "push":
      putHeader(aggregatePrefix(reply.type, protocol), reply.items.length);
      for (const item of reply.items) put(item, protocol);
      return;
    case "map":
      if (protocol === 3) putHeader(0x25, reply.entries.length);
      else putHeader(0x2a, reply.entries.length * 2);
      for (const [k, v] of reply.entries) {
        put(k, protocol);
        put(v, protocol);
      }
      return;
    case "bulk-map":
      if (protocol === 3) putHeader(0x25, reply.pairs.length);
      else putHeader(0x2a, reply.pairs.length * 2);
      for (const pair of reply.pairs) {
        putBulkText(DOLLAR, pair[0]);
        putBulkText(DOLLAR, pair[1]);
      }
      return;
    case "raw":
      ensure(reply.bytes.length);
      scratch.set(reply.bytes, pos);
      pos += reply.bytes.length;
      return;
  }
}

/** Encodes several replies back to back into one buffer (pipelined answers, SUBSCRIBE a b c). */
export function encodeReplies(replies: readonly Reply[], protocol: ProtocolVersion): Buffer {
  pos = 0;
  try {
    for (const reply of replies) put(reply, protocol);
    const out = takeOutput(pos);
    scratch.copy(out, 0, 0, pos);
    return out;
  } finally {
    pos = 0;
    if (scratch.length > SCRATCH_KEEP) scratch = Buffer.allocUnsafe(SCRATCH_SIZE);
  }
}

/** Encodes one reply. */
export function encodeReply(reply: Reply, protocol: ProtocolVersion): Buffer {
  return encodeReplies([reply], protocol);
}

/**
 * Encodes one reply into the encoder's own memory, without the copy out: the view is valid
 * only until the next encode, so the caller copies it at once (a client's reply stage does).
 */
export function encodeTransient(reply: Reply, protocol: ProtocolVersion): Buffer {
  pos = 0;
  try {
    put(reply, protocol);
    return scratch.subarray(0, pos);
  } finally {
    pos = 0;
    // A scratch grown for one huge reply is let go; the view returned keeps it alive meanwhile.
    if (scratch.length > SCRATCH_KEEP) scratch = Buffer.allocUnsafe(SCRATCH_SIZE);
  }
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

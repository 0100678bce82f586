// The RESP request parser, driven the way the server drives it (src/shell/client-session.ts): reads
// copied out of one reused, dirty buffer at random boundaries, the fast paths (takeKnown of each of
// the session's FAST_REQUESTS: GET-MASTER-ADDR-BY-NAME, PING, …) tried before every nextStrings(). Properties: no exception; the events equal those of
// a parser fed the whole input at once through next() (same commands, same protocol error text, a
// known error text only), the fast path gives the general path's argv, notUtf8 flags exactly the
// arguments that are not UTF-8, and the bytes held stay within what was fed.
import type { KnownRequest } from "../../../src/protocol/known-request.js";
import { PROTOCOL_ERRORS, RespParser } from "../../../src/protocol/resp-parser.js";
import type { ParseEvent, StringParseEvent } from "../../../src/protocol/resp-parser.js";
import { randomChunks } from "../mutate.js";
import type { Rng } from "../rng.js";
import type { FuzzTarget } from "../runner.js";
import { violation } from "../runner.js";
import { FAST_REQUESTS } from "../../../src/shell/fast-requests.js";

const KNOWN: readonly KnownRequest[] = FAST_REQUESTS.map((f) => f.known);
const STRICT = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function multibulk(...args: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === "string" ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

/** Requests from the tests and from what clients send on connect. */
export const REQUEST_CORPUS: readonly Buffer[] = [
  multibulk("PING"),
  multibulk("sentinel", "get-master-addr-by-name", "mymaster"),
  multibulk("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "m"),
  multibulk("SENTINEL", "masters"),
  multibulk("SENTINEL", "is-master-down-by-addr", "127.0.0.1", "6379", "9223372036854775807", "*"),
  multibulk("HELLO", "3", "AUTH", "default", "pw"),
  multibulk("SUBSCRIBE", "+switch-master", "__sentinel__:hello"),
  multibulk("CLIENT", "SETNAME", "caf\u00e9 \u2603"),
  multibulk("ECHO", Buffer.from([0xff, 0xfe, 0x00, 0x41])),
  multibulk("ECHO", "x".repeat(300)),
  multibulk("PING", ""),
  Buffer.from("PING\r\n"),
  Buffer.from("PING \"a\\x41\\n\" 'b\\'c'\r\n"),
  Buffer.from("SENTINEL get-master-addr-by-name mymaster\n"),
  Buffer.from("\r\n\r\n  \t PING   x\r\n"),
  Buffer.from("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n"),
  Buffer.from(
    "*3\r\n$8\r\nSENTINEL\r\n$23\r\nget-master-addr-by-name\r\n$8\r\nmymaster\r\n*1\r\n$4\r\nPING\r\n",
  ),
  Buffer.from("*1\r\n$-1\r\n"),
  Buffer.from("*1\r\nPING\r\n"),
];

const DICTIONARY = [
  "*",
  "$",
  "\r\n",
  "*1\r\n",
  "$4\r\nPING\r\n",
  "*3\r\n",
  "$0\r\n\r\n",
  "\0",
  '"',
  "'",
  "\\x",
  "\\",
].map((s) => Buffer.from(s, "latin1"));

const KNOWN_ERRORS = new Set<string>(Object.values(PROTOCOL_ERRORS));

function describe(e: ParseEvent | StringParseEvent): string {
  if (e.type === "error") return `error ${e.message}`;
  const args = e.args.map((a) => (typeof a === "string" ? a : a.toString("utf8")));
  return `command ${JSON.stringify(args)}`;
}

/** The reference: the whole input in one feed, read with next(). */
function wholeInput(input: Buffer, authenticated: boolean): ParseEvent[] {
  const parser = new RespParser();
  parser.authenticated = authenticated;
  parser.feed(input);
  const out: ParseEvent[] = [];
  for (let e = parser.next(); e !== undefined; e = parser.next()) {
    out.push(e);
    if (e.type === "error") break;
  }
  return out;
}

function checkError(message: string): void {
  if (KNOWN_ERRORS.has(message)) return;
  if (/^Protocol error: expected '\$', got '[\s\S]'$/.test(message)) return;
  violation(`unknown protocol error text ${JSON.stringify(message)}`);
}

function notUtf8Of(args: readonly Buffer[]): number[] {
  const out: number[] = [];
  args.forEach((a, i) => {
    try {
      STRICT.decode(a);
    } catch {
      out.push(i);
    }
  });
  return out;
}

/** How a fast-path request is described: its words (lower case) and its last argument. */
function knownLine(known: KnownRequest, tail: string): string {
  return `known ${JSON.stringify(known.hasTail ? [...known.words, tail] : known.words)}`;
}

/** The session's loop over its fast paths: the first that takes the next request. */
function takeAnyKnown(parser: RespParser): string | undefined {
  for (const known of KNOWN) {
    const tail = parser.takeKnown(known);
    if (tail !== undefined) return knownLine(known, tail);
  }
  return undefined;
}

/** The fast path matching a request with these words (lower case), if any. */
function knownFor(words: readonly string[]): KnownRequest | undefined {
  return KNOWN.find(
    (k) =>
      words.length === k.words.length + (k.hasTail ? 1 : 0) &&
      k.words.every((w, i) => words[i] === w),
  );
}

/** The server's path: shared dirty read buffer, random reads, takeKnown before nextStrings. */
function serverPath(input: Buffer, rng: Rng, authenticated: boolean): string[] {
  const parser = new RespParser();
  parser.authenticated = authenticated;
  const shared = Buffer.alloc(Math.max(64, input.length), 0x2a);
  const out: string[] = [];
  let fed = 0;
  for (const chunk of randomChunks(input, rng)) {
    const size = chunk.copy(shared, 0);
    parser.feed(shared, size);
    fed += size;
    if (parser.heldBytes > fed + 64 * (input.length + 1)) {
      violation(`heldBytes ${parser.heldBytes} after ${fed} bytes fed`);
    }
    for (;;) {
      if (parser.isFailed) break;
      const known = takeAnyKnown(parser);
      if (known !== undefined) {
        out.push(known);
        continue;
      }
      const e = parser.nextStrings();
      if (e === undefined) break;
      out.push(
        describe(e) +
          (e.type === "command" && e.notUtf8 !== undefined
            ? ` notUtf8 ${e.notUtf8.join(",")}`
            : ""),
      );
      if (e.type === "error") break;
    }
    if (parser.isFailed) break;
  }
  return out;
}

function expected(events: readonly ParseEvent[]): string[] {
  return events.map((e) => {
    if (e.type === "error") {
      checkError(e.message);
      return describe(e);
    }
    const words = e.args.map((a) => a.toString("latin1").toLowerCase());
    const known = knownFor(words);
    if (known !== undefined) {
      const tail = known.hasTail ? e.args[known.words.length]! : Buffer.alloc(0);
      // The fast path takes only a valid UTF-8 last argument of at most 1024 bytes in a
      // canonical frame; the general path gives the same argv otherwise: compare either way.
      if (notUtf8Of([tail]).length === 0) return knownLine(known, tail.toString("utf8"));
    }
    const bad = notUtf8Of(e.args);
    return describe(e) + (bad.length > 0 ? ` notUtf8 ${bad.join(",")}` : "");
  });
}

/** A general-path request a fast path takes counts as the fast path's answer for it. */
function normalizeKnown(line: string): string {
  const m = /^command (\[.*\])$/.exec(line);
  if (m === null) return line;
  const args = JSON.parse(m[1]!) as string[];
  const known = knownFor(args.map((a) => a.toLowerCase()));
  return known === undefined ? line : knownLine(known, known.hasTail ? args.at(-1)! : "");
}

export const respRequestTarget: FuzzTarget = {
  name: "resp-request",
  description:
    "RESP request parser on the server's path (random reads, fast path, nextStrings) against one whole-input parse",
  ciInputs: 10_000,
  corpus: REQUEST_CORPUS,
  dictionary: DICTIONARY,
  // Below the 64 KB inline limit: a whole-input parse and a chunked one must then agree.
  maxLength: 60 * 1024,
  check(input: Buffer, rng: Rng): void {
    const authenticated = rng.chance(0.8);
    const want = expected(wholeInput(input, authenticated));
    const got = serverPath(input, rng, authenticated).map(normalizeKnown);
    if (got.length !== want.length || got.some((g, i) => g !== want[i])) {
      const at = got.findIndex((g, i) => g !== want[i]);
      violation(
        `events differ at ${at}: server path ${got[at] ?? "(none)"} / whole input ${want[at] ?? "(none)"}`,
      );
    }
  },
};

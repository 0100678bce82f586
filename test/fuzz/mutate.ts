// Byte-level mutations of a corpus input, as coverage-less fuzzers do (bit flips, byte inserts and
// deletes, splices with other inputs, repeated slices) plus the ones parsers of length-prefixed and
// line-based text care about: length and number fields swapped for edge values, CR/LF games, and
// words of the target's own dictionary.
import type { Rng } from "./rng.js";

export interface MutationContext {
  readonly corpus: readonly Buffer[];
  /** Target-specific tokens (directive names, type bytes, field names). */
  readonly dictionary: readonly Buffer[];
  /** Inputs are cut back to this size (a repeated slice may reach it). */
  readonly maxLength: number;
}

const INTERESTING_BYTES = [
  0x0d, 0x0a, 0x00, 0x2a, 0x24, 0x3a, 0x2b, 0x2d, 0x20, 0x09, 0x22, 0x27, 0x5c, 0x30, 0x31, 0x39,
  0x2c, 0x23, 0x3d, 0x7f, 0x80, 0xc3, 0xff, 0x78,
];

/** Numbers at the edges of the limits Redis and Vigil check (int64, 2^53, proto limits). */
export const INTERESTING_NUMBERS = [
  "0",
  "1",
  "-1",
  "-2",
  "2",
  "10",
  "11",
  "16384",
  "16385",
  "65535",
  "65536",
  "65537",
  "1048576",
  "1048577",
  "2147483647",
  "2147483648",
  "-2147483648",
  "4294967295",
  "4294967296",
  "536870911",
  "536870912",
  "536870913",
  "9007199254740991",
  "9007199254740992",
  "9007199254740993",
  "9223372036854775807",
  "9223372036854775808",
  "-9223372036854775808",
  "-9223372036854775809",
  "18446744073709551615",
  "18446744073709551616",
  "99999999999999999999999999",
  "",
  "-",
  "+1",
  "01",
  "00",
  "-0",
  " 1",
  "1 ",
  "1e3",
  "0x10",
  "1.5",
  "٣",
];

function splice(a: Buffer, at: number, remove: number, insert: Uint8Array): Buffer {
  return Buffer.concat([a.subarray(0, at), insert, a.subarray(Math.min(a.length, at + remove))]);
}

/** Where digit runs (with a leading '-') start and end. */
function numberRuns(input: Buffer): [number, number][] {
  const runs: [number, number][] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    const digit = c >= 0x30 && c <= 0x39;
    if (!digit && !(c === 0x2d && (input[i + 1] ?? 0) >= 0x30 && (input[i + 1] ?? 0) <= 0x39)) {
      i++;
      continue;
    }
    const from = i;
    i++;
    while (i < input.length && input[i]! >= 0x30 && input[i]! <= 0x39) i++;
    runs.push([from, i]);
  }
  return runs;
}

function editNumber(input: Buffer, rng: Rng): Buffer {
  const runs = numberRuns(input);
  if (runs.length === 0)
    return splice(input, rng.int(input.length + 1), 0, Buffer.from(rng.pick(INTERESTING_NUMBERS)));
  const [from, to] = rng.pick(runs);
  let text: string;
  const old = input.toString("latin1", from, to);
  if (rng.chance(0.3) && old.length < 16) {
    // Off by a little: a length one short or one long of its payload.
    text = String(Number(old) + rng.range(-2, 2));
  } else {
    text = rng.pick(INTERESTING_NUMBERS);
  }
  return splice(input, from, to - from, Buffer.from(text, "latin1"));
}

function crlfGame(input: Buffer, rng: Rng): Buffer {
  const positions: number[] = [];
  for (let i = 0; i < input.length; i++)
    if (input[i] === 0x0d || input[i] === 0x0a) positions.push(i);
  const at =
    positions.length > 0 && rng.chance(0.8) ? rng.pick(positions) : rng.int(input.length + 1);
  switch (rng.int(6)) {
    case 0: // drop the CR or LF
      return splice(input, at, 1, Buffer.alloc(0));
    case 1: // a lone LF for a CRLF, or the reverse
      return input[at] === 0x0a
        ? splice(input, at, 1, Buffer.from("\r\n"))
        : splice(input, at, 2, Buffer.from("\n"));
    case 2:
      return splice(input, at, 0, Buffer.from("\r\n"));
    case 3:
      return splice(input, at, 0, Buffer.from("\r"));
    case 4:
      return splice(input, at, 0, Buffer.from("\n"));
    default:
      return splice(input, at, 0, Buffer.from("\r\n\r\n"));
  }
}

function mutateOnce(input: Buffer, rng: Rng, ctx: MutationContext): Buffer {
  const at = rng.int(input.length + 1);
  switch (rng.int(13)) {
    case 0: {
      if (input.length === 0) return input;
      const out = Buffer.from(input);
      const i = rng.int(out.length);
      out[i] = out[i]! ^ (1 << rng.int(8));
      return out;
    }
    case 1: {
      if (input.length === 0) return input;
      const out = Buffer.from(input);
      out[rng.int(out.length)] = rng.chance(0.5) ? rng.pick(INTERESTING_BYTES) : rng.int(256);
      return out;
    }
    case 2:
      return splice(
        input,
        at,
        0,
        rng.chance(0.5) ? rng.bytes(rng.range(1, 8)) : Buffer.from([rng.pick(INTERESTING_BYTES)]),
      );
    case 3:
      return splice(input, at, rng.range(1, 16), Buffer.alloc(0));
    case 4: {
      // A slice of the input copied elsewhere.
      const from = rng.int(input.length + 1);
      const len = rng.range(1, 32);
      return splice(input, at, 0, input.subarray(from, from + len));
    }
    case 5: {
      // A slice repeated many times (long lines, deep nesting, many arguments).
      const from = rng.int(input.length + 1);
      const piece =
        rng.chance(0.3) && ctx.dictionary.length > 0
          ? rng.pick(ctx.dictionary)
          : input.subarray(from, from + rng.range(1, 12));
      if (piece.length === 0) return input;
      const times = rng.chance(0.1) ? rng.range(100, 20_000) : rng.range(2, 64);
      const room = Math.max(1, Math.floor(ctx.maxLength / piece.length));
      return splice(input, at, 0, Buffer.concat(Array<Buffer>(Math.min(times, room)).fill(piece)));
    }
    case 6: {
      // Splice: our head with another input's tail.
      const other = rng.pick(ctx.corpus);
      return Buffer.concat([input.subarray(0, at), other.subarray(rng.int(other.length + 1))]);
    }
    case 7:
      return editNumber(input, rng);
    case 8:
    case 9:
      return crlfGame(input, rng);
    case 10:
      return input.subarray(0, at);
    case 11:
      return Buffer.concat(
        rng.chance(0.5) ? [input, rng.pick(ctx.corpus)] : [rng.pick(ctx.corpus), input],
      );
    default: {
      if (ctx.dictionary.length === 0) return input;
      const word = rng.pick(ctx.dictionary);
      return splice(input, at, rng.chance(0.5) ? rng.range(0, 8) : 0, word);
    }
  }
}

/** One fuzz input: a corpus entry (or random bytes) with a few stacked mutations. */
export function makeInput(rng: Rng, ctx: MutationContext): Buffer {
  let input = rng.chance(0.03) ? rng.bytes(rng.range(0, 64)) : rng.pick(ctx.corpus);
  const rounds = rng.chance(0.1) ? 0 : rng.range(1, rng.chance(0.5) ? 3 : 10);
  for (let i = 0; i < rounds; i++) {
    input = mutateOnce(input, rng, ctx);
    if (input.length > ctx.maxLength) input = input.subarray(0, ctx.maxLength);
  }
  return input;
}

/** Cuts `input` into pieces at random boundaries (socket reads). */
export function randomChunks(input: Buffer, rng: Rng): Buffer[] {
  if (input.length === 0) return [input];
  const mode = rng.int(4);
  if (mode === 0) return [input];
  // Byte by byte and tiny reads only for short inputs: a parser may rescan a pending reply.
  if (mode === 1 && input.length <= 2048) return [...input].map((b) => Buffer.from([b]));
  const small = mode !== 3 && input.length <= 16 * 1024;
  const chunks: Buffer[] = [];
  let at = 0;
  while (at < input.length) {
    const len = small ? rng.range(1, 8) : rng.range(1, Math.max(1, input.length));
    chunks.push(input.subarray(at, at + len));
    at += len;
  }
  return chunks;
}

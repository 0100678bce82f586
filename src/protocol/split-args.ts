/**
 * Inline-command tokenizer with the quoting rules redis-cli and Redis's inline protocol use
 * (sds.c: sdssplitargs): whitespace separates words; "double quotes" understand \n \r \t \b \a,
 * \xHH and \<any>; 'single quotes' understand only \'; a closing quote must be followed by
 * whitespace or the end. Returns null on unbalanced quotes.
 *
 * Works on bytes so binary inline arguments survive; like the C original, which reads a
 * NUL-terminated string, a NUL byte ends the line.
 */

const SPACE = 0x20;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const BACKSLASH = 0x5c;

/** isspace() in the C locale. */
function isSpace(c: number): boolean {
  return c === SPACE || (c >= 0x09 && c <= 0x0d);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

const ESCAPES: Readonly<Record<number, number>> = {
  0x6e: 0x0a, // n
  0x72: 0x0d, // r
  0x74: 0x09, // t
  0x62: 0x08, // b
  0x61: 0x07, // a
};

interface Cursor {
  pos: number;
}

/** Reads a double-quoted word body starting after the quote. Returns false when unbalanced. */
function readDoubleQuoted(line: Uint8Array, end: number, cur: Cursor, out: number[]): boolean {
  for (;;) {
    if (cur.pos >= end) return false;
    const c = line[cur.pos]!;
    if (c === BACKSLASH && cur.pos + 3 < end && line[cur.pos + 1] === 0x78) {
      const hi = hexValue(line[cur.pos + 2]!);
      const lo = hexValue(line[cur.pos + 3]!);
      if (hi >= 0 && lo >= 0) {
        out.push(hi * 16 + lo);
        cur.pos += 4;
        continue;
      }
    }
    if (c === BACKSLASH && cur.pos + 1 < end) {
      const next = line[cur.pos + 1]!;
      out.push(ESCAPES[next] ?? next);
      cur.pos += 2;
      continue;
    }
    if (c === DQUOTE) {
      cur.pos += 1;
      // The closing quote must be followed by a space or nothing.
      return cur.pos >= end || isSpace(line[cur.pos]!);
    }
    out.push(c);
    cur.pos += 1;
  }
}

function readSingleQuoted(line: Uint8Array, end: number, cur: Cursor, out: number[]): boolean {
  for (;;) {
    if (cur.pos >= end) return false;
    const c = line[cur.pos]!;
    if (c === BACKSLASH && cur.pos + 1 < end && line[cur.pos + 1] === SQUOTE) {
      out.push(SQUOTE);
      cur.pos += 2;
      continue;
    }
    if (c === SQUOTE) {
      cur.pos += 1;
      return cur.pos >= end || isSpace(line[cur.pos]!);
    }
    out.push(c);
    cur.pos += 1;
  }
}

/** Splits one inline line (without its line terminator) into arguments; null = unbalanced quotes. */
export function splitArgs(input: Uint8Array): Buffer[] | null {
  const nul = input.indexOf(0);
  const end = nul === -1 ? input.length : nul;
  const args: Buffer[] = [];
  const cur: Cursor = { pos: 0 };
  for (;;) {
    while (cur.pos < end && isSpace(input[cur.pos]!)) cur.pos += 1;
    if (cur.pos >= end) return args;
    const word: number[] = [];
    for (;;) {
      if (cur.pos >= end) break;
      const c = input[cur.pos]!;
      if (c === SPACE || c === 0x0a || c === 0x0d || c === 0x09) break;
      cur.pos += 1;
      if (c === DQUOTE) {
        if (!readDoubleQuoted(input, end, cur, word)) return null;
        break;
      }
      if (c === SQUOTE) {
        if (!readSingleQuoted(input, end, cur, word)) return null;
        break;
      }
      word.push(c);
    }
    args.push(Buffer.from(word));
  }
}

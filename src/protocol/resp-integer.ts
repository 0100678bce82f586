/**
 * The canonical base-10 integers of RESP header lines (`*<count>`, `$<length>`), as Redis's
 * string2ll accepts them: no sign but `-`, no leading zero, no spaces.
 */
const INT64_DIGITS = 19;
/** Decimal lengths up to this many digits are exact in a double; longer go through BigInt. */
const FAST_DIGITS = 15;

/** string2ll: canonical base-10 integer, or undefined. Values past 2^53 are clamped (≥ limits). */
export function parseStrictInteger(bytes: Uint8Array): number | undefined {
  const len = bytes.length;
  if (len === 0) return undefined;
  if (len === 1 && bytes[0] === 0x30) return 0;
  let i = 0;
  let negative = false;
  if (bytes[0] === 0x2d) {
    negative = true;
    i = 1;
    if (len === 1) return undefined;
  }
  const first = bytes[i]!;
  if (first < 0x31 || first > 0x39) return undefined;
  if (len - i > INT64_DIGITS) return undefined;
  let text = "";
  for (; i < len; i++) {
    const c = bytes[i]!;
    if (c < 0x30 || c > 0x39) return undefined;
    text += String.fromCharCode(c);
  }
  const big = BigInt(negative ? `-${text}` : text);
  if (big > 9223372036854775807n || big < -9223372036854775808n) return undefined;
  return Number(big);
}

/** parseStrictInteger over buf[from, to) without a view: the hot path for header lines. */
export function parseIntegerAt(buf: Buffer, from: number, to: number): number | undefined {
  const len = to - from;
  if (len <= 0 || len > FAST_DIGITS) return parseStrictInteger(buf.subarray(from, to));
  let i = from;
  const negative = buf[i] === 0x2d;
  if (negative) {
    i += 1;
    if (i === to) return undefined;
  }
  const first = buf[i]!;
  // "0" alone is canonical; "-0", "00", "01" are not.
  if (first === 0x30) return !negative && len === 1 ? 0 : undefined;
  if (first < 0x31 || first > 0x39) return undefined;
  let value = 0;
  for (; i < to; i++) {
    const c = buf[i]!;
    if (c < 0x30 || c > 0x39) return undefined;
    value = value * 10 + (c - 0x30);
  }
  return negative ? -value : value;
}

/**
 * Integer parsing as Redis does it (util.c: string2ll, and the atoi/strtoull of C): the strict
 * form for command arguments, the lenient prefix forms for INFO and hello fields.
 */

/**
 * string2ll (optional '-', no '+', no spaces, no leading zeros), for settings Vigil keeps as
 * numbers: null when not an integer or beyond ±(2^53-1), where a number would round it. Redis
 * takes any int64 there; Vigil refuses what it could not give back exactly (docs/COMPATIBILITY.md).
 */
export function parseStrictInt(text: string): number | null {
  if (!/^(0|-?[1-9]\d*)$/.test(text)) return null;
  if (text.length > 17) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}

/** C atoi: optional leading spaces and sign, then digits; anything else ends it; 0 if none. */
export function atoi(text: string): number {
  const match = /^\s*([+-]?\d+)/.exec(text);
  if (match === null) return 0;
  const value = Number.parseInt(match[1] ?? "0", 10);
  // `+ 0`: C's atoi("-0") is 0; parseInt gives -0.
  return Number.isFinite(value) ? value + 0 : 0;
}

/** C strtoull for unsigned 64-bit values, as a bigint (leading digits, else 0). */
export function strtoull(text: string): bigint {
  const match = /^\s*\+?(\d+)/.exec(text);
  if (match === null) return 0n;
  const value = BigInt(match[1] ?? "0");
  return value > 18446744073709551615n ? 18446744073709551615n : value;
}

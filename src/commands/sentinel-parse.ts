/**
 * Argument parsing with Redis's rules: integers as util.c string2ll accepts them (no sign "+",
 * no leading zeros, no spaces, 64-bit range), yes/no as config.c yesnotoi.
 */
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const STRICT_INT = /^(0|-?[1-9][0-9]*)$/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The value of a strict decimal 64-bit integer, or null (Redis: getLongLongFromObject). */
export function parseLongLong(text: string): bigint | null {
  if (!STRICT_INT.test(text)) return null;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? null : value;
}

/**
 * A strict integer (as parseLongLong) that a number holds exactly, |n| <= 2^53-1, else null: the
 * settings Vigil keeps as numbers (timeouts, counts) refuse what they could not give back exactly.
 */
export function parseSafeInt(text: string): number | null {
  const value = parseLongLong(text);
  if (value === null || value > MAX_SAFE || value < -MAX_SAFE) return null;
  return Number(value);
}

/** yes → true, no → false (case-insensitive), anything else null. */
export function parseYesNo(text: string): boolean | null {
  const lower = text.toLowerCase();
  if (lower === "yes") return true;
  if (lower === "no") return false;
  return null;
}

export const NOT_AN_INTEGER = "ERR value is not an integer or out of range";
export const NO_SUCH_MASTER = "ERR No such master with that name";

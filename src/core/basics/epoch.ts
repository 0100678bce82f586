/**
 * Epochs (current, config, leader, failover) as exact 64-bit integers. Redis keeps them as
 * uint64_t and exchanges them in decimal; above 2^53 a JS number would round them, so Vigil keeps
 * them as bigint, always within [0, 2^63-1] (docs/COMPATIBILITY.md: an epoch beyond int64 in a
 * hello is ignored, where redis-sentinel stores it and then prints it negative).
 */
export type Epoch = bigint;

export const EPOCH_MAX: Epoch = 9223372036854775807n;

/**
 * The last two plain-decimal hello fields read and their values: hellos repeat the same epochs
 * for as long as nothing changes, and a hit skips the BigInt conversion.
 */
const cacheText = ["0", "0"];
const cacheValue: Epoch[] = [0n, 0n];
let cacheNext = 0;

/**
 * A hello's epoch field, read as sentinel.c reads it (strtoull: leading spaces, an optional sign,
 * digits up to the first non-digit, 0 when none). Null when the value is outside [0, 2^63-1]:
 * a negative number (strtoull wraps it) or one beyond int64.
 */
export function helloEpoch(text: string): Epoch | null {
  if (text === cacheText[0]) return cacheValue[0] ?? 0n;
  if (text === cacheText[1]) return cacheValue[1] ?? 0n;
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  const sign = text.charCodeAt(i);
  const negative = sign === 0x2d;
  if (negative || sign === 0x2b) i++;
  const start = i;
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  if (i === start) return 0n;
  const value = BigInt(text.slice(start, i));
  if (value > EPOCH_MAX || (negative && value !== 0n)) return null;
  if (start === 0 && i === text.length) {
    cacheText[cacheNext] = text;
    cacheValue[cacheNext] = value;
    cacheNext ^= 1;
  }
  return value;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** C isspace: space, \t \n \v \f \r. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * An epoch in a config line (`sentinel current-epoch|config-epoch|leader-epoch`): a decimal
 * integer within [0, 2^63-1], else null. Redis takes strtoull of anything; Vigil writes only
 * such values and refuses the rest at load.
 */
export function parseEpochText(text: string): Epoch | null {
  if (!/^[-+]?\d+$/.test(text)) return null;
  const value = BigInt(text);
  return value < 0n || value > EPOCH_MAX ? null : value;
}

/**
 * How config.c checks the one argument of a standard directive Vigil accepts without acting on
 * it (redis-directives.ts), with Redis's reasons: a sentinel.conf redis-sentinel refuses is
 * refused, not started from (docs/COMPATIBILITY.md, "Config checks"). The table of which rule each
 * directive follows is redis-value-table.ts.
 */
import { parseLongLong, parseYesNo } from "../commands/sentinel-parse.js";

export const INT_MIN = -2147483648n;
export const INT_MAX = 2147483647n;
export const UINT_MAX = 4294967295n;
export const LLONG_MAX = 9223372036854775807n;
export const ULLONG_MAX = 18446744073709551615n;
const TWO_64 = 1n << 64n;

/** A directive's check: null when Redis takes the value, else its reason. */
export type ValueRule = (value: string) => string | null;

const between = (min: bigint, max: bigint): string =>
  `argument must be between ${min} and ${max} inclusive`;

/** config.c: yesnotoi (any case). */
export const YES_NO: ValueRule = (v) =>
  parseYesNo(v) === null ? "argument must be 'yes' or 'no'" : null;

/** config.c: enum configs (configEnumGetValue: any case). */
export function oneOf(...values: readonly string[]): ValueRule {
  const reason = `argument(s) must be one of the following: ${values.join(", ")}`;
  return (v) => (values.includes(v.toLowerCase()) ? null : reason);
}

/**
 * util.c: memtoull as 7.0.15 has it — digits, then an optional unit (b, k, kb, m, mb, g, gb, any
 * case); no digits reads 0, strtoull saturates, and the product wraps modulo 2^64.
 */
export function memtoull(v: string): bigint | null {
  const m = /^(\d*)(|b|k|kb|m|mb|g|gb)$/i.exec(v);
  if (m === null || (m[1] ?? "").length >= 128) return null;
  const units: Readonly<Record<string, bigint>> = {
    "": 1n,
    b: 1n,
    k: 1000n,
    kb: 1024n,
    m: 1000000n,
    mb: 1048576n,
    g: 1000000000n,
    gb: 1073741824n,
  };
  const digits = BigInt(m[1] === "" ? "0" : (m[1] ?? "0"));
  const saturated = digits > ULLONG_MAX ? ULLONG_MAX : digits;
  return (saturated * (units[(m[2] ?? "").toLowerCase()] ?? 1n)) % TWO_64;
}

/** A numeric config without flags: util.c string2ll (parseLongLong), then [min, max]. */
export function int(min: bigint, max: bigint): ValueRule {
  return (v) => {
    const n = parseLongLong(v);
    if (n === null) return "argument couldn't be parsed into an integer";
    return n < min || n > max ? between(min, max) : null;
  };
}

/**
 * A MEMORY_CONFIG: memtoull, compared as the config's type compares it — unsigned when the
 * bound reaches past int64 (maxmemory), else as the signed value the bits make.
 */
export function memory(min: bigint, max: bigint): ValueRule {
  return (v) => {
    const u = memtoull(v);
    if (u === null) return "argument must be a memory value";
    const n = max > LLONG_MAX || u <= LLONG_MAX ? u : u - TWO_64;
    return n < min || n > max ? between(min, max) : null;
  };
}

/**
 * maxmemory-clients (MEMORY_CONFIG | PERCENT_CONFIG, [-100, LLONG_MAX]): a memory value or
 * `<n>%`, a percentage kept negative, so a memory value past int64 reads as one too.
 */
export const MEMORY_OR_PERCENT: ValueRule = (v) => {
  const u = memtoull(v);
  const percent = v.length > 1 && v.endsWith("%") ? parseLongLong(v.slice(0, -1)) : null;
  let n: bigint;
  if (u !== null) n = u <= LLONG_MAX ? u : u - TWO_64;
  else if (percent !== null && percent >= 0n) n = -percent;
  else return "argument must be a memory or percent value";
  return n < -100n ? "percentage argument must be less or equal to 100" : null;
};

/** unixsocketperm (OCTAL_CONFIG, [0, 0777]): strtoll base 8, the bounds printed in octal. */
export const OCTAL_PERM: ValueRule = (v) => {
  // strtoll: leading blanks and a sign; "" converts nothing and ends at the NUL, so it is 0.
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-7]+)$/.exec(v);
  if (v !== "" && m === null) return "argument couldn't be parsed as an octal number";
  const magnitude = m === null ? 0n : BigInt(`0o${m[2] ?? "0"}`);
  if (magnitude > LLONG_MAX + (m?.[1] === "-" ? 1n : 0n)) {
    return "argument couldn't be parsed as an octal number";
  }
  const n = m?.[1] === "-" ? -magnitude : magnitude;
  return n < 0n || n > 0o777n ? "argument must be between 0 and 777 inclusive" : null;
};

/** notify-keyspace-events: keyspaceEventsStringToFlags's letters. */
export const KEYSPACE_EVENTS: ValueRule = (v) =>
  /^[Ag$lshzxeKEtmdn]*$/.test(v) ? null : "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

/** config.c: isValidDBfilename, isValidAOFfilename, isValidAOFdirname (pathIsBaseName). */
export function baseName(name: string, kind: "filename" | "dirname", empty: boolean): ValueRule {
  return (v) => {
    if (!empty && v === "") return `${name} can't be empty`;
    return /[/\\]/.test(v) ? `${name} can't be a path, just a ${kind}` : null;
  };
}

/** config.c: isValidAnnouncedHostname (NET_HOST_STR_LEN is 256). */
export const HOSTNAME: ValueRule = (v) => {
  if (v.length >= 256) return "Hostnames must be less than 256 characters";
  return /^[A-Za-z0-9.-]*$/.test(v)
    ? null
    : "Hostnames may only contain alphanumeric characters, hyphens or dots";
};

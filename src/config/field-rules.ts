/**
 * The field rules of the `.conf` front end, in plain code: a `.conf` config, the common case,
 * loads without zod (whose locales alone held about 3 MB of a one-master sentinel's heap; issue
 * #18). The YAML front end's zod schemas (schema.ts) apply the same rules with the same texts;
 * test/unit/config/field-rules.test.ts holds the two to each other. Messages are Redis's
 * load-error texts where Redis has one (docs/PROTOCOL.md §10.2).
 */
import { INVALID_MASTER_NAME, isValidMasterName } from "../core/index.js";

export const REASONS = {
  quorum: "Quorum must be 1 or greater.",
  port: "Invalid port number.",
  positiveTime: "negative or zero time parameter.",
  nonNegativeTime: "negative time parameter.",
  myid: "Malformed Sentinel id in myid option.",
  notInteger: "argument couldn't be parsed into an integer",
  portRange: "argument must be between 0 and 65535 inclusive",
  yesNo: "argument must be 'yes' or 'no'",
  loglevel: "argument(s) must be one of the following: debug, verbose, notice, warning",
  logFormat: "argument(s) must be one of the following: legacy, logfmt, json",
  logTimestampFormat: "argument(s) must be one of the following: legacy, iso8601, milliseconds",
  supervised: "argument(s) must be one of the following: upstart, systemd, auto, no",
} as const;

export const LOG_LEVELS = ["debug", "verbose", "notice", "warning"] as const;
export const LOG_FORMATS = ["legacy", "logfmt", "json"] as const;
export const LOG_TIMESTAMP_FORMATS = ["legacy", "iso8601", "milliseconds"] as const;
export const SUPERVISED_MODES = ["upstart", "systemd", "auto", "no"] as const;

/**
 * A decimal integer written in a config line, or null (Redis is laxer: atoi; Vigil refuses
 * garbage). `+ 0`: "-0" is 0, as atoi gives it (Number gives -0, which no deep equality takes
 * for 0).
 */
export function intText(text: string): number | null {
  if (!/^[-+]?\d+$/.test(text)) return null;
  const n = Number(text) + 0;
  return Number.isSafeInteger(n) ? n : null;
}

/** A rule: null when the value is valid, else the reason. */
export type Rule<T> = (value: T) => string | null;

/** A safe integer in [min, max], else `reason`. */
function intWithin(min: number, max: number, reason: string): Rule<number> {
  return (n) => (Number.isSafeInteger(n) && n >= min && n <= max ? null : reason);
}

/**
 * A monitored instance's port (sentinel.c: createSentinelAddr). 0 is accepted, as Redis does:
 * an address never connected to (a hello or INFO may carry it too).
 */
export const instancePortRule = intWithin(0, 65535, REASONS.port);
export const listenPortRule: Rule<number> = (n) =>
  !Number.isSafeInteger(n) ? REASONS.notInteger : n < 0 || n > 65535 ? REASONS.portRange : null;
export const quorumRule = intWithin(1, Number.MAX_SAFE_INTEGER, REASONS.quorum);
export const positiveTimeRule = intWithin(1, Number.MAX_SAFE_INTEGER, REASONS.positiveTime);
export const nonNegativeTimeRule = intWithin(0, Number.MAX_SAFE_INTEGER, REASONS.nonNegativeTime);
export const parallelSyncsRule = intWithin(0, Number.MAX_SAFE_INTEGER, REASONS.notInteger);
export const myIdRule: Rule<string> = (s) => (s.length === 40 ? null : REASONS.myid);
/** Master names: never `,` or whitespace, they would break hello messages and events. */
export const masterNameRule: Rule<string> = (s) =>
  isValidMasterName(s) ? null : INVALID_MASTER_NAME;

/** `v` when it is one of `values`, else null. */
export function oneOf<T extends string>(values: readonly T[], v: string): T | null {
  return (values as readonly string[]).includes(v) ? (v as T) : null;
}

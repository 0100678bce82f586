/**
 * A time zone's UTC offsets as the C library reads them (tzfile(5): a TZif file's transitions and
 * its footer; tzset(3): a POSIX TZ string such as `CET-1CEST,M3.5.0,M10.5.0/3`), so that log lines
 * get their local time without V8's local-time Date methods, which load ICU's time-zone data
 * (~0.55 MB resident, issue #18). Pure: local-time.ts finds and reads the zone. Offsets are in
 * seconds east of UTC (POSIX strings count west, and are negated here).
 */
import { civilFromDays } from "../core/index.js";

/** A day of the year a POSIX rule names: `Jn`, `n` or `Mm.w.d`. */
type RuleDay =
  | { readonly kind: "julian"; readonly day: number }
  | { readonly kind: "zero"; readonly day: number }
  | {
      readonly kind: "month";
      readonly month: number;
      readonly week: number;
      readonly weekday: number;
    };

interface Switch {
  readonly day: RuleDay;
  /** Seconds past local midnight (may be negative or past 24 h: TZif version 3). */
  readonly time: number;
}

/** A POSIX TZ string: a standard offset, and daylight time's offset and dates if it has one. */
export interface PosixRule {
  readonly std: number;
  readonly dst: { readonly offset: number; readonly start: Switch; readonly end: Switch } | null;
}

export interface ZoneRules {
  /** Transition times, seconds since the epoch, ascending. */
  readonly transitions: readonly number[];
  /** offsets[i]: the offset from transitions[i] on. */
  readonly offsets: readonly number[];
  /** Before the first transition (the file's time type 0). */
  readonly initial: number;
  /** After the last transition (or always, without transitions): the TZif footer's rule. */
  readonly tail: PosixRule | null;
}

export const UTC_ZONE: ZoneRules = { transitions: [], offsets: [], initial: 0, tail: null };

const DAY = 86_400;

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** 0 = Sunday, for a day count since 1970-01-01 (a Thursday). */
export function weekdayOf(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since the epoch of the rule's day in `year`. */
function ruleDayOf(rule: RuleDay, year: number): number {
  const jan1 = daysFromCivil(year, 1, 1);
  switch (rule.kind) {
    case "julian":
      // Jn: 1–365, February 29 never counted.
      return jan1 + rule.day - 1 + (isLeap(year) && rule.day >= 60 ? 1 : 0);
    case "zero":
      return jan1 + rule.day;
    case "month": {
      const first = daysFromCivil(year, rule.month, 1);
      const length =
        (MONTH_DAYS[rule.month - 1] ?? 31) + (rule.month === 2 && isLeap(year) ? 1 : 0);
      let day = ((rule.weekday - weekdayOf(first) + 7) % 7) + (rule.week - 1) * 7;
      while (day >= length) day -= 7;
      return first + day;
    }
  }
}

function ruleOffsetAt(rule: PosixRule, seconds: number): number {
  const { dst } = rule;
  if (dst === null) return rule.std;
  const year = civilFromDays(Math.floor((seconds + rule.std) / DAY))[0];
  // The start is read on the standard clock, the end on daylight time's.
  const start = ruleDayOf(dst.start.day, year) * DAY + dst.start.time - rule.std;
  const end = ruleDayOf(dst.end.day, year) * DAY + dst.end.time - dst.offset;
  const inDst =
    start < end ? seconds >= start && seconds < end : !(seconds >= end && seconds < start);
  return inDst ? dst.offset : rule.std;
}

/** The zone's offset from UTC, seconds east, at `seconds` since the epoch. */
export function offsetAt(zone: ZoneRules, seconds: number): number {
  const { transitions } = zone;
  const count = transitions.length;
  if (count === 0) return zone.tail === null ? zone.initial : ruleOffsetAt(zone.tail, seconds);
  if (seconds < (transitions[0] ?? 0)) return zone.initial;
  if (seconds >= (transitions[count - 1] ?? 0) && zone.tail !== null)
    return ruleOffsetAt(zone.tail, seconds);
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((transitions[mid] ?? 0) <= seconds) lo = mid;
    else hi = mid - 1;
  }
  return zone.offsets[lo] ?? zone.initial;
}

/** Reads a POSIX TZ string left to right; every read returns null at a syntax error. */
class TzReader {
  private at = 0;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  get done(): boolean {
    return this.at >= this.text.length;
  }

  take(char: string): boolean {
    if (this.text[this.at] !== char) return false;
    this.at += 1;
    return true;
  }

  /** A zone abbreviation: three or more letters, or `<...>` of letters, digits, + and -. */
  name(): string | null {
    const quoted = /^<([A-Za-z0-9+-]{3,})>/.exec(this.text.slice(this.at));
    const bare = /^[A-Za-z]{3,}/.exec(this.text.slice(this.at));
    const match = quoted ?? bare;
    if (match === null) return null;
    this.at += match[0].length;
    return match[1] ?? match[0];
  }

  /** `[+-]hh[:mm[:ss]]` in seconds; hours up to `maxHours`. */
  duration(maxHours: number): number | null {
    const match = /^([+-]?)(\d{1,3})(?::(\d{1,2})(?::(\d{1,2}))?)?/.exec(this.text.slice(this.at));
    if (match === null) return null;
    const hours = Number(match[2]);
    const minutes = Number(match[3] ?? 0);
    const secs = Number(match[4] ?? 0);
    if (hours > maxHours || minutes > 59 || secs > 59) return null;
    this.at += match[0].length;
    const total = hours * 3600 + minutes * 60 + secs;
    return match[1] === "-" ? -total : total;
  }

  ruleDay(): RuleDay | null {
    const rest = this.text.slice(this.at);
    const month = /^M(\d{1,2})\.(\d)\.(\d)/.exec(rest);
    if (month !== null) {
      const [m, w, d] = [Number(month[1]), Number(month[2]), Number(month[3])];
      if (m < 1 || m > 12 || w < 1 || w > 5 || d > 6) return null;
      this.at += month[0].length;
      return { kind: "month", month: m, week: w, weekday: d };
    }
    const julian = /^J(\d{1,3})/.exec(rest);
    if (julian !== null) {
      const day = Number(julian[1]);
      if (day < 1 || day > 365) return null;
      this.at += julian[0].length;
      return { kind: "julian", day };
    }
    const zero = /^\d{1,3}/.exec(rest);
    if (zero === null || Number(zero[0]) > 365) return null;
    this.at += zero[0].length;
    return { kind: "zero", day: Number(zero[0]) };
  }

  switchAt(): Switch | null {
    const day = this.ruleDay();
    if (day === null) return null;
    if (!this.take("/")) return { day, time: 2 * 3600 };
    const time = this.duration(167);
    return time === null ? null : { day, time };
  }
}

/**
 * A POSIX TZ string (`std offset [dst [offset] [,start[/time],end[/time]]]`), or null when it is
 * not one or names daylight time without its dates (the C library then reads them from a
 * `posixrules` file: the caller falls back).
 */
export function parsePosixTz(text: string): PosixRule | null {
  const reader = new TzReader(text);
  if (reader.name() === null) return null;
  const west = reader.duration(24);
  if (west === null) return null;
  const std = -west;
  if (reader.done) return { std, dst: null };
  if (reader.name() === null || reader.done) return null;
  let offset = std + 3600;
  if (!reader.take(",")) {
    const dstWest = reader.duration(24);
    if (dstWest === null || !reader.take(",")) return null;
    offset = -dstWest;
  }
  const start = reader.switchAt();
  if (start === null || !reader.take(",")) return null;
  const end = reader.switchAt();
  if (end === null || !reader.done) return null;
  return { std, dst: { offset, start, end } };
}

/**
 * A TZif file's rules (RFC 8536, versions 1–4): the 64-bit data of version 2 and later, and its
 * footer. Null if the bytes are not TZif, or the zone counts leap seconds (`right/` zones, whose
 * clock the C library reads differently): the caller falls back.
 */
export function parseTzif(bytes: Uint8Array): ZoneRules | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = (at: number): number[] | null => {
    if (at + 44 > bytes.length) return null;
    if (String.fromCharCode(...bytes.subarray(at, at + 4)) !== "TZif") return null;
    return [0, 1, 2, 3, 4, 5].map((i) => view.getUint32(at + 20 + i * 4));
  };
  const first = header(0);
  if (first === null) return null;
  const version = bytes[4] ?? 0;
  let at = 0;
  let counts = first;
  let timeSize = 4;
  if (version >= 0x32) {
    const [isut = 0, isstd = 0, leap = 0, time = 0, type = 0, chars = 0] = first;
    at = 44 + time * 4 + time + type * 6 + chars + leap * 8 + isstd + isut;
    const second = header(at);
    if (second === null) return null;
    counts = second;
    timeSize = 8;
  }
  const [isut = 0, isstd = 0, leap = 0, time = 0, type = 0, chars = 0] = counts;
  if (leap > 0 || type === 0) return null;
  let p = at + 44;
  const end = p + time * timeSize + time + type * 6 + chars + leap * (timeSize + 4) + isstd + isut;
  if (end > bytes.length) return null;
  const transitions: number[] = [];
  for (let i = 0; i < time; i++, p += timeSize) {
    transitions.push(timeSize === 8 ? Number(view.getBigInt64(p)) : view.getInt32(p));
  }
  const indices = bytes.subarray(p, p + time);
  p += time;
  const types: number[] = [];
  for (let i = 0; i < type; i++, p += 6) types.push(view.getInt32(p));
  const offsets: number[] = [];
  for (const index of indices) {
    const offset = types[index];
    if (offset === undefined) return null;
    offsets.push(offset);
  }
  let tail: PosixRule | null = null;
  if (timeSize === 8 && bytes[end] === 0x0a) {
    const close = bytes.indexOf(0x0a, end + 1);
    if (close < 0) return null;
    const footer = String.fromCharCode(...bytes.subarray(end + 1, close));
    if (footer !== "") {
      tail = parsePosixTz(footer);
      if (tail === null) return null;
    }
  }
  return { transitions, offsets, initial: types[0] ?? 0, tail };
}

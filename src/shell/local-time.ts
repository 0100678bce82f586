/**
 * The local time of log lines (log-line.ts), found as the C library's tzset(3) finds it, as Redis's
 * own log lines are: the zone TZ names (a TZif file under TZDIR or /usr/share/zoneinfo, or an
 * absolute path, with or without a leading `:`; else a POSIX TZ string such as
 * `EST5EDT,M3.2.0,M11.1.0`), `/etc/localtime` when TZ is unset, UTC when it is empty. The zone is
 * read at the first line. V8's local-time Date methods would load ICU's time-zone data
 * (~0.55 MB resident, issue #18); they remain the fallback for what the rules here do not read
 * (no zone file and no POSIX string, a zone with leap seconds).
 */
import { readFileSync } from "node:fs";
import type { ZoneRules } from "./tz-rules.js";
import { civilFromDays } from "../core/index.js";
import { UTC_ZONE, offsetAt, parsePosixTz, parseTzif, weekdayOf } from "./tz-rules.js";

/** A wall-clock time's fields, as Date's local getters name them (month 0–11, 0 = Sunday). */
export interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
  readonly millis: number;
  readonly weekday: number;
  /** Minutes east of UTC. */
  readonly offsetMinutes: number;
}

const ZONEINFO = "/usr/share/zoneinfo";
const LOCALTIME = "/etc/localtime";

/** The zone of `tz` (TZ's value, undefined when unset), or null: use Date's local time. */
export function zoneFor(
  tz: string | undefined,
  tzdir: string | undefined,
  read: (path: string) => Uint8Array | null,
): ZoneRules | null {
  if (tz === undefined) {
    const bytes = read(LOCALTIME);
    return bytes === null ? null : parseTzif(bytes);
  }
  if (tz === "") return UTC_ZONE;
  const name = tz.startsWith(":") ? tz.slice(1) : tz;
  if (name !== "") {
    const dir = tzdir !== undefined && tzdir !== "" ? tzdir : ZONEINFO;
    const bytes = read(name.startsWith("/") ? name : `${dir}/${name}`);
    if (bytes !== null) return parseTzif(bytes);
  }
  const rule = parsePosixTz(name);
  return rule === null ? null : { transitions: [], offsets: [], initial: rule.std, tail: rule };
}

export function readZoneFile(path: string): Uint8Array | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}

/** The time `ms` (epoch milliseconds) in `zone`; Date's local time when the zone is null. */
export function partsIn(zone: ZoneRules | null, ms: number): LocalParts {
  const time = Math.trunc(ms);
  if (zone === null) {
    const d = new Date(time);
    return {
      year: d.getFullYear(),
      month: d.getMonth(),
      day: d.getDate(),
      hours: d.getHours(),
      minutes: d.getMinutes(),
      seconds: d.getSeconds(),
      millis: d.getMilliseconds(),
      weekday: d.getDay(),
      offsetMinutes: -d.getTimezoneOffset(),
    };
  }
  const utcSeconds = Math.floor(time / 1000);
  const offset = offsetAt(zone, utcSeconds);
  const local = utcSeconds + offset;
  const days = Math.floor(local / 86_400);
  const inDay = local - days * 86_400;
  const [year, month, day] = civilFromDays(days);
  return {
    year,
    month: month - 1,
    day,
    hours: Math.floor(inDay / 3600),
    minutes: Math.floor((inDay % 3600) / 60),
    seconds: inDay % 60,
    millis: time - utcSeconds * 1000,
    weekday: weekdayOf(days),
    offsetMinutes: Math.trunc(offset / 60),
  };
}

/** The TZ value the process's zone was read for (null: none read yet), and that zone. */
let zoneTz: string | undefined | null = null;
let processZone: ZoneRules | null = null;

/**
 * The time `ms` in the process's zone (TZ, else /etc/localtime): read at the first call, and again
 * when TZ changes (Node's Date follows a change of process.env.TZ too).
 */
export function localParts(ms: number): LocalParts {
  const tz = process.env["TZ"];
  if (tz !== zoneTz) {
    processZone = zoneFor(tz, process.env["TZDIR"], readZoneFile);
    zoneTz = tz;
  }
  return partsIn(processZone, ms);
}

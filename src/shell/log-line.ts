/**
 * The text of one log line in Redis's formats (server.c: serverLogRaw) and Valkey's additions
 * (`log-format logfmt`, `log-timestamp-format iso8601|milliseconds`). The caller passes the pid and
 * the wall-clock time. Local time, as Redis's localtime() (local-time.ts reads the zone as the C
 * library does, once); month and day names are the C locale's (Redis never calls setlocale for
 * LC_TIME).
 *
 *   legacy: `<pid>:X 06 Dec 2026 07:38:00.266 # <text>` (`.` debug, `-` verbose, `*` notice,
 *           `#` warning; X is the sentinel role)
 *   logfmt: `pid=<pid> role=sentinel timestamp="<ts>" level=<level> message="<text>"` with `"`
 *           turned into `'` and CR/LF into spaces (Valkey: filterInvalidLogfmtChar)
 */
import type { EventLevel } from "../core/index.js";
import type { LocalParts } from "./local-time.js";
import { localParts } from "./local-time.js";

export type LogTimestampFormat = "legacy" | "iso8601" | "milliseconds";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

const MARK: Readonly<Record<EventLevel, string>> = {
  debug: ".",
  verbose: "-",
  notice: "*",
  warning: "#",
};

/** Valkey's logfmt level names: verbose is `info`. */
const LOGFMT_LEVEL: Readonly<Record<EventLevel, string>> = {
  debug: "debug",
  verbose: "info",
  notice: "notice",
  warning: "warning",
};

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad3(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n);
}

function clock(t: LocalParts): string {
  return `${pad2(t.hours)}:${pad2(t.minutes)}:${pad2(t.seconds)}`;
}

/** `+HH:MM` / `-HH:MM`, the local offset from UTC (Valkey: formatTimezone). */
function utcOffset(t: LocalParts): string {
  const total = t.offsetMinutes;
  const abs = Math.abs(total);
  return `${total >= 0 ? "+" : "-"}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

export function formatTimestamp(ms: number, format: LogTimestampFormat): string {
  if (format === "milliseconds") return String(Math.trunc(ms));
  const t = localParts(ms);
  if (format === "iso8601") {
    const day = `${t.year}-${pad2(t.month + 1)}-${pad2(t.day)}`;
    return `${day}T${clock(t)}.${pad3(t.millis)}${utcOffset(t)}`;
  }
  const day = `${pad2(t.day)} ${MONTHS[t.month] ?? ""} ${t.year}`;
  return `${day} ${clock(t)}.${pad3(t.millis)}`;
}

export function legacyLine(
  pid: number,
  ms: number,
  level: EventLevel,
  text: string,
  format: LogTimestampFormat,
): string {
  return `${pid}:X ${formatTimestamp(ms, format)} ${MARK[level]} ${text}\n`;
}

export function logfmtLine(
  pid: number,
  ms: number,
  level: EventLevel,
  text: string,
  format: LogTimestampFormat,
): string {
  const safe = text.replace(/"/g, "'").replace(/[\r\n]/g, " ");
  return `pid=${pid} role=sentinel timestamp="${formatTimestamp(ms, format)}" level=${LOGFMT_LEVEL[level]} message="${safe}"\n`;
}

/** serverLogFromHandler: `<pid>:signal-handler (<unix seconds>) <text>`, whatever the format. */
export function signalHandlerLine(pid: number, ms: number, text: string): string {
  return `${pid}:signal-handler (${Math.floor(ms / 1000)}) ${text}\n`;
}

/** ctime(3) without its newline: `Sat Feb 27 21:53:26 2021` (day of month padded with a space). */
export function ctime(ms: number): string {
  const t = localParts(ms);
  const day = t.day < 10 ? ` ${t.day}` : String(t.day);
  return `${DAYS[t.weekday] ?? ""} ${MONTHS[t.month] ?? ""} ${day} ${clock(t)} ${t.year}`;
}

// Proves that log lines' local time, read from the zone's rules (tz-rules.ts, local-time.ts) instead
// of Date's local-time methods (which load ICU's time-zone data, issue #18), is the C library's,
// as redis-sentinel's log lines are: the same fields and offset as date(1) for zone files (by
// name, with a leading `:`, by path, /etc/localtime) and POSIX TZ strings, every three hours over
// years before, inside and past the files' transition tables (their footer rule), and to the
// second at every change of offset; the same as Date's local time (what the
// log lines were) wherever ICU reads the zone as the C library does; and that formatting a line
// calls none of Date's local-time methods.
import { execFileSync } from "node:child_process";
import { expect } from "chai";
import { ctime, formatTimestamp, legacyLine } from "../../../src/shell/log-line.js";
import type { LocalParts } from "../../../src/shell/local-time.js";
import { partsIn, readZoneFile, zoneFor } from "../../../src/shell/local-time.js";
import type { ZoneRules } from "../../../src/shell/tz-rules.js";
import { civilFromDays } from "../../../src/core/index.js";
import { daysFromCivil, offsetAt, parsePosixTz, parseTzif } from "../../../src/shell/tz-rules.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const FORMAT = "+%d %b %Y %H:%M:%S %z %a";

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** The fields as date(1) prints them with FORMAT. */
function asDate(p: LocalParts): string {
  const abs = Math.abs(p.offsetMinutes);
  const zone = `${p.offsetMinutes < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
  const clock = `${pad(p.hours)}:${pad(p.minutes)}:${pad(p.seconds)}`;
  return `${pad(p.day)} ${MONTHS[p.month]} ${p.year} ${clock} ${zone} ${DAYS[p.weekday]}`;
}

/** date(1)'s (glibc's) local time of each instant (seconds) under `tz` (undefined: unset). */
function dateOf(tz: string | undefined, seconds: readonly number[]): string[] {
  const env: NodeJS.ProcessEnv = { PATH: process.env["PATH"], LC_ALL: "C" };
  if (tz !== undefined) env["TZ"] = tz;
  const out = execFileSync("date", ["-f", "-", FORMAT], {
    input: seconds.map((s) => `@${s}`).join("\n") + "\n",
    env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return out.trimEnd().split("\n");
}

/** Every third hour of each year (UTC). */
function coarse(years: readonly number[]): number[] {
  const out: number[] = [];
  for (const year of years) {
    const start = daysFromCivil(year, 1, 1) * 86_400;
    const end = daysFromCivil(year + 1, 1, 1) * 86_400;
    for (let t = start; t < end; t += 3 * 3600) out.push(t);
  }
  return out;
}

/**
 * The second at which `zone`'s offset changes between each two coarse samples where it does, and
 * the second before: date(1) disagrees at one of the two if the change is not at that second.
 */
function aroundChanges(zone: ZoneRules, samples: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    let lo = samples[i - 1] ?? 0;
    let hi = samples[i] ?? 0;
    const before = offsetAt(zone, lo);
    if (offsetAt(zone, hi) === before) continue;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(zone, mid) === before) lo = mid;
      else hi = mid;
    }
    out.push(hi - 1, hi);
  }
  return out;
}

/** Compares our fields with date(1)'s over `years` and at each change; returns the changes. */
function compareWithDate(tz: string | undefined, years: readonly number[]): number {
  const zone = zoneFor(tz, undefined, readZoneFile);
  expect(zone, `rules for TZ=${String(tz)}`).to.not.equal(null);
  if (zone === null) return 0;
  const samples = coarse(years);
  const changes = aroundChanges(zone, samples);
  const seconds = samples.concat(changes);
  const theirs = dateOf(tz, seconds);
  const wrong: string[] = [];
  seconds.forEach((s, i) => {
    const ours = asDate(partsIn(zone, s * 1000));
    if (ours !== theirs[i] && wrong.length < 3) wrong.push(`@${s}: ${ours} / date ${theirs[i]}`);
  });
  expect(wrong, `TZ=${String(tz)}`).to.deep.equal([]);
  return changes.length / 2;
}

const ZONE_FILES = [
  "Europe/Paris",
  ":America/New_York",
  "/usr/share/zoneinfo/Asia/Tokyo",
  "Australia/Sydney",
  "Australia/Lord_Howe",
  "Pacific/Chatham",
  "Asia/Kolkata",
  "America/St_Johns",
  "Europe/Dublin",
  "America/Sao_Paulo",
  "Africa/Casablanca",
  "EST5EDT",
  "UTC",
];

const POSIX_STRINGS = [
  "EST5EDT,M3.2.0,M11.1.0",
  "CET-1CEST-2,M3.5.0,M10.5.0/3",
  "AEST-10AEDT,M10.1.0,M4.1.0/3",
  "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1",
  "<+0330>-3:30",
  "IST-5:30",
  "XYZ-3",
  "EST5EDT,J60/2,J300/2",
  "EST5EDT,59,299",
  "NZST-12NZDT,M9.5.0,M4.1.0/3",
];

describe("local time of log lines", () => {
  it("matches date(1) for zone files over 1985, 2026 and 2045, to the second at each change", () => {
    let changes = 0;
    for (const tz of ZONE_FILES) changes += compareWithDate(tz, [1985, 2026, 2045]);
    changes += compareWithDate(undefined, [2026]);
    // Most of these zones change their offset twice a year (Casablanca four times).
    expect(changes).to.be.greaterThan(40);
  });

  it("matches date(1) for POSIX TZ strings, southern and negative switch times included", () => {
    let changes = 0;
    for (const tz of POSIX_STRINGS) changes += compareWithDate(tz, [2026, 2045]);
    expect(changes).to.be.greaterThan(25);
  });

  it("is Date's local time (what log lines showed) for zones ICU reads as the C library", () => {
    const saved = process.env["TZ"];
    try {
      for (const tz of [
        "Europe/Paris",
        "America/New_York",
        "Australia/Lord_Howe",
        "Asia/Kolkata",
      ]) {
        process.env["TZ"] = tz;
        const zone = zoneFor(tz, undefined, readZoneFile);
        expect(zone).to.not.equal(null);
        if (zone === null) continue;
        const samples = coarse([2026, 2045]);
        const seconds = samples.concat(aroundChanges(zone, samples));
        for (const s of seconds) {
          const ms = s * 1000 + 266;
          const ours = partsIn(zone, ms);
          const before = partsIn(null, ms);
          if (JSON.stringify(ours) !== JSON.stringify(before))
            expect({ tz, at: s, ours }).to.deep.equal({ tz, at: s, ours: before });
        }
      }
    } finally {
      if (saved === undefined) delete process.env["TZ"];
      else process.env["TZ"] = saved;
    }
  });

  it("formats lines and ctime without Date's local-time methods", () => {
    const saved = process.env["TZ"];
    const proto = Date.prototype as unknown as Record<string, unknown>;
    const local = ["getHours", "getDate", "getDay", "getMonth", "getFullYear", "getTimezoneOffset"];
    const kept = local.map((name) => proto[name]);
    try {
      process.env["TZ"] = "CET-1CEST,M3.5.0,M10.5.0/3";
      for (const name of local) {
        proto[name] = () => {
          throw new Error(`Date.prototype.${name} called`);
        };
      }
      const at = Date.UTC(2026, 6, 1, 5, 38, 0, 266);
      expect(legacyLine(7, at, "notice", "hi", "legacy")).to.equal(
        "7:X 01 Jul 2026 07:38:00.266 * hi\n",
      );
      expect(formatTimestamp(at, "iso8601")).to.equal("2026-07-01T07:38:00.266+02:00");
      expect(formatTimestamp(Date.UTC(2026, 11, 6, 6, 38), "iso8601")).to.equal(
        "2026-12-06T07:38:00.000+01:00",
      );
      expect(ctime(at)).to.equal("Wed Jul  1 07:38:00 2026");
    } finally {
      local.forEach((name, i) => {
        proto[name] = kept[i];
      });
      if (saved === undefined) delete process.env["TZ"];
      else process.env["TZ"] = saved;
    }
  });

  it("leaves to Date what the C library's rules here do not read", () => {
    const none = (): null => null;
    // Daylight time without its dates (the C library reads them from a posixrules file).
    expect(zoneFor("CET-1CEST", undefined, none)).to.equal(null);
    expect(zoneFor("Not/A_Zone", undefined, none)).to.equal(null);
    expect(zoneFor(undefined, undefined, none)).to.equal(null);
    expect(parseTzif(new TextEncoder().encode("not a zone file"))).to.equal(null);
    // TZ="" is UTC, as for the C library and Date.
    expect(zoneFor("", undefined, none)).to.deep.include({ initial: 0, tail: null });
    // TZDIR is where zone names are looked up.
    const asked: string[] = [];
    zoneFor("Europe/Paris", "/opt/zones", (path) => {
      asked.push(path);
      return null;
    });
    expect(asked).to.deep.equal(["/opt/zones/Europe/Paris"]);
    expect(parsePosixTz("EST5EDT4")).to.equal(null);
  });

  it("converts day counts to dates and back", () => {
    for (const days of [-719_468, -1, 0, 59, 365, 11_016, 20_454, 2_932_896]) {
      const [y, m, d] = civilFromDays(days);
      expect(daysFromCivil(y, m, d)).to.equal(days);
      const date = new Date(days * 86_400_000);
      expect([y, m, d]).to.deep.equal([
        date.getUTCFullYear(),
        date.getUTCMonth() + 1,
        date.getUTCDate(),
      ]);
    }
  });
});

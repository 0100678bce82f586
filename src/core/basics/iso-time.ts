/**
 * A wall-clock time in milliseconds since 1970 as ISO 8601 UTC (`2026-12-06T12:47:06.000Z`),
 * without Date (the core reads no clock; this is arithmetic: days to civil date, proleptic
 * Gregorian calendar, as in H. Hinnant's `civil_from_days`).
 */
function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

export function isoUtc(ms: number): string {
  const whole = Math.floor(ms);
  const days = Math.floor(whole / 86_400_000);
  let rest = whole - days * 86_400_000;
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const milli = rest - second * 1000;

  const [year, month, day] = civilFromDays(days);
  return (
    `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}` +
    `T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(milli, 3)}Z`
  );
}

/**
 * The date of a day count since 1970-01-01: [year, month 1–12, day 1–31] (proleptic Gregorian,
 * H. Hinnant's days-to-civil). Also the shell's local time (shell/tz-rules.ts).
 */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

// Proves the logger writes redis-sentinel's own line format by default (pid, role X, local time,
// level mark), Valkey's logfmt and iso8601/milliseconds timestamps, and pino JSON on request;
// honours loglevel (also changed at run time); and redacts passwords in JSON lines.
import { expect } from "chai";
import { pino } from "pino";
import { EVENT_LEVELS } from "../../../src/core/model/events.js";
import { createLogger, logAt, logEvent } from "../../../src/shell/logger.js";
import type { LogFormat, LoggerOptions, RedisLogLevel } from "../../../src/shell/logger.js";
import { ctime, formatTimestamp } from "../../../src/shell/log-line.js";

/** 2026-12-06 07:38:00.266 local time. */
const AT = new Date(2026, 11, 6, 7, 38, 0, 266).getTime();

function capture(
  level: RedisLogLevel,
  format: LogFormat = "legacy",
  more: Partial<LoggerOptions> = {},
): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    logfile: "",
    format,
    pid: 4242,
    wallNow: () => AT,
    destination: { write: (l) => lines.push(l) },
    pino,
    ...more,
  });
  return { lines, logger };
}

const SWITCH = {
  type: "+switch-master",
  level: EVENT_LEVELS["+switch-master"],
  text: "mymaster 127.0.0.1 6379 127.0.0.1 6380",
  master: "mymaster",
} as const;

describe("logger", () => {
  it("writes redis-sentinel's line format by default", () => {
    const { lines, logger } = capture("debug");
    logEvent(logger, SWITCH);
    logAt(logger, "notice", "Running mode=sentinel, port=26379.");
    logAt(logger, "verbose", "Accepted 127.0.0.1:35608");
    logAt(logger, "debug", "Rewritten config file");
    expect(lines).to.deep.equal([
      "4242:X 06 Dec 2026 07:38:00.266 # +switch-master mymaster 127.0.0.1 6379 127.0.0.1 6380\n",
      "4242:X 06 Dec 2026 07:38:00.266 * Running mode=sentinel, port=26379.\n",
      "4242:X 06 Dec 2026 07:38:00.266 - Accepted 127.0.0.1:35608\n",
      "4242:X 06 Dec 2026 07:38:00.266 . Rewritten config file\n",
    ]);
  });

  it("writes Valkey's logfmt lines, quotes and newlines made safe", () => {
    const { lines, logger } = capture("debug", "logfmt");
    logEvent(logger, SWITCH);
    logAt(logger, "verbose", 'say "hi"\r\nbye');
    expect(lines).to.deep.equal([
      'pid=4242 role=sentinel timestamp="06 Dec 2026 07:38:00.266" level=warning message="+switch-master mymaster 127.0.0.1 6379 127.0.0.1 6380"\n',
      'pid=4242 role=sentinel timestamp="06 Dec 2026 07:38:00.266" level=info message="say \'hi\'  bye"\n',
    ]);
  });

  it("formats log-timestamp-format iso8601 and milliseconds", () => {
    const { lines, logger } = capture("notice", "legacy", { timestampFormat: "milliseconds" });
    logAt(logger, "warning", "x");
    expect(lines).to.deep.equal([`4242:X ${AT} # x\n`]);
    const offset = -new Date(AT).getTimezoneOffset();
    const sign = offset >= 0 ? "+" : "-";
    const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, "0");
    const mm = String(Math.abs(offset) % 60).padStart(2, "0");
    expect(formatTimestamp(AT, "iso8601")).to.equal(`2026-12-06T07:38:00.266${sign}${hh}:${mm}`);
  });

  it("formats ctime dates as Redis's Next failover delay line does", () => {
    expect(ctime(new Date(2021, 7, 9, 8, 24, 0).getTime())).to.equal("Mon Aug  9 08:24:00 2021");
    expect(ctime(new Date(2021, 1, 27, 21, 53, 26).getTime())).to.equal("Sat Feb 27 21:53:26 2021");
  });

  it("writes the signal handler's line as Redis does", () => {
    const { lines, logger } = capture("notice");
    logger.fromSignalHandler("Received SIGTERM scheduling shutdown...");
    expect(lines).to.deep.equal([
      `4242:signal-handler (${Math.floor(AT / 1000)}) Received SIGTERM scheduling shutdown...\n`,
    ]);
  });

  it("logs an event as JSON with its Redis name, the Redis text and its master", () => {
    const { lines, logger } = capture("notice", "json");
    logEvent(logger, SWITCH);
    expect(lines).to.have.length(1);
    expect(JSON.parse(lines[0] ?? "")).to.include({
      event: "+switch-master",
      msg: "+switch-master mymaster 127.0.0.1 6379 127.0.0.1 6380",
      master: "mymaster",
      level: 40,
      pid: 4242,
    });
  });

  it("drops lines below the configured Redis level, and follows a level changed at run time", () => {
    for (const format of ["legacy", "logfmt", "json"] as const) {
      const { lines, logger } = capture("warning", format);
      logAt(logger, "notice", "not shown");
      logAt(logger, "verbose", "not shown");
      logAt(logger, "warning", "shown");
      logger.setLevel("verbose");
      logAt(logger, "debug", "not shown");
      logAt(logger, "verbose", "now shown");
      expect(lines, format).to.have.length(2);
      expect(lines.join(""), format).not.to.contain("not shown");
      const quiet = capture("nothing", format);
      logAt(quiet.logger, "warning", "never");
      quiet.logger.fromSignalHandler("never");
      expect(quiet.lines).to.have.length(0);
    }
  });

  it("redacts passwords in JSON fields", () => {
    const { lines, logger } = capture("notice", "json");
    logger.log("notice", "connecting", { auth: { pass: "hunter2" }, password: "x" });
    expect(lines[0]).not.to.contain("hunter2");
    expect(JSON.parse(lines[0] ?? "")).to.include({ password: "[redacted]" });
  });
});

// Proves the logger writes Sentinel events as Redis names them (event + `<type> <payload>`),
// honours Redis's loglevel through the pino mapping, and redacts passwords.
import { expect } from "chai";
import { EVENT_LEVELS } from "../../../src/core/events.js";
import { createLogger, logAt, logEvent } from "../../../src/shell/logger.js";
import type { RedisLogLevel } from "../../../src/shell/logger.js";

function capture(level: RedisLogLevel): {
  lines: Record<string, unknown>[];
  logger: ReturnType<typeof createLogger>;
} {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level,
    logfile: "",
    destination: { write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) },
  });
  return { lines, logger };
}

describe("logger", () => {
  it("logs an event with its Redis name, the Redis text and its master", () => {
    const { lines, logger } = capture("notice");
    logEvent(logger, {
      type: "+switch-master",
      level: EVENT_LEVELS["+switch-master"],
      text: "m 1.1.1.1 1 2.2.2.2 2",
      master: "m",
    });
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({
      event: "+switch-master",
      msg: "+switch-master m 1.1.1.1 1 2.2.2.2 2",
      master: "m",
      level: 40,
    });
  });

  it("drops lines below the configured Redis level", () => {
    const { lines, logger } = capture("warning");
    logAt(logger, "notice", "not shown");
    logAt(logger, "verbose", "not shown");
    logAt(logger, "warning", "shown");
    expect(lines.map((l) => l["msg"])).to.deep.equal(["shown"]);
    const quiet = capture("nothing");
    logAt(quiet.logger, "warning", "never");
    expect(quiet.lines).to.have.length(0);
    const debug = capture("debug");
    logEvent(debug.logger, { type: "+script-child", level: "debug", text: "123", master: null });
    expect(debug.lines).to.have.length(1);
  });

  it("redacts passwords in logged objects", () => {
    const { lines, logger } = capture("notice");
    logger.info({ auth: { pass: "hunter2" }, password: "x" }, "connecting");
    expect(JSON.stringify(lines[0])).not.to.contain("hunter2");
    expect(lines[0]).to.include({ password: "[redacted]" });
  });
});

// Proves a config error is reported on stderr as redis-sentinel does, plus file:line.
import { expect } from "chai";
import { ConfigError } from "../../../src/errors.js";
import { configErrorReport } from "../../../src/shell/config-report.js";

describe("config error report", () => {
  it("prints Redis's fatal report with the offending line, the reason and file:line", () => {
    const err = new ConfigError({
      file: "/etc/sentinel.conf",
      line: 3,
      directive: "monitor",
      reason: "Quorum must be 1 or greater.",
      text: "sentinel monitor m 127.0.0.1 6379 0",
    });
    expect(configErrorReport(err)).to.equal(
      [
        "",
        "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***",
        "Reading the configuration file, at line 3",
        ">>> 'sentinel monitor m 127.0.0.1 6379 0'",
        "Quorum must be 1 or greater.",
        "at /etc/sentinel.conf:3 (directive 'monitor')",
        "",
      ].join("\n"),
    );
  });

  it("prints whole-file failures as one sentence", () => {
    const err = new ConfigError({
      file: "",
      line: 0,
      directive: "",
      reason: "Sentinel needs config file on disk to save state. Exiting...",
    });
    expect(configErrorReport(err)).to.equal(
      "Sentinel needs config file on disk to save state. Exiting...\n",
    );
  });
});

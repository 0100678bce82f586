// Proves INFO's one Vigil-only field: `event_loop_lag_p99_ms` ends the Stats section for
// `INFO all` / `INFO everything`, and plain `INFO` / `INFO stats` keep redis-sentinel's fields.
import { expect } from "chai";
import { buildInfo } from "../../../src/commands/info.js";
import { INFO_FACTS } from "./fake-context.js";

const facts = { ...INFO_FACTS, eventLoopLagP99Ms: 12.345 };
const info = (...args: string[]): string =>
  buildInfo(
    args,
    () => facts,
    () => "# Sentinel",
  );

describe("INFO event_loop_lag_p99_ms", () => {
  it("ends the Stats section of INFO all and INFO everything", () => {
    for (const selector of ["all", "ALL", "everything"]) {
      const lines = info(selector).split("\r\n");
      const at = lines.indexOf("event_loop_lag_p99_ms:12.35");
      expect(at, selector).to.be.greaterThan(0);
      expect(lines[at - 1]).to.equal("reply_buffer_expands:0");
      expect(lines[at + 1]).to.equal("");
    }
  });

  it("is absent from plain INFO, INFO default and INFO stats", () => {
    for (const args of [[], ["default"], ["stats"]]) {
      expect(info(...args)).not.to.include("event_loop_lag_p99_ms");
    }
  });
});

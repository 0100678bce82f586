// Proves INFO's Vigil-only fields: the event-loop lag fields end the Stats section for
// `INFO all` / `INFO everything`, and plain `INFO` / `INFO stats` keep redis-sentinel's fields.
import { expect } from "chai";
import { buildInfo } from "../../../src/commands/info.js";
import { LagHistogram, parseLagHistogram } from "../../../src/commands/lag-histogram.js";
import { INFO_FACTS } from "./fake-context.js";

const histogram = new LagHistogram();
for (const lateMs of [0.2, 3, 3, 17, 2500]) histogram.record(lateMs);
const facts = { ...INFO_FACTS, eventLoopLag: { p99Ms: 12.345, histogram: histogram.snapshot() } };
const info = (...args: string[]): string =>
  buildInfo(
    args,
    () => facts,
    () => "# Sentinel",
  );

describe("INFO event-loop lag fields", () => {
  it("end the Stats section of INFO all and INFO everything", () => {
    for (const selector of ["all", "ALL", "everything"]) {
      const lines = info(selector).split("\r\n");
      const at = lines.indexOf("event_loop_lag_p99_ms:12.35");
      expect(at, selector).to.be.greaterThan(0);
      expect(lines[at - 1]).to.equal("reply_buffer_expands:0");
      expect(lines[at + 1]).to.match(/^event_loop_lag_histogram:le_1=1,le_2=1,le_3=3,/);
      expect(lines[at + 2]).to.equal("event_loop_lag_sum_ms:2523.20");
      expect(lines[at + 3]).to.equal("");
    }
  });

  it("give back the recorded histogram when parsed", () => {
    const line = info("all")
      .split("\r\n")
      .find((l) => l.startsWith("event_loop_lag_histogram:"));
    const parsed = parseLagHistogram(line?.slice("event_loop_lag_histogram:".length) ?? "");
    expect(parsed?.le).to.deep.equal(histogram.snapshot().le);
    expect(parsed?.count).to.equal(5);
  });

  it("are absent from plain INFO, INFO default and INFO stats", () => {
    for (const args of [[], ["default"], ["stats"]]) {
      expect(info(...args)).not.to.include("event_loop_lag");
    }
  });
});

// Proves the loader takes port 0 where redis-sentinel 7.0.15 does (createSentinelAddr: 0 is an
// address never connected to): hellos and INFO already take it, so a file written from them loads.
import { expect } from "chai";
import { parseConf } from "../../../src/config/conf-parser.js";
import { confToConfig } from "../../../src/config/conf-to-config.js";

describe("conf-to-config port 0", () => {
  it("loads port 0 for monitor, known-replica and known-sentinel, as redis-sentinel does", () => {
    const text = [
      "sentinel monitor z 127.0.0.1 0 2",
      "sentinel known-replica z 10.0.0.2 0",
      `sentinel known-sentinel z 10.0.0.3 0 ${"a".repeat(40)}`,
    ].join("\n");
    const z = confToConfig(parseConf(text, "s.conf"), { isExecutable: () => true }).sentinel
      .masters[0]!;
    expect([z.addr.port, z.knownReplicas[0]!.port, z.knownSentinels[0]!.addr.port]).to.deep.equal([
      0, 0, 0,
    ]);
  });
});

// The simulator is deterministic: the same seed gives the same run, byte for byte. This stays in
// code because it compares two whole runs; the named failover scenarios are data files in
// test/sim/scenarios/ (run by data-driven.test.ts).
import { expect } from "chai";
import { realCore } from "./harness/core-factory.js";
import { SimCluster } from "./harness/sim-cluster.js";

describe("sim replay", function () {
  this.timeout(60_000);

  it("replays bit for bit from the same seed", () => {
    const run = (): string => {
      const c = new SimCluster({
        seed: 77,
        topology: { sentinels: 3, masters: 1, replicas: 2 },
        factory: realCore,
      });
      c.start();
      c.run(10_000);
      c.kill("r1.0");
      c.run(30_000);
      return c.trace.text();
    };
    const first = run();
    expect(first).to.include("+switch-master");
    expect(run()).to.equal(first);
  });
});

// Proves, without starting any process, that our SENTINEL replies match the raw RESP2 and RESP3
// bytes redis-sentinel 7.0.15 gave (fixtures/redis-sentinel-7.0.15.json, captured by
// test/e2e/sentinel-shape.e2e.test.ts with VIGIL_WRITE_FIXTURES=1) for the equivalent state.
import fs from "node:fs";
import { expect } from "chai";
import {
  comparable,
  equivalentState,
  ourRaw,
  shapeCases,
  type TopologyFacts,
} from "./support/shape-cases.js";

interface Fixture {
  facts: TopologyFacts;
  cases: { args: string[]; resp2: string; resp3: string }[];
}

const fixture = JSON.parse(
  fs.readFileSync(new URL("./fixtures/redis-sentinel-7.0.15.json", import.meta.url), "utf8"),
) as Fixture;

describe("SENTINEL replies against captured redis-sentinel 7.0.15 replies", () => {
  const now = 5_000_000;
  const cases = shapeCases(fixture.facts);

  it("covers the same commands as the capture", () => {
    expect(fixture.cases.map((c) => c.args)).to.deep.equal(cases.map((c) => [...c.args]));
  });

  for (const [i, c] of cases.entries()) {
    it(`answers SENTINEL ${c.args.join(" ") || "(no subcommand)"} as redis-sentinel does (${c.compare})`, () => {
      const real = fixture.cases[i];
      if (real === undefined) throw new Error("capture missing");
      const state = equivalentState(fixture.facts, now);
      expect(comparable(c, ourRaw(c, state, now, 2)), "RESP2").to.deep.equal(
        comparable(c, real.resp2),
      );
      expect(comparable(c, ourRaw(c, state, now, 3)), "RESP3").to.deep.equal(
        comparable(c, real.resp3),
      );
    });
  }

  it("notices a difference in a compared value (the comparison is not vacuous)", () => {
    const state = equivalentState(fixture.facts, now);
    const master = state.masters.get("mymaster");
    if (master === undefined) throw new Error("no master");
    master.settings = { ...master.settings, quorum: 3 };
    const c = cases.find((x) => x.args[0] === "MASTER");
    const real = fixture.cases.find((x) => x.args[0] === "MASTER");
    if (c === undefined || real === undefined) throw new Error("no MASTER case");
    expect(comparable(c, ourRaw(c, state, now, 3))).to.not.deep.equal(comparable(c, real.resp3));
  });
});

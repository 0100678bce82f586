// The fuzzers' CI budget: each target of test/fuzz runs its ciInputs seeded inputs (a few seconds)
// and must find nothing. FUZZ_INPUTS and FUZZ_SEED change the budget and the seed; the long runs
// are `npm run fuzz -- --inputs 1000000` (README, "Tests"). A failure names the input index:
// `npm run fuzz -- --target <name> --seed <seed> --replay <index>` prints it again in full.
import { expect } from "chai";
import { runTarget } from "../../fuzz/runner.js";
import { TARGETS } from "../../fuzz/targets.js";

const SEED = Number(process.env["FUZZ_SEED"] ?? "1");

describe("fuzz targets, CI budget", function () {
  this.timeout(120_000);
  for (const target of TARGETS) {
    const inputs = Number(process.env["FUZZ_INPUTS"] ?? String(target.ciInputs));
    it(`${target.name}: ${inputs} inputs, seed ${SEED}: ${target.description}`, () => {
      const result = runTarget(target, { inputs, seed: SEED, maxFailures: 3 });
      const report = result.failures
        .map((f) => `input ${f.index}: ${f.message.split("\n").slice(0, 8).join("\n  ")}`)
        .join("\n");
      expect(result.failures, report).to.deep.equal([]);
      expect(result.inputs).to.equal(inputs);
    });
  }
});

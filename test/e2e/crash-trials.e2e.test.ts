// Proves a Vigil sentinel killed with SIGKILL at a random moment of a failover restarts from the
// config it rewrote (`--test-config` passes, the process starts), never votes twice in one epoch
// across the restart, and that the group converges: every sentinel names the same new master and
// the old master, back, replicates from it (test/crash/crash-trials.ts). CI runs 2 trials;
// CRASH_TRIALS=100 npm run crash-trials runs the long series.
import { expect } from "chai";
import { runCrashTrials } from "../crash/crash-trials.js";

const TRIALS = Number(process.env["CRASH_TRIALS"] ?? "2");
const SEED = Number(process.env["CRASH_SEED"] ?? "1");

describe("crash trials: kill -9 a Vigil sentinel during a failover (e2e)", function () {
  this.timeout(Math.max(240_000, TRIALS * 180_000));

  it(`${TRIALS} trials (seed ${SEED}): config loads, no double vote, the group converges`, async () => {
    const summary = await runCrashTrials({ trials: TRIALS, seed: SEED, log: () => undefined });
    const failed = summary.results.filter((r) => !r.ok);
    expect(failed.map((r) => `trial ${r.index}: ${r.detail}`).join("\n---\n")).to.equal("");
    expect(summary.trials).to.equal(TRIALS);
    // The trials did kill a sentinel and saw votes (the check is not vacuous).
    for (const r of summary.results)
      expect(r.detail).to.match(/sentinel :\d+ killed at .* [1-9]\d* votes logged/);
  });
});

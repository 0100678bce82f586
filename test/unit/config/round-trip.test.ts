// The round-trip property of issue 13, tested by generation: a seeded generator drives a core
// through the command layer with random SENTINEL admin commands, ACL SETUSER/DELUSER, hellos
// and vote requests carrying edge values; after every step the config is rewritten and loaded
// again, the restarted state and ACL must equal the running ones, every accepted value must come
// back exactly, and every refusal must be a command's error with Redis's (or Valkey's, or a
// documented Vigil) text.
//
// CI runs ROUNDTRIP_SEEDS seeds (default 20) of ROUNDTRIP_STEPS steps (default 250). Replay one
// seed with ROUNDTRIP_SEED=<n> (all its steps), run more with e.g. ROUNDTRIP_SEEDS=1000.
import { seeded } from "../../support/seeded.js";
import { STATS, randomStep } from "./round-trip/actions.js";
import { Harness } from "./round-trip/harness.js";
import { Draw } from "./round-trip/values.js";

function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  return v === undefined || v === "" ? fallback : Number.parseInt(v, 10);
}

const STEPS = envInt("ROUNDTRIP_STEPS", 250);
const only = process.env["ROUNDTRIP_SEED"];
const first = envInt("ROUNDTRIP_FIRST_SEED", 1);
const seeds =
  only !== undefined && only !== ""
    ? [Number.parseInt(only, 10)]
    : Array.from({ length: envInt("ROUNDTRIP_SEEDS", 20) }, (_, i) => first + i);

/** Runs one seed; throws with the seed, the step and the last actions on the first failure. */
export function runSeed(seed: number, steps: number): void {
  const draw = new Draw(seeded(seed));
  const h = new Harness(draw);
  const recent: string[] = [];
  for (let step = 1; step <= steps; step++) {
    try {
      recent.push(`${step}: ${randomStep(h, draw).what}`);
      if (recent.length > 8) recent.shift();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new Error(
        `round trip failed, seed ${seed} step ${step} (replay: ROUNDTRIP_SEED=${seed} ` +
          `ROUNDTRIP_STEPS=${step} npx mocha test/unit/config/round-trip.test.ts)\n` +
          `during: ${h.doing}\n${message}\nlast steps:\n${recent.join("\n")}\nconfig file:\n${h.text}`,
        { cause: e },
      );
    }
  }
}

describe("config round trip, by generation", function () {
  this.timeout(120_000);
  after(() => {
    if (process.env["ROUNDTRIP_STATS"] === "1") console.table(Object.fromEntries(STATS));
  });
  for (const seed of seeds) {
    it(`seed ${seed}: ${STEPS} steps restart to the same state`, () => {
      runSeed(seed, STEPS);
    });
  }
});

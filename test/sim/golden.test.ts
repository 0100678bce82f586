// Proves the event order of scripted failovers stays exactly as reviewed: every
// test/sim/golden/<name>.yaml script is run on the simulator and its trace is compared with
// <name>.trace. UPDATE_GOLDEN=1 rewrites the expected traces (review the diff).
import { expect } from "chai";
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { parse } from "yaml";
import { realCore } from "./harness/core-factory.js";
import { parseScript, runStep } from "./harness/script.js";
import { SimCluster } from "./harness/sim-cluster.js";

const dir = new URL("./golden/", import.meta.url);
const update = process.env["UPDATE_GOLDEN"] === "1";
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

describe("sim golden traces", () => {
  it("has golden scripts to run", () => {
    expect(scripts.length).to.be.greaterThan(0);
  });

  for (const file of scripts) {
    const name = file.slice(0, -".yaml".length);
    it(`reproduces ${name}.trace`, () => {
      const script = parseScript(parse(readFileSync(new URL(file, dir), "utf8")));
      const cluster = new SimCluster({
        seed: script.seed,
        topology: script.topology,
        factory: realCore,
      });
      cluster.start();
      for (const step of script.steps) runStep(cluster, step);
      if (script.converged)
        expect(cluster.convergedAll(), cluster.trace.tail(30).join("\n")).to.equal(null);
      const actual = cluster.trace.text();
      const tracePath = new URL(`${name}.trace`, dir);
      if (update) {
        writeFileSync(tracePath, actual);
        return;
      }
      expect(
        existsSync(tracePath),
        `missing ${name}.trace: run with UPDATE_GOLDEN=1 and review it`,
      ).to.equal(true);
      expect(actual).to.equal(readFileSync(tracePath, "utf8"));
    });
  }
});

// Runs every test/sim/scenarios/*.txt on the simulator against the real SentinelCore: each file
// deploys a simulated Sentinel setup, injects faults, and compares what it observes (events,
// each sentinel's view, roles) with the output written under each command (format:
// test/sim/scenarios/README.md). The safety checker runs after every step. REWRITE=1 (or
// `npm run test:sim -- --only data-driven --rewrite`) writes the actual outputs into the files:
// review the diff, never hand-edit an expectation.
import { expect } from "chai";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { realCore } from "./harness/core-factory.js";
import type { DataCase } from "./harness/datadriven.js";
import { parseDataFile, renderDataFile } from "./harness/datadriven.js";
import { ScenarioRunner } from "./harness/scenario-runner.js";

const dir = new URL("./scenarios/", import.meta.url);
const rewrite = process.env["REWRITE"] === "1";
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".txt"))
  .sort();

describe("sim scenarios (data files)", function () {
  this.timeout(60_000);

  it("has scenario files to run", () => {
    expect(files.length).to.be.greaterThan(0);
  });

  for (const file of files) {
    it(file.slice(0, -".txt".length), () => {
      const path = new URL(file, dir);
      const items = parseDataFile(readFileSync(path, "utf8"));
      const runner = new ScenarioRunner(realCore);
      const actual = new Map<DataCase, string>();
      for (const item of items) {
        if (item.kind !== "case") continue;
        const { line, command, expected } = item.case;
        const where = `${file}:${line}: ${command}`;
        let output: string;
        try {
          output = runner.exec(command);
        } catch (err) {
          const tail = runner.traceTail(30).join("\n");
          throw new Error(`${where}\n${String(err)}\nlast trace lines:\n${tail}`, { cause: err });
        }
        if (output !== "" && output.split("\n").some((l) => l.trim() === ""))
          throw new Error(`${where}: output has a blank line (it would end the block)`);
        actual.set(item.case, output);
        if (!rewrite) expect(output, where).to.equal(expected);
      }
      if (rewrite)
        writeFileSync(
          path,
          renderDataFile(items, (c) => actual.get(c) ?? ""),
        );
    });
  }
});

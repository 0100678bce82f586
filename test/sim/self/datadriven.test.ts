// The scenario file format and runner themselves: parsing keeps comments and commands, a rewrite
// replaces only output blocks, and typos are refused instead of passing silently.
import { expect } from "chai";
import { parseDataFile, renderDataFile } from "../harness/datadriven.js";
import type { DataCase } from "../harness/datadriven.js";
import { parseDuration } from "../harness/scenario-args.js";
import { ScenarioRunner } from "../harness/scenario-runner.js";
import { realCore } from "../harness/core-factory.js";

const FILE = `# comment
deploy sentinels=3 replicas=1
----
line one
line two

run 10s
kill r1.0
events
----
(none)
`;

describe("sim scenario files", () => {
  it("parses commands, their output blocks and the text between them", () => {
    const items = parseDataFile(FILE);
    const cases = items.flatMap((i) => (i.kind === "case" ? [i.case] : []));
    expect(cases.map((c) => [c.line, c.command, c.expected])).to.deep.equal([
      [2, "deploy sentinels=3 replicas=1", "line one\nline two"],
      [7, "run 10s", ""],
      [8, "kill r1.0", ""],
      [9, "events", "(none)"],
    ]);
  });

  it("renders the file unchanged when every output is as expected", () => {
    const items = parseDataFile(FILE);
    expect(renderDataFile(items, (c) => c.expected)).to.equal(FILE);
  });

  it("rewrites only the outputs, starting a block where a command now prints", () => {
    const items = parseDataFile(FILE);
    const actual = (c: DataCase): string =>
      c.command === "run 10s" ? "surprise" : c.command === "events" ? "s1 +sdown x" : c.expected;
    expect(renderDataFile(items, actual)).to.equal(
      FILE.replace("run 10s\n", "run 10s\n----\nsurprise\n\n").replace("(none)", "s1 +sdown x"),
    );
  });

  it("refuses a separator without a command", () => {
    expect(() => parseDataFile("----\nx\n")).to.throw(/without a command/);
  });

  it("reads durations with their unit", () => {
    expect([parseDuration("500ms"), parseDuration("1.5s"), parseDuration("2m")]).to.deep.equal([
      500, 1500, 120_000,
    ]);
    expect(parseDuration("+10s")).to.equal(10_000);
    expect(() => parseDuration("10")).to.throw(/bad duration/);
  });

  it("refuses unknown commands, options and event names", () => {
    const runner = new ScenarioRunner(realCore);
    expect(() => runner.exec("run 1s")).to.throw(/deploy/);
    runner.exec("deploy sentinels=1 replicas=0");
    expect(() => runner.exec("explode r1.0")).to.throw(/unknown command/);
    expect(() => runner.exec("run-until converged within=1s wihtin=2s")).to.throw(/unknown option/);
    expect(() => runner.exec("events type=+switchmaster")).to.throw(/unknown event type/);
  });
});

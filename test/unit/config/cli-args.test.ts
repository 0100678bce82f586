// Proves argv is read like redis-sentinel's main(): a config file first, then every --name
// starting a new config line with its values appended quoted, plus -v/-h/--test-config.
import { expect } from "chai";
import { parseCliArgs } from "../../../src/config/cli-args.js";
import { parseConf } from "../../../src/config/conf-parser.js";

function lines(argv: string[]): [string, string[]][] {
  const c = parseCliArgs(argv);
  if (c.kind !== "run") throw new Error(c.kind);
  return parseConf(c.overrides.join("\n"), "cli").map((d) => [d.name, [...d.args]]);
}

describe("cli-args", () => {
  it("recognises --version/-v and --help/-h as the first argument", () => {
    expect(parseCliArgs(["-v"]).kind).to.equal("version");
    expect(parseCliArgs(["--version"]).kind).to.equal("version");
    expect(parseCliArgs(["-h"]).kind).to.equal("help");
    expect(parseCliArgs(["--help"]).kind).to.equal("help");
  });

  it("takes the first argument as the config file unless it starts with -", () => {
    expect(parseCliArgs(["/etc/s.conf", "--port", "1"])).to.deep.include({
      configFile: "/etc/s.conf",
      testConfig: false,
    });
    expect(parseCliArgs(["--port", "1"])).to.deep.include({ configFile: "" });
  });

  it("reads a lone - as the last argument as config from stdin, elsewhere as a value", () => {
    expect(parseCliArgs(["s.conf", "--port", "1", "-"])).to.deep.include({ stdin: true });
    expect(lines(["s.conf", "--port", "1", "-"])).to.deep.equal([["port", ["1"]]]);
    // server.c: the last argument is stdin even right after an option name.
    expect(lines(["s.conf", "--loglevel", "-"])).to.deep.equal([["loglevel", []]]);
    expect(parseCliArgs(["s.conf", "-", "--port", "1"])).to.deep.include({ stdin: false });
    expect(lines(["s.conf", "-", "--port", "1"])).to.deep.equal([
      ["-", []],
      ["port", ["1"]],
    ]);
  });

  it("turns --port 26390 into the line port 26390", () => {
    expect(lines(["s.conf", "--port", "26390"])).to.deep.equal([["port", ["26390"]]]);
  });

  it("starts a new line at each --name and keeps multi-word values", () => {
    expect(
      lines([
        "s.conf",
        "--sentinel",
        "monitor",
        "m",
        "127.0.0.1",
        "6379",
        "2",
        "--loglevel",
        "verbose",
      ]),
    ).to.deep.equal([
      ["sentinel", ["monitor", "m", "127.0.0.1", "6379", "2"]],
      ["loglevel", ["verbose"]],
    ]);
  });

  it("accepts a name and value in one argument, and quotes values with spaces", () => {
    expect(lines(["s.conf", "--port 26390", "--requirepass", "a b"])).to.deep.equal([
      ["port", ["26390"]],
      ["requirepass", ["a b"]],
    ]);
  });

  it("takes a value starting with -- when the option has none yet", () => {
    expect(lines(["s.conf", "--requirepass", "--weird"])).to.deep.equal([
      ["requirepass", ["--weird"]],
    ]);
  });

  it("gives --save without a value an empty value, as server.c does", () => {
    expect(lines(["s.conf", "--save", "--port", "1"])).to.deep.equal([
      ["save", [""]],
      ["port", ["1"]],
    ]);
  });

  it("sets testConfig for --test-config and keeps it out of the overrides", () => {
    const c = parseCliArgs(["s.conf", "--test-config", "--port", "1"]);
    expect(c).to.deep.equal({
      kind: "run",
      configFile: "s.conf",
      overrides: ['port "1" '],
      testConfig: true,
      stdin: false,
    });
  });
});

// Proves the Redis-format tokenizer follows sds.c's sdssplitargs quoting rules and config.c's
// line handling (trim, comments, blank lines, case-insensitive names, 1-based line numbers).
import { expect } from "chai";
import { ConfigError } from "../../../src/errors.js";
import {
  formatLine,
  parseConf,
  parseConfLines,
  quoteArg,
  reprArg,
  splitArgs,
} from "../../../src/config/conf-parser.js";

describe("conf-parser splitArgs (sdssplitargs)", () => {
  it("splits on blanks and keeps bare words as written", () => {
    expect(splitArgs("  sentinel   monitor m 127.0.0.1\t6379 2 ")).to.deep.equal([
      "sentinel",
      "monitor",
      "m",
      "127.0.0.1",
      "6379",
      "2",
    ]);
  });

  it('decodes the double-quote escapes \\n \\r \\t \\b \\a \\\\ \\" and \\xHH', () => {
    expect(splitArgs('"a\\nb\\rc\\td\\be\\af\\\\g\\"h\\x41\\x7a"')).to.deep.equal([
      'a\nb\rc\td\be\x07f\\g"hAz',
    ]);
  });

  it("keeps an unknown escape's character and a \\x without two hex digits as x", () => {
    expect(splitArgs('"\\q\\xZZ"')).to.deep.equal(["qxZZ"]);
  });

  it("takes single quotes literally except \\'", () => {
    expect(splitArgs("'a\\nb \\'c\\''")).to.deep.equal(["a\\nb 'c'"]);
  });

  it("accepts an empty quoted argument", () => {
    expect(splitArgs('requirepass ""')).to.deep.equal(["requirepass", ""]);
  });

  it("joins a quoted part that starts inside a bare word", () => {
    expect(splitArgs('ab"c d"')).to.deep.equal(["abc d"]);
  });

  it("refuses a closing quote followed by something other than a space", () => {
    expect(splitArgs('port "26379"x')).to.equal(null);
    expect(splitArgs("port 'a'b")).to.equal(null);
  });

  it("refuses unbalanced quotes", () => {
    expect(splitArgs('port "abc')).to.equal(null);
    expect(splitArgs("port 'abc")).to.equal(null);
  });
});

describe("conf-parser parseConf", () => {
  it("skips comments and blank lines, lowercases names and numbers lines from 1", () => {
    const ds = parseConf(
      "# c\n\n  PORT 26379\r\n\tSentinel MONITOR m 127.0.0.1 6379 2\n",
      "f.conf",
    );
    expect(ds.map((d) => [d.line, d.name, d.args])).to.deep.equal([
      [3, "port", ["26379"]],
      [4, "sentinel", ["MONITOR", "m", "127.0.0.1", "6379", "2"]],
    ]);
    expect(ds[0]!.text).to.equal("PORT 26379");
    expect(ds[0]!.file).to.equal("f.conf");
  });

  it("treats a # after a directive as arguments, like Redis", () => {
    expect(parseConf("port 1 # x", "f")[0]!.args).to.deep.equal(["1", "#", "x"]);
  });

  it("throws ConfigError with Redis's text and the line on unbalanced quotes", () => {
    try {
      parseConf('port 1\nlogfile "x', "/etc/s.conf");
      expect.fail("no error");
    } catch (e) {
      expect(e).to.be.instanceOf(ConfigError);
      const c = e as ConfigError;
      expect([c.file, c.line, c.directive, c.reason, c.text]).to.deep.equal([
        "/etc/s.conf",
        2,
        "logfile",
        "Unbalanced quotes in configuration line",
        'logfile "x',
      ]);
    }
  });

  it("classifies every line for the rewriter", () => {
    expect(parseConfLines('a 1\n# c\n\nb "x').map((l) => l.kind)).to.deep.equal([
      "directive",
      "comment",
      "blank",
      "unbalanced",
    ]);
  });
});

describe("conf-parser quoting", () => {
  it("writes values like sdscatrepr", () => {
    expect(reprArg('a "b"\\\n\x01')).to.equal('"a \\"b\\"\\\\\\n\\x01"');
  });

  it("leaves safe words bare and quotes the rest", () => {
    expect(quoteArg("s3cret")).to.equal("s3cret");
    expect(quoteArg("a b")).to.equal('"a b"');
    expect(quoteArg("")).to.equal('""');
    expect(quoteArg("it's")).to.equal('"it\'s"');
  });

  it("round-trips any value through formatLine and splitArgs", () => {
    const values = [
      "plain",
      "with space",
      "",
      'quote"s',
      "back\\slash",
      "tab\there",
      "nl\n",
      "ünï",
      "'",
      "#x",
    ];
    for (const v of values) expect(splitArgs(formatLine(["k", v]))).to.deep.equal(["k", v]);
  });

  it("round-trips 2000 seeded random values, and leaves bare exactly the values Redis would parse back bare", () => {
    // Characters a config value meets: letters, digits, blanks, quotes, backslash, controls,
    // DEL, non-ASCII letters and spaces (U+00A0, U+2028).
    const alphabet = [
      "a",
      "Z",
      "0",
      "9",
      "-",
      "_",
      ".",
      ":",
      "/",
      "@",
      "#",
      " ",
      "\t",
      "\n",
      "\r",
      '"',
      "'",
      "\\",
      "\x01",
      "\x7f",
      "é",
      "\u00a0",
      "\u2028",
    ];
    let seed = 12345;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const bareByRule = (v: string): boolean =>
      v !== "" &&
      Array.from({ length: v.length }, (_, k) => v.charAt(k)).every((c) => {
        const code = c.charCodeAt(0);
        return code > 0x20 && code !== 0x7f && !`"'\\`.includes(c) && !/\s/.test(c);
      });
    for (let i = 0; i < 2000; i++) {
      let v = "";
      const length = next(12);
      for (let k = 0; k < length; k++) v += alphabet[next(alphabet.length)] ?? "";
      expect(splitArgs(formatLine(["k", v, "x"]))).to.deep.equal(["k", v, "x"]);
      expect(quoteArg(v) === v).to.equal(bareByRule(v));
    }
  });
});

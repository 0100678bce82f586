// Proves globMatch has Redis's stringmatchlen semantics (*, ?, classes, negation, ranges,
// escapes, case-sensitivity) and stays fast on adversarial patterns.
import { expect } from "chai";
import { globMatch } from "../../../src/commands/glob.js";

describe("globMatch", () => {
  const cases: readonly (readonly [string, string, boolean])[] = [
    ["*", "", true],
    ["*", "+switch-master", true],
    ["+*", "+sdown", true],
    ["+*", "-sdown", false],
    ["[-+]sdown", "-sdown", true],
    ["[-+]sdown", "+sdown", true],
    ["[-+]sdown", "sdown", false],
    ["?down", "sdown", true],
    ["?down", "odown", true],
    ["?down", "down", false],
    ["[^+]sdown", "-sdown", true],
    ["[^+]sdown", "+sdown", false],
    ["[a-c]x", "bx", true],
    ["[c-a]x", "bx", true],
    ["[a-c]x", "dx", false],
    ["\\*", "*", true],
    ["\\*", "a", false],
    ["[\\]]", "]", true],
    ["switch-master", "Switch-master", false],
    ["a*b*c", "aXXbYYc", true],
    ["a*b*c", "aXXbYY", false],
    ["[abc", "a", true],
    ["**x", "yx", true],
  ];
  for (const [pattern, text, expected] of cases) {
    it(`${expected ? "matches" : "does not match"} ${JSON.stringify(text)} with ${JSON.stringify(pattern)}`, () => {
      expect(globMatch(pattern, text)).to.equal(expected);
    });
  }

  it("folds case when asked", () => {
    expect(globMatch("P*", "ping", true)).to.equal(true);
  });

  it("gives up quickly on a pathological pattern", () => {
    const text = "a".repeat(5000);
    const pattern = `${"*a".repeat(30)}b`;
    const started = process.hrtime.bigint();
    expect(globMatch(pattern, text)).to.equal(false);
    expect(Number(process.hrtime.bigint() - started) / 1e6).to.be.lessThan(2000);
  });
});

// Proves the one glob matcher (used by PSUBSCRIBE, SENTINEL RESET, ACL, SENTINEL CONFIG GET and
// COMMAND LIST) has Redis's stringmatchlen semantics (*, ?, classes, negation, ranges, escapes,
// case-sensitivity), including the edges redis-server 7.0.15 showed (KEYS with `**`, CONFIG GET
// for nocase), and stays fast on adversarial patterns.
import { expect } from "chai";
import { globMatch } from "../../../../src/core/basics/glob.js";

describe("globMatch", () => {
  const cases: readonly (readonly [string, string, boolean])[] = [
    // `*` alone does not match "" (PSUBSCRIBE * gets nothing on channel "" in redis-server).
    ["*", "", false],
    ["**", "", false],
    ["", "", true],
    ["a", "", false],
    ["a*", "a", true],
    ["*", "anything", true],
    ["my*", "mymaster", true],
    ["my*", "Mymaster", false],
    ["m?master", "mymaster", true],
    ["m[xy]master", "mymaster", true],
    ["m[^y]master", "mymaster", false],
    ["m[a-z]master", "mymaster", true],
    ["m[z-a]master", "mymaster", true],
    ["my\\*", "my*", true],
    ["my\\*", "mym", false],
    ["*master*", "the-master-1", true],
    // A range may end in `]`: the class then runs on to the pattern's end.
    ["[b-]A?", "bA[", false],
    ["[A-]-?", "A", true],
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
    expect(globMatch("DOWN-*", "down-after-milliseconds", true)).to.equal(true);
    expect(globMatch("[A-b]x", "ax", true)).to.equal(true);
  });

  it("keeps Redis's nocase edges: an escaped class character is exact, ranges fold after ordering", () => {
    // CONFIG GET (nocase) on redis-server 7.0.15: [\A]ctiverehashing and [a-Z]ctiverehashing
    // match nothing, [\a]ctiverehashing and [A-b]ctiverehashing match activerehashing.
    expect(globMatch("[\\A]x", "ax", true)).to.equal(false);
    expect(globMatch("[\\a]x", "ax", true)).to.equal(true);
    expect(globMatch("[^\\A]x", "ax", true)).to.equal(true);
    expect(globMatch("[a-Z]x", "ax", true)).to.equal(false);
    expect(globMatch("[Z-a]x", "ax", true)).to.equal(false);
  });

  it("gives up quickly on a pathological pattern", () => {
    const text = "a".repeat(5000);
    const pattern = `${"*a".repeat(30)}b`;
    const started = process.hrtime.bigint();
    expect(globMatch(pattern, text)).to.equal(false);
    expect(Number(process.hrtime.bigint() - started) / 1e6).to.be.lessThan(2000);
  });
});

// Proves docs/EVENTS.md and docs/ERRORS.md describe exactly what the code has: every event type
// of src/core/model/events.ts and every error code of src/errors.ts is documented, with the right
// level, and nothing is documented that the code does not have.
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { EVENT_LEVELS } from "../../src/core/model/events.js";
import { ERROR_CODES } from "../../src/errors.js";

function tableRows(file: string): string[][] {
  const text = readFileSync(new URL(`../../docs/${file}`, import.meta.url), "utf8");
  return text
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) =>
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

function unquote(cell: string | undefined): string {
  return (cell ?? "").replace(/^`|`$/g, "");
}

describe("docs/EVENTS.md", () => {
  const rows = tableRows("EVENTS.md");
  const documented = new Map(rows.map((row) => [unquote(row[0]), row[1]]));

  it("documents every event type with its level", () => {
    for (const [name, level] of Object.entries(EVENT_LEVELS)) {
      expect(documented.get(name), name).to.equal(level);
    }
  });

  it("documents no event the code does not emit", () => {
    for (const name of documented.keys()) {
      expect(Object.hasOwn(EVENT_LEVELS, name), name).to.equal(true);
    }
  });
});

describe("docs/ERRORS.md", () => {
  const codes = tableRows("ERRORS.md").map((row) => unquote(row[0]));

  it("documents every error code exactly once, and only those", () => {
    expect([...codes].sort()).to.deep.equal(Object.values(ERROR_CODES).sort());
  });
});

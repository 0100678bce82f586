// Proves docs/EVENTS.md and docs/ERRORS.md describe exactly what the code has: every event type
// of src/core/model/events.ts and every error code and class of src/errors.ts is documented, with
// the right level, and nothing is documented that the code does not have; that the error
// catalogue is exactly the classes src throws; that docs/ARCHITECTURE.md names every src folder
// and file (and nothing else); and that comments cite only sections docs/PROTOCOL.md and
// docs/ARCHITECTURE.md have, and no notes outside the repository.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { EVENT_LEVELS } from "../../src/core/model/events.js";
import { ERROR_CLASSES, ERROR_CODES } from "../../src/errors.js";

const SRC = new URL("../../src/", import.meta.url).pathname;

/** Every .ts file under src, as a path relative to src (`core/basics/glob.ts`). */
function srcFiles(dir = ""): string[] {
  return readdirSync(join(SRC, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = dir === "" ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) return srcFiles(rel);
    return entry.name.endsWith(".ts") ? [rel] : [];
  });
}

function srcText(rel: string): string {
  return readFileSync(join(SRC, rel), "utf8");
}

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
  const rows = tableRows("ERRORS.md");
  const codes = new Set(rows.map((row) => unquote(row[0])));
  const catalogue = ERROR_CLASSES.map((c) => c.name);

  it("documents every error code, and only those", () => {
    expect([...codes].sort()).to.deep.equal(Object.values(ERROR_CODES).sort());
  });

  it("documents every class of the catalogue, and only those", () => {
    const documented = new Set(rows.map((row) => unquote(row[1])));
    expect([...documented].sort()).to.deep.equal([...catalogue].sort());
  });

  it("catalogues only classes that src throws (each is constructed outside src/errors.ts)", () => {
    const code = srcFiles()
      .filter((rel) => rel !== "errors.ts")
      .map(srcText)
      .join("\n");
    const unused = catalogue.filter((name) => !new RegExp(`\\bnew ${name}\\(`).test(code));
    expect(unused, "catalogued but never thrown").to.deep.equal([]);
  });

  // SentinelError is the catalogue's base class; ReplyError is a reply value, never thrown.
  const notThrown = ["SentinelError", "ReplyError"];

  it("catalogues every other error class src defines", () => {
    const defined = srcFiles().flatMap((rel) =>
      [...srcText(rel).matchAll(/\bclass (\w+) extends (\w*Error)\b/g)].map((m) => m[1] ?? ""),
    );
    const missing = defined.filter(
      (name) => !notThrown.includes(name) && !catalogue.includes(name),
    );
    expect(missing, "error classes missing from ERROR_CLASSES").to.deep.equal([]);
  });

  it("throws no bare Error from src (every failure has its class)", () => {
    const bare = srcFiles().filter((rel) => /\bnew Error\(/.test(srcText(rel)));
    expect(bare).to.deep.equal([]);
  });
});

describe("docs/ARCHITECTURE.md", () => {
  const text = readFileSync(new URL("../../docs/ARCHITECTURE.md", import.meta.url), "utf8");

  /** `### \`src/…\`` heading → the file names of the table rows under it. */
  function namedFiles(): Map<string, string[]> {
    const named = new Map<string, string[]>();
    let folder: string | null = null;
    for (const line of text.split("\n")) {
      const heading = /^#+ `(src(?:\/[^`]+)?)`\s*$/.exec(line);
      if (heading !== null) {
        folder = heading[1] ?? null;
        if (folder !== null) named.set(folder, named.get(folder) ?? []);
        continue;
      }
      if (line.startsWith("#")) folder = null;
      const row = /^\| `([^`/]+\.ts)` \|/.exec(line);
      if (row !== null && folder !== null) named.get(folder)?.push(row[1] ?? "");
    }
    return named;
  }

  const named = namedFiles();
  const files = srcFiles().map((rel) => `src/${rel}`);
  const folders = [...new Set(files.map((path) => path.slice(0, path.lastIndexOf("/"))))];

  it("has a section for every src folder", () => {
    const missing = folders
      .filter((folder) => !named.has(folder))
      .map((folder) => `${folder}: add a section "### \`${folder}\`" with a table of its files`);
    expect(missing).to.deep.equal([]);
  });

  it("names every src file under its folder", () => {
    const missing = files
      .filter((path) => {
        const folder = path.slice(0, path.lastIndexOf("/"));
        return !(named.get(folder) ?? []).includes(path.slice(folder.length + 1));
      })
      .map((path) => {
        const folder = path.slice(0, path.lastIndexOf("/"));
        const name = path.slice(folder.length + 1);
        return `${path}: add the row "| \`${name}\` | <purpose> |" under "### \`${folder}\`"`;
      });
    expect(missing).to.deep.equal([]);
  });

  it("names no folder or file that src does not have", () => {
    const stale = [...named].flatMap(([folder, names]) => [
      ...(folders.includes(folder) ? [] : [`${folder} (folder)`]),
      ...names.map((name) => `${folder}/${name}`).filter((path) => !files.includes(path)),
    ]);
    expect(stale).to.deep.equal([]);
  });
});

describe("section citations in comments", () => {
  const sources = [...srcFiles().map((rel) => `src/${rel}`), ...testFiles()];

  /** Every .ts file under test, as a path relative to the repository. */
  function testFiles(dir = "test"): string[] {
    const root = new URL("../../", import.meta.url).pathname;
    return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return testFiles(rel);
      return entry.name.endsWith(".ts") ? [rel] : [];
    });
  }

  function repoText(rel: string): string {
    return readFileSync(new URL(`../../${rel}`, import.meta.url), "utf8");
  }

  for (const doc of ["PROTOCOL.md", "ARCHITECTURE.md"]) {
    it(`cites only sections docs/${doc} has`, () => {
      const sections = new Set(
        [...repoText(`docs/${doc}`).matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map((m) => m[1]),
      );
      const cite = new RegExp(`docs/${doc.replace(".", "\\.")}\\s+§(\\d+(?:\\.\\d+)?)`, "g");
      const unknown = sources.flatMap((rel) =>
        [...repoText(rel).matchAll(cite)]
          .map((m) => m[1] ?? "")
          .filter((section) => !sections.has(section))
          .map((section) => `${rel}: §${section}`),
      );
      expect(unknown).to.deep.equal([]);
    });
  }

  it("cites no notes outside the repository", () => {
    const outside = sources
      .filter((rel) => rel !== "test/unit/docs-sync.test.ts")
      .filter((rel) => /sentinel-protocol|\.\.\/shared\//.test(repoText(rel)));
    expect(outside).to.deep.equal([]);
  });
});

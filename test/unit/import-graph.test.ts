// Proves the import structure docs/ARCHITECTURE.md describes, over the real files of src/ (type
// imports count as imports): no import cycle in any folder, the core's folders layered (none imports a folder
// above it), the core importing only itself, and src/core/index.ts as the only way in from
// other folders. ESLint's no-restricted-imports holds the last two while editing; this test
// holds all four in CI.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import ts from "typescript";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");

/** The core's folders from the bottom up; files at the core's top (sentinel-core, index) last. */
const CORE_LAYERS = [
  "basics",
  "model",
  "records",
  "failover",
  "monitor",
  "detection",
  "admin",
  "gate",
  "explain",
  "",
] as const;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** file (relative to src/) → the src files it imports (relative to src/). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const targets = info.importedFiles
      .map((ref) => ref.fileName)
      .filter((name) => name.startsWith("."))
      .map((name) => relative(SRC, resolve(dirname(file), name.replace(/\.js$/, ".ts"))));
    graph.set(relative(SRC, file), targets);
  }
  return graph;
}

/** The strongly connected components with more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** The core folder of a src-relative path ("" for core/index.ts and core/sentinel-core.ts). */
function coreLayer(path: string): number {
  const parts = path.split("/");
  const folder = parts.length > 2 ? parts[1]! : "";
  return CORE_LAYERS.indexOf(folder as (typeof CORE_LAYERS)[number]);
}

describe("the import graph of src/", () => {
  const graph = importGraph();
  const edges = [...graph].flatMap(([from, targets]) => targets.map((to) => ({ from, to })));

  it("reads every file and finds the imports", () => {
    expect(graph.size).to.be.greaterThan(100);
    expect(graph.get("core/index.ts")).to.include("core/sentinel-core.ts");
  });

  it("has no import cycle anywhere in src/", () => {
    expect(cycles(graph)).to.deep.equal([]);
  });

  it("puts every core file in a known folder", () => {
    const unknown = [...graph.keys()].filter((f) => f.startsWith("core/") && coreLayer(f) < 0);
    expect(unknown).to.deep.equal([]);
  });

  it("never imports a core folder from a folder below it", () => {
    const upward = edges.filter(
      ({ from, to }) =>
        from.startsWith("core/") && to.startsWith("core/") && coreLayer(to) > coreLayer(from),
    );
    expect(upward).to.deep.equal([]);
  });

  it("keeps the core to itself: no import of the shell, commands, config or protocol", () => {
    const out = edges.filter(({ from, to }) => from.startsWith("core/") && !to.startsWith("core/"));
    expect(out).to.deep.equal([]);
  });

  it("enters the core only through core/index.ts", () => {
    const side = edges.filter(
      ({ from, to }) =>
        !from.startsWith("core/") && to.startsWith("core/") && to !== "core/index.ts",
    );
    expect(side).to.deep.equal([]);
  });
});

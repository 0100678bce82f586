// Proves that a sentinel started on a `.conf` config loads none of the packages only some
// configurations need (issue #18: they made most of a one-master sentinel's memory): zod and
// yaml (the YAML front end), pino (log-format json), prom-client (metrics-port) and ioredis
// (VIGIL_LINK_CLIENT=ioredis) are reached only through dynamic import(); nor the Node built-ins
// only TLS, scripts, hostnames, ACL passwords and INFO need (node:crypto, node:tls,
// node:child_process, node:dns, node:os), reached through process.getBuiltinModule. Built-ins a
// start loads are imported by name: a default import becomes, in the CommonJS bundle, a copy of
// the whole module (a getter per export) kept for the run. Reads the static value imports of src/
// (type-only imports are erased by the compiler) from what main.ts loads.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import ts from "typescript";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");
/** What main.ts imports, statically or not, for a `.conf` config. */
const ENTRIES = ["main.ts", "config/load-config.ts", "shell/daemon.ts"];
const OPTIONAL = ["zod", "yaml", "pino", "prom-client", "ioredis"];
const OPTIONAL_BUILTINS = [
  "node:crypto",
  "node:tls",
  "node:child_process",
  "node:dns",
  "node:dns/promises",
  "node:os",
];

/** A run-time import: its specifier, and whether it binds the whole module (default or `* as`). */
interface ValueImport {
  readonly spec: string;
  readonly whole: boolean;
}

/** The specifiers a file imports at run time: no `import type`, no type-only names. */
function valueImports(file: string): ValueImport[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
  const found: ValueImport[] = [];
  for (const node of source.statements) {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const typeOnly =
        clause !== undefined &&
        (clause.phaseModifier === ts.SyntaxKind.TypeKeyword ||
          (clause.name === undefined &&
            bindings !== undefined &&
            ts.isNamedImports(bindings) &&
            bindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) {
        const whole =
          (clause?.name !== undefined && clause.phaseModifier !== ts.SyntaxKind.TypeKeyword) ||
          (bindings !== undefined && ts.isNamespaceImport(bindings));
        found.push({ spec: node.moduleSpecifier.text, whole });
      }
    } else if (
      ts.isExportDeclaration(node) &&
      !node.isTypeOnly &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ spec: node.moduleSpecifier.text, whole: false });
    }
  }
  return found;
}

/**
 * Every src file and package loaded with `entries`, by static value imports, and the built-ins
 * among them imported whole, as `file: spec`.
 */
function closure(entries: readonly string[]): {
  files: Set<string>;
  packages: Set<string>;
  wholeBuiltins: string[];
} {
  const files = new Set<string>();
  const packages = new Set<string>();
  const wholeBuiltins: string[] = [];
  const visit = (rel: string): void => {
    if (files.has(rel)) return;
    files.add(rel);
    for (const { spec, whole } of valueImports(join(SRC, rel))) {
      if (spec.startsWith(".")) {
        visit(join(dirname(rel), spec.replace(/\.js$/, ".ts")));
      } else {
        packages.add(spec);
        if (whole && spec.startsWith("node:")) wholeBuiltins.push(`${rel}: ${spec}`);
      }
    }
  };
  for (const entry of entries) visit(entry);
  return { files, packages, wholeBuiltins };
}

describe("modules a .conf-configured sentinel loads", () => {
  const { files, packages, wholeBuiltins } = closure(ENTRIES);

  it("follows the static imports into the daemon", () => {
    expect(files).to.include("shell/resp-server.ts");
    expect(files).to.include("config/conf-to-config.ts");
  });

  it("loads none of zod, yaml, pino, prom-client, ioredis", () => {
    expect([...packages].filter((p) => OPTIONAL.includes(p))).to.deep.equal([]);
  });

  it("loads none of node:crypto, node:tls, node:child_process, node:dns, node:os", () => {
    expect(packages).to.include("node:net");
    expect([...packages].filter((p) => OPTIONAL_BUILTINS.includes(p))).to.deep.equal([]);
  });

  it("imports the built-ins it loads by name, none whole", () => {
    expect(wholeBuiltins).to.deep.equal([]);
  });

  it("leaves out the YAML front end and its schemas", () => {
    expect([...files].filter((f) => /yaml-config|schema\.ts$/.test(f))).to.deep.equal([]);
  });
});

// The node flags bin/vigil's first line gives (`#!/usr/bin/env -S node <flags>`, see bin/vigil):
// the harness and the benches start `node <flags> dist/main.js`, so that another build's
// dist/main.js runs the same way, with the flags an operator's bin/vigil runs with.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const VIGIL_BIN = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../bin/vigil",
);

/** The flags on `bin`'s first line, after `node` (none for a plain `#!/usr/bin/env node`). */
export function launcherFlags(bin: string = VIGIL_BIN): string[] {
  const first = fs.readFileSync(bin, "utf8").split("\n", 1)[0] ?? "";
  const match = /^#!\/usr\/bin\/env (?:-S )?node((?: \S+)*)$/.exec(first);
  if (match === null) throw new Error(`${bin}: not a \`#!/usr/bin/env -S node\` line: ${first}`);
  return (match[1] ?? "").split(" ").filter((flag) => flag !== "");
}

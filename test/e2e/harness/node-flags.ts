// The node flags and environment bin/vigil's first line gives
// (`#!/usr/bin/env -S [NAME=value …] node <flags>`, see bin/vigil): the harness and the benches
// start `node <flags> dist/main.js` with those variables added, so that another build's
// dist/main.js runs the same way, with the flags an operator's bin/vigil runs with.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const VIGIL_BIN = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../bin/vigil",
);

interface LauncherLine {
  readonly env: Record<string, string>;
  readonly flags: string[];
}

function launcherLine(bin: string): LauncherLine {
  const first = fs.readFileSync(bin, "utf8").split("\n", 1)[0] ?? "";
  const match =
    /^#!\/usr\/bin\/env (?:-S )?((?:[A-Za-z_][A-Za-z0-9_]*=\S* )*)node((?: \S+)*)$/.exec(first);
  if (match === null) throw new Error(`${bin}: not a \`#!/usr/bin/env -S node\` line: ${first}`);
  const words = (text: string | undefined): string[] =>
    (text ?? "").split(" ").filter((word) => word !== "");
  const env: Record<string, string> = {};
  for (const assignment of words(match[1])) {
    const eq = assignment.indexOf("=");
    env[assignment.slice(0, eq)] = assignment.slice(eq + 1);
  }
  return { env, flags: words(match[2]) };
}

/** The flags on `bin`'s first line, after `node` (none for a plain `#!/usr/bin/env node`). */
export function launcherFlags(bin: string = VIGIL_BIN): string[] {
  return launcherLine(bin).flags;
}

/** The variables `bin`'s first line sets for node (`NAME=value` before `node`). */
export function launcherEnv(bin: string = VIGIL_BIN): Record<string, string> {
  return launcherLine(bin).env;
}

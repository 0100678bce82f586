// `npm run build` once per mocha process: the suites that start bin/vigil need dist/ to hold the
// code under test, and a single file run alone must still build it, but the whole e2e run (one
// process) should not rebuild it once per suite.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../../..");
let built = false;

/** Builds dist/ unless this process already did; call from a `before` hook (up to ~60 s). */
export function buildOnce(): void {
  if (built) return;
  execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "ignore" });
  built = true;
}

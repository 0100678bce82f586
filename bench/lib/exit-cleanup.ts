// Temp dirs for the processes a benchmark starts, all inside one root dir per run
// (/tmp/vigil-bench-XXXXXX). Each is removed by the benchmark when it stops its process; the root
// and whatever is left in it are removed by a small detached janitor (`sh`) that waits for the
// benchmark process to end — however it ends: normally, by an uncaught error, on SIGINT/SIGTERM
// (the harness's pid registry then kills every process it started, by pid), or SIGKILLed (tsx
// answers Ctrl-C by SIGKILLing its child ~60 ms after relaying the signal, often before an exit
// handler could remove 1000 dirs). KEEP_TMP keeps the dirs, as in the e2e harness.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

let root: string | null = null;

function keep(): boolean {
  return process.env["KEEP_TMP"] !== undefined;
}

function startJanitor(dir: string): void {
  const script = 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; rm -rf "$0"';
  spawn("sh", ["-c", script, dir, String(process.pid)], {
    detached: true,
    stdio: "ignore",
  }).unref();
}

/** A new temp dir inside this run's root, removed with the root unless `removeDir` removed it. */
export function makeDir(prefix: string): string {
  if (root === null) {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "vigil-bench-"));
    if (!keep()) startJanitor(root);
  }
  return fs.mkdtempSync(path.join(root, prefix));
}

/** Removes a dir from `makeDir` (call after its process is stopped). */
export function removeDir(dir: string): void {
  if (keep()) return;
  try {
    // Retries: a process killed a moment ago may still be writing its log into the dir.
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
  } catch (error: unknown) {
    console.error(
      `could not remove ${dir}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

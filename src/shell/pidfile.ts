/**
 * The `pidfile` directive: written once listening, removed at shutdown (server.c:
 * createPidFile / the unlink in prepareForShutdown). Failures are logged, never fatal, as in Redis.
 */
import { unlinkSync, writeFileSync } from "node:fs";

export function writePidFile(path: string): string | null {
  try {
    writeFileSync(path, `${process.pid}\n`, { encoding: "utf8", mode: 0o644 });
    return null;
  } catch (err: unknown) {
    return err instanceof Error ? err.message : String(err);
  }
}

export function removePidFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone: nothing to clean up.
  }
}

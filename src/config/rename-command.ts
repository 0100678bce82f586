/**
 * The top-level `rename-command <old> <new>` lines, checked as config.c checks them against
 * redis-sentinel 7.0.15's command table (the sentinel's own commands): the old name must be in
 * the table as the earlier lines left it, the new one ("" deletes) must not. The rewrite writes
 * the lines back; commands/live-commands.ts applies them to Vigil's command table.
 */
import { LineError } from "../errors.js";

/** server.c: sentinelcmds of 7.0.15 (QUIT, RESET and the 7.2 additions are not in it). */
const SENTINEL_COMMANDS = [
  "acl",
  "auth",
  "client",
  "command",
  "hello",
  "info",
  "ping",
  "psubscribe",
  "publish",
  "punsubscribe",
  "role",
  "sentinel",
  "shutdown",
  "subscribe",
  "unsubscribe",
];

/** A checker for one load: each call applies one line to its copy of the table. */
export function renameCommandChecker(): (from: string, to: string) => void {
  // The command dict compares names without case.
  const table = new Set(SENTINEL_COMMANDS);
  return (from, to) => {
    // `client|list`: lookupCommandBySds finds the subcommand, then 7.0.15 crashes deleting it
    // from the top-level table; Vigil refuses it as a name it does not know.
    if (!table.delete(from.toLowerCase())) {
      throw new LineError("No such command in rename-command");
    }
    if (to === "") return;
    if (table.has(to.toLowerCase())) throw new LineError("Target command name already exists");
    table.add(to.toLowerCase());
  };
}

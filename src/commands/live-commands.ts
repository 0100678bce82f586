/**
 * The command table as dispatch sees it after the top-level `rename-command` lines (config.c:
 * the command is deleted from server.commands and added back under the new name, "" deletes
 * it). As in redis-sentinel 7.0.15, only the name it is called by changes: the spec keeps its
 * name, so COMMAND INFO, arity errors, NOPERM, ACL LOG and CLIENT LIST show the original, and
 * ACL rules name commands by their original names (acl.c looks them up in orig_commands).
 * Set once at start, before any client (docs/COMPATIBILITY.md, "rename-command").
 */
import type { CommandSpec } from "./command-specs.js";
import { COMMAND_SPECS, findCommandSpec } from "./command-specs.js";

/** Name (lowercase) → spec after the renames; undefined while nothing is renamed. */
let renamed: ReadonlyMap<string, CommandSpec> | undefined;
const listeners: (() => void)[] = [];

/** Applies `[old, new]` pairs (already checked: config/rename-command.ts); [] restores the table. */
export function setCommandRenames(pairs: readonly (readonly [string, string])[]): void {
  if (pairs.length === 0) {
    renamed = undefined;
  } else {
    const table = new Map(COMMAND_SPECS.map((s) => [s.name, s]));
    for (const [from, to] of pairs) {
      const spec = table.get(from.toLowerCase());
      if (spec === undefined) continue;
      table.delete(from.toLowerCase());
      if (to !== "") table.set(to.toLowerCase(), spec);
    }
    renamed = table;
  }
  for (const listener of listeners) listener();
}

/** Called after each setCommandRenames (dispatch drops its memo of names). */
export function onCommandRenames(listener: () => void): void {
  listeners.push(listener);
}

/** The top-level command called `name` (any case) now, or undefined. */
export function liveCommandSpec(name: string): CommandSpec | undefined {
  return renamed === undefined ? findCommandSpec(name) : renamed.get(name.toLowerCase());
}

/** The specs still callable, in table order (COMMAND, COMMAND COUNT). */
export function liveCommandSpecs(): readonly CommandSpec[] {
  if (renamed === undefined) return COMMAND_SPECS;
  const live = new Set(renamed.values());
  return COMMAND_SPECS.filter((s) => live.has(s));
}

/** Whether `name` (an original name, lowercase) no longer calls its own command. */
export function isRenamedAway(name: string): boolean {
  return renamed !== undefined && renamed.get(name) !== findCommandSpec(name);
}

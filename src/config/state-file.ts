/**
 * The state file: where the runtime state goes when the config itself is never written — always
 * for a YAML config (`<file>.state` unless `server.state-file` names another path), and for a
 * sentinel.conf that names one with `state-file <path>` (a read-only config, e.g. a Kubernetes
 * ConfigMap). It holds what the rewriter would have added to the config, in sentinel.conf
 * format: myid, the epochs, each master as it runs now (address, SENTINEL SET changes, known
 * replicas and sentinels), the ACL users, the loglevel, and a `sentinel vigil-removed <name>`
 * line for each master of the config that SENTINEL REMOVE dropped. At load it is read after the
 * config and wins over it (mergeState). docs/COMPATIBILITY.md, "State file".
 */
import type { SentinelConfig } from "../core/index.js";
import type { Directive } from "./conf-parser.js";
import { parseConf } from "./conf-parser.js";
import type { ConfResult, ConfToConfigOptions } from "./conf-to-config.js";
import { chdirPath, confToConfig } from "./conf-to-config.js";

/**
 * The state file's record of a config's master dropped by SENTINEL REMOVE (conf-rewriter writes
 * one line per name, until SENTINEL MONITOR brings the name back). The `vigil-` prefix keeps it
 * apart from every Redis directive; Vigil reads it in a state file only.
 */
export const REMOVED_SUBKEY = "vigil-removed";

/** A state file's text and path (for error messages). */
export interface StateText {
  readonly text: string;
  readonly file: string;
}

/**
 * The config overlaid with the persisted state: the state's globals, myid and epochs win, each
 * master the state lists is taken from it whole (current address, SENTINEL SET changes, epochs,
 * known instances), masters only in the config are added after them unless the state records
 * their removal (`removed`).
 */
export function mergeState(
  config: SentinelConfig,
  state: SentinelConfig,
  stateHasLogLevel = true,
  removed: ReadonlySet<string> = new Set(),
): SentinelConfig {
  const listed = new Set(state.masters.map((m) => m.name));
  // A state file written before `loglevel` was saved in it leaves the config's loglevel.
  const logLevel = stateHasLogLevel ? state.global.logLevel : config.global.logLevel;
  return {
    myId: state.myId !== "" ? state.myId : config.myId,
    currentEpoch:
      config.currentEpoch > state.currentEpoch ? config.currentEpoch : state.currentEpoch,
    global: { ...state.global, logLevel },
    masters: [
      ...state.masters,
      ...config.masters.filter((m) => !listed.has(m.name) && !removed.has(m.name)),
    ],
  };
}

function isRemovedLine(d: Directive): boolean {
  return (
    d.name === "sentinel" && d.args.length === 2 && d.args[0]!.toLowerCase() === REMOVED_SUBKEY
  );
}

/**
 * A config (already read, without the command-line overrides) with its state file's text (null:
 * none yet). The state file has no `dir` line: its script paths resolve against the config's
 * dir; its `user` lines are the ACL as last saved, its `loglevel` (SENTINEL CONFIG SET loglevel)
 * wins over the config's, its `sentinel vigil-removed` lines drop the config's masters.
 */
export function withState(
  base: ConfResult,
  state: StateText | null,
  opts: ConfToConfigOptions,
): ConfResult {
  if (state === null) return base;
  const stateOpts = { ...opts, cwd: chdirPath(opts.cwd ?? "", base.server.dir) };
  const directives = parseConf(state.text, state.file);
  const removed = new Set(directives.filter(isRemovedLine).map((d) => d.args[1]!));
  const saved = confToConfig(
    directives.filter((d) => !isRemovedLine(d)),
    stateOpts,
  );
  const users = saved.server.users.length > 0 ? saved.server.users : base.server.users;
  const hasLogLevel = directives.some((d) => d.name === "loglevel");
  const sentinel = mergeState(base.sentinel, saved.sentinel, hasLogLevel, removed);
  return {
    server: { ...base.server, users, loglevel: sentinel.global.logLevel },
    sentinel,
  };
}

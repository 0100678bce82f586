/**
 * SENTINEL SET <master> <option> <value> [<option> <value> …] (sentinel-protocol §9.5;
 * sentinel.c: sentinelSetCommand). Every option is checked here — including the script paths,
 * which need the shell's access(X_OK) — and the valid ones go to the core as one `set` op that
 * applies them in order. Redis applies options as it reads them, so on a bad option the earlier
 * ones stay applied: the op carries that valid prefix and the client gets the option's error.
 *
 * `rename-command <old> <new>` travels as ["rename-command", old, new]: names may hold spaces, and
 * are stored, written and reloaded exactly as given (the rewrite quotes them).
 */
import { controlCharError, controlCharIndex } from "../core/index.js";
import { R } from "../protocol/reply.js";
import { withMaster } from "./sentinel-read.js";
import { parseSafeInt } from "./sentinel-parse.js";
import type { SentinelCommandEnv, SentinelCommandOutcome } from "./sentinel-types.js";
import { adminOutcome, replyOutcome } from "./sentinel-types.js";

type OptionKind =
  | "positive"
  | "non-negative"
  | "string"
  | "yes-no"
  | "notification-script"
  | "client-reconfig-script";

const OPTIONS: Readonly<Record<string, OptionKind>> = {
  "down-after-milliseconds": "positive",
  "failover-timeout": "positive",
  "parallel-syncs": "positive",
  quorum: "positive",
  "master-reboot-down-after-period": "non-negative",
  // Valkey 8's name for it.
  "primary-reboot-down-after-period": "non-negative",
  "notification-script": "notification-script",
  "client-reconfig-script": "client-reconfig-script",
  "auth-pass": "string",
  "auth-user": "string",
  // Vigil's self-fencing (docs/COMPATIBILITY.md, "Self-fencing").
  "fence-isolated-master": "yes-no",
};

const SCRIPTS_DENIED =
  "ERR Reconfiguration of scripts path is denied for security reasons. Check the " +
  "deny-scripts-reconfig configuration directive in your Sentinel configuration";

const SCRIPT_NOT_EXECUTABLE: Readonly<Record<string, string>> = {
  "notification-script": "ERR Notification script seems non existing or non executable",
  "client-reconfig-script":
    "ERR Client reconfiguration script seems non existing or non executable",
};

function invalidArgument(value: string, option: string): string {
  return `ERR Invalid argument '${value}' for SENTINEL SET '${option}'`;
}

/** The error for one option/value, or null when it may be applied. */
function checkValue(
  kind: OptionKind,
  option: string,
  value: string,
  env: SentinelCommandEnv,
): string | null {
  switch (kind) {
    case "positive":
    case "non-negative": {
      // Beyond 2^53-1 Redis takes the value, Vigil refuses it (a number would round it).
      const n = parseSafeInt(value);
      const ok = n !== null && (kind === "positive" ? n > 0 : n >= 0);
      return ok ? null : invalidArgument(value, option);
    }
    case "notification-script":
    case "client-reconfig-script":
      if (env.state.global.denyScriptsReconfig) return SCRIPTS_DENIED;
      if (value !== "" && !env.isExecutable(value)) return SCRIPT_NOT_EXECUTABLE[kind] ?? null;
      return null;
    case "string":
      return null;
    case "yes-no": {
      const v = value.toLowerCase();
      return v === "yes" || v === "no" ? null : invalidArgument(value, option);
    }
  }
}

interface Parsed {
  readonly pairs: (readonly string[])[];
  readonly error: string | null;
}

function parseSetPairs(args: readonly string[], env: SentinelCommandEnv): Parsed {
  const pairs: (readonly string[])[] = [];
  let j = 2;
  while (j < args.length) {
    const option = args[j] ?? "";
    const moreArgs = args.length - 1 - j;
    const lower = option.toLowerCase();
    if (lower === "rename-command" && moreArgs > 1) {
      const [from = "", to = ""] = args.slice(j + 1, j + 3);
      if (from === "" || to === "") return { pairs, error: invalidArgument("", option) };
      pairs.push([option, from, to]);
      j += 3;
      continue;
    }
    const kind = OPTIONS[lower];
    if (kind === undefined || moreArgs < 1) {
      return {
        pairs,
        error: `ERR Unknown option or number of arguments for SENTINEL SET '${option}'`,
      };
    }
    const value = args[j + 1] ?? "";
    const error = checkValue(kind, option, value, env);
    if (error !== null) return { pairs, error };
    pairs.push([option, value]);
    j += 2;
  }
  return { pairs, error: null };
}

export function setCommand(
  args: readonly string[],
  env: SentinelCommandEnv,
): SentinelCommandOutcome {
  return withMaster(args, env, (m) => {
    // Valkey: after the master lookup, before any option is applied.
    const bad = controlCharIndex(args, 3);
    if (bad !== -1) return replyOutcome(R.error(controlCharError(bad, "SENTINEL SET")));
    const { pairs, error } = parseSetPairs(args, env);
    if (error === null) return adminOutcome({ op: "set", name: m.name, pairs });
    if (pairs.length === 0) return replyOutcome(R.error(error));
    return adminOutcome({ op: "set", name: m.name, pairs }, R.error(error));
  });
}

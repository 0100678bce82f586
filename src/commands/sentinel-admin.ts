/**
 * SENTINEL subcommands that change state: arguments are checked here with Redis's texts and in
 * Redis's order; the change itself is an AdminOp (or a vote request) stepped through the core.
 * `args` is the whole SENTINEL argument list (args[0] is the subcommand); arity is already checked.
 */
import {
  DEBUG_PARAMS,
  INVALID_MASTER_NAME,
  controlCharError,
  controlCharIndex,
  isValidMasterName,
} from "../core/index.js";
import type { Reply } from "../protocol/reply.js";
import { R } from "../protocol/reply.js";
import { withMaster } from "./sentinel-read.js";
import { monitorHost } from "./sentinel-ip.js";
import { NOT_AN_INTEGER, parseLongLong, parseSafeInt } from "./sentinel-parse.js";
import type { SentinelCommandEnv, SentinelCommandOutcome } from "./sentinel-types.js";
import { adminOutcome, replyOutcome } from "./sentinel-types.js";

function errorOutcome(text: string): SentinelCommandOutcome {
  return replyOutcome(R.error(text));
}

/** `<ip> <port> <epoch> <runid>` → a vote request for the core (docs/PROTOCOL.md §5.4). */
export function isMasterDownCommand(args: readonly string[]): SentinelCommandOutcome {
  const port = parseLongLong(args[2] ?? "");
  const epoch = parseLongLong(args[3] ?? "");
  if (port === null || epoch === null) return errorOutcome(NOT_AN_INTEGER);
  return {
    kind: "core",
    input: {
      type: "is-master-down-request",
      ip: args[1] ?? "",
      port: Number(port),
      epoch,
      runId: args[4] ?? "",
    },
  };
}

interface FailoverOptions {
  coordinated: boolean;
  to: { ip: string; port: number } | null;
}

/** `[COORDINATED] [TO <ip> <port>]` in any order, each once; an error text otherwise. */
function parseFailoverOptions(words: readonly string[]): FailoverOptions | string {
  const options: FailoverOptions = { coordinated: false, to: null };
  for (let i = 0; i < words.length; i++) {
    const word = (words[i] ?? "").toLowerCase();
    if (word === "coordinated" && !options.coordinated) {
      options.coordinated = true;
    } else if (word === "to" && options.to === null && i + 2 < words.length) {
      const port = parseLongLong(words[i + 2] ?? "");
      if (port === null || port < 0n || port > 65535n) return "ERR Invalid port";
      options.to = { ip: words[i + 1] ?? "", port: Number(port) };
      i += 2;
    } else {
      // Valkey 9's text for an option it does not know.
      return "ERR Unknown failover option specified";
    }
  }
  return options;
}

/**
 * SENTINEL FAILOVER <name> [COORDINATED] [TO <ip> <port>]. COORDINATED is Valkey 9's (a real
 * election, then the master's own FAILOVER); TO is Vigil's (that replica, or a refusal saying
 * why it cannot be promoted now). Checked after the master, as Valkey checks its option.
 */
export function failoverCommand(
  args: readonly string[],
  env: SentinelCommandEnv,
): SentinelCommandOutcome {
  return withMaster(args, env, (m) => {
    const options = parseFailoverOptions(args.slice(2));
    if (typeof options === "string") return errorOutcome(options);
    return adminOutcome({
      op: "failover",
      name: m.name,
      ...(options.coordinated ? { coordinated: true } : {}),
      ...(options.to === null ? {} : { to: options.to }),
    });
  });
}

/** SENTINEL FORGET-SENTINEL <master> <runid> (Vigil): forget one peer (forget-sentinel.ts). */
export function forgetSentinelCommand(
  args: readonly string[],
  env: SentinelCommandEnv,
): SentinelCommandOutcome {
  return withMaster(args, env, (m) =>
    adminOutcome({ op: "forget-sentinel", name: m.name, runId: args[2] ?? "" }),
  );
}

export function removeCommand(
  args: readonly string[],
  env: SentinelCommandEnv,
): SentinelCommandOutcome {
  return withMaster(args, env, (m) => adminOutcome({ op: "remove", name: m.name }));
}

export function resetCommand(args: readonly string[]): SentinelCommandOutcome {
  return adminOutcome({ op: "reset", pattern: args[1] ?? "" });
}

export function flushConfigCommand(): SentinelCommandOutcome {
  return adminOutcome({ op: "flushconfig" });
}

/**
 * `<name> <ip> <port> <quorum>`, checked in sentinel.c's order (quorum and port syntax first),
 * after Valkey's control-character check. A name Redis would take but could not load again
 * from the file it rewrites is refused (docs/COMPATIBILITY.md).
 */
export function monitorCommand(
  args: readonly string[],
  env: SentinelCommandEnv,
): SentinelCommandOutcome {
  const [, name = "", hostArg = "", portArg = "", quorumArg = ""] = args;
  const bad = controlCharIndex(args, 2);
  if (bad !== -1) return errorOutcome(controlCharError(bad, "SENTINEL MONITOR"));
  const quorum = parseLongLong(quorumArg);
  // Beyond 2^53-1 a number would round it: Vigil refuses what Redis would truncate.
  if (quorum === null || quorum > BigInt(Number.MAX_SAFE_INTEGER)) {
    return errorOutcome("ERR Invalid quorum");
  }
  const port = parseLongLong(portArg);
  if (port === null) return errorOutcome("ERR Invalid port");
  if (quorum <= 0n) return errorOutcome("ERR Quorum must be 1 or greater.");
  const host = monitorHost(hostArg, env.state.global.resolveHostnames);
  if (host === null) return errorOutcome("ERR Invalid IP address or hostname specified");
  if (port < 0n || port > 65535n) return errorOutcome("ERR Invalid port number.");
  if (!isValidMasterName(name)) return errorOutcome(`ERR ${INVALID_MASTER_NAME}`);
  if (env.state.masters.has(name)) return errorOutcome("ERR Duplicate master name.");
  return adminOutcome({ op: "monitor", name, host, port: Number(port), quorum: Number(quorum) });
}

const SIMULATE_FLAGS: Readonly<Record<string, number>> = {
  "crash-after-election": 1,
  "crash-after-promotion": 2,
};

/**
 * Replaces the flag set. As in sentinel.c the flags are reset first and each argument applied in
 * turn, so HELP or an unknown word still leaves the flags seen before it.
 */
export function simulateFailureCommand(args: readonly string[]): SentinelCommandOutcome {
  let flags = 0;
  let override: Reply | undefined;
  for (const arg of args.slice(1)) {
    const lower = arg.toLowerCase();
    const flag = SIMULATE_FLAGS[lower];
    if (flag !== undefined) {
      flags |= flag;
      continue;
    }
    override =
      lower === "help"
        ? R.array([R.bulk("crash-after-election"), R.bulk("crash-after-promotion")])
        : R.error("ERR Unknown failure simulation specified");
    break;
  }
  return adminOutcome({ op: "simulate-failure", flags }, override);
}

const DEBUG_NAMES = new Map(
  DEBUG_PARAMS.map(([name]) => [name.toLowerCase(), name.toLowerCase()] as const),
);

/** Parses `<param> <ms> …` until the first bad pair (sentinelSetDebugConfigParameters). */
function parseDebugPairs(args: readonly string[]): {
  pairs: [string, string][];
  error: string | null;
} {
  const pairs: [string, string][] = [];
  for (let j = 1; j < args.length; j += 2) {
    const option = args[j] ?? "";
    const name = DEBUG_NAMES.get(option.toLowerCase());
    if (name === undefined || j + 1 >= args.length) {
      return {
        pairs,
        error: `ERR Unknown option or number of arguments for SENTINEL DEBUG '${option}'`,
      };
    }
    const text = args[j + 1] ?? "";
    const value = parseSafeInt(text);
    if (value === null || value <= 0) {
      return { pairs, error: `ERR Invalid argument '${text}' for SENTINEL DEBUG '${option}'` };
    }
    pairs.push([name, value.toString()]);
  }
  return { pairs, error: null };
}

/** No arguments: the DEBUG map from state.timing; else the pairs (lower-case names) → debug-set. */
export function debugCommand(
  args: readonly string[],
  env: SentinelCommandEnv,
): SentinelCommandOutcome {
  if (args.length === 1) {
    return replyOutcome(
      R.bulkMap(DEBUG_PARAMS.map(([name, key]) => [name, String(env.state.timing[key])] as const)),
    );
  }
  const { pairs, error } = parseDebugPairs(args);
  if (error === null) return adminOutcome({ op: "debug-set", pairs });
  if (pairs.length === 0) return errorOutcome(error);
  return adminOutcome({ op: "debug-set", pairs }, R.error(error));
}

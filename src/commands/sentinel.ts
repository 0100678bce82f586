/**
 * The SENTINEL command: a table of subcommands (names, arities and handlers as redis-sentinel
 * 7.0.15's command table has them) and the mapping of the core's answers back to replies.
 * Pure: handlers read the state and either reply at once or return an input for the core.
 *
 * `args` are the arguments AFTER the command name: `SENTINEL masters` arrives as ["masters"].
 */
import type { CoreReply } from "../core/index.js";
import { assertNever } from "../core/index.js";
import type { Reply } from "../protocol/reply.js";
import { R } from "../protocol/reply.js";
import { arityError, arityOk, unknownSubcommandError } from "./command-errors.js";
import {
  debugCommand,
  failoverCommand,
  flushConfigCommand,
  forgetSentinelCommand,
  isMasterDownCommand,
  monitorCommand,
  removeCommand,
  resetCommand,
  simulateFailureCommand,
} from "./sentinel-admin.js";
import { configCommand } from "./sentinel-config.js";
import { sentinelHelpReply } from "./sentinel-help.js";
import {
  ckquorumCommand,
  getMasterAddrCommand,
  infoCacheCommand,
  mastersCommand,
  masterCommand,
  myIdCommand,
  pendingScriptsCommand,
  replicasCommand,
  sentinelsCommand,
} from "./sentinel-read.js";
import { setCommand } from "./sentinel-set.js";
import { whyCommand } from "./sentinel-why.js";
import type { SentinelCommandEnv, SentinelCommandOutcome } from "./sentinel-types.js";
import { replyOutcome } from "./sentinel-types.js";

export type {
  PendingScriptView,
  SentinelCommandEnv,
  SentinelCommandOutcome,
  SentinelCoreInput,
} from "./sentinel-types.js";

type Handler = (args: readonly string[], env: SentinelCommandEnv) => SentinelCommandOutcome;

export interface SentinelSubcommand {
  /** Lower case, as in `sentinel|<name>`. */
  readonly name: string;
  /** Redis arity counting SENTINEL itself: n = exactly n words, −n = at least n. */
  readonly arity: number;
  readonly handler: Handler;
}

function sub(name: string, arity: number, handler: Handler): SentinelSubcommand {
  return { name, arity, handler };
}

/** `COMMAND INFO sentinel` of redis-sentinel 7.0.15, and Vigil's WHY. */
export const SENTINEL_SUBCOMMANDS: ReadonlyMap<string, SentinelSubcommand> = new Map(
  [
    sub("masters", 2, mastersCommand),
    sub("master", 3, masterCommand),
    sub("replicas", 3, replicasCommand),
    sub("slaves", 3, replicasCommand),
    sub("sentinels", 3, sentinelsCommand),
    sub("get-master-addr-by-name", 3, getMasterAddrCommand),
    sub("myid", 2, myIdCommand),
    sub("is-master-down-by-addr", 6, isMasterDownCommand),
    sub("ckquorum", 3, ckquorumCommand),
    // 7.0.15 takes exactly 3 words; COORDINATED (Valkey 9) and TO <ip> <port> (Vigil) add more.
    sub("failover", -3, failoverCommand),
    sub("reset", 3, resetCommand),
    sub("monitor", 6, monitorCommand),
    sub("remove", 3, removeCommand),
    sub("set", -5, setCommand),
    sub("flushconfig", 2, flushConfigCommand),
    sub("config", -3, configCommand),
    sub("info-cache", -3, infoCacheCommand),
    sub("pending-scripts", 2, pendingScriptsCommand),
    sub("simulate-failure", -3, simulateFailureCommand),
    sub("debug", -2, debugCommand),
    sub("help", 2, () => replyOutcome(sentinelHelpReply())),
    // Vigil's own (not in 7.0.15): listed in COMMAND and SENTINEL HELP.
    sub("why", 3, whyCommand),
    sub("forget-sentinel", 4, forgetSentinelCommand),
  ].map((s) => [s.name, s] as const),
);

/**
 * Valkey 8's names for subcommands named after the master: the same handler, arity and reply
 * (Valkey's sentinel.c answers both names from one branch). Not in the 7.0.15 table above, so
 * `COMMAND` and SENTINEL HELP stay 7.0.15's.
 */
export const VALKEY_ALIASES: ReadonlyMap<string, string> = new Map([
  ["primaries", "masters"],
  ["primary", "master"],
  ["get-primary-addr-by-name", "get-master-addr-by-name"],
  ["is-primary-down-by-addr", "is-master-down-by-addr"],
]);

/**
 * The entry `name` (lower case) names: a Valkey alias is its target's entry under the alias's
 * own name (arity errors name what the client typed). Undefined when there is none.
 */
export function sentinelSubcommand(name: string): SentinelSubcommand | undefined {
  const entry = SENTINEL_SUBCOMMANDS.get(name);
  if (entry !== undefined) return entry;
  const target = SENTINEL_SUBCOMMANDS.get(VALKEY_ALIASES.get(name) ?? "");
  return target === undefined ? undefined : { ...target, name };
}

/**
 * The entry `args[0]` names with its arity checked, or the refusal: the one lookup of a
 * subcommand (the RESP server's dispatch has done it already: command-table.ts resolves the
 * subcommand's spec, then runs the entry's handler through sentinel-request.ts).
 */
export function findSentinelSubcommand(args: readonly string[]): SentinelSubcommand | Reply {
  const subName = args[0];
  if (subName === undefined) return arityReply("sentinel");
  const entry = sentinelSubcommand(subName.toLowerCase());
  if (entry === undefined) return R.error(unknownSubcommandError(subName, "sentinel"));
  return arityOk(entry.arity, args.length + 1) ? entry : arityReply(`sentinel|${entry.name}`);
}

function arityReply(name: string): Reply {
  return R.error(arityError(name));
}

/** A SENTINEL request outside the RESP server's dispatch (the HTTP readout, the host's cache). */
export function sentinelCommand(
  args: readonly string[],
  env: SentinelCommandEnv,
): SentinelCommandOutcome {
  const found = findSentinelSubcommand(args);
  return "handler" in found ? found.handler(args, env) : replyOutcome(found);
}

/** The reply for the core's answer to a `core` outcome (absent overrideReply). */
export function coreReplyToReply(reply: CoreReply): Reply {
  switch (reply.kind) {
    case "is-master-down":
      return R.array([
        R.integer(reply.down ? 1 : 0),
        R.bulk(reply.leader === "" ? "*" : reply.leader),
        R.integer(reply.leaderEpoch),
      ]);
    case "admin": {
      const result = reply.result;
      switch (result.kind) {
        case "ok":
          return R.ok();
        case "integer":
          return R.integer(result.value);
        case "error":
          return R.error(result.message);
        default:
          return assertNever(result);
      }
    }
    default:
      return assertNever(reply);
  }
}

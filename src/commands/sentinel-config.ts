/**
 * SENTINEL CONFIG GET <pattern> [<pattern> …] / SET <param> <value> [<param> <value> …]
 * (docs/PROTOCOL.md §9.6). One pattern or one pair is 7.0's form; more are Redis 7.2's, which
 * 7.0.15 refuses with its shape error: GET answers one map of every param some pattern matches,
 * each once, in the fixed order below; SET checks every pair (unknown, repeated, missing or bad
 * value, Redis 7.2's texts) before the core applies them all. Shapes neither version accepts
 * keep 7.0.15's error (7.2 answers a bare `CONFIG GET` or `CONFIG SET` with an arity error).
 * GET reads state.global; SET goes to the core as `config-set` pairs with lower-case names
 * and, for yes/no params, "yes" or "no".
 */
import type { GlobalSettings } from "../core/index.js";
import { R } from "../protocol/reply.js";
import { controlCharError, controlCharIndex, globMatch, holdsHostnames } from "../core/index.js";
import { parseLongLong, parseYesNo } from "./sentinel-parse.js";
import type { SentinelCommandEnv, SentinelCommandOutcome } from "./sentinel-types.js";
import { adminOutcome, replyOutcome } from "./sentinel-types.js";

/** In the order CONFIG GET lists them (sentinel.c: sentinelConfigGetCommand). */
const PARAMS: readonly (readonly [string, (g: GlobalSettings) => string])[] = [
  ["resolve-hostnames", (g) => (g.resolveHostnames ? "yes" : "no")],
  ["announce-hostnames", (g) => (g.announceHostnames ? "yes" : "no")],
  ["announce-ip", (g) => g.announceIp],
  ["announce-port", (g) => String(g.announcePort)],
  ["sentinel-user", (g) => g.sentinelUser],
  ["sentinel-pass", (g) => g.sentinelPass],
  ["loglevel", (g) => g.logLevel],
];

const BAD_SHAPE = "ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.";

/** sentinelConfigGetCommand (7.2): a param matched by several patterns is listed once. */
function configGet(patterns: readonly string[], env: SentinelCommandEnv): SentinelCommandOutcome {
  // Insertion order: the first pattern's matches first, each in PARAMS order, as Redis lists.
  const matched = new Map<string, (g: GlobalSettings) => string>();
  for (const pattern of patterns) {
    for (const [name, read] of PARAMS) {
      if (!matched.has(name) && globMatch(pattern, name, true)) matched.set(name, read);
    }
  }
  return replyOutcome(
    R.bulkMap([...matched].map(([name, read]) => [name, read(env.state.global)] as const)),
  );
}

/** The value the core should apply, or null when Redis answers "Invalid value". */
function normalizeValue(param: string, value: string, env: SentinelCommandEnv): string | null {
  switch (param) {
    case "resolve-hostnames": {
      const yes = parseYesNo(value);
      // The rewritten file would not load (docs/COMPATIBILITY.md, "Values refused").
      if (yes === false && holdsHostnames(env.state)) return null;
      return yes === null ? null : yes ? "yes" : "no";
    }
    case "announce-hostnames": {
      const yes = parseYesNo(value);
      return yes === null ? null : yes ? "yes" : "no";
    }
    case "announce-port": {
      const port = parseLongLong(value);
      return port === null || port < 0n || port > 65535n ? null : port.toString();
    }
    default:
      return value;
  }
}

/** The checks of Redis 7.2's sentinelConfigSetCommand, in its order, pair by pair. */
function configSet(args: readonly string[], env: SentinelCommandEnv): SentinelCommandOutcome {
  const error = (text: string): SentinelCommandOutcome => replyOutcome(R.error(`ERR ${text}`));
  const pairs: (readonly [string, string])[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < args.length; i += 2) {
    const paramArg = args[i] ?? "";
    const param = paramArg.toLowerCase();
    if (!PARAMS.some(([name]) => name === param)) {
      return error(`Invalid argument '${paramArg}' to SENTINEL CONFIG SET`);
    }
    if (seen.has(param)) return error(`Duplicate argument '${paramArg}' to SENTINEL CONFIG SET`);
    seen.add(param);
    const value = args[i + 1];
    if (value === undefined) return error(`Missing argument '${paramArg}' value`);
    const normalized = normalizeValue(param, value, env);
    if (normalized === null) {
      return error(`Invalid value '${value}' to SENTINEL CONFIG SET '${paramArg}'`);
    }
    pairs.push([param, normalized]);
  }
  return adminOutcome({ op: "config-set", pairs });
}

export function configCommand(
  args: readonly string[],
  env: SentinelCommandEnv,
): SentinelCommandOutcome {
  const action = (args[1] ?? "").toLowerCase();
  const rest = args.slice(2);
  if (action === "get" && rest.length >= 1) return configGet(rest, env);
  if (action === "set" && rest.length >= 2) {
    // Valkey: before any other check of the pairs.
    const bad = controlCharIndex(args, 3);
    if (bad !== -1) return replyOutcome(R.error(controlCharError(bad, "SENTINEL CONFIG SET")));
    return configSet(rest, env);
  }
  return replyOutcome(R.error(BAD_SHAPE));
}

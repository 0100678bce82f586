/**
 * SENTINEL CONFIG GET <pattern> / SET <param> <value> (sentinel-protocol §9.6; 7.0 shape: one
 * pattern, one pair). GET reads state.global; SET is validated here and applied by the core
 * (`config-set` with the lower-case param name and, for yes/no params, "yes" or "no").
 */
import type { GlobalSettings } from "../core/config.js";
import { R } from "../protocol/reply.js";
import { globMatch } from "./glob.js";
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

function configGet(pattern: string, env: SentinelCommandEnv): SentinelCommandOutcome {
  const matched = PARAMS.filter(([name]) => globMatch(pattern, name, true));
  return replyOutcome(
    R.bulkMap(matched.map(([name, read]) => [name, read(env.state.global)] as const)),
  );
}

/** The value the core should apply, or null when Redis answers "Invalid value". */
function normalizeValue(param: string, value: string): string | null {
  switch (param) {
    case "resolve-hostnames":
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

function configSet(paramArg: string, value: string): SentinelCommandOutcome {
  const param = paramArg.toLowerCase();
  if (!PARAMS.some(([name]) => name === param)) {
    return replyOutcome(R.error(`ERR Invalid argument '${paramArg}' to SENTINEL CONFIG SET`));
  }
  const normalized = normalizeValue(param, value);
  if (normalized === null) {
    return replyOutcome(
      R.error(`ERR Invalid value '${value}' to SENTINEL CONFIG SET '${paramArg}'`),
    );
  }
  return adminOutcome({ op: "config-set", param, value: normalized });
}

export function configCommand(
  args: readonly string[],
  env: SentinelCommandEnv,
): SentinelCommandOutcome {
  const action = (args[1] ?? "").toLowerCase();
  if (action === "get" && args.length === 3) return configGet(args[2] ?? "", env);
  if (action === "set" && args.length === 4) return configSet(args[2] ?? "", args[3] ?? "");
  return replyOutcome(R.error(BAD_SHAPE));
}

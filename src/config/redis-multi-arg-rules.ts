/**
 * config.c's checks of the Redis directives taking several arguments that Vigil accepts
 * without acting on them (`save`, `client-output-buffer-limit` …), with Redis 7.0.15's reasons,
 * as redis-value-rules.ts does for the one-argument ones.
 */
import { memtoull } from "./redis-value-rules.js";

/** A directive's check of its arguments: null when Redis takes them, else its reason. */
export type ArgsRule = (args: readonly string[]) => string | null;

/** C strtoll base 10 with the whole text consumed (blanks and a sign first); null if not. */
function strtoll(v: string): bigint | null {
  if (v === "") return 0n;
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)$/.exec(v);
  if (m === null) return null;
  const n = BigInt(m[1] ?? "0");
  // Out of range, strtoll gives LLONG_MIN/MAX: only the sign matters for these checks.
  return n;
}

/** config.c: setConfigSaveOption — pairs of seconds ≥ 1 and changes ≥ 0; `""` alone clears. */
const save: ArgsRule = (args) => {
  const list = args.length === 1 && args[0] === "" ? [] : args;
  if (list.length % 2 !== 0) return "Invalid save parameters";
  const ok = list.every((a, j) => {
    const n = strtoll(a);
    return n !== null && n >= (j % 2 === 0 ? 1n : 0n);
  });
  return ok ? null : "Invalid save parameters";
};

/** config.c: updateClientOutputBufferLimit — `<class> <hard> <soft> <seconds>`, repeated. */
const clientOutputBufferLimit: ArgsRule = (args) => {
  if (args.length % 4 !== 0) return "Wrong number of arguments in buffer limit configuration.";
  for (let j = 0; j < args.length; j += 4) {
    if (!["normal", "slave", "replica", "pubsub"].includes((args[j] ?? "").toLowerCase())) {
      return "Invalid client class specified in buffer limit configuration.";
    }
    const seconds = strtoll(args[j + 3] ?? "");
    if (
      memtoull(args[j + 1] ?? "") === null ||
      memtoull(args[j + 2] ?? "") === null ||
      seconds === null ||
      seconds < 0n
    ) {
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    }
  }
  return null;
};

/** config.c: setConfigOOMScoreAdjValuesOption — three values within [-2000, 2000]. */
const oomScoreAdjValues: ArgsRule = (args) => {
  if (args.length !== 3) return "wrong number of arguments";
  const ok = args.every((a) => {
    const n = a === "" ? null : strtoll(a);
    return n !== null && n >= -2000n && n <= 2000n;
  });
  return ok ? null : "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
};

/** util.c: string2d (strtod, no leading blank, all consumed, not NaN), decimal forms only. */
function string2d(v: string): number | null {
  if (/^[+-]?inf(inity)?$/i.test(v)) return v.startsWith("-") ? -Infinity : Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) return null;
  return Number(v);
}

/** config.c: setConfigLatencyTrackingInfoPercentilesOutputOption. */
const latencyPercentiles: ArgsRule = (args) => {
  const list = args.length === 1 && args[0] === "" ? [] : args;
  for (const a of list) {
    const p = string2d(a);
    if (p === null) return "Invalid latency-tracking-info-percentiles parameters";
    if (p < 0 || p > 100) {
      return "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
    }
  }
  return null;
};

/** shutdown-on-sigint/sigterm: a multi-argument enum of flags, SAVE and NOSAVE exclusive. */
const shutdownFlags: ArgsRule = (args) => {
  const flags = args.map((a) => a.toLowerCase());
  if (!flags.every((f) => ["default", "save", "nosave", "now", "force"].includes(f))) {
    return "argument(s) must be one of the following: default, save, nosave, now, force";
  }
  return flags.includes("save") && flags.includes("nosave")
    ? "shutdown options SAVE and NOSAVE can't be used simultaneously"
    : null;
};

/** config.c: `replicaof <host> <port>` or `replicaof no one`; strtol's port within 0..65535. */
const replicaof: ArgsRule = (args) => {
  if (args.length !== 2) return "wrong number of arguments";
  if (args[0]?.toLowerCase() === "no" && args[1]?.toLowerCase() === "one") return null;
  const port = strtoll(args[1] ?? "");
  return port === null || port < 0n || port > 65535n ? "Invalid master port" : null;
};

export const REDIS_MULTI_ARG_RULES: ReadonlyMap<string, ArgsRule> = new Map([
  ["save", save],
  ["client-output-buffer-limit", clientOutputBufferLimit],
  ["oom-score-adj-values", oomScoreAdjValues],
  ["latency-tracking-info-percentiles", latencyPercentiles],
  ["shutdown-on-sigint", shutdownFlags],
  ["shutdown-on-sigterm", shutdownFlags],
  ["replicaof", replicaof],
  ["slaveof", replicaof],
]);

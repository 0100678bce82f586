/**
 * SENTINEL CONFIG SET (docs/PROTOCOL.md §9.6; sentinel.c: sentinelConfigSetCommand, one pair
 * as in 7.0 or several as in 7.2) and SENTINEL DEBUG <param> <value> …
 * (sentinelSetDebugConfigParameters: timing knobs, not persisted). Error texts are Redis's.
 */
import type { CoreContext } from "../model/context.js";
import type { GlobalSettings } from "../model/config.js";
import { closeLink } from "../records/link-health.js";
import type { AdminResult } from "../model/ready.js";
import { parseStrictInt } from "../basics/redis-int.js";
import { DEBUG_PARAMS } from "../model/timing.js";

function yesNo(value: string): boolean | null {
  const v = value.toLowerCase();
  if (v === "yes") return true;
  if (v === "no") return false;
  return null;
}

/** sentinel.c: sentinelDropConnections — peers reconnect with the new credentials. */
function dropPeerConnections(ctx: CoreContext): void {
  for (const master of ctx.state.masters.values()) {
    for (const peer of master.sentinels.values()) closeLink(ctx, peer.link);
  }
}

type Change =
  | { readonly ok: true; readonly change: Partial<GlobalSettings>; readonly drop: boolean }
  | { readonly ok: false };

function parseChange(param: string, value: string): Change | null {
  switch (param.toLowerCase()) {
    case "resolve-hostnames":
    case "announce-hostnames": {
      const flag = yesNo(value);
      if (flag === null) return { ok: false };
      const key =
        param.toLowerCase() === "resolve-hostnames" ? "resolveHostnames" : "announceHostnames";
      return { ok: true, change: { [key]: flag }, drop: false };
    }
    case "announce-ip":
      return { ok: true, change: { announceIp: value }, drop: false };
    case "announce-port": {
      const port = parseStrictInt(value);
      if (port === null || port < 0 || port > 65535) return { ok: false };
      return { ok: true, change: { announcePort: port }, drop: false };
    }
    case "sentinel-user":
      return { ok: true, change: { sentinelUser: value }, drop: true };
    case "sentinel-pass":
      return { ok: true, change: { sentinelPass: value }, drop: true };
    case "loglevel": {
      // Redis 7.2 also takes `nothing`; 7.0's loader refuses it, so would the next restart.
      const level = value.toLowerCase();
      if (level !== "debug" && level !== "verbose" && level !== "notice" && level !== "warning")
        return { ok: false };
      return { ok: true, change: { logLevel: level }, drop: false };
    }
    default:
      return null;
  }
}

/**
 * Redis 7.2's sentinelConfigSetCommand: every pair is checked first (unknown param, then a
 * repeated one, then the value), and only when all pass are they applied, so a bad pair changes
 * nothing. One pair is 7.0's form, with the same checks and texts. On success the caller
 * flushes before replying.
 */
export function configSet(
  ctx: CoreContext,
  pairs: readonly (readonly [string, string])[],
): { result: AdminResult; applied: boolean; drop: boolean } {
  const changes: Partial<GlobalSettings>[] = [];
  const seen = new Set<string>();
  let drop = false;
  const refuse = (message: string): ReturnType<typeof configSet> => ({
    result: { kind: "error", message },
    applied: false,
    drop: false,
  });
  for (const [param, value] of pairs) {
    const parsed = parseChange(param, value);
    if (parsed === null) return refuse(`ERR Invalid argument '${param}' to SENTINEL CONFIG SET`);
    if (seen.has(param.toLowerCase())) {
      return refuse(`ERR Duplicate argument '${param}' to SENTINEL CONFIG SET`);
    }
    seen.add(param.toLowerCase());
    if (!parsed.ok) {
      return refuse(`ERR Invalid value '${value}' to SENTINEL CONFIG SET '${param}'`);
    }
    changes.push(parsed.change);
    drop ||= parsed.drop;
  }
  let global = ctx.state.global;
  for (const change of changes) global = { ...global, ...change };
  ctx.state.global = global;
  return { result: { kind: "ok" }, applied: true, drop };
}

export { dropPeerConnections };

/** SENTINEL DEBUG <param> <value> …: each value a positive integer; earlier ones stay set. */
export function debugSet(
  ctx: CoreContext,
  pairs: readonly (readonly [string, string])[],
): AdminResult {
  const args = pairs.flat();
  for (let i = 0; i < args.length; i += 2) {
    const option = args[i] ?? "";
    const value = args[i + 1];
    const entry = DEBUG_PARAMS.find(([name]) => name.toLowerCase() === option.toLowerCase());
    if (entry === undefined || value === undefined) {
      return {
        kind: "error",
        message: `ERR Unknown option or number of arguments for SENTINEL DEBUG '${option}'`,
      };
    }
    const n = parseStrictInt(value);
    if (n === null || n <= 0) {
      return {
        kind: "error",
        message: `ERR Invalid argument '${value}' for SENTINEL DEBUG '${option}'`,
      };
    }
    ctx.state.timing[entry[1]] = n;
  }
  return { kind: "ok" };
}

/**
 * CLIENT TRACKING, TRACKINGINFO, CACHING and GETREDIR (networking.c: clientCommand; tracking.c:
 * enableTracking, disableTracking, checkPrefixCollisionsOrReply), kept per connection with
 * redis-sentinel 7.0.15's checks, error texts and replies. A sentinel has no keys, so nothing is
 * ever invalidated: the state only shows in these replies and in CLIENT LIST (`flags=tB`,
 * `redir=`). RESET turns tracking off (server.ts).
 */
import type { Reply } from "../protocol/reply.js";
import { R } from "../protocol/reply.js";
import type { ClientTracking, CommandContext } from "./context.js";
import type { Handler } from "./handler.js";
import { parseLongLong } from "./sentinel-parse.js";

const SYNTAX = "ERR syntax error";
const NOT_INTEGER = "ERR value is not an integer or out of range";

interface TrackingOptions {
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  prefixes: string[];
}

/** The options after ON|OFF, checked in Redis's order; a Reply is the error to answer. */
function parseOptions(args: readonly string[], ctx: CommandContext): TrackingOptions | Reply {
  const o: TrackingOptions = {
    redirect: 0,
    bcast: false,
    optin: false,
    optout: false,
    noloop: false,
    prefixes: [],
  };
  for (let j = 3; j < args.length; j++) {
    const opt = (args[j] ?? "").toLowerCase();
    const more = j < args.length - 1;
    if (opt === "redirect" && more) {
      j++;
      if (o.redirect !== 0)
        return R.error("ERR A client can only redirect to a single other client");
      const id = parseLongLong(args[j] ?? "");
      if (id === null) return R.error(NOT_INTEGER);
      if (!ctx.server.clients().some((c) => BigInt(c.id) === id))
        return R.error("ERR The client ID you want redirect to does not exist");
      o.redirect = Number(id);
    } else if (opt === "bcast") o.bcast = true;
    else if (opt === "optin") o.optin = true;
    else if (opt === "optout") o.optout = true;
    else if (opt === "noloop") o.noloop = true;
    else if (opt === "prefix" && more) {
      j++;
      o.prefixes.push(args[j] ?? "");
    } else return R.error(SYNTAX);
  }
  return o;
}

/** tracking.c: stringCheckPrefix — one is a prefix of the other. */
function overlaps(a: string, b: string): boolean {
  const n = Math.min(a.length, b.length);
  return a.slice(0, n) === b.slice(0, n);
}

function prefixCollision(prefixes: readonly string[], existing: readonly string[]): string | null {
  for (let i = 0; i < prefixes.length; i++) {
    const p = prefixes[i] ?? "";
    const old = existing.find((e) => overlaps(e, p));
    if (old !== undefined)
      return `ERR Prefix '${p}' overlaps with an existing prefix '${old}'. Prefixes for a single client must not overlap.`;
    const other = prefixes.slice(i + 1).find((q) => overlaps(p, q));
    if (other !== undefined)
      return `ERR Prefix '${p}' overlaps with another provided prefix '${other}'. Prefixes for a single client must not overlap.`;
  }
  return null;
}

/** The checks of CLIENT TRACKING ON against the options and the current state, in Redis's order. */
function refuseOn(o: TrackingOptions, now: ClientTracking | undefined): string | null {
  if (!o.bcast && o.prefixes.length > 0)
    return "ERR PREFIX option requires BCAST mode to be enabled";
  if (now !== undefined && now.bcast !== o.bcast)
    return "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.";
  if (o.bcast && (o.optin || o.optout)) return "ERR OPTIN and OPTOUT are not compatible with BCAST";
  if (o.optin && o.optout) return "ERR You can't specify both OPTIN mode and OPTOUT mode";
  if ((o.optin && now?.optout === true) || (o.optout && now?.optin === true))
    return "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.";
  return o.bcast ? prefixCollision(o.prefixes, now?.prefixes ?? []) : null;
}

/** CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p]… [OPTIN] [OPTOUT] [NOLOOP]. */
export const tracking: Handler = (args, ctx) => {
  const o = parseOptions(args, ctx);
  if ("type" in o) return o;
  const mode = (args[2] ?? "").toLowerCase();
  if (mode === "off") {
    ctx.client.tracking = undefined;
    return R.ok();
  }
  if (mode !== "on") return R.error(SYNTAX);
  const now = ctx.client.tracking;
  const refused = refuseOn(o, now);
  if (refused !== null) return R.error(refused);
  // tracking.c: enableTracking resets the mode flags; BCAST prefixes add up ("" without any).
  const prefixes = o.bcast
    ? [...(now?.prefixes ?? []), ...(o.prefixes.length > 0 ? o.prefixes : [""])]
    : [];
  ctx.client.tracking = {
    redirect: o.redirect,
    bcast: o.bcast,
    optin: o.optin,
    optout: o.optout,
    noloop: o.noloop,
    caching: now?.caching ?? false,
    prefixes: [...new Set(prefixes)],
  };
  return R.ok();
};

/** CLIENT TRACKINGINFO: flags as a set, the redirection, the BCAST prefixes in byte order. */
export const trackinginfo: Handler = (_args, ctx) => {
  const t = ctx.client.tracking;
  const flags = [t === undefined ? "off" : "on"];
  if (t?.bcast === true) flags.push("bcast");
  if (t?.optin === true) flags.push("optin", ...(t.caching ? ["caching-yes"] : []));
  if (t?.optout === true) flags.push("optout", ...(t.caching ? ["caching-no"] : []));
  if (t?.noloop === true) flags.push("noloop");
  const prefixes = [...(t?.prefixes ?? [])].sort((a, b) =>
    Buffer.compare(Buffer.from(a), Buffer.from(b)),
  );
  return R.map([
    [R.bulk("flags"), R.set(flags.map((f) => R.bulk(f)))],
    [R.bulk("redirect"), R.integer(t === undefined ? -1 : t.redirect)],
    [R.bulk("prefixes"), R.array(prefixes.map((p) => R.bulk(p)))],
  ]);
};

/** CLIENT CACHING YES|NO: only in OPTIN (YES) or OPTOUT (NO) mode; lasts one command. */
export const caching: Handler = (args, ctx) => {
  const t = ctx.client.tracking;
  if (t === undefined)
    return R.error(
      "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled",
    );
  const opt = (args[2] ?? "").toLowerCase();
  if (opt === "yes" && !t.optin)
    return R.error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
  if (opt === "no" && !t.optout)
    return R.error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
  if (opt !== "yes" && opt !== "no") return R.error(SYNTAX);
  t.caching = true;
  return R.ok();
};

export const getredir: Handler = (_args, ctx) =>
  R.integer(ctx.client.tracking === undefined ? -1 : ctx.client.tracking.redirect);

/**
 * networking.c: resetClient drops CLIENT CACHING's one-command flag after any command but a
 * CLIENT one (called before each command: only CLIENT subcommands can observe the flag).
 */
export function endCachingUnlessClient(ctx: CommandContext, fullName: string): void {
  const t = ctx.client.tracking;
  if (t !== undefined && t.caching && !fullName.startsWith("client|")) t.caching = false;
}

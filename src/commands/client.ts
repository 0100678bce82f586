/**
 * CLIENT subcommands (networking.c: clientCommand), with 7.0.15's replies and error texts, plus
 * 7.2's SETINFO which modern clients send at connect. CLIENT LIST/INFO lines carry 7.0's fields
 * followed by 7.2's `lib-name=`/`lib-ver=`. PAUSE and UNPAUSE set the server's ClientPause, which
 * holds the other connections' commands (command-table.ts, shell/client-pause.ts); UNBLOCK has
 * nothing to act on (no blocking commands in a sentinel, and a paused connection is not unblocked:
 * redis-sentinel 7.0.15 crashes there); tracking keeps its per-connection state
 * (client-tracking.ts).
 */
import type { Reply } from "../protocol/reply.js";
import { R } from "../protocol/reply.js";
import type { ClientFacts, CommandContext } from "./context.js";
import { PAUSE_ALL, PAUSE_WRITE } from "./context.js";
import type { Handler } from "./handler.js";
import { multi } from "./handler.js";
import { formatClientLine } from "./client-line.js";
import { ERR_BAD_CLIENT_NAME, isValidClientName } from "./server.js";
import { caching, getredir, tracking, trackinginfo } from "./client-tracking.js";
import { parseLongLong } from "./sentinel-parse.js";

export { formatClientLine } from "./client-line.js";

const SYNTAX = "ERR syntax error";

export type ClientType = "normal" | "pubsub" | "master" | "replica";

function parseClientType(text: string): ClientType | undefined {
  const t = text.toLowerCase();
  if (t === "normal" || t === "pubsub" || t === "master") return t;
  if (t === "replica" || t === "slave") return "replica";
  return undefined;
}

function typeOf(c: ClientFacts): ClientType {
  return c.subscriptions + c.patternSubscriptions > 0 ? "pubsub" : "normal";
}

function self(ctx: CommandContext): ClientFacts | undefined {
  return ctx.server.clients().find((c) => c.id === ctx.client.id);
}

const list: Handler = (args, ctx) => {
  let clients = ctx.server.clients();
  const opt = args[2]?.toLowerCase();
  if (args.length === 4 && opt === "type") {
    const type = parseClientType(args[3] ?? "");
    if (type === undefined) return R.error(`ERR Unknown client type '${args[3] ?? ""}'`);
    clients = clients.filter((c) => typeOf(c) === type);
  } else if (args.length > 3 && opt === "id") {
    const ids = args.slice(3).map((a) => (/^[1-9]\d{0,15}$/.test(a) ? Number(a) : NaN));
    if (ids.some((n) => Number.isNaN(n))) return R.error("ERR Invalid client ID");
    clients = clients.filter((c) => ids.includes(c.id));
  } else if (args.length !== 2) {
    return R.error(SYNTAX);
  }
  return R.verbatim(clients.map((c) => `${formatClientLine(c)}\n`).join(""));
};

const info: Handler = (_args, ctx) => {
  const me = self(ctx);
  return R.verbatim(me === undefined ? "" : `${formatClientLine(me)}\n`);
};

interface KillFilter {
  id?: number;
  type?: ClientType;
  addr?: string;
  laddr?: string;
  user?: string;
  skipMe: boolean;
}

function parseKillFilter(args: readonly string[], ctx: CommandContext): KillFilter | Reply {
  const filter: KillFilter = { skipMe: true };
  if (args.length % 2 !== 0) return R.error(SYNTAX);
  for (let i = 2; i < args.length; i += 2) {
    const opt = (args[i] ?? "").toLowerCase();
    const value = args[i + 1] ?? "";
    if (opt === "id") {
      if (!/^[1-9]\d{0,15}$/.test(value)) return R.error("ERR client-id should be greater than 0");
      filter.id = Number(value);
    } else if (opt === "type") {
      const type = parseClientType(value);
      if (type === undefined) return R.error(`ERR Unknown client type '${value}'`);
      filter.type = type;
    } else if (opt === "addr") filter.addr = value;
    else if (opt === "laddr") filter.laddr = value;
    else if (opt === "user") {
      if (ctx.server.acl.getUser(value) === undefined)
        return R.error(`ERR No such user '${value}'`);
      filter.user = value;
    } else if (opt === "skipme") {
      const v = value.toLowerCase();
      if (v !== "yes" && v !== "no") return R.error(SYNTAX);
      filter.skipMe = v === "yes";
    } else return R.error(SYNTAX);
  }
  return filter;
}

function matches(c: ClientFacts, f: KillFilter, selfId: number): boolean {
  if (f.skipMe && c.id === selfId) return false;
  if (f.id !== undefined && c.id !== f.id) return false;
  if (f.type !== undefined && typeOf(c) !== f.type) return false;
  if (f.addr !== undefined && c.addr !== f.addr) return false;
  if (f.laddr !== undefined && c.laddr !== f.laddr) return false;
  if (f.user !== undefined && c.user !== f.user) return false;
  return true;
}

function killOne(ctx: CommandContext, id: number): void {
  if (id === ctx.client.id) ctx.client.closeAfterReply = true;
  else ctx.server.killClient(id);
}

/** CLIENT KILL <ip:port> (old form, +OK) or CLIENT KILL <filter> <value>… (count). */
const kill: Handler = (args, ctx) => {
  if (args.length === 3) {
    const target = ctx.server.clients().find((c) => c.addr === args[2]);
    if (target === undefined) return R.error("ERR No such client");
    killOne(ctx, target.id);
    return R.ok();
  }
  const filter = parseKillFilter(args, ctx);
  if (isReply(filter)) return filter;
  const victims = ctx.server.clients().filter((c) => matches(c, filter, ctx.client.id));
  for (const v of victims) killOne(ctx, v.id);
  return R.integer(victims.length);
};

function isReply(value: KillFilter | Reply): value is Reply {
  return !("skipMe" in value);
}

const setname: Handler = (args, ctx) => {
  const name = args[2] ?? "";
  if (!isValidClientName(name)) return R.error(ERR_BAD_CLIENT_NAME);
  ctx.client.name = name;
  return R.ok();
};

const getname: Handler = (_args, ctx) =>
  ctx.client.name === "" ? R.null() : R.bulk(ctx.client.name);

const id: Handler = (_args, ctx) => R.integer(ctx.client.id);

/** CLIENT REPLY ON|OFF|SKIP: OFF and SKIP produce no reply themselves. */
const reply: Handler = (args, ctx) => {
  const mode = (args[2] ?? "").toLowerCase();
  if (mode === "on") {
    ctx.client.replyMode = "on";
    return R.ok();
  }
  if (mode === "off") {
    ctx.client.replyMode = "off";
    return multi([]);
  }
  if (mode === "skip") {
    ctx.client.replyMode = "skip-next";
    return multi([]);
  }
  return R.error(SYNTAX);
};

const noEvict: Handler = (args, ctx) => {
  const v = (args[2] ?? "").toLowerCase();
  if (v !== "on" && v !== "off") return R.error(SYNTAX);
  ctx.client.noEvict = v === "on";
  return R.ok();
};

/** CLIENT SETINFO LIB-NAME|LIB-VER <value> (Redis 7.2). */
const setinfo: Handler = (args, ctx) => {
  const attr = (args[2] ?? "").toLowerCase();
  const value = args[3] ?? "";
  if (attr !== "lib-name" && attr !== "lib-ver")
    return R.error(`ERR Unrecognized option '${args[2] ?? ""}'`);
  if (!isValidClientName(value) && value !== "") {
    return R.error(`ERR ${attr} cannot contain spaces, newlines or special characters.`);
  }
  if (attr === "lib-name") ctx.client.libName = value;
  else ctx.client.libVersion = value;
  return R.ok();
};

/** networking.c: addReplySubcommandSyntaxError, for a known subcommand with too many words. */
function subcommandSyntax(args: readonly string[]): Reply {
  return R.error(
    `ERR unknown subcommand or wrong number of arguments for '${args[1] ?? ""}'. Try CLIENT HELP.`,
  );
}

/** CLIENT PAUSE <timeout> [WRITE|ALL]: the mode is checked before the timeout, as in 7.0.15. */
const pause: Handler = (args, ctx) => {
  if (args.length > 4) return subcommandSyntax(args);
  const mode = args[3]?.toLowerCase();
  if (mode !== undefined && mode !== "write" && mode !== "all")
    return R.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
  const timeout = parseLongLong(args[2] ?? "");
  if (timeout === null) return R.error("ERR timeout is not an integer or out of range");
  if (timeout < 0n) return R.error("ERR timeout is negative");
  ctx.server.clientPause.pause(timeout, mode === "write" ? PAUSE_WRITE : PAUSE_ALL);
  return R.ok();
};

/** CLIENT UNBLOCK <id> [TIMEOUT|ERROR]: nothing blocks in a sentinel, so always 0. */
const unblock: Handler = (args) => {
  if (args.length > 4) return subcommandSyntax(args);
  const reason = args[3]?.toLowerCase();
  if (reason !== undefined && reason !== "timeout" && reason !== "error")
    return R.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
  if (parseLongLong(args[2] ?? "") === null)
    return R.error("ERR value is not an integer or out of range");
  return R.integer(0);
};

/** redis-sentinel 7.0.15's CLIENT HELP, word for word (SETINFO, a 7.2 addition, is not listed). */
const HELP_LINES = [
  "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CACHING (YES|NO)",
  "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
  "GETREDIR",
  "    Return the client ID we are redirecting to when tracking is enabled.",
  "GETNAME",
  "    Return the name of the current connection.",
  "ID",
  "    Return the ID of the current connection.",
  "INFO",
  "    Return information about the current client connection.",
  "KILL <ip:port>",
  "    Kill connection made from <ip:port>.",
  "KILL <option> <value> [<option> <value> [...]]",
  "    Kill connections. Options are:",
  "    * ADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made from the specified address",
  "    * LADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made to specified local address",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Kill connections by type.",
  "    * USER <username>",
  "      Kill connections authenticated by <username>.",
  "    * SKIPME (YES|NO)",
  "      Skip killing current connection (default: yes).",
  "LIST [options ...]",
  "    Return information about client connections. Options:",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Return clients of specified type.",
  "UNPAUSE",
  "    Stop the current client pause, resuming traffic.",
  "PAUSE <timeout> [WRITE|ALL]",
  "    Suspend all, or just write, clients for <timeout> milliseconds.",
  "REPLY (ON|OFF|SKIP)",
  "    Control the replies sent to the current connection.",
  "SETNAME <name>",
  "    Assign the name <name> to the current connection.",
  "UNBLOCK <clientid> [TIMEOUT|ERROR]",
  "    Unblock the specified blocked client.",
  "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
  "         [OPTIN] [OPTOUT] [NOLOOP]",
  "    Control server assisted client side caching.",
  "TRACKINGINFO",
  "    Report tracking status for the current connection.",
  "NO-EVICT (ON|OFF)",
  "    Protect current client connection from eviction.",
  "HELP",
  "    Prints this help.",
];

export const CLIENT_HANDLERS: Readonly<Record<string, Handler>> = {
  "client|list": list,
  "client|info": info,
  "client|kill": kill,
  "client|setname": setname,
  "client|getname": getname,
  "client|id": id,
  "client|reply": reply,
  "client|no-evict": noEvict,
  "client|setinfo": setinfo,
  "client|pause": pause,
  "client|unpause": (_args, ctx) => {
    ctx.server.clientPause.unpause();
    return R.ok();
  },
  "client|unblock": unblock,
  "client|getredir": getredir,
  "client|trackinginfo": trackinginfo,
  "client|tracking": tracking,
  "client|caching": caching,
  "client|help": () => R.array(HELP_LINES.map((l) => R.simple(l))),
};

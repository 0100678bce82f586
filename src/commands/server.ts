/**
 * Connection and server commands of a sentinel: PING, INFO, ROLE, HELLO, AUTH, SHUTDOWN, plus
 * QUIT and RESET (not in 7.0's sentinel table; answering them is a harmless superset).
 * Replies and error texts match redis-sentinel 7.0.15 (docs/PROTOCOL.md §9.1, §9.3).
 */
import type { Reply } from "../protocol/reply.js";
import { R } from "../protocol/reply.js";
import { clientInfoOf } from "./client-line.js";
import type { ClientState, CommandContext } from "./context.js";
import type { Handler, HandlerResult } from "./handler.js";
import { multi } from "./handler.js";
import { buildInfo, REDIS_VERSION } from "./info.js";

export const ERR_WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
export const ERR_AUTH_NOT_CONFIGURED =
  "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?";
export const ERR_HELLO_NOAUTH =
  "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time";
export const ERR_BAD_CLIENT_NAME =
  "ERR Client names cannot contain spaces, newlines or special characters.";

function isSubscribed(client: ClientState): boolean {
  return client.channels.size + client.patterns.size > 0;
}

/** PING [msg]; a RESP2 subscriber gets ["pong", msg] (pubsub.c: pingCommand). */
const ping: Handler = (args, ctx) => {
  if (args.length > 2) return R.error("ERR wrong number of arguments for 'ping' command");
  const message = args[1];
  if (ctx.client.protocol === 2 && isSubscribed(ctx.client)) {
    return R.array([R.bulk("pong"), R.bulk(message ?? "")]);
  }
  return message === undefined ? R.simple("PONG") : R.bulk(message);
};

const info: Handler = (args, ctx) => {
  const host = ctx.server.host;
  // INFO sentinel, what monitoring tools poll: the host may have it encoded already.
  const cached =
    args.length === 2 && args[1]?.toLowerCase() === "sentinel"
      ? host.infoSentinelReply?.()
      : undefined;
  return (
    cached ??
    R.bulk(
      buildInfo(
        args.slice(1),
        () => ctx.server.infoFacts(),
        () => host.infoSentinelSection(),
      ),
    )
  );
};

const role: Handler = (_args, ctx) =>
  R.array([R.bulk("sentinel"), R.array(ctx.server.host.masterNames().map((n) => R.bulk(n)))]);

/** Client names are printable ASCII without spaces (networking.c: validateClientName). */
export function isValidClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/** WRONGPASS, logged to ACL LOG with the command name as typed (acl.c: ACL_DENIED_AUTH). */
export function authFailed(args: readonly string[], user: string, ctx: CommandContext): Reply {
  ctx.server.aclLog.add("auth", args[0] ?? "", user, clientInfoOf(ctx));
  return R.error(ERR_WRONGPASS);
}

/** AUTH [user] pass (acl.c: authCommand). */
const auth: Handler = (args, ctx) => {
  if (args.length > 3) return R.error("ERR syntax error");
  const acl = ctx.server.acl;
  if (args.length === 2 && acl.defaultUserHasNopass()) return R.error(ERR_AUTH_NOT_CONFIGURED);
  const user = args.length === 3 ? (args[1] ?? "") : "default";
  const password = args[args.length - 1] ?? "";
  if (!acl.checkCredentials(user, password)) return authFailed(args, user, ctx);
  ctx.client.user = user;
  ctx.client.authenticated = true;
  return R.ok();
};

export interface HelloOptions {
  version?: number;
  auth?: readonly [string, string];
  /** The index of the AUTH option's user name in args (the password follows it). */
  authAt?: number;
  setName?: string;
}

export function parseHello(args: readonly string[]): HelloOptions | Reply {
  const opts: HelloOptions = {};
  let i = 1;
  if (args.length >= 2) {
    const text = args[1] ?? "";
    const version = /^(0|-?[1-9]\d{0,17})$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(version))
      return R.error("ERR Protocol version is not an integer or out of range");
    if (version < 2 || version > 3) return R.error("NOPROTO unsupported protocol version");
    opts.version = version;
    i = 2;
  }
  for (; i < args.length; i++) {
    const opt = args[i] ?? "";
    const left = args.length - i - 1;
    if (opt.toLowerCase() === "auth" && left >= 2) {
      opts.auth = [args[i + 1] ?? "", args[i + 2] ?? ""];
      opts.authAt = i + 1;
      i += 2;
    } else if (opt.toLowerCase() === "setname" && left >= 1) {
      opts.setName = args[i + 1] ?? "";
      i += 1;
    } else {
      return R.error(`ERR Syntax error in HELLO option '${opt}'`);
    }
  }
  return opts;
}

/** HELLO [2|3] [AUTH u p] [SETNAME n] → the 6-pair map, never `role` (docs/PROTOCOL.md §9.3). */
const hello: Handler = (args, ctx) => {
  const opts = parseHello(args);
  if ("type" in opts) return opts;
  const client = ctx.client;
  if (opts.auth !== undefined) {
    if (!ctx.server.acl.checkCredentials(opts.auth[0], opts.auth[1]))
      return authFailed(args, opts.auth[0], ctx);
    client.user = opts.auth[0];
    client.authenticated = true;
  }
  if (!client.authenticated) return R.error(ERR_HELLO_NOAUTH);
  if (opts.setName !== undefined) {
    if (!isValidClientName(opts.setName)) return R.error(ERR_BAD_CLIENT_NAME);
    client.name = opts.setName;
  }
  if (opts.version !== undefined) client.protocol = opts.version === 3 ? 3 : 2;
  return R.map([
    [R.bulk("server"), R.bulk("redis")],
    [R.bulk("version"), R.bulk(REDIS_VERSION)],
    [R.bulk("proto"), R.integer(client.protocol)],
    [R.bulk("id"), R.integer(client.id)],
    [R.bulk("mode"), R.bulk("sentinel")],
    [R.bulk("modules"), R.array([])],
  ]);
};

const SHUTDOWN_FLAGS = new Set(["nosave", "save", "now", "force"]);

/** SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE]: a sentinel never saves; no reply, the host exits. */
const shutdown: Handler = (args, ctx): HandlerResult => {
  const flags = args.slice(1).map((a) => a.toLowerCase());
  if (flags.includes("abort")) {
    return R.error(flags.length === 1 ? "ERR No shutdown in progress." : "ERR syntax error");
  }
  if (
    flags.some((f) => !SHUTDOWN_FLAGS.has(f)) ||
    (flags.includes("save") && flags.includes("nosave"))
  ) {
    return R.error("ERR syntax error");
  }
  ctx.client.closeAfterReply = true;
  ctx.server.host.shutdown();
  return multi([]);
};

const quit: Handler = (_args, ctx) => {
  ctx.client.closeAfterReply = true;
  return R.ok();
};

/** RESET: back to a fresh connection's state (networking.c: resetCommand). */
const reset: Handler = (_args, ctx) => {
  const client = ctx.client;
  for (const ch of [...client.channels]) ctx.server.pubsub.unsubscribe(client, ch);
  for (const p of [...client.patterns]) ctx.server.pubsub.punsubscribe(client, p);
  client.protocol = 2;
  client.name = "";
  client.replyMode = "on";
  client.skipNextReply = false;
  client.noEvict = false;
  client.tracking = undefined;
  client.user = "default";
  client.authenticated = !ctx.server.acl.defaultUserNeedsAuth();
  return R.simple("RESET");
};

export const SERVER_HANDLERS: Readonly<Record<string, Handler>> = {
  ping,
  info,
  role,
  auth,
  hello,
  shutdown,
  quit,
  reset,
};

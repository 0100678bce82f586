/**
 * ACL subcommands over the small ACL of acl.ts (acl.c: aclCommand), replies shaped like
 * redis-sentinel 7.0.15: LIST lines, USERS sorted, GETUSER a map (flags as a set), DELUSER a
 * count (and the deleted users' clients closed), LOG the entries of acl-log.ts. LOAD and SAVE
 * use the `aclfile` (shell/acl-file-io.ts), or answer Redis's "not configured" error without one.
 */
import type { Reply } from "../protocol/reply.js";
import { R } from "../protocol/reply.js";
import { aclCategoryList } from "./acl.js";
import type { Selector } from "./acl-selector.js";
import { describeChannelPatterns, describeKeys } from "./acl-selector.js";
import { channelArgs } from "./channel-args.js";
import type { CommandContext } from "./context.js";
import { parseLongLong } from "./sentinel-parse.js";
import { findSubcommandSpec } from "./command-specs.js";
import { liveCommandSpec } from "./live-commands.js";
import type { Handler } from "./handler.js";

const ERR_NO_ACL_FILE =
  "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.";

function describeSelectorMap(sel: Selector): (readonly [Reply, Reply])[] {
  return [
    [R.bulk("commands"), R.bulk(sel.commandRules.join(" "))],
    [R.bulk("keys"), R.bulk(describeKeys(sel).join(" "))],
    [R.bulk("channels"), R.bulk(describeChannelPatterns(sel).join(" "))],
  ];
}

const getuser: Handler = (args, ctx) => {
  const user = ctx.server.acl.getUser(args[2] ?? "");
  if (user === undefined) return R.null();
  const flags = [
    user.enabled ? "on" : "off",
    ...(user.nopass ? ["nopass"] : []),
    ...(user.sanitize !== "" ? [user.sanitize] : []),
  ];
  return R.map([
    [R.bulk("flags"), R.set(flags.map((f) => R.bulk(f)))],
    [R.bulk("passwords"), R.array(user.passwords.map((p) => R.bulk(p)))],
    ...describeSelectorMap(user.root),
    [R.bulk("selectors"), R.array(user.selectors.map((sel) => R.map(describeSelectorMap(sel))))],
  ]);
};

/** Closes the clients of `users` (the caller after its reply), as Redis does on ACL DELUSER. */
function disconnectUsers(ctx: CommandContext, users: readonly string[]): void {
  for (const c of ctx.server.clients()) {
    if (!users.includes(c.user)) continue;
    if (c.id === ctx.client.id) ctx.client.closeAfterReply = true;
    else ctx.server.killClient(c.id);
  }
}

/**
 * ACL SETUSER. Redis 7.0 disconnects nobody for `off` or `resetpass`, but closes the user's
 * pub/sub clients whose subscriptions the new channel rules no longer allow
 * (acl.c: ACLKillPubsubClientsIfNeeded).
 */
const setuser: Handler = (args, ctx) => {
  const name = args[2] ?? "";
  const acl = ctx.server.acl;
  const before = acl.setUser(name, args.slice(3));
  if (before === undefined) return R.ok();
  for (const c of ctx.server.subscribersOf(name)) {
    if (acl.subscriptionsAllowed(name, c.channels, c.patterns)) continue;
    if (c.id === ctx.client.id) ctx.client.closeAfterReply = true;
    else ctx.server.killClient(c.id);
  }
  return R.ok();
};

const deluser: Handler = (args, ctx) => {
  const deleted = ctx.server.acl.deleteUsers(args.slice(2));
  disconnectUsers(ctx, deleted);
  return R.integer(deleted.length);
};

const list: Handler = (_args, ctx) => {
  const acl = ctx.server.acl;
  return R.array(acl.userNames().map((n) => R.bulk(acl.describe(acl.getUser(n)!))));
};

/** ACL LOG [count|RESET] (acl.c: 10 entries by default, a negative count is 0). */
const log: Handler = (args, ctx) => {
  if (args.length > 3)
    return R.error(
      `ERR unknown subcommand or wrong number of arguments for '${args[1] ?? ""}'. Try ACL HELP.`,
    );
  const arg = args[2];
  if (arg?.toLowerCase() === "reset") {
    ctx.server.aclLog.reset();
    return R.ok();
  }
  let count = 10;
  if (arg !== undefined) {
    const n = parseLongLong(arg);
    if (n === null) return R.error("ERR value is not an integer or out of range");
    count = n < 0n ? 0 : n > 1_000_000n ? 1_000_000 : Number(n);
  }
  return ctx.server.aclLog.reply(count);
};

/**
 * ACL GENPASS [bits]: 256 bits by default, as hex (bits rounded up to a multiple of 4); a word
 * that is no integer gets the integer error first (acl.c: getLongFromObjectOrReply).
 */
const genpass: Handler = (args, ctx) => {
  const text = args[2];
  const parsed = text === undefined ? 256n : parseLongLong(text);
  if (parsed === null) return R.error("ERR value is not an integer or out of range");
  const bits = Number(parsed);
  if (bits <= 0 || bits > 4096) {
    return R.error(
      "ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096",
    );
  }
  return R.bulk(ctx.server.randomHex(Math.ceil(bits / 4)));
};

/** ACL DRYRUN <user> <command> [args…]: +OK or the reason it would be refused. */
const dryrun: Handler = (args, ctx) => {
  const acl = ctx.server.acl;
  const userName = args[2] ?? "";
  if (acl.getUser(userName) === undefined) return R.error(`ERR User '${userName}' not found`);
  const spec = liveCommandSpec(args[3] ?? "");
  if (spec === undefined) return R.error(`ERR Command '${args[3] ?? ""}' not found`);
  const sub = args[4] === undefined ? undefined : findSubcommandSpec(spec, args[4]);
  // server.c: lookupCommandLogic finds no command for an unknown subcommand of a container.
  if (args[4] !== undefined && spec.subcommands.length > 0 && sub === undefined)
    return R.error(`ERR Command '${args[3] ?? ""}' not found`);
  const fullName = sub?.name ?? spec.name;
  const argv = args.slice(3);
  // acl.c: the arity is checked as a call would check it, before the permissions.
  const arity = (sub ?? spec).arity;
  if ((arity > 0 && arity !== argv.length) || argv.length < -arity)
    return R.error(`ERR wrong number of arguments for '${fullName}' command`);
  const noAuth = spec.flags.includes("no_auth");
  const denial = acl.check(userName, fullName, noAuth, channelArgs(spec.name, argv) ?? []);
  if (denial === undefined) return R.ok();
  if (denial.reason === "channel")
    return R.bulk(`This user has no permissions to access the '${denial.object}' channel`);
  return R.bulk(`This user has no permissions to run the '${fullName}' command`);
};

/** redis-sentinel 7.0.15's ACL HELP, word for word. */
const HELP_LINES = [
  "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CAT [<category>]",
  "    List all commands that belong to <category>, or all command categories",
  "    when no category is specified.",
  "DELUSER <username> [<username> ...]",
  "    Delete a list of users.",
  "DRYRUN <username> <command> [<arg> ...]",
  "    Returns whether the user can execute the given command without executing the command.",
  "GETUSER <username>",
  "    Get the user's details.",
  "GENPASS [<bits>]",
  "    Generate a secure 256-bit user password. The optional `bits` argument can",
  "    be used to specify a different size.",
  "LIST",
  "    Show users details in config file format.",
  "LOAD",
  "    Reload users from the ACL file.",
  "LOG [<count> | RESET]",
  "    Show the ACL log entries.",
  "SAVE",
  "    Save the current config to the ACL file.",
  "SETUSER <username> <attribute> [<attribute> ...]",
  "    Create or modify a user with the specified attributes.",
  "USERS",
  "    List all the registered usernames.",
  "WHOAMI",
  "    Return the current connection username.",
  "HELP",
  "    Prints this help.",
];

export const ACL_HANDLERS: Readonly<Record<string, Handler>> = {
  "acl|whoami": (_args, ctx) => R.bulk(ctx.client.user),
  "acl|list": list,
  "acl|users": (_args, ctx) => R.array(ctx.server.acl.userNames().map((n) => R.bulk(n))),
  "acl|getuser": getuser,
  "acl|setuser": setuser,
  "acl|deluser": deluser,
  "acl|cat": (args) => R.array(aclCategoryList(args[2]).map((c) => R.bulk(c))),
  "acl|genpass": genpass,
  "acl|dryrun": dryrun,
  "acl|log": log,
  "acl|load": (_args, ctx) => {
    const file = ctx.server.aclFile;
    if (file === undefined) return R.error(ERR_NO_ACL_FILE);
    const errors = file.load();
    if (errors !== null) return R.error(`ERR ${errors}`);
    // acl.c: the old users are freed with their clients; the default user is kept in place.
    const others = ctx.server.clients().filter((c) => c.user !== "default");
    disconnectUsers(ctx, [...new Set(others.map((c) => c.user))]);
    return R.ok();
  },
  "acl|save": (_args, ctx) => {
    const file = ctx.server.aclFile;
    if (file === undefined) return R.error(ERR_NO_ACL_FILE);
    return file.save()
      ? R.ok()
      : R.error(
          "ERR There was an error trying to save the ACLs. Please check the server logs for more information",
        );
  },
  "acl|help": () => R.array(HELP_LINES.map((l) => R.simple(l))),
};

/**
 * ACL subcommands over the small ACL of acl.ts (acl.c: aclCommand), replies shaped like
 * redis-sentinel 7.0.15: LIST lines, USERS sorted, GETUSER a map (flags as a set), DELUSER a
 * count. There is no ACL file: LOAD and SAVE answer Redis's "not configured" error.
 */
import { R } from "../protocol/reply.js";
import { aclCategoryList } from "./acl.js";
import { findCommandSpec, findSubcommandSpec } from "./command-specs.js";
import type { Handler } from "./handler.js";

const ERR_NO_ACL_FILE =
  "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.";

const getuser: Handler = (args, ctx) => {
  const user = ctx.server.acl.getUser(args[2] ?? "");
  if (user === undefined) return R.null();
  const flags = [user.enabled ? "on" : "off", ...(user.nopass ? ["nopass"] : [])];
  return R.map([
    [R.bulk("flags"), R.set(flags.map((f) => R.bulk(f)))],
    [R.bulk("passwords"), R.array([...user.passwords].map((p) => R.bulk(p)))],
    [R.bulk("commands"), R.bulk(user.commandRules.join(" "))],
    [R.bulk("keys"), R.bulk(user.keys.join(" "))],
    [R.bulk("channels"), R.bulk(user.channels.join(" "))],
    [R.bulk("selectors"), R.array([])],
  ]);
};

const setuser: Handler = (args, ctx) => {
  ctx.server.acl.setUser(args[2] ?? "", args.slice(3));
  return R.ok();
};

const list: Handler = (_args, ctx) => {
  const acl = ctx.server.acl;
  return R.array(acl.userNames().map((n) => R.bulk(acl.describe(acl.getUser(n)!))));
};

/** ACL GENPASS [bits]: 256 bits by default, as hex (bits rounded up to a multiple of 4). */
const genpass: Handler = (args, ctx) => {
  const text = args[2];
  const bits = text === undefined ? 256 : /^[1-9]\d{0,3}$/.test(text) ? Number(text) : NaN;
  if (Number.isNaN(bits) || bits > 4096) {
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
  const spec = findCommandSpec(args[3] ?? "");
  if (spec === undefined) return R.error(`ERR Command '${args[3] ?? ""}' not found`);
  const sub = args[4] === undefined ? undefined : findSubcommandSpec(spec, args[4]);
  const fullName = sub?.name ?? spec.name;
  if (acl.canRun(userName, fullName)) return R.ok();
  return R.bulk(`This user has no permissions to run the '${fullName}' command`);
};

const HELP_LINES = [
  "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CAT [<category>]",
  "    List categories, or the commands in one.",
  "DELUSER <username> [<username> ...]",
  "    Delete users.",
  "DRYRUN <username> <command> [<arg> ...]",
  "    Check whether a user may run a command.",
  "GETUSER <username>",
  "    Describe a user.",
  "GENPASS [<bits>]",
  "    Generate a random password.",
  "LIST",
  "    Show users in config file format.",
  "SETUSER <username> <attribute> [<attribute> ...]",
  "    Create or modify a user.",
  "USERS",
  "    List user names.",
  "WHOAMI",
  "    Return the current connection's user.",
  "HELP",
  "    Print this help.",
];

export const ACL_HANDLERS: Readonly<Record<string, Handler>> = {
  "acl|whoami": (_args, ctx) => R.bulk(ctx.client.user),
  "acl|list": list,
  "acl|users": (_args, ctx) => R.array(ctx.server.acl.userNames().map((n) => R.bulk(n))),
  "acl|getuser": getuser,
  "acl|setuser": setuser,
  "acl|deluser": (args, ctx) => R.integer(ctx.server.acl.deleteUsers(args.slice(2))),
  "acl|cat": (args) => R.array(aclCategoryList(args[2]).map((c) => R.bulk(c))),
  "acl|genpass": genpass,
  "acl|dryrun": dryrun,
  "acl|log": () => R.array([]),
  "acl|load": () => R.error(ERR_NO_ACL_FILE),
  "acl|save": () => R.error(ERR_NO_ACL_FILE),
  "acl|help": () => R.array(HELP_LINES.map((l) => R.simple(l))),
};

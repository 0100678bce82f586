/**
 * Command dispatch with Redis's checks in Redis's order (server.c: processCommand):
 * unknown command → arity → unknown subcommand → subcommand arity → NOAUTH → NOPERM (command,
 * then the channels of SUBSCRIBE/PSUBSCRIBE/PUBLISH; AUTH and HELLO are exempt from the command
 * check, and every denial goes to ACL LOG) → RESP2 subscribe-mode restriction → handler. Names
 * are case-insensitive; errors are worded exactly like redis-sentinel 7.0.15 (docs/PROTOCOL.md
 * §9.1).
 *
 * Handlers are looked up by full name (`ping`, `client|kill`); a SENTINEL subcommand's is its
 * entry in sentinel.ts (Vigil's and Valkey's have specs too), run through sentinel-request.ts.
 *
 * Hot path: name → spec lookups, each spec's top-level spec and handler, and ACL verdicts are
 * memoized (the ACL per user record: Acl replaces a user's record on every change), so a
 * request costs a few map lookups.
 */
import { CommandError } from "../errors.js";
import type { AclUser } from "./acl.js";
import { channelArgs } from "./channel-args.js";
import type { Reply } from "../protocol/reply.js";
export type { Handler, HandlerResult, Held, MultiReply } from "./handler.js";
export { HELD, isMultiReply, multi } from "./handler.js";
import { R } from "../protocol/reply.js";
import { ACL_HANDLERS } from "./acl-command.js";
import {
  arityError,
  arityOk,
  unknownCommandError,
  unknownSubcommandError,
} from "./command-errors.js";
import { CLIENT_HANDLERS } from "./client.js";
import { clientInfoOf } from "./client-line.js";
import { COMMAND_HANDLERS } from "./command-command.js";
import type { CommandSpec } from "./command-specs.js";
import { findCommandSpec, findSubcommandSpec } from "./command-specs.js";
import { liveCommandSpec, onCommandRenames } from "./live-commands.js";
import type { Handler, HandlerResult, Held } from "./handler.js";
import { HELD } from "./handler.js";
import type { CommandContext } from "./context.js";
import { PAUSE_ALL, PAUSE_NONE } from "./context.js";
import { endCachingUnlessClient } from "./client-tracking.js";
import type { SessionInfo } from "./host.js";
import { PUBSUB_HANDLERS } from "./pubsub.js";
import { SERVER_HANDLERS } from "./server.js";
import { refuseNotUtf8 } from "./not-utf8.js";
import { subcommandRequest } from "./sentinel-request.js";
import { sentinelSubcommand } from "./sentinel.js";

const HANDLERS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ...Object.entries(SERVER_HANDLERS),
  ...Object.entries(PUBSUB_HANDLERS),
  ...Object.entries(CLIENT_HANDLERS),
  ...Object.entries(ACL_HANDLERS),
  ...Object.entries(COMMAND_HANDLERS),
]);

/** Commands a RESP2 client may run while subscribed (server.c: the CLIENT_PUBSUB check). */
const SUBSCRIBE_CONTEXT = new Set([
  "ping",
  "subscribe",
  "psubscribe",
  "unsubscribe",
  "punsubscribe",
  "quit",
  "reset",
]);

export function sessionSnapshot(ctx: CommandContext): SessionInfo {
  const c = ctx.client;
  return {
    id: c.id,
    protocol: c.protocol,
    name: c.name,
    user: c.user,
    addr: c.addr,
    laddr: c.laddr,
  };
}

/**
 * The handler of a SENTINEL subcommand's spec: its entry in sentinel.ts, found once per spec
 * (specFacts), run with the arguments after SENTINEL (resolve checked the arity).
 */
function sentinelHandler(spec: CommandSpec): Handler | undefined {
  const entry = sentinelSubcommand(spec.name.slice("sentinel|".length));
  if (entry === undefined) return undefined;
  return (argv, ctx) =>
    subcommandRequest(entry, argv.slice(1), ctx.server.host, sessionSnapshot(ctx));
}

/** Resolves the spec that will run, or the error reply that stops it. */
function resolve(argv: readonly string[]): CommandSpec | Reply {
  const spec = lookupCommand(argv[0] ?? "");
  if (spec === undefined) return R.error(unknownCommandError(argv));
  if (!arityOk(spec.arity, argv.length)) return R.error(arityError(spec.name));
  if (spec.subcommands.length === 0 || argv.length < 2) return spec;
  const sub = lookupSubcommand(spec, argv[1] ?? "");
  if (sub === undefined) return R.error(unknownSubcommandError(argv[1] ?? "", argv[0] ?? ""));
  if (!arityOk(sub.acceptedArity ?? sub.arity, argv.length)) return R.error(arityError(sub.name));
  return sub;
}

/** What dispatch needs about a spec, computed once per spec. */
interface SpecFacts {
  readonly top: CommandSpec;
  readonly noAuth: boolean;
  readonly handler: Handler | undefined;
}

const SPEC_FACTS = new WeakMap<CommandSpec, SpecFacts>();

function specFacts(spec: CommandSpec): SpecFacts {
  let facts = SPEC_FACTS.get(spec);
  if (facts === undefined) {
    const topName = spec.name.split("|")[0] ?? "";
    const top = findCommandSpec(topName) ?? spec;
    facts = {
      top,
      noAuth: top.flags.includes("no_auth"),
      handler:
        HANDLERS.get(spec.name) ??
        (topName === "sentinel" ? sentinelHandler(spec) : HANDLERS.get(topName)),
    };
    SPEC_FACTS.set(spec, facts);
  }
  return facts;
}

/** Memo of name as typed → spec; bounded so random names cannot grow it without limit. */
const MEMO_LIMIT = 512;
const TOP_MEMO = new Map<string, CommandSpec | null>();
const SUB_MEMO = new WeakMap<CommandSpec, Map<string, CommandSpec | null>>();

function memoized<T>(memo: Map<string, T | null>, key: string, find: () => T | undefined) {
  const hit = memo.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const found = find();
  if (memo.size < MEMO_LIMIT) memo.set(key, found ?? null);
  return found;
}

// rename-command changes what names find (live-commands.ts).
onCommandRenames(() => {
  TOP_MEMO.clear();
});

function lookupCommand(name: string): CommandSpec | undefined {
  return memoized(TOP_MEMO, name, () => liveCommandSpec(name));
}

function lookupSubcommand(spec: CommandSpec, sub: string): CommandSpec | undefined {
  let memo = SUB_MEMO.get(spec);
  if (memo === undefined) {
    memo = new Map();
    SUB_MEMO.set(spec, memo);
  }
  return memoized(memo, sub, () => findSubcommandSpec(spec, sub));
}

/** ACL verdicts per user record; a changed user is a new record (Acl.setUser), so no staleness. */
const ACL_MEMO = new WeakMap<AclUser, Map<string, boolean>>();

/**
 * Whether the client's ACL user may run `fullName` (memoized per user record). The RESP
 * server's fast paths ask it, beside their own checks of auth and subscribe mode, instead of
 * going through executeCommand.
 */
export function canRun(ctx: CommandContext, fullName: string): boolean {
  const acl = ctx.server.acl;
  const user = acl.getUser(ctx.client.user);
  if (user === undefined) return false;
  let verdicts = ACL_MEMO.get(user);
  if (verdicts === undefined) {
    verdicts = new Map();
    ACL_MEMO.set(user, verdicts);
  }
  let allowed = verdicts.get(fullName);
  if (allowed === undefined) {
    allowed = acl.canRun(ctx.client.user, fullName);
    verdicts.set(fullName, allowed);
  }
  return allowed;
}

export const ERR_NOPERM_CHANNEL =
  "NOPERM this user has no permissions to access one of the channels used as arguments";

/** ACL check (server.c: ACLCheckAllPerm); a denial is logged to ACL LOG. */
function aclRefusal(
  spec: CommandSpec,
  facts: SpecFacts,
  argv: readonly string[],
  ctx: CommandContext,
): Reply | undefined {
  const channels = channelArgs(facts.top.name, argv);
  // AUTH and HELLO (no_auth) are never refused for lack of command permission.
  if (channels === undefined && (facts.noAuth || canRun(ctx, spec.name))) return undefined;
  const denial = ctx.server.acl.check(ctx.client.user, spec.name, facts.noAuth, channels ?? []);
  if (denial === undefined) return undefined;
  ctx.server.aclLog.add(denial.reason, denial.object, ctx.client.user, clientInfoOf(ctx));
  return R.error(
    denial.reason === "channel"
      ? ERR_NOPERM_CHANNEL
      : `NOPERM this user has no permissions to run the '${spec.name}' command`,
  );
}

function guard(
  spec: CommandSpec,
  facts: SpecFacts,
  argv: readonly string[],
  ctx: CommandContext,
): Reply | undefined {
  const top = facts.top;
  if (!ctx.client.authenticated && !facts.noAuth) {
    return R.error("NOAUTH Authentication required.");
  }
  if (ctx.client.authenticated) {
    const refused = aclRefusal(spec, facts, argv, ctx);
    if (refused !== undefined) return refused;
  }
  if (
    ctx.client.protocol === 2 &&
    ctx.client.channels.size + ctx.client.patterns.size > 0 &&
    !SUBSCRIBE_CONTEXT.has(top.name)
  ) {
    return R.error(
      `ERR Can't execute '${spec.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
    );
  }
  return undefined;
}

function toErrorReply(err: unknown): Reply {
  if (err instanceof CommandError) return R.error(err.message);
  throw err;
}

/**
 * Whether a pause holds this command: ALL holds every command that passed its checks, WRITE
 * those flagged write or may-replicate, of a sentinel's PUBLISH alone.
 */
function holds(paused: number, spec: CommandSpec): boolean {
  return paused === PAUSE_ALL || spec.name === "publish";
}

/**
 * Runs one command. Never throws for client mistakes: they become error replies. A CommandError
 * thrown (or rejected) by a handler becomes its `-PREFIX text` reply; anything else is a bug and
 * propagates to the shell.
 */
/**
 * `notUtf8`: indices of arguments that were not valid UTF-8 (the parser's StringParseEvent).
 * HELD: CLIENT PAUSE holds the command (checked after NOAUTH, ACL and the subscribe-mode check,
 * as server.c's processCommand does, so a refused command is answered at once).
 */
export function executeCommand(
  argv: readonly string[],
  ctx: CommandContext,
  notUtf8?: readonly number[],
): HandlerResult | Held {
  const resolved = resolve(argv);
  endCachingUnlessClient(ctx, "type" in resolved ? "" : resolved.name);
  if ("type" in resolved) return resolved;
  const facts = specFacts(resolved);
  // Like c->cmd in Redis, set before the checks: ACL LOG's client-info names the refused command.
  ctx.client.lastCommand = resolved.name;
  const refused = guard(resolved, facts, argv, ctx);
  if (refused !== undefined) return refused;
  const paused = ctx.server.clientPause.mode;
  if (paused !== PAUSE_NONE && holds(paused, resolved)) return HELD;
  if (notUtf8 !== undefined) {
    const notText = refuseNotUtf8(resolved, argv, notUtf8, ctx);
    if (notText !== undefined) return notText;
  }
  const handler = facts.handler;
  if (handler === undefined) return R.error(unknownSubcommandError(argv[1] ?? "", argv[0] ?? ""));
  try {
    const result = handler(argv, ctx);
    return result instanceof Promise ? result.catch(toErrorReply) : result;
  } catch (err) {
    return toErrorReply(err);
  }
}

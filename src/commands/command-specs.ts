/**
 * The commands a Redis 7.0.15 sentinel serves, as `COMMAND` describes them: arity, flags, ACL
 * categories, tips and subcommands (checked against `redis-sentinel` 7.0.15 `COMMAND`;
 * docs/PROTOCOL.md §9.1: `COMMAND COUNT` = 15). Handlers live elsewhere; this is data.
 *
 * `hidden` entries are accepted but not listed, so `COMMAND COUNT` stays 15: QUIT and RESET
 * (harmless supersets clients may send) and CLIENT SETINFO (Redis 7.2, sent by modern clients).
 */

export interface CommandSpec {
  /** Lower-case full name: `ping`, `client|setname`. */
  readonly name: string;
  /** Redis arity: N = exactly N words, -N = at least N (the command name counts). */
  readonly arity: number;
  readonly flags: readonly string[];
  readonly categories: readonly string[];
  readonly tips: readonly string[];
  readonly group: string;
  readonly since: string;
  readonly summary: string;
  readonly complexity: string;
  readonly subcommands: readonly CommandSpec[];
  readonly hidden: boolean;
  /**
   * The arity checked when it differs from the one COMMAND shows (7.0.15's): an extension that
   * takes more words (SENTINEL FAILOVER <name> [COORDINATED] [TO <ip> <port>]).
   */
  readonly acceptedArity?: number;
}

type SpecInput = Partial<CommandSpec> & Pick<CommandSpec, "name" | "arity">;

function spec(input: SpecInput): CommandSpec {
  return {
    flags: [],
    categories: [],
    tips: [],
    group: "server",
    since: "7.0.0",
    summary: "",
    complexity: "O(1)",
    subcommands: [],
    hidden: false,
    ...input,
  };
}

const ADMIN_SUB = ["admin", "noscript", "loading", "stale"] as const;
const PLAIN_SUB = ["noscript", "loading", "stale"] as const;
const DANGEROUS = ["@admin", "@slow", "@dangerous"] as const;
const CONN = ["@slow", "@connection"] as const;

function sentinelSub(name: string, arity: number, summary: string): CommandSpec {
  const help = name === "help";
  return spec({
    name: `sentinel|${name}`,
    arity,
    flags: help ? ["loading", "stale"] : ["admin"],
    categories: help ? ["@slow"] : [...DANGEROUS],
    group: "sentinel",
    since: "2.8.4",
    summary,
  });
}

function clientSub(name: string, arity: number, admin: boolean, summary: string): CommandSpec {
  return spec({
    name: `client|${name}`,
    arity,
    flags: admin ? [...ADMIN_SUB] : [...PLAIN_SUB],
    categories: admin ? [...DANGEROUS, "@connection"] : [...CONN],
    group: "connection",
    summary,
  });
}

function aclSub(name: string, arity: number, admin: boolean, summary: string): CommandSpec {
  return spec({
    name: `acl|${name}`,
    arity,
    flags: admin ? [...ADMIN_SUB] : [...PLAIN_SUB],
    categories: admin ? [...DANGEROUS] : ["@slow"],
    since: "6.0.0",
    summary,
  });
}

function commandSub(name: string, arity: number, summary: string): CommandSpec {
  return spec({
    name: `command|${name}`,
    arity,
    flags: ["loading", "stale"],
    categories: [...CONN],
    tips: ["list", "info", "docs"].includes(name) ? ["nondeterministic_output_order"] : [],
    summary,
  });
}

const SENTINEL_SUBCOMMANDS: readonly CommandSpec[] = [
  sentinelSub("remove", 3, "Stop monitoring a master."),
  sentinelSub("monitor", 6, "Start monitoring a master."),
  sentinelSub("simulate-failure", -3, "Simulate a failover scenario."),
  sentinelSub("ckquorum", 3, "Check whether the quorum can be reached."),
  sentinelSub("master", 3, "Describe a monitored master."),
  sentinelSub("replicas", 3, "List the replicas of a master."),
  sentinelSub("slaves", 3, "List the replicas of a master (old name)."),
  sentinelSub("sentinels", 3, "List the other sentinels of a master."),
  sentinelSub("set", -5, "Change the settings of a master."),
  sentinelSub("myid", 2, "Return this sentinel's id."),
  sentinelSub("pending-scripts", 2, "List the pending scripts."),
  sentinelSub("info-cache", -3, "Return the cached INFO of masters and replicas."),
  sentinelSub("help", 2, "Show help."),
  sentinelSub("config", -3, "Get or set sentinel settings."),
  // Valkey 9's COORDINATED and Vigil's TO <ip> <port> (sentinel-admin.ts: failoverCommand).
  { ...sentinelSub("failover", 3, "Force a failover."), acceptedArity: -3 },
  sentinelSub("masters", 2, "List the monitored masters."),
  sentinelSub("flushconfig", 2, "Rewrite the configuration file."),
  sentinelSub("reset", 3, "Reset the masters matching a pattern."),
  sentinelSub("is-master-down-by-addr", 6, "Ask whether a master is down, and vote."),
  sentinelSub("get-master-addr-by-name", 3, "Return the address of a master."),
  sentinelSub("debug", -2, "Show or change internal periods."),
  // Vigil's own (docs/COMPATIBILITY.md): listed, with the ACL categories of its neighbours.
  sentinelSub("why", 3, "Explain why a master is down or its failover is not progressing."),
  sentinelSub("forget-sentinel", 4, "Forget one other sentinel of a master."),
  // Valkey 8's names (sentinel.ts: VALKEY_ALIASES), checked for arity and ACL under their own
  // names as Valkey does; hidden, so COMMAND lists 7.0.15's table.
  ...[
    sentinelSub("primaries", 2, "List the monitored primaries."),
    sentinelSub("primary", 3, "Describe a monitored primary."),
    sentinelSub("get-primary-addr-by-name", 3, "Return the address of a primary."),
    sentinelSub("is-primary-down-by-addr", 6, "Ask whether a primary is down, and vote."),
  ].map((s) => ({ ...s, since: "8.0.0", hidden: true })),
];

const CLIENT_SUBCOMMANDS: readonly CommandSpec[] = [
  { ...clientSub("list", -2, true, "List client connections."), tips: ["nondeterministic_output"] },
  clientSub("no-evict", 3, true, "Set client eviction protection."),
  clientSub("unpause", 2, true, "Resume paused clients."),
  clientSub("trackinginfo", 2, false, "Show client-side caching tracking state."),
  clientSub("pause", -3, true, "Pause clients."),
  { ...clientSub("help", 2, false, "Show help."), flags: ["loading", "stale"] },
  clientSub("unblock", -3, true, "Unblock a blocked client."),
  clientSub("setname", 3, false, "Set the connection name."),
  clientSub("reply", 3, false, "Turn replies on or off."),
  clientSub("kill", -3, true, "Close client connections."),
  clientSub("caching", 3, false, "Client-side caching hint."),
  {
    ...clientSub("info", 2, false, "Describe this connection."),
    tips: ["nondeterministic_output"],
  },
  clientSub("getredir", 2, false, "Return the tracking redirection id."),
  clientSub("getname", 2, false, "Return the connection name."),
  clientSub("id", 2, false, "Return the connection id."),
  clientSub("tracking", -3, false, "Turn client-side caching tracking on or off."),
  { ...clientSub("setinfo", 4, false, "Set library name or version."), hidden: true },
];

const ACL_SUBCOMMANDS: readonly CommandSpec[] = [
  aclSub("dryrun", -4, true, "Check whether a user may run a command."),
  aclSub("setuser", -3, true, "Create or change a user."),
  aclSub("list", 2, true, "List users in config file format."),
  aclSub("whoami", 2, false, "Return the current user."),
  aclSub("cat", -2, false, "List categories, or the commands of one."),
  aclSub("users", 2, true, "List user names."),
  aclSub("deluser", -3, true, "Delete users."),
  aclSub("load", 2, true, "Reload users from the ACL file."),
  { ...aclSub("help", 2, false, "Show help."), flags: ["loading", "stale"] },
  aclSub("log", -2, true, "Show the ACL log."),
  aclSub("genpass", -2, false, "Generate a random password."),
  aclSub("getuser", 3, true, "Describe a user."),
  aclSub("save", 2, true, "Save users to the ACL file."),
];

const COMMAND_SUBCOMMANDS: readonly CommandSpec[] = [
  commandSub("list", -2, "List command names."),
  commandSub("count", 2, "Count commands."),
  commandSub("help", 2, "Show help."),
  commandSub("getkeys", -4, "Extract keys from a command."),
  commandSub("getkeysandflags", -4, "Extract keys and their flags from a command."),
  commandSub("info", -2, "Describe commands."),
  commandSub("docs", -2, "Document commands."),
];

const PUBSUB_FLAGS = ["pubsub", "noscript", "loading", "stale"] as const;
const NO_AUTH_FLAGS = ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"];

/** In the order `COMMAND` lists them on 7.0.15. */
export const COMMAND_SPECS: readonly CommandSpec[] = [
  spec({
    name: "publish",
    arity: 3,
    flags: ["pubsub", "loading", "stale", "fast"],
    categories: ["@pubsub", "@fast"],
    group: "pubsub",
    since: "2.0.0",
    summary: "Post a message to a channel.",
    complexity: "O(N+M)",
  }),
  spec({
    name: "auth",
    arity: -2,
    flags: NO_AUTH_FLAGS,
    categories: ["@fast", "@connection"],
    group: "connection",
    since: "1.0.0",
    summary: "Authenticate the connection.",
  }),
  spec({
    name: "sentinel",
    arity: -2,
    flags: ["admin"],
    categories: [...DANGEROUS],
    group: "sentinel",
    since: "2.8.4",
    summary: "Sentinel commands.",
    complexity: "Depends on subcommand.",
    subcommands: SENTINEL_SUBCOMMANDS,
  }),
  spec({
    name: "hello",
    arity: -1,
    flags: NO_AUTH_FLAGS,
    categories: ["@fast", "@connection"],
    group: "connection",
    since: "6.0.0",
    summary: "Handshake: protocol version, auth, name.",
  }),
  spec({
    name: "client",
    arity: -2,
    categories: ["@slow"],
    group: "connection",
    since: "2.4.0",
    summary: "Connection management commands.",
    complexity: "Depends on subcommand.",
    subcommands: CLIENT_SUBCOMMANDS,
  }),
  spec({
    name: "psubscribe",
    arity: -2,
    flags: [...PUBSUB_FLAGS],
    categories: ["@pubsub", "@slow"],
    group: "pubsub",
    since: "2.0.0",
    summary: "Subscribe to channel patterns.",
    complexity: "O(N)",
  }),
  spec({
    name: "subscribe",
    arity: -2,
    flags: [...PUBSUB_FLAGS],
    categories: ["@pubsub", "@slow"],
    group: "pubsub",
    since: "2.0.0",
    summary: "Subscribe to channels.",
    complexity: "O(N)",
  }),
  spec({
    name: "ping",
    arity: -1,
    flags: ["fast"],
    categories: ["@fast", "@connection"],
    tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
    group: "connection",
    since: "1.0.0",
    summary: "Ping the server.",
  }),
  spec({
    name: "unsubscribe",
    arity: -1,
    flags: [...PUBSUB_FLAGS],
    categories: ["@pubsub", "@slow"],
    group: "pubsub",
    since: "2.0.0",
    summary: "Unsubscribe from channels.",
    complexity: "O(N)",
  }),
  spec({
    name: "shutdown",
    arity: -1,
    flags: ["admin", "noscript", "loading", "stale", "no_multi", "allow_busy"],
    categories: [...DANGEROUS],
    since: "1.0.0",
    summary: "Shut the server down.",
    complexity: "O(N)",
  }),
  spec({
    name: "role",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast"],
    categories: ["@admin", "@fast", "@dangerous"],
    since: "2.8.12",
    summary: "Return the role of the instance.",
  }),
  spec({
    name: "info",
    arity: -1,
    flags: ["loading", "stale"],
    categories: ["@slow", "@dangerous"],
    tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
    since: "1.0.0",
    summary: "Information and statistics about the server.",
  }),
  spec({
    name: "acl",
    arity: -2,
    categories: ["@slow"],
    since: "6.0.0",
    summary: "Access control commands.",
    complexity: "Depends on subcommand.",
    subcommands: ACL_SUBCOMMANDS,
  }),
  spec({
    name: "punsubscribe",
    arity: -1,
    flags: [...PUBSUB_FLAGS],
    categories: ["@pubsub", "@slow"],
    group: "pubsub",
    since: "2.0.0",
    summary: "Unsubscribe from channel patterns.",
    complexity: "O(N+M)",
  }),
  spec({
    name: "command",
    arity: -1,
    flags: ["loading", "stale"],
    categories: [...CONN],
    tips: ["nondeterministic_output_order"],
    since: "2.8.13",
    summary: "Describe the commands of the server.",
    complexity: "O(N)",
    subcommands: COMMAND_SUBCOMMANDS,
  }),
  spec({
    name: "quit",
    arity: -1,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    categories: ["@fast", "@connection"],
    group: "connection",
    since: "1.0.0",
    summary: "Close the connection.",
    hidden: true,
  }),
  spec({
    name: "reset",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    categories: ["@fast", "@connection"],
    group: "connection",
    since: "6.2.0",
    summary: "Reset the connection.",
    hidden: true,
  }),
];

const BY_NAME = new Map(COMMAND_SPECS.map((s) => [s.name, s]));

export function findCommandSpec(name: string): CommandSpec | undefined {
  return BY_NAME.get(name.toLowerCase());
}

export function findSubcommandSpec(parent: CommandSpec, sub: string): CommandSpec | undefined {
  const full = `${parent.name}|${sub.toLowerCase()}`;
  return parent.subcommands.find((s) => s.name === full);
}

/** Every ACL category name, in ACL CAT's order (7.0.15). */
export const ACL_CATEGORIES: readonly string[] = [
  "keyspace",
  "read",
  "write",
  "set",
  "sortedset",
  "list",
  "hash",
  "string",
  "bitmap",
  "hyperloglog",
  "geo",
  "stream",
  "pubsub",
  "admin",
  "fast",
  "slow",
  "blocking",
  "dangerous",
  "connection",
  "transaction",
  "scripting",
];

/**
 * Visible commands and subcommands (full names) of `specs` whose categories include
 * `@category`: ACL CAT lists the original table, COMMAND LIST the one after rename-command.
 */
export function commandsInCategory(
  category: string,
  specs: readonly CommandSpec[] = COMMAND_SPECS,
): string[] {
  const tag = `@${category}`;
  const out: string[] = [];
  for (const s of specs) {
    if (s.hidden) continue;
    if (s.categories.includes(tag)) out.push(s.name);
    for (const sub of s.subcommands)
      if (!sub.hidden && sub.categories.includes(tag)) out.push(sub.name);
  }
  return out;
}

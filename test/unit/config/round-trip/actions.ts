// One random step of the round-trip generator: an admin command, a hello, a vote request, a
// flush or a tick, with the values to find again after the restart when it was accepted.
import type { PersistedState } from "../../../../src/core/model/config.js";
import type { Reply } from "../../../../src/protocol/reply.js";
import type { Harness } from "./harness.js";
import { RoundTripFailure } from "./harness.js";
import type { Draw } from "./values.js";
import {
  COMMANDS,
  CONFIG_PARAMS,
  INTS,
  IPS,
  NAMES,
  PORTS,
  SCRIPTS,
  SET_OPTIONS,
  STRINGS,
  VALID_INTS,
} from "./values.js";

/** Every error a command may answer: Redis's texts, Valkey's, and Vigil's documented one. */
const ERRORS: readonly RegExp[] = [
  /^ERR Invalid quorum$/,
  /^ERR Invalid port$/,
  /^ERR Quorum must be 1 or greater\.$/,
  /^ERR Invalid IP address or hostname specified$/,
  /^ERR Invalid port number\.$/,
  /^ERR Duplicate master name\.$/,
  /^ERR Invalid master name\.$/,
  /^ERR No such master with that name$/,
  /^ERR Invalid argument '.*' for SENTINEL SET '.*'$/s,
  /^ERR Unknown option or number of arguments for SENTINEL SET '.*'$/s,
  /^ERR Reconfiguration of scripts path is denied for security reasons\./,
  /^ERR Notification script seems non existing or non executable$/,
  /^ERR Client reconfiguration script seems non existing or non executable$/,
  /^ERR Invalid argument '.*' to SENTINEL CONFIG SET$/s,
  /^ERR Invalid value '.*' to SENTINEL CONFIG SET '.*'$/s,
  /^ERR Invalid argument at index \d+ for SENTINEL (SET|MONITOR|CONFIG SET): control characters are not allowed$/,
  /^ERR value is not an integer or out of range$/,
  /^ERR Duplicate argument '.*' to SENTINEL CONFIG SET$/s,
  /^ERR Missing argument '.*' value$/s,
  /^ERR Error in ACL SETUSER modifier '.*': .*$/s,
  /^ERR Usernames can't contain spaces or null characters$/,
  /^ERR The 'default' user cannot be removed$/,
  /^ERR Unmatched parenthesis in acl selector starting at '.*'\.$/s,
];

export interface StepResult {
  /** What was done, for the failure report. */
  readonly what: string;
}

function isError(reply: Reply): reply is { type: "error"; value: string } {
  return reply.type === "error";
}

/** Accepted and refused commands per subcommand, printed with ROUNDTRIP_STATS=1. */
export const STATS = new Map<string, { accepted: number; refused: number }>();

function count(what: string, refused: boolean): void {
  const m = /^(SENTINEL )?"([^"]*)"( "([^"]*)")?/.exec(what);
  const key =
    m === null
      ? what
      : m[1] === undefined
        ? `${m[2]} ${m[4] ?? ""}`.toUpperCase()
        : m[2]!.toUpperCase();
  const entry = STATS.get(key) ?? { accepted: 0, refused: 0 };
  if (refused) entry.refused++;
  else entry.accepted++;
  STATS.set(key, entry);
}

function requireKnownError(reply: Reply, what: string): boolean {
  count(what, isError(reply));
  if (!isError(reply)) return false;
  if (!ERRORS.some((re) => re.test(reply.value))) {
    throw new RoundTripFailure(`${what}: unexpected error ${JSON.stringify(reply.value)}`);
  }
  return true;
}

function masterNames(h: Harness): string[] {
  return [...h.core.state.masters.keys()];
}

function someMaster(h: Harness, d: Draw): string {
  const names = masterNames(h);
  return names.length > 0 && d.chance(0.9) ? d.pick(names) : d.pick(NAMES);
}

function expectBack(what: string, field: string, got: string | undefined, want: string): void {
  if (got !== want) {
    throw new RoundTripFailure(
      `${what}: ${field} came back as ${JSON.stringify(got)}, accepted ${JSON.stringify(want)}`,
    );
  }
}

const SET_FIELDS: Readonly<
  Record<string, (s: PersistedState["masters"][number]["settings"]) => string>
> = {
  "down-after-milliseconds": (s) => String(s.downAfterPeriod),
  "failover-timeout": (s) => String(s.failoverTimeout),
  "parallel-syncs": (s) => String(s.parallelSyncs),
  quorum: (s) => String(s.quorum),
  "master-reboot-down-after-period": (s) => String(s.masterRebootDownAfterPeriod),
  "notification-script": (s) => s.notificationScript,
  "client-reconfig-script": (s) => s.clientReconfigScript,
  "auth-pass": (s) => s.authPass,
  "auth-user": (s) => s.authUser,
  "fence-isolated-master": (s) => (s.fenceIsolatedMaster ? "yes" : "no"),
};

function setValue(d: Draw, option: string): string[] {
  const lower = option.toLowerCase();
  if (lower === "rename-command") {
    return [d.chance(0.7) ? d.pick(COMMANDS) : d.pick(STRINGS), d.pick([...COMMANDS, ...STRINGS])];
  }
  if (lower.endsWith("-script")) return [d.pick(SCRIPTS)];
  if (lower.startsWith("auth-") || lower === "bogus") return [d.pick(STRINGS)];
  if (lower === "fence-isolated-master") return [d.pick(["yes", "no", "YES", "No", "maybe", ""])];
  return [d.chance(0.8) ? d.pick(VALID_INTS) : d.pick(INTS)];
}

function sentinelSet(h: Harness, d: Draw): StepResult {
  const name = someMaster(h, d);
  const args = ["SET", name];
  const pairs = 1 + d.int(3);
  for (let i = 0; i < pairs; i++) {
    const option = d.pick(SET_OPTIONS);
    args.push(option, ...setValue(d, option));
  }
  const what = `SENTINEL ${show(args)}`;
  h.doing = what;
  const reply = h.sentinel(args);
  const restarted = h.check();
  if (requireKnownError(reply, what)) return { what };
  const m = restarted.masters.find((x) => x.name === name);
  if (m === undefined) throw new RoundTripFailure(`${what}: master gone after the restart`);
  const want = new Map<string, string>();
  // lowercase name → the name as typed and its new name (undefined: no entry).
  const renames = new Map<string, readonly [string, string | undefined]>();
  for (let j = 2; j < args.length;) {
    const option = args[j]!.toLowerCase();
    if (option === "rename-command") {
      const from = args[j + 1]!;
      const to = args[j + 2]!;
      renames.set(from.toLowerCase(), [
        from,
        from.toLowerCase() === to.toLowerCase() ? undefined : to,
      ]);
      j += 3;
    } else {
      // Valkey's name sets the same field.
      const value = args[j + 1]!;
      want.set(
        option.replace(/^primary-reboot/, "master-reboot"),
        option === "fence-isolated-master" ? value.toLowerCase() : value,
      );
      j += 2;
    }
  }
  for (const [option, value] of want) {
    expectBack(what, option, SET_FIELDS[option]?.(m.settings), value);
  }
  for (const [lower, [from, to]] of renames) {
    // The name comes back as typed, bit for bit (the last SET of it wins, as in sentinel.c).
    const entry = Object.entries(m.settings.renamedCommands).find(
      ([key]) => key.toLowerCase() === lower,
    );
    const got = entry === undefined ? undefined : `${entry[0]} ${entry[1]}`;
    const want = to === undefined ? undefined : `${from} ${to}`;
    if (got !== want) expectBack(what, `rename-command ${from}`, got, want ?? "(no entry)");
  }
  return { what };
}

function monitor(h: Harness, d: Draw): StepResult {
  const name = d.chance(0.8) ? d.pick(NAMES) : d.pick(STRINGS);
  const ip = d.pick(IPS);
  const port = d.chance(0.8) ? d.pick(PORTS) : d.pick(INTS);
  const quorum = d.chance(0.8) ? d.pick(["1", "2", "3"]) : d.pick(INTS);
  const args = ["MONITOR", name, ip, port, quorum];
  const what = `SENTINEL ${show(args)}`;
  h.doing = what;
  const reply = h.sentinel(args);
  const restarted = h.check();
  if (requireKnownError(reply, what)) return { what };
  const m = restarted.masters.find((x) => x.name === name);
  if (m === undefined) throw new RoundTripFailure(`${what}: accepted, missing after the restart`);
  expectBack(what, "port", String(m.addr.port), port);
  expectBack(what, "quorum", String(m.settings.quorum), quorum);
  return { what };
}

const CONFIG_FIELDS: Readonly<Record<string, (g: PersistedState["global"]) => string>> = {
  "announce-ip": (g) => g.announceIp,
  "announce-port": (g) => String(g.announcePort),
  "resolve-hostnames": (g) => (g.resolveHostnames ? "yes" : "no"),
  "announce-hostnames": (g) => (g.announceHostnames ? "yes" : "no"),
  "sentinel-user": (g) => g.sentinelUser,
  "sentinel-pass": (g) => g.sentinelPass,
  loglevel: (g) => g.logLevel,
};

function configValue(d: Draw, lower: string): string {
  if (lower === "announce-port") return d.pick(INTS);
  if (lower.endsWith("-hostnames")) return d.pick(["yes", "no", "YES", "No", "1", ""]);
  if (lower === "loglevel") {
    return d.pick(["debug", "verbose", "notice", "warning", "nothing", "WARNING", "bogus", ""]);
  }
  return d.pick(STRINGS);
}

/** One pair (7.0) or several (7.2); a repeated parameter is refused. */
function configSet(h: Harness, d: Draw): StepResult {
  const args = ["CONFIG", "SET"];
  const pairs = d.chance(0.7) ? 1 : 2 + d.int(2);
  for (let i = 0; i < pairs; i++) {
    const param = d.pick(CONFIG_PARAMS);
    args.push(param, configValue(d, param.toLowerCase()));
  }
  const what = `SENTINEL ${show(args)}`;
  h.doing = what;
  const reply = h.sentinel(args);
  const restarted = h.check();
  if (requireKnownError(reply, what)) return { what };
  for (let j = 2; j < args.length; j += 2) {
    const lower = args[j]!.toLowerCase();
    const value = args[j + 1]!;
    const want = lower.endsWith("-hostnames") || lower === "loglevel" ? value.toLowerCase() : value;
    expectBack(what, lower, CONFIG_FIELDS[lower]?.(restarted.global), want);
  }
  return { what };
}

const USERS = ["default", "alice", "bob", "q'u", 'd"q', "é", "#u", "a b", "", "x\x00"];
const RULES = [
  "on",
  "off",
  "nopass",
  "resetpass",
  "reset",
  ">pw",
  ">p w",
  "<pw",
  "allkeys",
  "resetkeys",
  "allchannels",
  "resetchannels",
  "allcommands",
  "nocommands",
  "~*",
  "~k:*",
  '~q"k',
  "%R~r*",
  "%W~w",
  "&*",
  "&ch",
  "&é",
  "+@all",
  "-@all",
  "+@read",
  "+ping",
  "-acl",
  "+client|kill",
  "+sentinel|masters",
  "+bogus",
  "+@bogus",
  "(+ping ~x)",
  "(~a &b",
  ")",
  "skip-sanitize-payload",
  "sanitize-payload",
  "#" + "ab".repeat(32),
  "#bad",
];

function acl(h: Harness, d: Draw): StepResult {
  const args = d.chance(0.75) ? ["ACL", "SETUSER", d.pick(USERS)] : ["ACL", "DELUSER"];
  const n = args[1] === "SETUSER" ? d.int(5) : 1 + d.int(2);
  for (let i = 0; i < n; i++) {
    if (args[1] === "DELUSER") args.push(d.pick(USERS));
    else args.push(d.chance(0.9) ? d.pick(RULES) : `>${d.pick(STRINGS)}`);
  }
  const what = show(args);
  h.doing = what;
  requireKnownError(h.command(args), what);
  h.check();
  return { what };
}

/** A small pool of peers, so that hellos meet known ones again. */
const PEERS = ["a".repeat(40), "b".repeat(40), "c".repeat(40)];

function hello(h: Harness, d: Draw): StepResult {
  const name = someMaster(h, d);
  const m = h.core.state.masters.get(name);
  const sameMaster = m !== undefined && d.chance(0.6);
  const fields = [
    d.chance(0.8) ? d.pick(IPS.slice(0, 4)) : d.pick(IPS),
    d.chance(0.8) ? d.pick(["26379", "26380", "26381"]) : d.pick(PORTS),
    d.chance(0.7) ? d.pick(PEERS) : d.chance(0.5) ? d.hex(40) : d.pick(STRINGS),
    d.pick(INTS),
    name,
    sameMaster ? m.addr.ip : d.pick(IPS),
    sameMaster ? String(m.addr.port) : d.pick(PORTS),
    d.pick(INTS),
  ];
  const payload = fields.join(",");
  const what = `hello ${JSON.stringify(payload)}`;
  h.doing = what;
  h.hello(payload);
  h.check();
  count("hello", false);
  return { what };
}

function vote(h: Harness, d: Draw): StepResult {
  const name = someMaster(h, d);
  const m = h.core.state.masters.get(name);
  const args = [
    d.pick(["IS-MASTER-DOWN-BY-ADDR", "is-primary-down-by-addr"]),
    m !== undefined && d.chance(0.8) ? m.addr.ip : d.pick(IPS),
    m !== undefined && d.chance(0.8) ? String(m.addr.port) : d.pick(PORTS),
    d.pick(INTS),
    d.chance(0.6) ? d.pick(PEERS) : d.chance(0.5) ? "*" : d.pick(STRINGS),
  ];
  const what = `SENTINEL ${show(args)}`;
  h.doing = what;
  const reply = h.sentinel(args);
  h.check();
  requireKnownError(reply, what);
  return { what };
}

function removeOrReset(h: Harness, d: Draw): StepResult {
  const name = someMaster(h, d);
  const args = d.chance(0.5)
    ? ["REMOVE", name]
    : ["RESET", d.chance(0.5) ? someMaster(h, d) : d.pick(["*", "m*", "?", "[#]m", ""])];
  const what = `SENTINEL ${show(args)}`;
  h.doing = what;
  requireKnownError(h.sentinel(args), what);
  h.check();
  return { what };
}

function show(args: readonly string[]): string {
  return args.map((a) => JSON.stringify(a)).join(" ");
}

/** One step: which kind, weighted. */
export function randomStep(h: Harness, d: Draw): StepResult {
  const roll = d.int(100);
  if (roll < 35) return sentinelSet(h, d);
  if (roll < 50) return h.core.state.masters.size > 6 ? removeOrReset(h, d) : monitor(h, d);
  if (roll < 62) return configSet(h, d);
  if (roll < 80) return hello(h, d);
  if (roll < 90) return vote(h, d);
  if (roll < 93) return removeOrReset(h, d);
  if (roll < 96) return acl(h, d);
  if (roll < 98) {
    h.doing = "SENTINEL FLUSHCONFIG";
    requireKnownError(h.sentinel(["FLUSHCONFIG"]), "FLUSHCONFIG");
    h.check();
    return { what: "SENTINEL FLUSHCONFIG" };
  }
  h.doing = "tick";
  h.tick(100 + d.int(2000));
  h.check();
  return { what: "tick" };
}

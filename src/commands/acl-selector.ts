/**
 * One ACL selector (acl.c 7.0: aclSelector): the command rules, key patterns and channel
 * patterns a user's root selector or a `(…)` selector holds. Rules are applied with Redis's
 * checks and error texts; command rules are kept in order as given (a later rule for the same
 * name replaces an earlier one, as 7.2 keeps them), and described back so that applying the
 * description to a fresh selector rebuilds the same selector.
 *
 * Key patterns are stored and shown, never checked (a sentinel has no keys); channel patterns
 * are checked for SUBSCRIBE, PSUBSCRIBE and PUBLISH (acl.c: ACLCheckChannelAgainstList).
 */
import { AclRuleError } from "../errors.js";
import { ACL_CATEGORIES, findCommandSpec } from "./command-specs.js";
import { globMatch } from "../core/index.js";

export interface KeyPattern {
  readonly pattern: string;
  readonly read: boolean;
  readonly write: boolean;
}

export interface Selector {
  /** "+@all" or "-@all", then the rules after it in order (lowercase names). */
  commandRules: string[];
  allKeys: boolean;
  keys: KeyPattern[];
  allChannels: boolean;
  channels: string[];
}

/** acl.c: ACLSetUserStringError, by errno. */
export const ACL_RULE_ERRORS = {
  unknown: "Unknown command or category name in ACL",
  syntax: "Syntax error",
  keysAfterAll:
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
  channelsAfterAll:
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
  noSuchPassword: "The password you are trying to remove from the user does not exist",
  badHash:
    "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters",
} as const;

export function newSelector(): Selector {
  // acl-pubsub-default is resetchannels in 7.0.
  return { commandRules: ["-@all"], allKeys: false, keys: [], allChannels: false, channels: [] };
}

export function copySelector(s: Selector): Selector {
  return { ...s, commandRules: [...s.commandRules], keys: [...s.keys], channels: [...s.channels] };
}

/** acl.c: ACLStringHasSpaces (isspace or NUL). */
function hasSpaces(text: string): boolean {
  return /[ \t\n\v\f\r\0]/.test(text);
}

function isKnownCommandName(name: string): boolean {
  const [top = "", sub, extra] = name.split("|");
  const spec = findCommandSpec(top);
  if (spec === undefined || extra !== undefined) return false;
  return sub === undefined || spec.subcommands.some((s) => s.name === `${spec.name}|${sub}`);
}

function applyKeyRule(s: Selector, op: string): void {
  if (s.allKeys) throw new AclRuleError(ACL_RULE_ERRORS.keysAfterAll);
  let read = op.startsWith("~");
  let write = read;
  let offset = 1;
  if (op.startsWith("%")) {
    for (; offset < op.length; offset++) {
      const c = (op[offset] ?? "").toUpperCase();
      if (c === "R" && !read) read = true;
      else if (c === "W" && !write) write = true;
      else if (c === "~") {
        offset++;
        break;
      } else throw new AclRuleError(ACL_RULE_ERRORS.syntax);
    }
    if (!read && !write) throw new AclRuleError(ACL_RULE_ERRORS.syntax);
  }
  const pattern = op.slice(offset);
  if (pattern === "*" && read && write) {
    s.allKeys = true;
    s.keys = [];
    return;
  }
  if (hasSpaces(pattern)) throw new AclRuleError(ACL_RULE_ERRORS.syntax);
  const i = s.keys.findIndex((k) => k.pattern === pattern);
  if (i < 0) s.keys = [...s.keys, { pattern, read, write }];
  else {
    // The same pattern again widens its permissions (acl.c: flags |= flags).
    const k = s.keys[i]!;
    s.keys = s.keys.map((x, j) =>
      j === i ? { pattern, read: k.read || read, write: k.write || write } : x,
    );
  }
}

function applyChannelRule(s: Selector, op: string): void {
  if (s.allChannels) throw new AclRuleError(ACL_RULE_ERRORS.channelsAfterAll);
  const pattern = op.slice(1);
  if (hasSpaces(pattern)) throw new AclRuleError(ACL_RULE_ERRORS.syntax);
  if (!s.channels.includes(pattern)) s.channels = [...s.channels, pattern];
}

function applyCommandRule(s: Selector, op: string): void {
  const sign = op[0]!;
  const what = op.slice(1).toLowerCase();
  const known = what.startsWith("@")
    ? ACL_CATEGORIES.includes(what.slice(1))
    : isKnownCommandName(what);
  if (!known) throw new AclRuleError(ACL_RULE_ERRORS.unknown);
  const rule = `${sign}${what}`;
  // A later rule for the same name decides everything the earlier one did: drop the earlier.
  const kept = what.startsWith("@")
    ? s.commandRules
    : s.commandRules.filter((r, i) => i === 0 || r.slice(1) !== what);
  s.commandRules = [...kept, rule];
}

/** Applies one selector rule (acl.c: ACLSetSelector); throws AclRuleError. */
export function applySelectorRule(s: Selector, op: string): void {
  const lower = op.toLowerCase();
  if (lower === "allkeys" || lower === "~*") {
    s.allKeys = true;
    s.keys = [];
  } else if (lower === "resetkeys") {
    s.allKeys = false;
    s.keys = [];
  } else if (lower === "allchannels" || lower === "&*") {
    s.allChannels = true;
    s.channels = [];
  } else if (lower === "resetchannels") {
    s.allChannels = false;
    s.channels = [];
  } else if (lower === "allcommands" || lower === "+@all") {
    s.commandRules = ["+@all"];
  } else if (lower === "nocommands" || lower === "-@all") {
    s.commandRules = ["-@all"];
  } else if (op.startsWith("~") || op.startsWith("%")) {
    applyKeyRule(s, op);
  } else if (op.startsWith("&")) {
    applyChannelRule(s, op);
  } else if ((op.startsWith("+") || op.startsWith("-")) && op.length > 1) {
    applyCommandRule(s, op);
  } else {
    throw new AclRuleError(ACL_RULE_ERRORS.syntax);
  }
}

/** A `(…)` selector from its text, parentheses included (acl.c: aclCreateSelectorFromOpSet). */
export function selectorFromText(text: string): Selector {
  const s = newSelector();
  // Redis splits the inside at single spaces; the empty words of double spaces do nothing.
  for (const op of text.slice(1, -1).split(" ")) if (op !== "") applySelectorRule(s, op);
  return s;
}

function describeKey(k: KeyPattern): string {
  if (k.read && k.write) return `~${k.pattern}`;
  return `%${k.read ? "R" : "W"}~${k.pattern}`;
}

export function describeKeys(s: Selector): string[] {
  return s.allKeys ? ["~*"] : s.keys.map(describeKey);
}

/** ACL GETUSER's `channels`: no `resetchannels` word. */
export function describeChannelPatterns(s: Selector): string[] {
  return s.allChannels ? ["&*"] : s.channels.map((c) => `&${c}`);
}

/** acl.c: ACLDescribeSelector — keys, channels, commands. */
export function describeSelector(s: Selector): string[] {
  const channels = s.allChannels ? ["&*"] : ["resetchannels", ...describeChannelPatterns(s)];
  return [...describeKeys(s), ...channels, ...s.commandRules];
}

/** Whether the selector's command rules allow `fullName` (`ping`, `client|kill`). */
export function selectorAllowsCommand(s: Selector, fullName: string): boolean {
  const top = fullName.split("|")[0] ?? fullName;
  const spec = findCommandSpec(top);
  const sub = spec?.subcommands.find((x) => x.name === fullName);
  const categories = new Set([...(spec?.categories ?? []), ...(sub?.categories ?? [])]);
  let allowed = false;
  for (const rule of s.commandRules) {
    const grant = rule.startsWith("+");
    const what = rule.slice(1);
    if (what === "@all") allowed = grant;
    else if (what.startsWith("@")) {
      if (categories.has(what)) allowed = grant;
    } else if (what === top || what === fullName) allowed = grant;
  }
  return allowed;
}

/**
 * acl.c: ACLCheckChannelAgainstList. A pattern (PSUBSCRIBE) must equal an allowed pattern; a
 * channel must match one as a glob. C compares up to a NUL.
 */
export function selectorAllowsChannel(s: Selector, channel: string, isPattern: boolean): boolean {
  if (s.allChannels) return true;
  const cut = (t: string): string => {
    const nul = t.indexOf("\0");
    return nul < 0 ? t : t.slice(0, nul);
  };
  for (const allowed of s.channels) {
    if (isPattern ? cut(allowed) === cut(channel) : globMatch(allowed, channel)) return true;
  }
  return false;
}

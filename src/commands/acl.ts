/**
 * The ACL of a sentinel (acl.c 7.0): users that are on/off, with SHA-256 password hashes or
 * nopass, the sanitize-payload flags, a root selector and `(…)` selectors (acl-selector.ts).
 * Key patterns are stored and shown, never enforced (a sentinel has no keys); command and
 * channel permissions are. `requirepass` is the default user's password (Redis 6+ semantics).
 *
 * Every change replaces the user's record (command-table.ts memoizes verdicts per record).
 * Hashing is injected: this folder is pure, the shell passes node:crypto's sha256.
 */
import { AclModifierError, AclRuleError, CommandError, UnmatchedSelectorError } from "../errors.js";
import { commandsInCategory, ACL_CATEGORIES } from "./command-specs.js";
import type { Selector } from "./acl-selector.js";
import {
  ACL_RULE_ERRORS,
  applySelectorRule,
  copySelector,
  describeSelector,
  newSelector,
  selectorAllowsChannel,
  selectorAllowsCommand,
  selectorFromText,
} from "./acl-selector.js";

export type Sha256Hex = (text: string) => string;

export type SanitizeFlag = "" | "sanitize-payload" | "skip-sanitize-payload";

export interface AclUser {
  readonly name: string;
  readonly enabled: boolean;
  readonly nopass: boolean;
  readonly sanitize: SanitizeFlag;
  /** Lowercase hex SHA-256 digests, insertion-ordered. */
  readonly passwords: readonly string[];
  readonly root: Selector;
  readonly selectors: readonly Selector[];
}

interface DraftUser {
  name: string;
  enabled: boolean;
  nopass: boolean;
  sanitize: SanitizeFlag;
  passwords: string[];
  root: Selector;
  selectors: Selector[];
}

/** Why a command was refused (acl.c: ACL_DENIED_CMD / ACL_DENIED_CHANNEL), and its object. */
export type AclDenial =
  | { readonly reason: "command"; readonly object: string }
  | { readonly reason: "channel"; readonly object: string };

/** A channel argument of the command being checked (acl.c: getChannelsFromCommand). */
export interface ChannelArg {
  readonly name: string;
  readonly isPattern: boolean;
}

const HASH_RE = /^[0-9a-f]{64}$/;

function newUser(name: string): DraftUser {
  // Redis 7.0: a new user is off, has no passwords, no commands, no keys, resetchannels.
  return {
    name,
    enabled: false,
    nopass: false,
    sanitize: "",
    passwords: [],
    root: newSelector(),
    selectors: [],
  };
}

function draftOf(u: AclUser): DraftUser {
  return {
    ...u,
    passwords: [...u.passwords],
    root: copySelector(u.root),
    selectors: u.selectors.map(copySelector),
  };
}

/** Joins the words of a `(…)` selector split across arguments (config lines, SETUSER). */
export function mergeSelectorArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  let open: string | undefined;
  let start = "";
  for (const op of args) {
    if (open === undefined && op.startsWith("(") && !op.endsWith(")")) {
      open = op;
      start = op;
      continue;
    }
    if (open !== undefined) {
      open = `${open} ${op}`;
      if (op.endsWith(")")) {
        out.push(open);
        open = undefined;
      }
      continue;
    }
    out.push(op);
  }
  if (open !== undefined) throw new UnmatchedSelectorError(start);
  return out;
}

/** acl.c: ACLStringHasSpaces, for user names. */
export function isValidUserName(name: string): boolean {
  return !/[ \t\n\v\f\r\0]/.test(name);
}

export class Acl {
  private readonly users = new Map<string, AclUser>();
  private readonly hash: Sha256Hex;
  private changes = 0;

  constructor(hash: Sha256Hex, requirePass?: string) {
    this.hash = hash;
    // acl.c: ACLInitDefaultUser — +@all ~* &* on nopass.
    const root = newSelector();
    root.commandRules = ["+@all"];
    root.allKeys = true;
    root.allChannels = true;
    this.users.set("default", { ...newUser("default"), enabled: true, nopass: true, root });
    if (requirePass !== undefined && requirePass !== "")
      this.setUser("default", ["resetpass", `>${requirePass}`]);
  }

  /** Changes with every change of any user (a cache of verdicts compares it). */
  get version(): number {
    return this.changes;
  }

  getUser(name: string): AclUser | undefined {
    return this.users.get(name);
  }

  /** Names in Redis's rax order (bytewise). */
  userNames(): string[] {
    return [...this.users.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  }

  /** A fresh connection starts authenticated when the default user needs no password. */
  defaultUserNeedsAuth(): boolean {
    const def = this.users.get("default")!;
    return !(def.nopass && def.enabled);
  }

  /** Whether AUTH with one argument makes sense (acl.c: the default user has a password). */
  defaultUserHasNopass(): boolean {
    return this.users.get("default")!.nopass;
  }

  /** ACLCheckUserCredentials: user exists, is on, and the password matches (or nopass). */
  checkCredentials(name: string, password: string): boolean {
    const user = this.users.get(name);
    if (!user?.enabled) return false;
    return user.nopass || user.passwords.includes(this.hash(password));
  }

  /**
   * ACL SETUSER: applies all rules or none (selectors may come split across arguments).
   * Throws CommandError with Redis's text. Returns the user before the change, if any.
   */
  setUser(name: string, args: readonly string[]): AclUser | undefined {
    if (!isValidUserName(name))
      throw new CommandError("ERR", "Usernames can't contain spaces or null characters");
    const existing = this.users.get(name);
    const draft = existing === undefined ? newUser(name) : draftOf(existing);
    this.applyRules(draft, mergeSelectorArgs(args));
    this.users.set(name, draft);
    this.changes += 1;
    return existing;
  }

  /** Applies merged rules to a throwaway user; returns the index of the refused one (config check). */
  firstBadRule(rules: readonly string[]): { index: number; reason: string } | undefined {
    const draft = newUser("");
    for (const [index, op] of rules.entries()) {
      try {
        this.applyUserRule(draft, op);
      } catch (err) {
        if (err instanceof AclRuleError) return { index, reason: err.reason };
        throw err;
      }
    }
    return undefined;
  }

  /** Every refused rule of `rules` applied in turn to a throwaway user (the ACL file's check). */
  badRules(rules: readonly string[]): { index: number; reason: string }[] {
    const draft = newUser("");
    const bad: { index: number; reason: string }[] = [];
    for (const [index, op] of rules.entries()) {
      try {
        this.applyUserRule(draft, op);
      } catch (err) {
        if (!(err instanceof AclRuleError)) throw err;
        bad.push({ index, reason: err.reason });
      }
    }
    return bad;
  }

  /**
   * ACL LOAD and the start with an `aclfile`: the users become exactly these (acl.c:
   * ACLLoadFromFile), each applied to a fresh user; a file without `default` gets a fresh
   * default user (+@all ~* &* on nopass).
   */
  replaceUsers(users: readonly (readonly [string, readonly string[]])[]): void {
    const fresh = new Acl(this.hash);
    for (const [name, rules] of users) fresh.loadUser(name, rules);
    this.users.clear();
    for (const [name, user] of fresh.users) this.users.set(name, user);
    this.changes += 1;
  }

  /**
   * A `user` line of the config. Redis resets an existing user (the default one) first, which
   * also sets sanitize-payload, so its ACL LIST changes across its own rewrite and restart; the
   * line is applied to a fresh user instead, so what was written reads back the same.
   */
  loadUser(name: string, args: readonly string[]): void {
    if (!isValidUserName(name))
      throw new CommandError("ERR", "Usernames can't contain spaces or null characters");
    const draft = newUser(name);
    this.applyRules(draft, mergeSelectorArgs(args));
    this.users.set(name, draft);
    this.changes += 1;
  }

  /** Deletes the named users; returns those that existed. The default user cannot be deleted. */
  deleteUsers(names: readonly string[]): string[] {
    if (names.includes("default"))
      throw new CommandError("ERR", "The 'default' user cannot be removed");
    const deleted: string[] = [];
    for (const n of names) if (this.users.delete(n)) deleted.push(n);
    this.changes += 1;
    return deleted;
  }

  /** Whether `user` may run the command with this full name (`ping`, `client|kill`). */
  canRun(userName: string, fullName: string): boolean {
    const user = this.users.get(userName);
    if (user === undefined) return false;
    return (
      selectorAllowsCommand(user.root, fullName) ||
      user.selectors.some((s) => selectorAllowsCommand(s, fullName))
    );
  }

  /**
   * acl.c: ACLCheckAllUserCommandPerm. Each selector in turn must allow the command, then each
   * channel; the first selector that allows all wins. Otherwise the most relevant denial: a
   * channel one over a command one, the later argument over an earlier one.
   */
  check(
    userName: string,
    fullName: string,
    noAuth: boolean,
    channels: readonly ChannelArg[],
  ): AclDenial | undefined {
    const user = this.users.get(userName);
    if (user === undefined) return { reason: "command", object: fullName };
    let denial: AclDenial | undefined;
    let denialIndex = -1;
    for (const s of [user.root, ...user.selectors]) {
      if (!noAuth && !selectorAllowsCommand(s, fullName)) {
        denial ??= { reason: "command", object: fullName };
        continue;
      }
      const bad = channels.findIndex((c) => !selectorAllowsChannel(s, c.name, c.isPattern));
      if (bad < 0) return undefined;
      if (denial?.reason !== "channel" || bad > denialIndex) {
        denial = { reason: "channel", object: channels[bad]!.name };
        denialIndex = bad;
      }
    }
    return denial;
  }

  /** Whether every subscription still passes the user's channel rules (acl.c: ACLKillPubsubClientsIfNeeded). */
  subscriptionsAllowed(
    userName: string,
    channels: Iterable<string>,
    patterns: Iterable<string>,
  ): boolean {
    const user = this.users.get(userName);
    if (user === undefined) return false;
    const all = [user.root, ...user.selectors];
    if (all.some((s) => s.allChannels)) return true;
    const allowed = (name: string, isPattern: boolean): boolean =>
      all.some((s) => selectorAllowsChannel(s, name, isPattern));
    for (const p of patterns) if (!allowed(p, true)) return false;
    for (const c of channels) if (!allowed(c, false)) return false;
    return true;
  }

  /** The words of ACL LIST after `user <name>` (acl.c: ACLDescribeUser). */
  describeRules(user: AclUser): string[] {
    const words = [user.enabled ? "on" : "off"];
    if (user.nopass) words.push("nopass");
    if (user.sanitize !== "") words.push(user.sanitize);
    for (const h of user.passwords) words.push(`#${h}`);
    words.push(...describeSelector(user.root));
    for (const s of user.selectors) words.push(`(${describeSelector(s).join(" ")})`);
    return words;
  }

  /** ACL LIST line: `user <name> on|off [nopass] [flags] [#hash…] <root> [(selector)…]`. */
  describe(user: AclUser): string {
    return ["user", user.name, ...this.describeRules(user)].join(" ");
  }

  private applyRules(user: DraftUser, rules: readonly string[]): void {
    for (const op of rules) this.applyRule(user, op);
  }

  private applyRule(user: DraftUser, op: string): void {
    try {
      this.applyUserRule(user, op);
    } catch (err) {
      if (err instanceof AclRuleError) throw new AclModifierError(op, err.reason);
      throw err;
    }
  }

  private applyUserRule(user: DraftUser, op: string): void {
    const lower = op.toLowerCase();
    if (op === "") return; // acl.c: an empty string is a no-op.
    if (lower === "on") user.enabled = true;
    else if (lower === "off") user.enabled = false;
    else if (lower === "skip-sanitize-payload" || lower === "sanitize-payload")
      user.sanitize = lower;
    else if (lower === "nopass") {
      user.nopass = true;
      user.passwords = [];
    } else if (lower === "resetpass") {
      user.nopass = false;
      user.passwords = [];
    } else if (op.startsWith(">") || op.startsWith("#")) {
      const digest = op.startsWith(">") ? this.hash(op.slice(1)) : checkedHash(op.slice(1));
      if (!user.passwords.includes(digest)) user.passwords.push(digest);
      user.nopass = false;
    } else if (op.startsWith("<") || op.startsWith("!")) {
      const digest = op.startsWith("<") ? this.hash(op.slice(1)) : checkedHash(op.slice(1));
      const i = user.passwords.indexOf(digest);
      if (i < 0) throw new AclRuleError(ACL_RULE_ERRORS.noSuchPassword);
      user.passwords.splice(i, 1);
    } else if (op.startsWith("(") && op.endsWith(")")) {
      user.selectors.push(selectorFromText(op));
    } else if (lower === "clearselectors") {
      user.selectors = [];
    } else if (lower === "reset") {
      // resetpass resetkeys resetchannels off sanitize-payload clearselectors -@all
      user.nopass = false;
      user.passwords = [];
      user.root = newSelector();
      user.enabled = false;
      user.sanitize = "sanitize-payload";
      user.selectors = [];
    } else applySelectorRule(user.root, op);
  }
}

function checkedHash(hex: string): string {
  if (!HASH_RE.test(hex)) throw new AclRuleError(ACL_RULE_ERRORS.badHash);
  return hex;
}

/** ACL CAT [category]: category names, or the commands in one. */
export function aclCategoryList(category?: string): string[] {
  if (category === undefined) return [...ACL_CATEGORIES];
  const cat = category.toLowerCase();
  if (!ACL_CATEGORIES.includes(cat))
    throw new CommandError("ERR", `Unknown category '${category}'`);
  return commandsInCategory(cat);
}

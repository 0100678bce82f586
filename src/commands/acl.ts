/**
 * A small real ACL (acl.c subset): users that are on/off, with SHA-256 password hashes or
 * nopass, and command permissions built from +@all/-@all, +@category, +command, +command|sub
 * rules applied in order. Key and channel patterns are stored and shown, never enforced
 * (a sentinel has no keys). `requirepass` is the default user's password (Redis 6+ semantics).
 *
 * Hashing is injected: this folder is pure, the shell passes node:crypto's sha256.
 */
import { CommandError } from "../errors.js";
import { ACL_CATEGORIES, commandsInCategory, findCommandSpec } from "./command-specs.js";

export type Sha256Hex = (text: string) => string;

export interface AclUser {
  readonly name: string;
  enabled: boolean;
  nopass: boolean;
  /** Lowercase hex SHA-256 digests, insertion-ordered. */
  readonly passwords: Set<string>;
  /** "+@all" or "-@all", then the rules after it in order. */
  commandRules: string[];
  keys: string[];
  channels: string[];
}

const HASH_RE = /^[0-9a-f]{64}$/;

function newUser(name: string): AclUser {
  // Redis 7.0: a new user is off, has no passwords, no commands, no keys, and
  // acl-pubsub-default is resetchannels.
  return {
    name,
    enabled: false,
    nopass: false,
    passwords: new Set(),
    commandRules: ["-@all"],
    keys: [],
    channels: [],
  };
}

function ruleError(op: string, reason: string): CommandError {
  return new CommandError("ERR", `Error in ACL SETUSER modifier '${op}': ${reason}`);
}

function isKnownCommandName(name: string): boolean {
  const [top = "", sub] = name.split("|");
  const spec = findCommandSpec(top);
  if (spec === undefined) return false;
  return sub === undefined || spec.subcommands.some((s) => s.name === `${spec.name}|${sub}`);
}

export class Acl {
  private readonly users = new Map<string, AclUser>();
  private readonly hash: Sha256Hex;

  constructor(hash: Sha256Hex, requirePass?: string) {
    this.hash = hash;
    const def: AclUser = {
      ...newUser("default"),
      enabled: true,
      nopass: true,
      commandRules: ["+@all"],
      keys: ["~*"],
      channels: ["&*"],
    };
    this.users.set("default", def);
    if (requirePass !== undefined && requirePass !== "")
      this.setUser("default", ["resetpass", `>${requirePass}`]);
  }

  getUser(name: string): AclUser | undefined {
    return this.users.get(name);
  }

  userNames(): string[] {
    return [...this.users.keys()].sort();
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
    return user.nopass || user.passwords.has(this.hash(password));
  }

  /** Throws CommandError with Redis's text on a bad rule; applies all rules or none. */
  setUser(name: string, rules: readonly string[]): void {
    const existing = this.users.get(name);
    const draft: AclUser =
      existing === undefined
        ? newUser(name)
        : {
            ...existing,
            passwords: new Set(existing.passwords),
            commandRules: [...existing.commandRules],
            keys: [...existing.keys],
            channels: [...existing.channels],
          };
    for (const rule of rules) this.applyRule(draft, rule);
    this.users.set(name, draft);
  }

  /** Returns how many users were deleted; the default user cannot be. */
  deleteUsers(names: readonly string[]): number {
    if (names.includes("default"))
      throw new CommandError("ERR", "The 'default' user cannot be removed");
    let deleted = 0;
    for (const n of names) if (this.users.delete(n)) deleted += 1;
    return deleted;
  }

  /** Whether `user` may run the command with this full name (`ping`, `client|kill`). */
  canRun(userName: string, fullName: string): boolean {
    const user = this.users.get(userName);
    if (user === undefined) return false;
    const top = fullName.split("|")[0] ?? fullName;
    const spec = findCommandSpec(top);
    const sub = spec?.subcommands.find((s) => s.name === fullName);
    const categories = new Set([...(spec?.categories ?? []), ...(sub?.categories ?? [])]);
    let allowed = false;
    for (const rule of user.commandRules) {
      const grant = rule.startsWith("+");
      const what = rule.slice(1);
      if (what === "@all") allowed = grant;
      else if (what.startsWith("@")) {
        if (categories.has(what)) allowed = grant;
      } else if (what === top || what === fullName) allowed = grant;
    }
    return allowed;
  }

  /** ACL LIST line: `user <name> on|off [nopass] [#hash…] [~keys] [&chans|resetchannels] <cmds>`. */
  describe(user: AclUser): string {
    const parts = ["user", user.name, user.enabled ? "on" : "off"];
    if (user.nopass) parts.push("nopass");
    for (const h of user.passwords) parts.push(`#${h}`);
    parts.push(...user.keys);
    parts.push(...(user.channels.length === 0 ? ["resetchannels"] : user.channels));
    parts.push(...user.commandRules);
    return parts.join(" ");
  }

  private applyRule(user: AclUser, rule: string): void {
    const lower = rule.toLowerCase();
    const simple: Record<string, () => void> = {
      on: () => (user.enabled = true),
      off: () => (user.enabled = false),
      nopass: () => {
        user.nopass = true;
        user.passwords.clear();
      },
      resetpass: () => {
        user.nopass = false;
        user.passwords.clear();
      },
      allcommands: () => (user.commandRules = ["+@all"]),
      nocommands: () => (user.commandRules = ["-@all"]),
      allkeys: () => (user.keys = ["~*"]),
      resetkeys: () => (user.keys = []),
      allchannels: () => (user.channels = ["&*"]),
      resetchannels: () => (user.channels = []),
      reset: () => {
        // reset = resetpass resetkeys resetchannels off -@all
        user.enabled = false;
        user.nopass = false;
        user.passwords.clear();
        user.keys = [];
        user.channels = [];
        user.commandRules = ["-@all"];
      },
    };
    const action = simple[lower];
    if (action !== undefined) {
      action();
      return;
    }
    this.applyValueRule(user, rule);
  }

  private applyValueRule(user: AclUser, rule: string): void {
    const head = rule[0];
    const rest = rule.slice(1);
    if (head === ">") {
      user.passwords.add(this.hash(rest));
      user.nopass = false;
    } else if (head === "<") {
      if (!user.passwords.delete(this.hash(rest)))
        throw ruleError(rule, "The password you are trying to remove from the user does not exist");
    } else if (head === "#" || head === "!") {
      if (!HASH_RE.test(rest))
        throw ruleError(
          rule,
          "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters",
        );
      if (head === "#") {
        user.passwords.add(rest);
        user.nopass = false;
      } else if (!user.passwords.delete(rest))
        throw ruleError(rule, "The password you are trying to remove from the user does not exist");
    } else if (head === "~" || head === "%") {
      user.keys = rule === "~*" ? ["~*"] : [...user.keys.filter((k) => k !== "~*"), rule];
    } else if (head === "&") {
      user.channels = rule === "&*" ? ["&*"] : [...user.channels.filter((c) => c !== "&*"), rule];
    } else if (head === "+" || head === "-") {
      this.applyCommandRule(user, rule);
    } else {
      throw ruleError(rule, "Syntax error");
    }
  }

  private applyCommandRule(user: AclUser, rule: string): void {
    const what = rule.slice(1).toLowerCase();
    if (what === "@all") {
      user.commandRules = [`${rule[0]}@all`];
      return;
    }
    const known = what.startsWith("@")
      ? ACL_CATEGORIES.includes(what.slice(1))
      : isKnownCommandName(what);
    if (!known) throw ruleError(rule, "Unknown command or category name in ACL");
    user.commandRules.push(`${rule[0]}${what}`);
  }
}

/** ACL CAT [category]: category names, or the commands in one. */
export function aclCategoryList(category?: string): string[] {
  if (category === undefined) return [...ACL_CATEGORIES];
  const cat = category.toLowerCase();
  if (!ACL_CATEGORIES.includes(cat))
    throw new CommandError("ERR", `Unknown category '${category}'`);
  return commandsInCategory(cat);
}

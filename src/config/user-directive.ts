/**
 * The `user` lines of the config: written from the ACL at every rewrite (aclUserLines), loaded
 * into it at start (loadUserLines), and checked while the file is read.
 *
 * Checks a `user <name> <rule>…` config line as Redis does while reading the file
 * (acl.c: ACLAppendUserForLoading): a user defined twice, an unmatched `(`, or a rule a fresh
 * user refuses stops the load with "Error in user declaration '<arg>': <reason>". Redis names
 * the line's argument at the failing rule's index (argv[j], counting `user` and the name), and
 * so do we. Unlike Redis, an unknown command name is refused here too (Redis accepts it, then
 * fails to load the user), and so is a name with a space (Redis could not reload it).
 */
import { Acl, isValidUserName, mergeSelectorArgs } from "../commands/acl.js";
import { ACL_RULE_ERRORS } from "../commands/acl-selector.js";
import { quoteArg, splitArgs } from "./conf-parser.js";
import { LineError, UnmatchedSelectorError } from "../errors.js";

const DUPLICATE = "Duplicate user found. A user can only be defined once in config files";

/** Only rule syntax matters here: any digest will do. */
const CHECKER = new Acl(() => "0".repeat(64));

function declarationError(argv: readonly string[], index: number, reason: string): LineError {
  return new LineError(`Error in user declaration '${argv[index] ?? ""}': ${reason}`);
}

/** `args` after the directive name; `seen` collects the names of the lines already read. */
export function checkUserDirective(args: readonly string[], seen: Set<string>): void {
  const argv = ["user", ...args];
  const name = args[0] ?? "";
  if (seen.has(name)) throw declarationError(argv, 1, DUPLICATE);
  if (!isValidUserName(name))
    throw new LineError(`Error in user declaration '${name}': ${ACL_RULE_ERRORS.syntax}`);
  let rules: string[];
  try {
    rules = mergeSelectorArgs(args.slice(1));
  } catch (err) {
    if (!(err instanceof UnmatchedSelectorError)) throw err;
    const start = args.slice(1).indexOf(err.op);
    throw declarationError(argv, start, ACL_RULE_ERRORS.unknown);
  }
  const bad = CHECKER.firstBadRule(rules);
  if (bad !== undefined) throw declarationError(argv, bad.index, bad.reason);
  seen.add(name);
}

/**
 * A user as its config line after `user` (acl.c: ACLDescribeUser): each word bare when it reads
 * back identically, else quoted (Redis writes them raw and cannot reload some). A `(…)` selector
 * stays bare when its parts are plain, and is quoted whole otherwise (a part that needs quotes,
 * or ends in `)` and would close the selector early when its words are merged back): both read
 * back as the same selector.
 */
export function userDirectiveLine(name: string, words: readonly string[]): string {
  const out = [quoteArg(name)];
  for (const w of words) {
    // A part ending in `)` would close the selector early when the words are merged back.
    const plain =
      w.startsWith("(") &&
      w
        .slice(1, -1)
        .split(" ")
        .every((p) => quoteArg(p) === p && !p.endsWith(")"));
    out.push(plain ? w : quoteArg(w));
  }
  return out.join(" ");
}

/** The ACL as `user` lines (without `user`), in Redis's order (config.c: rewriteConfigUserOption). */
export function aclUserLines(acl: Acl): string[] {
  return acl.userNames().map((n) => userDirectiveLine(n, acl.describeRules(acl.getUser(n)!)));
}

/** Loads ServerSettings.users (each line's arguments, quoted as needed) into `acl`, in order. */
export function loadUserLines(acl: Acl, lines: readonly string[]): void {
  for (const line of lines) {
    const [name, ...rules] = splitArgs(line) ?? [];
    if (name !== undefined) acl.loadUser(name, rules);
  }
}

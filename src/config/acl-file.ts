/**
 * The ACL file (`aclfile`), read as redis-sentinel 7.0.15 reads it (acl.c: ACLLoadFromFile):
 * lines split at single spaces (no quoting, no comments), each trimmed of spaces, tabs, CR and
 * LF, blank ones skipped; every line must be `user <name> <rule>…`. All errors are collected
 * in Redis's words and order, and any error leaves the users as they were. ACL SAVE writes one
 * `user <name> <rules>` line per user (acl.c: ACLSaveToFile). Pure: the shell reads and writes.
 */
import { Acl, isValidUserName, mergeSelectorArgs } from "../commands/acl.js";
import { ACL_RULE_ERRORS } from "../commands/acl-selector.js";
import { UnmatchedSelectorError } from "../errors.js";

export type AclFileResult =
  | { readonly kind: "ok"; readonly users: readonly (readonly [string, readonly string[]])[] }
  | { readonly kind: "error"; readonly errors: string };

/** Only rule syntax matters here: any digest will do. */
const CHECKER = new Acl(() => "0".repeat(64));

const NO_CHANGE =
  "WARNING: ACL errors detected, no change to the previously active ACL rules was performed";

/** acl.c: each merged rule is trimmed of tabs, CR and LF before it applies. */
function trimRule(rule: string): string {
  return rule.replace(/^[\t\r\n]+|[\t\r\n]+$/g, "");
}

/** The errors of one line, appended to `errors` in Redis's words. */
function checkLine(file: string, n: number, argv: string[], seen: Set<string>): string {
  if (argv[0] !== "user" || argv.length < 2)
    return `${file}:${n} should start with user keyword followed by the username. `;
  const name = argv[1] ?? "";
  if (!isValidUserName(name))
    return `'${file}:${n}: username '${name}' contains invalid characters. `;
  if (seen.has(name)) return `WARNING: Duplicate user '${name}' found on line ${n}. `;
  seen.add(name);
  let rules: string[];
  try {
    rules = mergeSelectorArgs(argv.slice(2)).map(trimRule);
  } catch (err) {
    if (!(err instanceof UnmatchedSelectorError)) throw err;
    return `${file}:${n}: Unmatched parenthesis in selector definition.`;
  }
  let out = "";
  let other = false;
  for (const bad of CHECKER.badRules(rules)) {
    // acl.c: every unknown command is named; of the other errors only the first is told.
    if (bad.reason === ACL_RULE_ERRORS.unknown)
      out += `${file}:${n}: Error in applying operation '${rules[bad.index] ?? ""}': ${bad.reason}. `;
    else if (!other) {
      out += `${file}:${n}: ${bad.reason}. `;
      other = true;
    }
  }
  return out;
}

/** `file` is the name as configured (Redis's messages show it so). */
export function parseAclFile(text: string, file: string): AclFileResult {
  let errors = "";
  const seen = new Set<string>();
  const users: [string, string[]][] = [];
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
    if (line === "") continue;
    const argv = line.split(" ");
    const lineErrors = checkLine(file, i + 1, argv, seen);
    errors += lineErrors;
    if (errors === "") users.push([argv[1] ?? "", mergeSelectorArgs(argv.slice(2)).map(trimRule)]);
  }
  return errors === "" ? { kind: "ok", users } : { kind: "error", errors: errors + NO_CHANGE };
}

/** ACL SAVE's text: `user <name> <rules>` for every user, in ACL LIST's order. */
export function aclFileText(acl: Acl): string {
  return acl
    .userNames()
    .map((n) => `${acl.describe(acl.getUser(n)!)}\n`)
    .join("");
}

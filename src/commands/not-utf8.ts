/**
 * Arguments whose bytes are not valid UTF-8 (docs/COMPATIBILITY.md, "Arguments that are not
 * valid UTF-8"). Vigil holds arguments as strings, so such bytes would be replaced by U+FFFD and
 * a value would not come back as sent after a config rewrite, and a name would pick another
 * object (a master or user named "\uFFFD"). Redis keeps raw bytes; Vigil refuses them at the door.
 */
import type { Reply } from "../protocol/reply.js";
import { R } from "../protocol/reply.js";
import type { CommandSpec } from "./command-specs.js";
import type { CommandContext } from "./context.js";
import { ERR_BAD_CLIENT_NAME, authFailed, parseHello } from "./server.js";

/** Modelled on Valkey's control-character text (field-rules.ts: controlCharError). */
export function notUtf8Error(index: number, command: string): string {
  return `ERR Invalid argument at index ${index} for ${command}: not valid UTF-8`;
}

/** `sentinel|set` → `SENTINEL SET`; `SENTINEL CONFIG SET` named in full, as Valkey names it. */
function commandLabel(spec: CommandSpec, argv: readonly string[]): string {
  const label = spec.name.split("|").join(" ").toUpperCase();
  const action = (argv[2] ?? "").toUpperCase();
  if (spec.name !== "sentinel|config" || (action !== "SET" && action !== "GET")) return label;
  return `${label} ${action}`;
}

/**
 * The reply refusing `argv` when some of its arguments (`notUtf8`, indices into argv) were not
 * valid UTF-8, or undefined when the command may run. A password that is not UTF-8 matches no
 * stored one (those are all UTF-8): AUTH and HELLO AUTH fail with WRONGPASS as a wrong password
 * does, where the handler would have checked the credentials.
 */
export function refuseNotUtf8(
  spec: CommandSpec,
  argv: readonly string[],
  notUtf8: readonly number[],
  ctx: CommandContext,
): Reply | undefined {
  const first = notUtf8[0];
  if (first === undefined) return undefined;
  if (spec.name === "auth") {
    if (argv.length > 3) return undefined; // the handler's syntax error
    if (argv.length === 2 && ctx.server.acl.defaultUserHasNopass()) return undefined;
    const user = argv.length === 3 ? (argv[1] ?? "") : "default";
    return authFailed(argv, user, ctx);
  }
  if (spec.name === "hello") {
    const opts = parseHello(argv);
    if ("type" in opts) return undefined; // the handler's own error comes first
    const at = opts.authAt;
    if (at !== undefined && (notUtf8.includes(at) || notUtf8.includes(at + 1))) {
      return authFailed(argv, argv[at] ?? "", ctx);
    }
  }
  // Redis refuses every byte outside '!'..'~' in a client name, so such a name gets its error.
  if (spec.name === "client|setname" && notUtf8.includes(2)) return R.error(ERR_BAD_CLIENT_NAME);
  return R.error(notUtf8Error(first, commandLabel(spec, argv)));
}

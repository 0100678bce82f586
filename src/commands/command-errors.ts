/**
 * The refusals of command dispatch, worded exactly like redis-sentinel 7.0.15 (docs/PROTOCOL.md
 * §9.1), and the arity rule they enforce: one place for command-table.ts's dispatch and
 * sentinel.ts's own lookup of a SENTINEL subcommand (the HTTP readout, the host's cache).
 */

/** Emulates printf `%.*s` on a C string: cut at NUL, at most `max` characters. */
function cString(text: string, max: number): string {
  const nul = text.indexOf("\0");
  const cut = nul === -1 ? text : text.slice(0, nul);
  return cut.length > max ? cut.slice(0, Math.max(0, max)) : cut;
}

/** `ERR unknown command 'x', with args beginning with: 'a' 'b' ` (128-char budget, like Redis). */
export function unknownCommandError(argv: readonly string[]): string {
  let args = "";
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${cString(argv[i] ?? "", 128 - args.length)}' `;
  }
  return `ERR unknown command '${cString(argv[0] ?? "", 128)}', with args beginning with: ${args}`;
}

export function arityError(fullName: string): string {
  return `ERR wrong number of arguments for '${fullName}' command`;
}

/** server.c prints the unknown name with %.128s: up to a NUL, at most 128 characters. */
export function unknownSubcommandError(sub: string, command: string): string {
  return `ERR unknown subcommand '${cString(sub, 128)}'. Try ${command.toUpperCase()} HELP.`;
}

/** Redis arity: n = exactly n words (the command's name counted), −n = at least n. */
export function arityOk(arity: number, argc: number): boolean {
  return arity >= 0 ? argc === arity : argc >= -arity;
}

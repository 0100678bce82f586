/**
 * Command-line parsing exactly like redis-sentinel (server.c: main): `vigil <config-file>
 * [--<directive> <args…>]…`. Every `--name` starts a new config line that is appended after the
 * file's text, option values are added quoted (sdscatrepr), so `--port 26390` is the line
 * `port "26390"` and `--sentinel monitor m 127.0.0.1 6379 2` works too. Pure: main passes argv.
 */
import { reprArg, splitArgs } from "./conf-parser.js";

export type CliCommand =
  | { readonly kind: "version" }
  | { readonly kind: "help" }
  | {
      readonly kind: "run";
      /** "" when no file was given (load-config then refuses, as Redis does). */
      readonly configFile: string;
      /** Config lines built from the options, in order. */
      readonly overrides: readonly string[];
      /** `--test-config`: validate, print the verdict, exit 0/1. */
      readonly testConfig: boolean;
      /** `-` as the last argument: more config text is read from stdin, after the file's. */
      readonly stdin: boolean;
    };

export const USAGE = `Usage: vigil [/path/to/sentinel.conf] [options] [-]
       vigil -v or --version
       vigil -h or --help
       vigil /path/to/sentinel.conf --test-config

Options are config directives, appended after the file:
       vigil /etc/sentinel.conf --port 26380
       vigil /etc/sentinel.conf --sentinel monitor mymaster 127.0.0.1 6379 2
A last argument - reads more config from stdin, after the file and before the options.
A .yaml/.yml file is read as Vigil's YAML config.
`;

/** Builds the options text the way server.c does; returns one string per config line. */
function buildOverrides(args: readonly string[]): string[] {
  const lines: string[] = [];
  let handledLastConfigArg = true;
  for (let j = 0; j < args.length; j++) {
    const a = args[j]!;
    const isLast = j === args.length - 1;
    const next = args[j + 1];
    if (handledLastConfigArg && a.startsWith("--")) {
      let line = `${a.slice(2)} `;
      if ((splitArgs(a) ?? []).length === 1) {
        handledLastConfigArg = false;
        const nextIsOption = next?.startsWith("--") === true;
        const name = a.toLowerCase();
        // server.c special cases: `--save` with no value means `save ""`; `--sentinel` alone
        // is the sentinel-mode pseudo option.
        if (name === "--save" && (isLast || nextIsOption)) {
          line += '""';
          handledLastConfigArg = nextIsOption;
        } else if (name === "--sentinel" && (isLast || nextIsOption)) {
          handledLastConfigArg = true;
        }
      } else {
        handledLastConfigArg = true;
      }
      lines.push(line);
    } else {
      // A value before any option still forms a line, as in server.c.
      const last = lines.pop() ?? "";
      lines.push(`${last}${reprArg(a)} `);
      handledLastConfigArg = true;
    }
  }
  return lines;
}

export function parseCliArgs(argv: readonly string[]): CliCommand {
  const first = argv[0];
  if (first === "-v" || first === "--version") return { kind: "version" };
  if (first === "-h" || first === "--help") return { kind: "help" };
  let rest = argv;
  let configFile = "";
  if (first !== undefined && !first.startsWith("-")) {
    configFile = first;
    rest = argv.slice(1);
  }
  const testConfig = rest.includes("--test-config");
  const args = rest.filter((a) => a !== "--test-config");
  // server.c: a lone `-` as the last argument (or the first, without a file) reads the config
  // from stdin; anywhere else it is an option's value.
  const stdin = args.length > 0 && args[args.length - 1] === "-";
  const overrides = buildOverrides(stdin ? args.slice(0, -1) : args);
  return { kind: "run", configFile, overrides, testConfig, stdin };
}

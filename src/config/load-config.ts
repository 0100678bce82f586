/**
 * The only I/O of src/config: read the file, run the pure steps, apply the command-line
 * overrides, check the file can be saved (sentinel.c: sentinelCheckConfigFile). Throws
 * ConfigError with Redis's texts.
 */
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  openSync,
  readFileSync,
  statSync,
} from "node:fs";
import { dirname, resolve } from "node:path";
import { assert } from "../core/index.js";
import { ConfigError, ERROR_CODES, SentinelError } from "../errors.js";
import type { Directive } from "./conf-parser.js";
import { parseConf } from "./conf-parser.js";
import type { ConfResult, ConfToConfigOptions } from "./conf-to-config.js";
import { checkAclfileUsers, confToConfig } from "./conf-to-config.js";
import { metricsPortConflict } from "./metrics-settings.js";
import type { LoadedConfig } from "./types.js";
import type { StateText } from "./state-file.js";
import { withState } from "./state-file.js";

export interface LoadOptions {
  /** access(path, X_OK) for notification/client-reconfig scripts. */
  readonly isExecutable: (path: string) => boolean;
  /** Directory relative paths are resolved against (default process.cwd()). */
  readonly cwd?: string;
  /** chdir()'s strerror for a `dir` line, or null (default: stat + access(X_OK)). */
  readonly chdirError?: (path: string) => string | null;
  /** access(path, W_OK); throws a Node errno error when not writable. Injectable for tests. */
  readonly checkWritable?: (path: string) => void;
  /** The YAML front end, needed for a YAML config only (loadYamlFrontEnd). */
  readonly yaml?: YamlFrontEnd;
  /**
   * Config text read from stdin (`-` on the command line). Redis appends it to the file's text
   * as it is, so its lines are counted after the file's; the rewrite starts from the file alone.
   */
  readonly stdin?: string;
}

/** yaml-config.ts's yamlToConfig. */
export type YamlFrontEnd = (text: string, file: string, opts: ConfToConfigOptions) => ConfResult;

/**
 * The YAML front end, imported when the config is YAML: it brings the yaml parser and zod,
 * about 4 MB of heap a `.conf`-configured sentinel has no use for (issue #18).
 */
export async function loadYamlFrontEnd(): Promise<YamlFrontEnd> {
  return (await import("./yaml-config.js")).yamlToConfig;
}

export const COMMAND_LINE = "(command line)";
/** Where the stdin lines of a YAML-configured Vigil come from (a `.conf` counts them in the file). */
export const STDIN = "(stdin)";

/** The state file of a YAML-configured Vigil when `server.state-file` names none. */
export function stateFileOf(yamlFile: string): string {
  return `${yamlFile}.state`;
}

export function isYamlFile(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

export function defaultIsExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** What chdir(path) would answer, without changing the process's directory. */
export function defaultChdirError(path: string): string | null {
  if (path === "") return STRERROR["ENOENT"] ?? "No such file or directory";
  try {
    if (!statSync(path).isDirectory()) return STRERROR["ENOTDIR"] ?? "Not a directory";
    accessSync(path, constants.X_OK);
    return null;
  } catch (e) {
    return strerror(e);
  }
}

const STRERROR: Readonly<Record<string, string>> = {
  ENOENT: "No such file or directory",
  EACCES: "Permission denied",
  EPERM: "Operation not permitted",
  EROFS: "Read-only file system",
  EISDIR: "Is a directory",
  ENOTDIR: "Not a directory",
  ELOOP: "Too many levels of symbolic links",
  ENAMETOOLONG: "File name too long",
  EADDRINUSE: "Address already in use",
  EADDRNOTAVAIL: "Cannot assign requested address",
  EAI_NONAME: "Name or service not known",
};

/** C strerror() text for a Node errno error. */
export function strerror(e: unknown): string {
  // Vigil's own errors carry the system's words already (resp-server.ts: bind "").
  if (e instanceof SentinelError) return e.message;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === "string") return STRERROR[code] ?? code;
  return e instanceof Error ? e.message : String(e);
}

function fatal(
  file: string,
  reason: string,
  code: "VIGIL_CONFIG" | "VIGIL_CONFIG_NOT_WRITABLE",
): ConfigError {
  return new ConfigError({ file, line: 0, directive: "", reason }, ERROR_CODES[code]);
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw fatal(
      file,
      `Fatal error, can't open config file '${file}': ${strerror(e)}`,
      "VIGIL_CONFIG",
    );
  }
}

/** A state file's text, or null when it does not exist yet. */
function readState(stateFile: string): StateText | null {
  return existsSync(stateFile) ? { text: readText(stateFile), file: stateFile } : null;
}

/** Where a `state-file` value points: relative to the final `dir`, as `logfile` is. */
function stateFilePath(configured: string, dir: string): string {
  return configured === "" ? "" : resolve(dir, configured);
}

/** The config read with its state file, then the command-line overrides on top. */
interface Read {
  readonly result: ConfResult;
  readonly stateFile: string;
  readonly configMasters: readonly string[];
}

function readYaml(
  file: string,
  text: string,
  extra: Directive[],
  opts: ConfToConfigOptions,
  yamlToConfig: YamlFrontEnd | undefined,
): Read {
  assert(
    yamlToConfig !== undefined,
    `${file}: a YAML config needs the YAML front end (loadYamlFrontEnd)`,
  );
  const fromYaml = yamlToConfig(text, file, opts);
  // `--state-file` and `--dir` given as options count too.
  const given = confToConfig(extra, opts, fromYaml).server;
  const dir = resolve(opts.cwd ?? "", given.dir);
  const stateFile = stateFilePath(given.stateFile, dir) || stateFileOf(file);
  const merged = withState(fromYaml, readState(stateFile), opts);
  return {
    result: confToConfig(extra, opts, merged),
    stateFile,
    configMasters: fromYaml.sentinel.masters.map((m) => m.name),
  };
}

/**
 * Redis appends the options to the file text: one load, one set of sentinel passes. With a
 * `state-file` (from the file or the options) the file alone is the base, the state goes over
 * it, and the options over both, as for a YAML config.
 */
function readConf(file: string, text: string, extra: Directive[], opts: ConfToConfigOptions): Read {
  const lines = parseConf(text, file);
  const result = confToConfig([...lines, ...extra], opts);
  const dir = resolve(opts.cwd ?? "", result.server.dir);
  const stateFile = stateFilePath(result.server.stateFile, dir);
  if (stateFile === "") return { result, stateFile, configMasters: [] };
  const base = confToConfig(lines, opts);
  const merged = withState(base, readState(stateFile), opts);
  return {
    result: confToConfig(extra, opts, merged),
    stateFile,
    configMasters: base.sentinel.masters.map((m) => m.name),
  };
}

/** The file every save replaces must be writable: the config, or the state file (its dir first). */
function checkWritable(file: string, stateFile: string, opts: LoadOptions): void {
  const check =
    opts.checkWritable ??
    ((p: string) => {
      accessSync(p, constants.W_OK);
    });
  const target = stateFile === "" ? file : existsSync(stateFile) ? stateFile : dirname(stateFile);
  try {
    check(target);
  } catch (e) {
    throw fatal(
      file,
      `Sentinel config file ${target} is not writable: ${strerror(e)}. Exiting...`,
      "VIGIL_CONFIG_NOT_WRITABLE",
    );
  }
}

/**
 * Redis opens the log file once at load, after every line is read (so against the last `dir`),
 * and refuses the config when it cannot: it could not report any later problem otherwise.
 */
function checkLogFile(file: string, logfile: string, dir: string): void {
  if (logfile === "") return;
  try {
    closeSync(openSync(resolve(dir, logfile), "a"));
  } catch (e) {
    throw new ConfigError({
      file,
      line: 0,
      directive: "logfile",
      reason: `Can't open the log file: ${strerror(e)}`,
      afterLines: true,
    });
  }
}

export function loadConfig(
  path: string,
  overrides: readonly string[],
  opts: LoadOptions,
): LoadedConfig {
  if (path === "") {
    throw fatal("", "Sentinel needs config file on disk to save state. Exiting...", "VIGIL_CONFIG");
  }
  const cwd = opts.cwd ?? process.cwd();
  opts = { chdirError: defaultChdirError, ...opts };
  const file = resolve(cwd, path);
  const text = readText(file);
  const format = isYamlFile(file) ? "yaml" : "conf";
  const stdin = opts.stdin ?? "";
  // server.c appends the options to the file's text (and stdin's) after a newline: Redis
  // counts their lines on from there.
  const fileLines = format === "conf" ? (text + stdin).split("\n").length : 0;
  const extra: Directive[] = parseConf(overrides.join("\n"), COMMAND_LINE, fileLines);
  const read =
    format === "conf"
      ? readConf(file, text + stdin, extra, { ...opts, cwd })
      : readYaml(file, text, [...parseConf(stdin, STDIN), ...extra], { ...opts, cwd }, opts.yaml);
  checkWritable(file, read.stateFile, opts);
  const result = read.result;
  const server = { ...result.server, dir: resolve(cwd, result.server.dir) };
  checkLogFile(file, server.logfile, server.dir);
  checkAclfileUsers(server, file);
  const conflict = metricsPortConflict(server);
  if (conflict !== null) {
    throw new ConfigError({
      file,
      line: 0,
      directive: "metrics-port",
      reason: conflict,
      afterLines: true,
    });
  }
  return {
    file,
    format,
    text,
    server,
    sentinel: result.sentinel,
    yamlMasters: read.configMasters,
    stateFile: read.stateFile,
  };
}

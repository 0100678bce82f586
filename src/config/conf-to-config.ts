/**
 * Directives → server settings + sentinel state (docs/PROTOCOL.md §10.1–10.2). Plain Redis lines
 * are applied in file order (config.c: loadServerConfigFromString); `sentinel` lines are queued
 * and applied afterwards in Redis's three passes (sentinel.c: loadSentinelConfigFromQueue).
 * Every failure is a ConfigError naming file, line, directive and Redis's reason text.
 */
import type { SentinelConfig } from "../core/index.js";
import { ConfigError, LineError } from "../errors.js";
import type { Directive } from "./conf-parser.js";
import { formatLine, splitArgs } from "./conf-parser.js";
import {
  REDIS_DEPRECATED_DIRECTIVES,
  REDIS_MULTI_ARG_DIRECTIVES,
  REDIS_STANDARD_DIRECTIVES,
  VALKEY_DIRECTIVES,
  VIGIL_DIRECTIVES,
  VIGIL_VERBATIM_DIRECTIVES,
} from "./redis-directives.js";
import { REDIS_MULTI_ARG_RULES } from "./redis-multi-arg-rules.js";
import { REDIS_VALUE_RULES } from "./redis-value-table.js";
import { renameCommandChecker } from "./rename-command.js";
import { BAD_METRICS_BIND, isMetricsBindAddress } from "./metrics-settings.js";
import {
  LOG_FORMATS,
  LOG_LEVELS,
  LOG_TIMESTAMP_FORMATS,
  REASONS,
  SUPERVISED_MODES,
  intText,
  listenPortRule,
  oneOf,
} from "./field-rules.js";
import { builderFrom, emptySentinelBuilder, freezeSentinel } from "./sentinel-builder.js";
import { applySentinelLine, passOf } from "./sentinel-directives.js";
import type { SentinelApplyOptions, SentinelLine } from "./sentinel-directives.js";
import { checkTlsDirective } from "./tls-settings.js";
import type { LogLevel, ServerSettings } from "./types.js";
import { checkUserDirective } from "./user-directive.js";
import { DEFAULT_SERVER_SETTINGS } from "./types.js";

export interface ConfToConfigOptions extends SentinelApplyOptions {
  /**
   * The working directory the process starts in. Redis chdir()s at each `dir` line as it reads
   * it, before any `sentinel` line is applied, so relative script paths resolve against the
   * last `dir` (docs/COMPATIBILITY.md, "Relative paths"). Absent: relative to process.cwd().
   */
  readonly cwd?: string;
  /**
   * chdir()'s failure for a `dir` line, as strerror text, or null when it would succeed
   * (I/O, so injected; absent: not checked).
   */
  readonly chdirError?: (path: string) => string | null;
}

/**
 * Where chdir(`to`) from `from` lands ("" = the starting directory). Joined, not normalized:
 * the kernel resolves `..` after symbolic links, as it does for Redis.
 */
export function chdirPath(from: string, to: string): string {
  if (to === "") return from;
  if (from === "" || to.startsWith("/")) return to;
  return `${from}/${to}`;
}

export interface ConfResult {
  readonly server: ServerSettings;
  readonly sentinel: SentinelConfig;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type MutableServer = Omit<
  Mutable<ServerSettings>,
  "bind" | "users" | "tls" | "syslog" | "metricsBind" | "renameCommands"
> & {
  renameCommands: (readonly [string, string])[];
  bind: string[];
  metricsBind: string[];
  users: string[];
  tls: Record<string, string>;
  syslog: Record<string, string>;
};

const BAD_DIRECTIVE = "Bad directive or wrong number of arguments";
const WRONG_ARITY = "wrong number of arguments";

function lineError(d: Directive, reason: string, directive = d.name): ConfigError {
  const at = d.redisLine === undefined ? {} : { redisLine: d.redisLine };
  return new ConfigError({ file: d.file, line: d.line, directive, reason, text: d.text, ...at });
}

function yesNoArg(v: string): boolean {
  const l = v.toLowerCase();
  if (l !== "yes" && l !== "no") throw new LineError(REASONS.yesNo);
  return l === "yes";
}

function intArg(v: string): number {
  const n = intText(v);
  if (n === null) throw new LineError(REASONS.notInteger);
  return n;
}

/** One of an enum config's values, in any case (config.c: enum configs), or Redis's reason. */
function enumArg<T extends string>(values: readonly T[], reason: string, v: string): T {
  const value = oneOf(values, v.toLowerCase());
  if (value === null) throw new LineError(reason);
  return value;
}

function portArg(v: string): number {
  const port = intArg(v);
  const reason = listenPortRule(port);
  if (reason !== null) throw new LineError(reason);
  return port;
}

/** The new `dir`: Redis chdir()s there, so a directory it cannot enter stops the load with strerror. */
function dirArg(dir: string, v: string, opts: ConfToConfigOptions): string {
  const target = chdirPath(opts.cwd ?? "", chdirPath(dir, v));
  const error = opts.chdirError?.(v === "" ? "" : target) ?? null;
  if (error !== null) throw new LineError(error);
  return chdirPath(dir, v);
}

/** The plain directives Vigil acts on; other known Redis directives are accepted and ignored. */
function applyServerValue(
  s: MutableServer,
  name: string,
  args: readonly string[],
  opts: ConfToConfigOptions,
): void {
  const v = args[0] ?? "";
  switch (name) {
    case "port":
      s.port = portArg(v);
      return;
    case "bind":
      s.bind = [...args];
      return;
    case "protected-mode":
      s.protectedMode = yesNoArg(v);
      return;
    case "daemonize":
      s.daemonize = yesNoArg(v);
      return;
    case "loglevel":
      s.loglevel = enumArg(LOG_LEVELS, REASONS.loglevel, v) satisfies LogLevel;
      return;
    case "log-format":
      s.logFormat = enumArg(LOG_FORMATS, REASONS.logFormat, v);
      return;
    case "log-timestamp-format":
      s.logTimestampFormat = enumArg(LOG_TIMESTAMP_FORMATS, REASONS.logTimestampFormat, v);
      return;
    case "supervised":
      s.supervised = enumArg(SUPERVISED_MODES, REASONS.supervised, v);
      return;
    case "hz": {
      const hz = intArg(v);
      if (hz < 0) throw new LineError("argument must be between 0 and 2147483647 inclusive");
      s.hz = hz;
      return;
    }
    case "maxclients": // 1..UINT_MAX, checked by its value rule
      s.maxclients = Number(v);
      return;
    case "dir":
      s.dir = dirArg(s.dir, v, opts);
      return;
    case "logfile":
      s.logfile = v;
      return;
    case "pidfile":
      s.pidfile = v;
      return;
    case "requirepass":
      s.requirepass = v;
      return;
    case "aclfile":
      s.aclfile = v;
      return;
    case "metrics-port":
    case "metrics-bind":
    case "metrics-auth":
      applyMetricsValue(s, name, args);
      return;
    default:
      if (name.startsWith("tls-")) s.tls[name] = checkTlsDirective(name, args.join(" "));
      else if (name.startsWith("syslog-")) s.syslog[name] = args.join(" ");
  }
}

/** Vigil's HTTP endpoint directives (docs/COMPATIBILITY.md, "HTTP endpoint"). */
function applyMetricsValue(s: MutableServer, name: string, args: readonly string[]): void {
  const v = args[0] ?? "";
  if (name === "metrics-port") {
    const port = intArg(v);
    const reason = listenPortRule(port);
    if (reason !== null) throw new LineError(reason);
    s.metricsPort = port;
  } else if (name === "metrics-bind") {
    if (!args.every(isMetricsBindAddress)) throw new LineError(BAD_METRICS_BIND);
    s.metricsBind = [...args];
  } else {
    s.metricsAuth = yesNoArg(v);
  }
}

/** Applies one plain (not `sentinel`) directive; `rename` checks the rename-command lines. */
function applyPlain(
  s: MutableServer,
  d: Directive,
  opts: ConfToConfigOptions,
  rename: (from: string, to: string) => void,
): void {
  const argc = d.args.length + 1;
  if (
    REDIS_STANDARD_DIRECTIVES.has(d.name) ||
    VALKEY_DIRECTIVES.has(d.name) ||
    VIGIL_DIRECTIVES.has(d.name)
  ) {
    if (!REDIS_MULTI_ARG_DIRECTIVES.has(d.name) && argc !== 2) throw new LineError(WRONG_ARITY);
    // config.c's own check of the value, for the directives Vigil ignores too.
    const reason = REDIS_MULTI_ARG_DIRECTIVES.has(d.name)
      ? (REDIS_MULTI_ARG_RULES.get(d.name)?.(d.args) ?? null)
      : (REDIS_VALUE_RULES.get(d.name)?.(d.args[0] ?? "") ?? null);
    if (reason !== null) throw new LineError(reason);
    applyServerValue(s, d.name, d.args, opts);
    return;
  }
  if (REDIS_DEPRECATED_DIRECTIVES.has(d.name) && argc === 2) return;
  if (d.name === "user" && argc >= 2) {
    checkUserDirective(d.args, new Set(s.users.map((u) => splitArgs(u)?.[0] ?? "")));
    s.users.push(formatLine(d.args));
    return;
  }
  // Vigil's own directive (state-file.ts): the runtime state goes there, the config is not written.
  if (VIGIL_VERBATIM_DIRECTIVES.has(d.name) && argc === 2) {
    s.stateFile = d.args[0]!;
    return;
  }
  // Renaming the sentinel's own commands: checked like Redis, applied at start (daemon.ts).
  if (d.name === "rename-command" && argc === 3) {
    rename(d.args[0]!, d.args[1]!);
    s.renameCommands.push([d.args[0]!, d.args[1]!]);
    return;
  }
  if (d.name === "include" && argc === 2) throw new LineError("include is not supported by Vigil");
  if (d.name === "loadmodule" && argc >= 2)
    throw new LineError("loadmodule is not supported by Vigil");
  throw new LineError(BAD_DIRECTIVE);
}

function mutableServer(base: ServerSettings): MutableServer {
  return {
    ...base,
    bind: [...base.bind],
    metricsBind: [...base.metricsBind],
    users: [...base.users],
    renameCommands: [...base.renameCommands],
    tls: { ...base.tls },
    syslog: { ...base.syslog },
  };
}

/** Script paths checked as the process will see them once it has chdir()ed into `dir`. */
function inDir(opts: ConfToConfigOptions, dir: string): SentinelApplyOptions {
  const base = chdirPath(opts.cwd ?? "", dir);
  if (base === "") return opts;
  return { ...opts, isExecutable: (path) => opts.isExecutable(chdirPath(base, path)) };
}

/** acl.c: ACLLoadUsersAtStartup's refusal of `user` lines next to an `aclfile` (Redis's text). */
export const ACLFILE_AND_USERS =
  "Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.";

/**
 * Refuses users declared in the config next to an `aclfile`, as redis-sentinel does at start.
 * Accepted, the file's users would replace them (shell/acl-file-io.ts), and the first rewrite
 * writes no `user` line when an aclfile is set (conf-rewriter.ts).
 */
export function checkAclfileUsers(server: ServerSettings, file: string): void {
  if (server.aclfile === "" || server.users.length === 0) return;
  throw new ConfigError({ file, line: 0, directive: "aclfile", reason: ACLFILE_AND_USERS });
}

/**
 * Applies the directives on top of `base` (defaults, or a YAML config when these are command-line
 * overrides). Throws ConfigError at the first bad line, plain lines first, as Redis does.
 */
export function confToConfig(
  directives: readonly Directive[],
  opts: ConfToConfigOptions,
  base?: ConfResult,
): ConfResult {
  const server = mutableServer(base?.server ?? DEFAULT_SERVER_SETTINGS);
  const queued: SentinelLine[] = [];
  const rename = renameCommandChecker();
  for (const d of directives) {
    if (d.name === "sentinel") {
      // A bare `sentinel` line only selects sentinel mode (server.c main).
      const [sub, ...args] = d.args;
      if (sub !== undefined) queued.push({ directive: d, sub: sub.toLowerCase(), args });
      continue;
    }
    try {
      applyPlain(server, d, opts, rename);
    } catch (e) {
      if (e instanceof LineError) throw lineError(d, e.reason);
      throw e;
    }
  }
  const b = base === undefined ? emptySentinelBuilder() : builderFrom(base.sentinel);
  const sentinelOpts = inDir(opts, server.dir);
  for (const pass of [0, 1, 2] as const) {
    for (const line of queued) {
      if (passOf(line.sub) !== pass) continue;
      try {
        applySentinelLine(b, line, sentinelOpts);
      } catch (e) {
        if (e instanceof LineError)
          throw lineError(line.directive, e.reason, `sentinel ${line.sub}`);
        throw e;
      }
    }
  }
  const sentinel = freezeSentinel(b);
  // SENTINEL CONFIG SET loglevel changes it at run time: the core keeps it with the globals.
  return {
    server,
    sentinel: { ...sentinel, global: { ...sentinel.global, logLevel: server.loglevel } },
  };
}

/**
 * What a loaded config holds besides the sentinel state (src/core/model/config.ts): the plain Redis
 * directives Vigil acts on (docs/PROTOCOL.md §10.2, last bullet), and the LoadedConfig bundle
 * the shell starts from.
 */
import type { SentinelConfig } from "../core/index.js";

export type LogLevel = "debug" | "verbose" | "notice" | "warning";
/** Valkey's `log-format` (legacy, logfmt) plus json (pino lines). */
export type LogFormat = "legacy" | "logfmt" | "json";
/** Valkey's `log-timestamp-format`. */
export type LogTimestampFormat = "legacy" | "iso8601" | "milliseconds";

/** Redis's `supervised`: how the process tells a supervisor it is ready (shell/supervision.ts). */
export type Supervised = "upstart" | "systemd" | "auto" | "no";

export interface ServerSettings {
  /** 26379 in sentinel mode (sentinel.c: initSentinelConfig). */
  readonly port: number;
  readonly bind: readonly string[];
  /** Sentinel mode forces the default to `no`. */
  readonly protectedMode: boolean;
  /** As written; load-config resolves it to an absolute path (Redis chdirs into it). */
  readonly dir: string;
  /** "" = stdout. */
  readonly logfile: string;
  readonly loglevel: LogLevel;
  readonly logFormat: LogFormat;
  readonly logTimestampFormat: LogTimestampFormat;
  /** "" = none; a daemonized sentinel then writes Redis's default, /var/run/redis.pid. */
  readonly pidfile: string;
  readonly daemonize: boolean;
  readonly requirepass: string;
  /** Raw `user` rule lines, without the leading `user` (e.g. `default on nopass ~* &* +@all`). */
  readonly users: readonly string[];
  readonly aclfile: string;
  readonly hz: number;
  /** maxclients: connections accepted at once (Redis's error past it). */
  readonly maxclients: number;
  /** `tls-*` directives, kept raw (name → value as written, arguments joined by one space). */
  readonly tls: Readonly<Record<string, string>>;
  /** `syslog-enabled`, `syslog-ident`, `syslog-facility`, kept raw like tls. */
  readonly syslog: Readonly<Record<string, string>>;
  /**
   * Vigil's `state-file <path>` (YAML: `server.state-file`): where the runtime state is saved
   * instead of the config, as written ("" = none: a sentinel.conf is rewritten, a YAML config's
   * state goes to `<file>.state`). See state-file.ts.
   */
  readonly stateFile: string;
  readonly supervised: Supervised;
  /** Vigil's HTTP endpoint (`metrics-port`, docs/COMPATIBILITY.md): 0 = off. */
  readonly metricsPort: number;
  /** `metrics-bind`; [] = the `bind` addresses. */
  readonly metricsBind: readonly string[];
  /** `metrics-auth`: with requirepass, /metrics and the probes need the password too. */
  readonly metricsAuth: boolean;
  /**
   * Top-level `rename-command <old> <new>` pairs in file order ("" = deleted), applied to
   * Vigil's own commands (commands/live-commands.ts); the rewrite keeps the lines as written.
   */
  readonly renameCommands: readonly (readonly [string, string])[];
}

export interface LoadedConfig {
  /** Absolute path of the file given on the command line. */
  readonly file: string;
  readonly format: "conf" | "yaml";
  /** The original file text (what the rewriter starts from). */
  readonly text: string;
  readonly server: ServerSettings;
  readonly sentinel: SentinelConfig;
  /**
   * The masters the config defines when the state goes to a state file ([] when the config is
   * rewritten): the state file records the SENTINEL REMOVE of these; see ConfigStoreOptions.
   */
  readonly yamlMasters: readonly string[];
  /** Absolute path of the state file, or "" when the config file itself is rewritten. */
  readonly stateFile: string;
}

/** Redis defaults, with the sentinel-mode overrides (port 26379, protected-mode no). */
export const DEFAULT_SERVER_SETTINGS: ServerSettings = {
  port: 26379,
  bind: [],
  protectedMode: false,
  dir: "",
  logfile: "",
  loglevel: "notice",
  logFormat: "legacy",
  logTimestampFormat: "legacy",
  pidfile: "",
  daemonize: false,
  requirepass: "",
  users: [],
  aclfile: "",
  hz: 10,
  maxclients: 10_000,
  tls: {},
  syslog: {},
  stateFile: "",
  supervised: "no",
  metricsPort: 0,
  metricsBind: [],
  metricsAuth: true,
  renameCommands: [],
};

/**
 * The YAML form of the settings (a second front end to the same zod schemas as the Redis-format file):
 *
 *   server:   { port, bind, protected-mode, dir, logfile, loglevel, log-format,
 *               log-timestamp-format, pidfile, daemonize,
 *               requirepass, users: [rules…], aclfile, hz, maxclients, tls: {tls-…}, syslog: {syslog-…},
 *               state-file, supervised, metrics-port, metrics-bind, metrics-auth,
 *               rename-command: {old: new} }
 *   sentinel: { myid, current-epoch, announce-ip, announce-port, deny-scripts-reconfig,
 *               resolve-hostnames, announce-hostnames, sentinel-user, sentinel-pass }
 *   masters:  { <name>: { host, port, quorum, down-after-milliseconds, failover-timeout,
 *               parallel-syncs, master-reboot-down-after-period, notification-script,
 *               client-reconfig-script, auth-pass, auth-user, rename-command: {old: new} } }
 *
 * The document is validated by configFileSchema, then its sentinel part is turned into the same
 * `sentinel …` directives a sentinel.conf would hold and run through conf-to-config, so both
 * front ends share every rule and Redis reason text. Errors name the YAML path and its line.
 *
 * Runtime state (myid, epochs, known-*, the current master address, SENTINEL SET changes) is
 * never written into the YAML: it lives in `<file>.state` (or `server.state-file`) in
 * sentinel.conf format, and at load that state wins over the YAML for every master it lists
 * (state-file.ts: mergeState). A YAML master that SENTINEL REMOVE dropped is named by a
 * `sentinel vigil-removed <name>` line there.
 */
import { LineCounter, isMap, isNode, isScalar, parseDocument } from "yaml";
import type { Document } from "yaml";
import { ConfigError, LineError } from "../errors.js";
import type { Directive } from "./conf-parser.js";
import type { ConfResult, ConfToConfigOptions } from "./conf-to-config.js";
import { confToConfig } from "./conf-to-config.js";
import type { ConfigFileInput, MasterInput } from "./schema.js";
import { configFileSchema } from "./schema.js";
import { emptySentinelBuilder, freezeSentinel } from "./sentinel-builder.js";
import type { StateText } from "./state-file.js";
import { withState } from "./state-file.js";
import { renameCommandChecker } from "./rename-command.js";
import { checkTlsDirective } from "./tls-settings.js";
import type { ServerSettings } from "./types.js";

type Path = readonly (string | number)[];

class YamlSource {
  private readonly lc = new LineCounter();
  readonly doc: Document;
  readonly file: string;
  constructor(text: string, file: string) {
    this.file = file;
    this.doc = parseDocument(text, { lineCounter: this.lc, prettyErrors: false });
  }

  /** Line of the key that names `path` (or of the deepest existing part of it; 1 if none). */
  lineOf(path: Path): number {
    for (let n = path.length; n > 0; n--) {
      const parent: unknown =
        n === 1 ? this.doc.contents : this.doc.getIn(path.slice(0, n - 1), true);
      if (!isMap(parent)) continue;
      const pair = parent.items.find(
        (p) => isScalar(p.key) && String(p.key.value) === String(path[n - 1]),
      );
      if (pair !== undefined && isNode(pair.key) && pair.key.range) {
        return this.lc.linePos(pair.key.range[0]).line;
      }
    }
    return 1;
  }

  error(path: Path, reason: string): ConfigError {
    const directive = path.join(".");
    return new ConfigError({
      file: this.file,
      line: this.lineOf(path),
      directive,
      reason,
      text: directive,
    });
  }

  /** Whether `path` is written in the document (defaults are not re-emitted as directives). */
  has(path: Path): boolean {
    return this.doc.hasIn(path);
  }
}

function serverFrom(s: ConfigFileInput["server"]): ServerSettings {
  return {
    port: s.port,
    bind: s.bind,
    protectedMode: s["protected-mode"],
    dir: s.dir,
    logfile: s.logfile,
    loglevel: s.loglevel,
    logFormat: s["log-format"],
    logTimestampFormat: s["log-timestamp-format"],
    pidfile: s.pidfile,
    daemonize: s.daemonize,
    requirepass: s.requirepass,
    users: s.users,
    aclfile: s.aclfile,
    hz: s.hz,
    maxclients: s.maxclients,
    tls: s.tls,
    syslog: s.syslog,
    stateFile: s["state-file"],
    supervised: s.supervised,
    metricsPort: s["metrics-port"],
    metricsBind: s["metrics-bind"],
    metricsAuth: s["metrics-auth"],
    renameCommands: [],
  };
}

/** The `server.tls` entries checked like tls-* lines of a sentinel.conf (tls-settings.ts). */
function checkedTls(
  src: YamlSource,
  tls: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(tls)) {
    try {
      out[name] = checkTlsDirective(name, value);
    } catch (e) {
      if (e instanceof LineError) throw src.error(["server", "tls", name], e.reason);
      throw e;
    }
  }
  return out;
}

/**
 * `server.rename-command`, checked like top-level `rename-command` lines of a sentinel.conf in
 * the map's order (rename-command.ts); an error names the entry's own line.
 */
function checkedRenames(
  src: YamlSource,
  renames: Readonly<Record<string, string>>,
): (readonly [string, string])[] {
  const rename = renameCommandChecker();
  const out: (readonly [string, string])[] = [];
  // The document's order, not Object.entries' (which puts integer-like keys first).
  const node: unknown = src.doc.getIn(["server", "rename-command"], true);
  const order = isMap(node)
    ? node.items.map((p) => String(isScalar(p.key) ? p.key.value : ""))
    : [];
  for (const from of order) {
    const to = renames[from] ?? "";
    try {
      rename(from, to);
    } catch (e) {
      if (e instanceof LineError) throw src.error(["server", "rename-command", from], e.reason);
      throw e;
    }
    out.push([from, to]);
  }
  return out;
}

const MASTER_OPTIONS = [
  "down-after-milliseconds",
  "failover-timeout",
  "parallel-syncs",
  "master-reboot-down-after-period",
  "notification-script",
  "client-reconfig-script",
  "auth-pass",
  "auth-user",
  "fence-isolated-master",
] as const satisfies readonly (keyof MasterInput)[];

/** The `sentinel …` lines the YAML stands for; each line number points at its YAML node. */
function toDirectives(src: YamlSource, input: ConfigFileInput): Directive[] {
  const out: Directive[] = [];
  const add = (path: Path, args: readonly (string | number)[]): void => {
    const argv = ["sentinel", ...args.map(String)];
    out.push({
      file: src.file,
      line: src.lineOf(path),
      name: "sentinel",
      args: argv.slice(1),
      text: path.join("."),
    });
  };
  const g = input.sentinel;
  for (const key of Object.keys(g) as (keyof typeof g)[]) {
    const v = g[key];
    if (v === "" || !src.has(["sentinel", key])) continue;
    add(["sentinel", key], [key, typeof v === "boolean" ? (v ? "yes" : "no") : v]);
  }
  for (const [name, m] of Object.entries(input.masters)) {
    add(["masters", name], ["monitor", name, m.host, m.port, m.quorum]);
    for (const key of MASTER_OPTIONS) {
      if (m[key] === "" || !src.has(["masters", name, key])) continue;
      const v = m[key];
      add(["masters", name, key], [key, name, typeof v === "boolean" ? (v ? "yes" : "no") : v]);
    }
    for (const [from, to] of Object.entries(m["rename-command"])) {
      add(["masters", name, "rename-command", from], ["rename-command", name, from, to]);
    }
  }
  return out;
}

/** YAML text → settings and sentinel config. Throws ConfigError naming the YAML path and line. */
export function yamlToConfig(text: string, file: string, opts: ConfToConfigOptions): ConfResult {
  const src = new YamlSource(text, file);
  const syntax = src.doc.errors[0];
  if (syntax !== undefined) {
    const line = syntax.linePos?.[0].line ?? 1;
    throw new ConfigError({
      file,
      line,
      directive: "",
      reason: `YAML syntax error: ${syntax.message.split("\n")[0] ?? ""}`,
    });
  }
  const raw: unknown = src.doc.toJS() ?? {};
  if (!isMap(src.doc.contents) && src.doc.contents !== null) {
    throw src.error([], "the YAML document must be a mapping (server, sentinel, masters)");
  }
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    // Point an unknown key at itself rather than at its parent.
    if (issue.code === "unrecognized_keys" && issue.keys[0] !== undefined) path.push(issue.keys[0]);
    throw src.error(path, issue.message);
  }
  const base: ConfResult = {
    server: {
      ...serverFrom(parsed.data.server),
      tls: checkedTls(src, parsed.data.server.tls),
      renameCommands: checkedRenames(src, parsed.data.server["rename-command"]),
    },
    sentinel: freezeSentinel(emptySentinelBuilder()),
  };
  try {
    return confToConfig(toDirectives(src, parsed.data), opts, base);
  } catch (e) {
    if (e instanceof ConfigError) {
      throw new ConfigError({
        file,
        line: e.line,
        directive: e.text,
        reason: e.reason,
        text: e.text,
      });
    }
    throw e;
  }
}

export type { StateText } from "./state-file.js";

export interface YamlResult extends ConfResult {
  /** The masters the YAML itself defines (the state file records the removal of these). */
  readonly yamlMasters: readonly string[];
}

/**
 * A YAML config with the text of its state file (null: none yet), as loadConfig reads them
 * before the command-line overrides (state-file.ts: withState).
 */
export function yamlWithState(
  text: string,
  file: string,
  state: StateText | null,
  opts: ConfToConfigOptions,
): YamlResult {
  const fromYaml = yamlToConfig(text, file, opts);
  const yamlMasters = fromYaml.sentinel.masters.map((m) => m.name);
  return { ...withState(fromYaml, state, opts), yamlMasters };
}

export { REMOVED_SUBKEY, mergeState } from "./state-file.js";

// The round-trip harness: a SentinelCore driven the way the shell drives it (SENTINEL commands
// through the command layer, hellos through PUBLISH, the persist of every Ready written with the
// config rewriter), without sockets or files. check() rewrites the config from the running
// state, loads the text again (parser, loader, the core's restore) and returns the state a
// restarted sentinel would have; any difference with the running one is a failure.
import { posix } from "node:path";
import { coreReplyToReply, sentinelCommand } from "../../../../src/commands/sentinel.js";
import type { SentinelCommandEnv } from "../../../../src/commands/sentinel.js";
import { parseConf } from "../../../../src/config/conf-parser.js";
import { rewriteConf } from "../../../../src/config/conf-rewriter.js";
import { confToConfig } from "../../../../src/config/conf-to-config.js";
import { aclUserLines, loadUserLines } from "../../../../src/config/user-directive.js";
import type { ServerSettings } from "../../../../src/config/types.js";
import { withState } from "../../../../src/config/state-file.js";
import { yamlWithState } from "../../../../src/config/yaml-config.js";
import type { PersistedState, SentinelConfig } from "../../../../src/core/model/config.js";
import type { Input } from "../../../../src/core/model/inputs.js";
import type { Ready } from "../../../../src/core/model/ready.js";
import { SentinelCore } from "../../../../src/core/sentinel-core.js";
import type { Reply } from "../../../../src/protocol/reply.js";
import type { TestContext } from "../../commands/fake-context.js";
import { newContext, one } from "../../commands/fake-context.js";
import type { Draw } from "./values.js";

/** The process starts in CWD with `dir ./s1`, like the operator of issue 13. */
export const CWD = "/srv";
export const DIR = "/srv/s1";
export const FILE = "/srv/s1/sentinel.conf";

/** Scripts that exist and are executable (normalized absolute paths). */
const EXECUTABLE: ReadonlySet<string> = new Set(
  [
    "scripts/notify.sh",
    "../scripts/notify.sh",
    "/usr/local/bin/notify.sh",
    "my script.sh",
    "#hash.sh",
    'q"uote.sh',
    "日本.sh",
  ].map((p) => posix.resolve(DIR, p)),
);

/** access(X_OK) as the loader calls it (paths joined with the cwd and dir lines). */
function loaderExecutable(path: string): boolean {
  return EXECUTABLE.has(posix.normalize(path));
}

/** access(X_OK) at run time: the process has chdir()ed into DIR. */
function runtimeExecutable(path: string): boolean {
  return EXECUTABLE.has(posix.resolve(DIR, path));
}

/** Starting files: plain, and one written by hand (CRLF, odd case, comments, quotes). */
export const INITIAL_CONFIGS: readonly string[] = [
  [
    "# round-trip generator",
    "port 26379",
    "dir ./s1",
    "sentinel deny-scripts-reconfig no",
    "sentinel monitor mymaster 127.0.0.1 6379 2",
    'sentinel monitor "#m" 10.0.0.1 6380 1',
    "",
  ].join("\n"),
  [
    "  # a hand-written file  ",
    "PORT 26379",
    "",
    "",
    "Dir './s1'",
    "SENTINEL Deny-Scripts-Reconfig NO",
    "sentinel known-slave mymaster 10.0.0.9 6379",
    "sentinel monitor mymaster 127.0.0.1 6379 2",
    'sentinel auth-pass mymaster "p\\x41ss word"',
    "sentinel rename-command mymaster CONFIG 'my config'",
    "\tsentinel down-after-milliseconds mymaster 5000   ",
    "sentinel known-sentinel mymaster 10.0.0.8 26379 " + "d".repeat(40),
    "sentinel known-sentinel mymaster 10.0.0.7 26379",
    "loglevel notice",
    "METRICS-PORT 9121",
    "metrics-bind 127.0.0.1 '-::1'",
    "Metrics-Auth NO",
    "",
  ].join("\r\n"),
];

export interface Loaded {
  server: ServerSettings;
  readonly sentinel: SentinelConfig;
}

/** loadConfig without the file: parse, apply, resolve dir against CWD. */
export function loadText(text: string): Loaded {
  const r = confToConfig(parseConf(text, FILE), { isExecutable: loaderExecutable, cwd: CWD });
  return { server: { ...r.server, dir: posix.resolve(CWD, r.server.dir) }, sentinel: r.sentinel };
}

export const YAML_FILE = "/srv/vigil.yaml";

/** A YAML-configured Vigil: the YAML is never written, the state goes to `<yaml>.state`. */
export const YAML_CONFIG = [
  "server:",
  "  port: 26379",
  "  dir: ./s1",
  "  metrics-port: 9122",
  "  metrics-bind: [127.0.0.1, '::1']",
  "  metrics-auth: no",
  "sentinel:",
  "  deny-scripts-reconfig: no",
  "masters:",
  "  mymaster: { host: 127.0.0.1, port: 6379, quorum: 2 }",
  '  "#m": { host: 10.0.0.1, port: 6380, quorum: 1, auth-pass: "p w#" }',
  "",
].join("\n");

/**
 * The masters YAML_CONFIG and STATE_CONF define (LoadedConfig.yamlMasters): the state file
 * records the SENTINEL REMOVE of one (docs/COMPATIBILITY.md).
 */
export const YAML_MASTERS: readonly string[] = ["mymaster", "#m"];

/** loadConfig of YAML_CONFIG with `state` as its state file ("" = none yet). */
export function loadYamlState(state: string): Loaded {
  const r = yamlWithState(
    YAML_CONFIG,
    YAML_FILE,
    state === "" ? null : { text: state, file: `${YAML_FILE}.state` },
    { isExecutable: loaderExecutable, cwd: CWD },
  );
  return { server: { ...r.server, dir: posix.resolve(CWD, r.server.dir) }, sentinel: r.sentinel };
}

/** A sentinel.conf naming a `state-file` (a read-only config): it is never written either. */
export const STATE_CONF = `${INITIAL_CONFIGS[0]!}state-file s.state\n`;

/** loadConfig of STATE_CONF with `state` as its state file ("" = none yet). */
export function loadConfState(state: string): Loaded {
  const opts = { isExecutable: loaderExecutable, cwd: CWD };
  const r = withState(
    confToConfig(parseConf(STATE_CONF, FILE), opts),
    state === "" ? null : { text: state, file: `${DIR}/s.state` },
    opts,
  );
  return { server: { ...r.server, dir: posix.resolve(CWD, r.server.dir) }, sentinel: r.sentinel };
}

export class RoundTripFailure extends Error {}

/** The user the generator's ACL commands run as; never changed by a generated command. */
export const ADMIN = "rt-admin";

export class Harness {
  /** The file every save rewrites: the config, or the state file (YAML, `state-file`). */
  text: string;
  /** YAML-configured (a third of the seeds). */
  readonly yaml: boolean;
  /** A sentinel.conf with `state-file` (a sixth of the seeds): saves go to the state file. */
  readonly confState: boolean;
  server: ServerSettings;
  core: SentinelCore;
  /** The command layer's context: its ACL is the running one (ACL SETUSER, DELUSER). */
  readonly commands: TestContext;
  now = 1_000_000;
  /** The step being run, for the failure report. */
  doing = "";
  private requestId = 0;
  private readonly draw: Draw;

  constructor(draw: Draw) {
    this.draw = draw;
    this.yaml = draw.chance(1 / 3);
    this.confState = !this.yaml && draw.chance(1 / 4);
    const initial = this.yaml || this.confState ? "" : draw.pick(INITIAL_CONFIGS);
    const loaded = this.load(initial);
    this.server = loaded.server;
    this.text = initial;
    this.commands = newContext({ requirePass: loaded.server.requirepass });
    loadUserLines(this.commands.server.acl, loaded.server.users);
    // The generator's own client: the users it changes (default too) never lock it out.
    this.commands.server.acl.setUser(ADMIN, ["on", "nopass", "~*", "&*", "+@all"]);
    this.commands.client.user = ADMIN;
    this.core = this.newCore(loaded.sentinel);
    this.drain();
    this.server = this.load(this.text).server;
  }

  private load(text: string): Loaded {
    if (this.confState) return loadConfState(text);
    return this.yaml ? loadYamlState(text) : loadText(text);
  }

  /** The new text of the saved file (ConfigStore: a YAML's state file has no server lines). */
  private write(server: ServerSettings, state: PersistedState): string {
    if (this.confState) return rewriteConf(this.text, null, state, server.users, YAML_MASTERS);
    return this.yaml
      ? rewriteConf(this.text, null, state, server.users, YAML_MASTERS)
      : rewriteConf(this.text, server, state);
  }

  /** The server settings a save writes: users and loglevel as they are now (ConfigStore). */
  private saved(): ServerSettings {
    return {
      ...this.server,
      users: aclUserLines(this.commands.server.acl),
      // SENTINEL CONFIG SET loglevel changes the running level; the state holds it.
      loglevel: this.core.state.global.logLevel,
    };
  }

  /** Any other command (ACL …), through the command table; its reply. */
  command(args: readonly string[]): Reply {
    return one(this.commands.run(...args));
  }

  private newCore(config: SentinelConfig): SentinelCore {
    const draw = this.draw;
    return new SentinelCore(config, {
      random: { int: (n: number) => draw.int(n) },
      now: this.now,
      port: this.server.port,
    });
  }

  /** What the shell does with a Ready that matters here: persist it. */
  private drain(): Ready {
    const ready = this.core.takeReady();
    if (ready.persist !== null) this.text = this.write(this.saved(), ready.persist);
    return ready;
  }

  private step(input: Input): Ready {
    this.core.step(this.now, input);
    return this.drain();
  }

  /** SENTINEL <args…> as the shell runs it; the reply the client gets. */
  sentinel(args: readonly string[]): Reply {
    const env: SentinelCommandEnv = {
      now: this.now,
      state: this.core.state,
      protocol: 2,
      isExecutable: runtimeExecutable,
      pendingScripts: [],
    };
    const outcome = sentinelCommand(args, env);
    if (outcome.kind === "reply") return outcome.reply;
    const requestId = ++this.requestId;
    const input: Input =
      outcome.input.type === "admin"
        ? { type: "admin", requestId, op: outcome.input.op }
        : { ...outcome.input, requestId };
    const ready = this.step(input);
    if (outcome.overrideReply !== undefined) return outcome.overrideReply;
    const reply = ready.replies.find((r) => r.requestId === requestId);
    if (reply === undefined) throw new RoundTripFailure(`no reply to SENTINEL ${args.join(" ")}`);
    return coreReplyToReply(reply);
  }

  /** PUBLISH __sentinel__:hello <payload> to this sentinel. */
  hello(payload: string): void {
    this.step({ type: "hello-received", via: null, payload });
  }

  tick(ms: number): void {
    this.now += ms;
    this.step({ type: "tick", wallNow: this.now + 1_700_000_000_000 });
  }

  /**
   * Rewrites the file from the running state (FLUSHCONFIG), loads it as a restart would, and
   * requires the restarted state to equal the running one. Returns the restarted state.
   */
  check(): PersistedState {
    const running = this.core.snapshot();
    const server = this.saved();
    this.text = this.write(server, running);
    let loaded: Loaded;
    try {
      loaded = this.load(this.text);
    } catch (e) {
      throw new RoundTripFailure(
        `the rewritten config does not load: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    const serverDiff = firstDiff(loaded.server, server, "server");
    if (serverDiff !== null) throw new RoundTripFailure(`server settings differ: ${serverDiff}`);
    const acl = newContext({ requirePass: loaded.server.requirepass }).server.acl;
    loadUserLines(acl, loaded.server.users);
    const list = (a: typeof acl): string[] => a.userNames().map((n) => a.describe(a.getUser(n)!));
    const aclDiff = firstDiff(list(acl), list(this.commands.server.acl), "ACL LIST");
    if (aclDiff !== null) throw new RoundTripFailure(`restarted ACL differs: ${aclDiff}`);
    const restarted = this.newCore(loaded.sentinel).snapshot();
    const diff = firstDiff(restarted, onLoad(running), "state");
    if (diff !== null) throw new RoundTripFailure(`restarted state differs: ${diff}`);
    // The restarted sentinel's first flush writes the same file (but for the raised epoch).
    const again = this.write(loaded.server, restarted);
    if (again !== this.write(server, onLoad(running))) {
      throw new RoundTripFailure(`a second rewrite changes the file:\n${again}`);
    }
    return restarted;
  }
}

/**
 * What a load makes of a state, as Redis's loader does too: current-epoch is raised to every
 * master's config-epoch (sentinel.c: sentinelHandleConfiguration, config-epoch).
 */
function onLoad(state: PersistedState): PersistedState {
  let epoch = state.currentEpoch;
  for (const m of state.masters) if (m.configEpoch > epoch) epoch = m.configEpoch;
  return { ...state, currentEpoch: epoch };
}

function show(v: unknown): string {
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "string") return JSON.stringify(v);
  return String(v);
}

/** The first path where a and b differ (restarted = a, running = b), or null. */
export function firstDiff(a: unknown, b: unknown, path: string): string | null {
  if (Object.is(a, b)) return null;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return `${path}: restarted ${show(a)}, running ${show(b)}`;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDiff(
      (a as Record<string, unknown>)[k],
      (b as Record<string, unknown>)[k],
      `${path}.${k}`,
    );
    if (d !== null) return d;
  }
  return null;
}

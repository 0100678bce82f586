/**
 * The `sentinel <subcommand> …` config lines (sentinel.c: sentinelHandleConfiguration), applied in
 * Redis's three passes (docs/PROTOCOL.md §10.1): globals first, then every `monitor`, then the rest, so options of a
 * master may come before its `monitor` line. Reasons are Redis's texts; where Redis silently takes
 * atoi() of garbage, Vigil refuses it with the nearest Redis text.
 */
import type { Addr, Epoch } from "../core/index.js";
import { addrEquals, defaultMasterSettings, isIpLiteral, parseEpochText } from "../core/index.js";
import { LineError } from "../errors.js";
import type { Directive } from "./conf-parser.js";
import {
  REASONS,
  instancePortRule,
  intText,
  listenPortRule,
  masterNameRule,
  myIdRule,
  nonNegativeTimeRule,
  parallelSyncsRule,
  positiveTimeRule,
  quorumRule,
  type Rule,
} from "./field-rules.js";
import type { MasterBuilder, SentinelBuilder } from "./sentinel-builder.js";

/** A `sentinel` line: sub lowercased, args after it. */
export interface SentinelLine {
  readonly directive: Directive;
  readonly sub: string;
  readonly args: readonly string[];
}

export interface SentinelApplyOptions {
  /** access(path, X_OK) — I/O, so injected. */
  readonly isExecutable: (path: string) => boolean;
}

const UNRECOGNIZED = "Unrecognized sentinel configuration statement.";
const NO_SUCH_MASTER = "No such master with specified name.";
const CANT_RESOLVE = "Can't resolve instance hostname.";

/** sentinel.c: preMonitorCfgName. */
const PRE_MONITOR: ReadonlySet<string> = new Set([
  "announce-ip",
  "announce-port",
  "deny-scripts-reconfig",
  "sentinel-user",
  "sentinel-pass",
  "current-epoch",
  "myid",
  "resolve-hostnames",
  "announce-hostnames",
]);

/** Accepted argument counts (after the subcommand); anything else is UNRECOGNIZED. */
const ARITY: Readonly<Record<string, readonly number[]>> = {
  monitor: [4],
  "down-after-milliseconds": [2],
  "fence-isolated-master": [2],
  "failover-timeout": [2],
  "parallel-syncs": [2],
  "notification-script": [2],
  "client-reconfig-script": [2],
  "auth-pass": [2],
  "auth-user": [2],
  "current-epoch": [1],
  myid: [1],
  "config-epoch": [2],
  "leader-epoch": [2],
  "known-slave": [3],
  "known-replica": [3],
  "known-sentinel": [3, 4],
  "rename-command": [3],
  "announce-ip": [1],
  "announce-port": [1],
  "deny-scripts-reconfig": [1],
  "sentinel-user": [1],
  "sentinel-pass": [1],
  "resolve-hostnames": [1],
  "announce-hostnames": [1],
  "master-reboot-down-after-period": [2],
};

/** Valkey 8's names for 7.0 subcommands, read as the 7.0 name (the rewrite writes that one). */
const ALIASES: Readonly<Record<string, string>> = {
  "primary-reboot-down-after-period": "master-reboot-down-after-period",
};

export function passOf(sub: string): 0 | 1 | 2 {
  if (PRE_MONITOR.has(sub)) return 0;
  return sub === "monitor" ? 1 : 2;
}

function check<T>(rule: Rule<T>, value: T): void {
  const reason = rule(value);
  if (reason !== null) throw new LineError(reason);
}

/** Integer from text; `garbage` is the reason when it is not an integer at all. */
function int(text: string, garbage: string): number {
  const n = intText(text);
  if (n === null) throw new LineError(garbage);
  return n;
}

/** An epoch, exact: a decimal integer within [0, 2^63-1] (core/basics/epoch.ts). */
function epoch(text: string): Epoch {
  const e = parseEpochText(text);
  if (e === null) throw new LineError(REASONS.notInteger);
  return e;
}

function yesNo(text: string, reason: string): boolean {
  const v = text.toLowerCase();
  if (v !== "yes" && v !== "no") throw new LineError(reason);
  return v === "yes";
}

function master(b: SentinelBuilder, name: string): MasterBuilder {
  const m = b.masters.get(name);
  if (m === undefined) throw new LineError(NO_SUCH_MASTER);
  return m;
}

function hostAddr(b: SentinelBuilder, host: string, portText: string): Addr {
  if (host === "" || (!b.global.resolveHostnames && !isIpLiteral(host))) {
    throw new LineError(CANT_RESOLVE);
  }
  const port = int(portText, REASONS.port);
  check(instancePortRule, port);
  return { ip: host, port };
}

function applyGlobal(b: SentinelBuilder, sub: string, v: string): void {
  switch (sub) {
    case "announce-ip":
      if (v !== "") b.global.announceIp = v;
      return;
    case "announce-port": {
      const port = int(v, REASONS.notInteger);
      check(listenPortRule, port);
      b.global.announcePort = port;
      return;
    }
    case "deny-scripts-reconfig":
      // Redis's text really says "options" here.
      b.global.denyScriptsReconfig = yesNo(
        v,
        "Please specify yes or no for the deny-scripts-reconfig options.",
      );
      return;
    case "resolve-hostnames":
    case "announce-hostnames": {
      const on = yesNo(v, `Please specify yes or no for the ${sub} option.`);
      if (sub === "resolve-hostnames") b.global.resolveHostnames = on;
      else b.global.announceHostnames = on;
      return;
    }
    case "sentinel-user":
      if (v !== "") b.global.sentinelUser = v;
      return;
    case "sentinel-pass":
      if (v !== "") b.global.sentinelPass = v;
      return;
    case "current-epoch": {
      const e = epoch(v);
      if (e > b.currentEpoch) b.currentEpoch = e;
      return;
    }
    case "myid":
      check(myIdRule, v);
      b.myId = v;
      return;
    default:
      throw new LineError(UNRECOGNIZED);
  }
}

function applyMonitor(b: SentinelBuilder, args: readonly string[]): void {
  const [name, host, portText, quorumText] = args as [string, string, string, string];
  const quorum = int(quorumText, REASONS.quorum);
  check(quorumRule, quorum);
  check(masterNameRule, name);
  if (b.masters.has(name)) throw new LineError("Duplicate master name.");
  const addr = hostAddr(b, host, portText);
  b.masters.set(name, {
    name,
    addr,
    settings: { ...defaultMasterSettings(quorum) },
    renamed: new Map(),
    configEpoch: 0n,
    leaderEpoch: 0n,
    knownReplicas: [],
    knownSentinels: [],
  });
}

function applyTime(m: MasterBuilder, sub: string, v: string): void {
  if (sub === "master-reboot-down-after-period") {
    const t = int(v, REASONS.notInteger);
    check(nonNegativeTimeRule, t);
    m.settings.masterRebootDownAfterPeriod = t;
    return;
  }
  // Redis uses atoi(): garbage reads as 0, hence "negative or zero".
  const t = int(v, REASONS.positiveTime);
  check(positiveTimeRule, t);
  if (sub === "down-after-milliseconds") m.settings.downAfterPeriod = t;
  else m.settings.failoverTimeout = t;
}

function applyKnown(
  b: SentinelBuilder,
  m: MasterBuilder,
  sub: string,
  args: readonly string[],
): void {
  const addr = hostAddr(b, args[1]!, args[2]!);
  if (sub === "known-sentinel") {
    const runId = args[3]!;
    if (m.knownSentinels.some((s) => s.runId === runId)) {
      throw new LineError("Duplicate runid for sentinel.");
    }
    m.knownSentinels.push({ addr, runId });
    return;
  }
  if (m.knownReplicas.some((r) => addrEquals(r, addr))) {
    throw new LineError("Duplicate hostname and port for replica.");
  }
  m.knownReplicas.push(addr);
}

function applyScript(
  m: MasterBuilder,
  sub: string,
  path: string,
  opts: SentinelApplyOptions,
): void {
  // access("") fails (ENOENT) in sentinel.c; resolved against `dir` it would name that directory.
  if (path === "" || !opts.isExecutable(path)) {
    throw new LineError(
      sub === "notification-script"
        ? "Notification script seems non existing or non executable."
        : "Client reconfiguration script seems non existing or non executable.",
    );
  }
  if (sub === "notification-script") m.settings.notificationScript = path;
  else m.settings.clientReconfigScript = path;
}

function applyMasterOption(
  b: SentinelBuilder,
  line: SentinelLine,
  opts: SentinelApplyOptions,
): void {
  const { sub, args } = line;
  // sentinel.c ignores the old 3-argument known-sentinel form without looking at the master.
  if (sub === "known-sentinel" && args.length === 3) return;
  const m = master(b, args[0]!);
  const v = args[1]!;
  switch (sub) {
    case "down-after-milliseconds":
    case "failover-timeout":
    case "master-reboot-down-after-period":
      applyTime(m, sub, v);
      return;
    case "parallel-syncs": {
      const n = int(v, REASONS.notInteger);
      check(parallelSyncsRule, n);
      m.settings.parallelSyncs = n;
      return;
    }
    case "notification-script":
    case "client-reconfig-script":
      applyScript(m, sub, v, opts);
      return;
    case "auth-pass":
      m.settings.authPass = v;
      return;
    case "auth-user":
      m.settings.authUser = v;
      return;
    case "fence-isolated-master":
      m.settings.fenceIsolatedMaster = yesNo(v, REASONS.yesNo);
      return;
    case "config-epoch":
    case "leader-epoch": {
      const e = epoch(v);
      if (sub === "leader-epoch") m.leaderEpoch = e;
      else {
        m.configEpoch = e;
        if (e > b.currentEpoch) b.currentEpoch = e;
      }
      return;
    }
    case "known-slave":
    case "known-replica":
    case "known-sentinel":
      applyKnown(b, m, sub, args);
      return;
    case "rename-command": {
      const key = v.toLowerCase();
      if (m.renamed.has(key)) {
        throw new LineError("Same command renamed multiple times with rename-command.");
      }
      m.renamed.set(key, [v, args[2]!]);
      return;
    }
    default:
      throw new LineError(UNRECOGNIZED);
  }
}

/** Applies one `sentinel` line; throws LineError with Redis's reason. */
export function applySentinelLine(
  b: SentinelBuilder,
  written: SentinelLine,
  opts: SentinelApplyOptions,
): void {
  const alias = ALIASES[written.sub];
  const line = alias === undefined ? written : { ...written, sub: alias };
  const arity = ARITY[line.sub];
  if (!arity?.includes(line.args.length)) throw new LineError(UNRECOGNIZED);
  if (PRE_MONITOR.has(line.sub)) applyGlobal(b, line.sub, line.args[0]!);
  else if (line.sub === "monitor") applyMonitor(b, line.args);
  else applyMasterOption(b, line, opts);
}

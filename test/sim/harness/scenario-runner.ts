/**
 * Runs the commands of a scenario file (test/sim/scenarios/README.md lists them) on a SimCluster
 * and returns what each prints. Actions (faults, time) print nothing; observations print events or
 * state; `run-until` prints `ok` or why its condition did not hold in time. The checker still runs
 * after every step, so a safety violation throws out of any command.
 */
import { addrEquals } from "../../../src/core/basics/addr.js";
import type { AdminOp } from "../../../src/core/model/inputs.js";
import type { AdminResult } from "../../../src/core/model/ready.js";
import { isSentinelEventType } from "../../../src/core/model/events.js";
import type { PathConfig } from "./fake-network.js";
import { CommandArgs, ScenarioError, formatDuration, parseDuration } from "./scenario-args.js";
import type { CoreFactory } from "./sim-sentinel.js";
import { SimCluster } from "./sim-cluster.js";
import type { Topology } from "./sim-cluster.js";
import type { EventFilter } from "./scenario-views.js";
import {
  diskText,
  eventsText,
  masterAddrText,
  matches,
  nameOf,
  rolesText,
  stateText,
  topologyText,
} from "./scenario-views.js";

/** How often run-until looks at its condition (virtual ms). */
const POLL = 100;

export class ScenarioRunner {
  private sim: SimCluster | null = null;
  /** Index in the cluster's events of the first event the next `events` prints. */
  private cursor = 0;

  private readonly factory: CoreFactory;

  constructor(factory: CoreFactory) {
    this.factory = factory;
  }

  get cluster(): SimCluster {
    if (this.sim === null) throw new ScenarioError("no deployment yet: start with deploy");
    return this.sim;
  }

  /** The last `n` trace lines (for a failure message), none before the deployment. */
  traceTail(n: number): string[] {
    return this.sim === null ? [] : this.sim.trace.tail(n);
  }

  exec(line: string): string {
    const args = new CommandArgs(line);
    const out = this.dispatch(args);
    args.checkOptions();
    return out;
  }

  private dispatch(a: CommandArgs): string {
    const c = (): SimCluster => this.cluster;
    switch (a.name) {
      case "deploy":
        return this.deploy(a);
      case "run":
        c().run(this.durationWord(a));
        return "";
      case "run-until":
        return this.runUntil(a);
      case "kill":
      case "restart":
      case "pause":
      case "resume": {
        const op = a.name;
        for (const node of a.expectWords("some", "node names")) c()[op](node);
        return "";
      }
      case "isolate":
        c().isolate(a.expectWords(1, "one node name")[0] ?? "");
        return "";
      case "partition":
        return this.partition(a);
      case "one-way":
        return this.oneWay(a);
      case "heal":
        a.expectWords(0, "no argument");
        c().heal();
        return "";
      case "degrade":
        return this.degrade(a);
      case "restore-paths":
        c().restorePaths();
        return "";
      case "flap":
        return this.flap(a);
      case "clock-jump": {
        const [sentinel] = a.expectWords(2, "a sentinel and a duration");
        c().clockJump(sentinel ?? "", this.durationWord(a, 1));
        return "";
      }
      case "crash-after-persist":
        return this.crashAfterPersist(a);
      case "crash-before-persist":
        return this.crashBeforePersist(a);
      case "sentinel":
        return this.sentinelCommand(a);
      case "events":
        return this.events(a);
      case "master-addr":
        return masterAddrText(c(), this.masters(a));
      case "roles":
        return rolesText(c(), this.masters(a));
      case "state":
        return stateText(c(), a.expectWords(1, "one sentinel")[0] ?? "");
      case "disk":
        return diskText(c(), a.expectWords(1, "one sentinel")[0] ?? "");
      default:
        throw new ScenarioError(`unknown command ${a.name}`);
    }
  }

  private durationWord(a: CommandArgs, index = 0): number {
    const word = a.words[index];
    if (word === undefined) throw new ScenarioError(`${a.name}: expected a duration (10s, 500ms)`);
    return parseDuration(word);
  }

  private masters(a: CommandArgs): readonly string[] {
    return a.words.length > 0 ? a.words : this.cluster.masterNames;
  }

  private deploy(a: CommandArgs): string {
    if (this.sim !== null) throw new ScenarioError("deploy: only one deployment per file");
    const priorities = a.option("priorities");
    const num = (key: string): number | undefined =>
      a.option(key) === undefined ? undefined : a.int(key);
    const ms = (key: string): number | undefined =>
      a.option(key) === undefined ? undefined : a.duration(key);
    const fields: Record<string, number | undefined> = {
      quorum: num("quorum"),
      downAfter: ms("down-after"),
      failoverTimeout: ms("failover-timeout"),
      parallelSyncs: num("parallel-syncs"),
      loadingTime: ms("loading-time"),
    };
    const topology: Topology = {
      sentinels: a.int("sentinels"),
      masters: a.int("masters", 1),
      replicas: a.int("replicas"),
      ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
      ...(priorities === undefined
        ? {}
        : { priorities: priorities.split("/").map((g) => g.split(",").map(Number)) }),
      ...(a.words.includes("preseed") ? { preseed: true } : {}),
    };
    for (const w of a.words)
      if (w !== "preseed") throw new ScenarioError(`deploy: unknown flag ${w}`);
    this.sim = new SimCluster({ seed: a.int("seed", 1), topology, factory: this.factory });
    this.sim.start();
    return topologyText(this.sim);
  }

  private partition(a: CommandArgs): string {
    const words = a.expectWords("some", "node names");
    const bar = words.indexOf("|");
    if (bar < 0) this.cluster.partition(words);
    else this.cluster.partition(words.slice(0, bar), words.slice(bar + 1));
    return "";
  }

  private oneWay(a: CommandArgs): string {
    const words = a.expectWords("some", "<from...> -> <to...>");
    const arrow = words.indexOf("->");
    if (arrow <= 0 || arrow === words.length - 1)
      throw new ScenarioError("one-way: expected <from...> -> <to...>");
    this.cluster.oneWay(words.slice(0, arrow), words.slice(arrow + 1));
    return "";
  }

  private degrade(a: CommandArgs): string {
    const [x, y] = a.expectWords(2, "two node names");
    const config: Partial<Record<keyof PathConfig, number>> = {};
    const minDelay = a.option("min-delay");
    const maxDelay = a.option("max-delay");
    if (minDelay !== undefined) config.minDelay = a.duration("min-delay");
    if (maxDelay !== undefined) config.maxDelay = a.duration("max-delay");
    for (const key of ["loss", "duplicate", "reorder"] as const) {
      const v = a.fraction(key);
      if (v !== undefined) config[key] = v;
    }
    this.cluster.degrade(x ?? "", y ?? "", config);
    return "";
  }

  /** Isolates a node for `down`, reconnects it for `up`, `times` times. */
  private flap(a: CommandArgs): string {
    const [node] = a.expectWords(1, "one node name");
    const down = a.duration("down");
    const up = a.duration("up");
    for (let i = a.int("times"); i > 0; i--) {
      const undo = this.cluster.isolate(node ?? "");
      this.cluster.run(down);
      undo();
      this.cluster.run(up);
    }
    return "";
  }

  /** Arms a one-shot crash of a sentinel right after it persists a step emitting `event`. */
  private crashAfterPersist(a: CommandArgs): string {
    const [name] = a.expectWords(1, "one sentinel");
    const type = a.option("event");
    if (type === undefined || !isSentinelEventType(type))
      throw new ScenarioError(`crash-after-persist: event= must name a sentinel event`);
    const s = this.cluster.sentinel(name ?? "");
    s.crashAfterPersistWhen = (ready) => {
      if (!ready.events.some((e) => e.type === type)) return false;
      s.crashAfterPersistWhen = null;
      return true;
    };
    return "";
  }

  /**
   * Arms a one-shot crash of a sentinel about to persist a step emitting `event`: its vote
   * requests leave (core/model/ready.ts: commandsBeforePersist), and `after` later (default at once)
   * it dies with its disk not written.
   */
  private crashBeforePersist(a: CommandArgs): string {
    const [name] = a.expectWords(1, "one sentinel");
    const type = a.option("event");
    if (type === undefined || !isSentinelEventType(type))
      throw new ScenarioError(`crash-before-persist: event= must name a sentinel event`);
    const s = this.cluster.sentinel(name ?? "");
    s.crashBeforePersistMs = a.duration("after", 0);
    s.crashBeforePersistWhen = (ready) => {
      if (!ready.events.some((e) => e.type === type)) return false;
      s.crashBeforePersistWhen = null;
      return true;
    };
    return "";
  }

  private sentinelCommand(a: CommandArgs): string {
    const [name, sub, ...rest] = a.expectWords("some", "a sentinel and a SENTINEL subcommand");
    const op = adminOp(sub ?? "", rest);
    const result = this.cluster.admin(name ?? "", op);
    return result === null ? "(no reply: process down or paused)" : replyText(result);
  }

  private events(a: CommandArgs): string {
    const types = a.list("type");
    for (const t of types ?? [])
      if (!isSentinelEventType(t)) throw new ScenarioError(`events: unknown event type ${t}`);
    const filter: EventFilter = {
      sentinels: a.list("sentinel"),
      types,
      masters: a.list("master"),
    };
    a.expectWords(0, "only options (sentinel=, type=, master=)");
    const text = eventsText(this.cluster, this.cursor, filter);
    this.cursor = this.cluster.events.length;
    return text;
  }

  private runUntil(a: CommandArgs): string {
    const c = this.cluster;
    const within = a.duration("within");
    const [first, ...rest] = a.expectWords("some", "a condition");
    const what = first ?? "";
    const start = c.events.length;
    let check: () => string | null;
    switch (what) {
      case "converged":
        if (rest.length > 0) throw new ScenarioError("run-until converged: takes no argument");
        check = () => c.convergedAll();
        break;
      case "switched":
        check = () => switchedReason(c, rest.length > 0 ? rest : c.masterNames);
        break;
      case "event": {
        const filter: EventFilter = { types: rest, sentinels: a.list("sentinel") };
        if (rest.length !== 1 || !isSentinelEventType(rest[0] ?? ""))
          throw new ScenarioError("run-until event: expected one event type");
        check = () =>
          c.events.slice(start).some((e) => matches(e, filter)) ? null : `no ${rest[0]} yet`;
        break;
      }
      case "down":
        if (rest.length === 0) throw new ScenarioError("run-until down: expected sentinel names");
        check = () => {
          const up = rest.filter((n) => c.sentinel(n).up);
          return up.length === 0 ? null : `still up: ${up.join(" ")}`;
        };
        break;
      default:
        throw new ScenarioError(`run-until: unknown condition ${what}`);
    }
    let reason: string | null = null;
    const ok = c.runUntilTrue(() => (reason = check()) === null, within, POLL);
    return ok ? "ok" : `not within ${formatDuration(within)}: ${reason ?? ""}`;
  }
}

/** null when every live sentinel reports a master other than the deployment's first one. */
function switchedReason(c: SimCluster, masters: readonly string[]): string | null {
  for (const master of masters) {
    const first = c.group(master)[0];
    for (const s of c.sentinels) {
      if (!s.up || s.state === null || first === undefined) continue;
      const m = s.state.masters.get(master);
      if (m === undefined) return `${s.name} does not monitor ${master}`;
      if (addrEquals(m.addr, first.addr))
        return `${s.name} still reports ${nameOf(c, m.addr)} for ${master}`;
    }
  }
  return null;
}

function adminOp(sub: string, rest: readonly string[]): AdminOp {
  const word = (i: number): string => {
    const w = rest[i];
    if (w === undefined) throw new ScenarioError(`sentinel ${sub}: missing argument ${i + 1}`);
    return w;
  };
  switch (sub.toLowerCase()) {
    case "failover":
      return { op: "failover", name: word(0) };
    case "reset":
      return { op: "reset", pattern: word(0) };
    case "remove":
      return { op: "remove", name: word(0) };
    case "flushconfig":
      return { op: "flushconfig" };
    case "set": {
      const pairs: string[][] = [];
      for (let i = 1; i < rest.length; i += 2) pairs.push([word(i), word(i + 1)]);
      return { op: "set", name: word(0), pairs };
    }
    default:
      throw new ScenarioError(`sentinel: unsupported subcommand ${sub}`);
  }
}

function replyText(result: AdminResult): string {
  switch (result.kind) {
    case "ok":
      return "OK";
    case "integer":
      return `(integer) ${result.value}`;
    case "error":
      return `(error) ${result.message}`;
  }
}

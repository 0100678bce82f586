/**
 * A simulated deployment: N sentinels monitoring M masters with R replicas each, on one virtual
 * clock and one fake network, with the checker watching every step and the trace recording every
 * event. Naming: master groups are `mymaster` (M = 1) or `m1…mM`; Redis nodes `r<g>.<i>` (i = 0 is
 * the initial master) at 10.0.<g>.<i+1>:6379; sentinels `s<k>` at 10.0.0.<k>:26379.
 *
 * The fault API (kill, restart, pause, resume, isolate, partition, oneWay, heal, clockJump,
 * path faults) records a `!` line in the trace for every fault, so traces explain themselves.
 */
import type { Addr } from "../../../src/core/basics/addr.js";
import { addrKey } from "../../../src/core/basics/addr.js";
import type {
  KnownSentinel,
  MasterConfig,
  SentinelConfig,
} from "../../../src/core/model/config.js";
import { DEFAULT_GLOBAL_SETTINGS, defaultMasterSettings } from "../../../src/core/model/config.js";
import type { Input } from "../../../src/core/model/inputs.js";
import type { AdminOp } from "../../../src/core/model/inputs.js";
import type { AdminResult, Ready } from "../../../src/core/model/ready.js";
import type { Timing } from "../../../src/core/model/timing.js";
import { Checker, convergence } from "./checker.js";
import { ConvertWatch } from "./convert-watch.js";
import { FenceWatch } from "./fence-watch.js";
import type { ServerEnd } from "./connection.js";
import type { PathConfig } from "./fake-network.js";
import { FakeNetwork, LAN_PATH } from "./fake-network.js";
import { FakeRedis } from "./fake-redis.js";
import { Prng } from "./prng.js";
import type { CoreFactory, SentVote, SimObserver } from "./sim-sentinel.js";
import { SimSentinel } from "./sim-sentinel.js";
import { Trace } from "./trace.js";
import type { TraceOptions } from "./trace.js";
import { VirtualClock } from "./virtual-clock.js";

export interface Topology {
  readonly sentinels: number;
  readonly masters: number;
  /** Replicas per master (one number for all, or one per master). */
  readonly replicas: number | readonly number[];
  /** Default: majority of the sentinels. */
  readonly quorum?: number;
  readonly downAfter?: number;
  readonly failoverTimeout?: number;
  readonly parallelSyncs?: number;
  /** replica-priority per master group, per replica (index 0 = first replica). */
  readonly priorities?: readonly (readonly number[])[];
  /** Start with ids, known-sentinel and known-replica lines already in every config file. */
  readonly preseed?: boolean;
  readonly timing?: Partial<Timing>;
  readonly path?: PathConfig;
  /** How long a restarted Redis answers -LOADING. */
  readonly loadingTime?: number;
  /** `sentinel fence-isolated-master <name> yes` on every master, watched by FenceWatch. */
  readonly fence?: boolean;
}

export interface ClusterOptions {
  readonly seed: number;
  readonly topology: Topology;
  readonly factory: CoreFactory;
  readonly trace?: Partial<TraceOptions>;
  /** Run the safety checker after every step (default true). */
  readonly check?: boolean;
  /** Checker strict mode: fail on the mixed-epoch tally quirk too (see CheckerOptions). */
  readonly strict?: boolean;
}

export interface RecordedEvent {
  readonly time: number;
  readonly sentinel: string;
  readonly type: string;
  readonly text: string;
  readonly master: string | null;
  readonly level: string;
}

export class SimCluster implements SimObserver {
  readonly clock = new VirtualClock();
  readonly random: Prng;
  readonly network: FakeNetwork;
  readonly trace: Trace;
  readonly checker: Checker | null;
  /** The self-fencing invariant, with `fence` in the topology (and the checker on). */
  readonly fenceWatch: FenceWatch | null;
  /** The returning-master invariant (with the checker on). */
  readonly convertWatch: ConvertWatch | null;
  readonly sentinels: SimSentinel[] = [];
  readonly redis: FakeRedis[] = [];
  readonly groups = new Map<string, FakeRedis[]>();
  readonly masterNames: string[] = [];
  readonly events: RecordedEvent[] = [];
  readonly topology: Topology;
  private readonly servers = new Map<string, ServerEnd>();
  private readonly byName = new Map<string, SimSentinel | FakeRedis>();
  private readonly aliased = new Set<string>();

  constructor(options: ClusterOptions) {
    this.topology = options.topology;
    this.random = new Prng(options.seed);
    this.network = new FakeNetwork(this.clock, this.random.fork("network"));
    this.network.setDefaultPath(options.topology.path ?? LAN_PATH);
    this.trace = new Trace(options.trace);
    this.checker =
      options.check === false ? null : new Checker({ strict: options.strict ?? false });
    if (this.checker !== null) this.checker.now = () => this.clock.now();
    this.buildRedis();
    this.buildSentinels(options.factory);
    this.fenceWatch =
      this.topology.fence === true && this.checker !== null
        ? new FenceWatch(this.sentinels, this.network, this.topology.downAfter ?? 5000)
        : null;
    this.convertWatch = this.checker !== null ? new ConvertWatch(this.groups) : null;
  }

  // ---- topology ----

  private buildRedis(): void {
    const t = this.topology;
    const env = {
      clock: this.clock,
      network: this.network,
      lookup: (addr: Addr) => {
        const server = this.servers.get(addrKey(addr));
        return server instanceof FakeRedis ? server : null;
      },
      note: (node: FakeRedis, text: string) => {
        this.trace.record(this.clock.now(), node.name, `! ${text}`);
      },
    };
    for (let g = 1; g <= t.masters; g++) {
      const name = t.masters === 1 ? "mymaster" : `m${g}`;
      this.masterNames.push(name);
      const count = typeof t.replicas === "number" ? t.replicas : (t.replicas[g - 1] ?? 0);
      const group: FakeRedis[] = [];
      const masterAddr: Addr = { ip: `10.0.${g}.1`, port: 6379 };
      for (let i = 0; i <= count; i++) {
        const nodeName = `r${g}.${i}`;
        const node = new FakeRedis(
          { ...env, random: this.random.fork(`redis/${nodeName}`) },
          {
            name: nodeName,
            host: `10.0.${g}.${i + 1}`,
            port: 6379,
            replicaOf: i === 0 ? null : masterAddr,
            priority: i === 0 ? 100 : (t.priorities?.[g - 1]?.[i - 1] ?? 100),
            loadingTime: t.loadingTime ?? 0,
          },
        );
        node.peers = () => this.redis;
        group.push(node);
        this.redis.push(node);
        this.servers.set(addrKey(node.addr), node);
        this.byName.set(nodeName, node);
      }
      this.groups.set(name, group);
    }
  }

  private buildSentinels(factory: CoreFactory): void {
    const t = this.topology;
    const quorum = t.quorum ?? Math.floor(t.sentinels / 2) + 1;
    const idRandom = this.random.fork("preseed-ids");
    const ids = Array.from({ length: t.sentinels }, () =>
      t.preseed === true ? idRandom.hexId() : "",
    );
    const hosts = Array.from({ length: t.sentinels }, (_, k) => `10.0.0.${k + 1}`);
    for (let k = 0; k < t.sentinels; k++) {
      const masters: MasterConfig[] = this.masterNames.map((name) => {
        const group = this.groups.get(name) ?? [];
        const known: KnownSentinel[] =
          t.preseed === true
            ? ids.flatMap((id, j) =>
                j === k ? [] : [{ addr: { ip: hosts[j] ?? "", port: 26379 }, runId: id }],
              )
            : [];
        return {
          name,
          addr: group[0]?.addr ?? { ip: "0.0.0.0", port: 0 },
          settings: {
            ...defaultMasterSettings(quorum),
            downAfterPeriod: t.downAfter ?? 5000,
            failoverTimeout: t.failoverTimeout ?? 30_000,
            parallelSyncs: t.parallelSyncs ?? 1,
            fenceIsolatedMaster: t.fence === true,
          },
          configEpoch: 0n,
          leaderEpoch: 0n,
          knownReplicas: t.preseed === true ? group.slice(1).map((n) => n.addr) : [],
          knownSentinels: known,
        };
      });
      const config: SentinelConfig = {
        myId: ids[k] ?? "",
        currentEpoch: 0n,
        global: DEFAULT_GLOBAL_SETTINGS,
        masters,
      };
      const name = `s${k + 1}`;
      const sentinel = new SimSentinel(
        {
          clock: this.clock,
          network: this.network,
          random: this.random.fork(`sentinel/${name}`),
          factory,
          timing: t.timing ?? null,
          lookupServer: (addr) => this.servers.get(addrKey(addr)) ?? null,
          observer: this,
        },
        name,
        hosts[k] ?? "",
        26379,
        config,
      );
      this.sentinels.push(sentinel);
      this.servers.set(addrKey(sentinel.addr), sentinel);
      this.byName.set(name, sentinel);
    }
  }

  /** Starts every sentinel process. */
  start(): void {
    for (const s of this.sentinels) s.start();
  }

  // ---- observer ----

  onStep(
    sentinel: SimSentinel,
    batch: readonly Input[],
    ready: Ready,
    votes: readonly SentVote[],
  ): void {
    const now = this.clock.now();
    const id = sentinel.myId;
    if (id !== "" && !this.aliased.has(id)) {
      this.aliased.add(id);
      this.trace.alias(id, sentinel.name);
    }
    for (const event of ready.events) {
      this.events.push({
        time: now,
        sentinel: sentinel.name,
        type: event.type,
        text: event.text,
        master: event.master,
        level: event.level,
      });
      if (event.level !== "debug" || this.trace.options.debugEvents) {
        this.trace.record(now, sentinel.name, `${event.type} ${event.text}`);
      }
    }
    this.checker?.onStep(sentinel, batch, ready, votes);
    this.convertWatch?.onStep(sentinel, ready.events, sentinel.monotonicNow());
    if (this.fenceWatch !== null) {
      const fenced = ready.events.filter((e) => e.type === "+fence").length;
      this.fenceWatch.onStep(sentinel, fenced, now);
    }
  }

  onLifecycle(sentinel: SimSentinel, text: string): void {
    this.trace.record(this.clock.now(), sentinel.name, `! ${text}`);
    this.checker?.onLifecycle(sentinel);
  }

  // ---- running ----

  now(): number {
    return this.clock.now();
  }

  run(ms: number): void {
    this.clock.runFor(ms);
  }

  runUntil(time: number): void {
    this.clock.runUntil(time);
  }

  /** Runs until `predicate` holds (checked every `every` ms) or `timeout` passes; true if it held. */
  runUntilTrue(predicate: () => boolean, timeout: number, every = 100): boolean {
    const deadline = this.clock.now() + timeout;
    while (this.clock.now() < deadline) {
      if (predicate()) return true;
      this.clock.runFor(Math.min(every, deadline - this.clock.now()));
    }
    return predicate();
  }

  // ---- lookups ----

  sentinel(name: string): SimSentinel {
    const s = this.byName.get(name);
    if (!(s instanceof SimSentinel)) throw new Error(`no sentinel ${name}`);
    return s;
  }

  node(name: string): FakeRedis {
    const n = this.byName.get(name);
    if (!(n instanceof FakeRedis)) throw new Error(`no redis node ${name}`);
    return n;
  }

  group(master: string): FakeRedis[] {
    const g = this.groups.get(master);
    if (g === undefined) throw new Error(`no master group ${master}`);
    return g;
  }

  /** The node currently holding role master in the group (first one), or null. */
  currentMaster(master: string): FakeRedis | null {
    return this.group(master).find((n) => n.up && n.role === "master") ?? null;
  }

  /** The address a sentinel reports for a master (null if down or unknown). */
  reportedAddr(sentinel: string, master: string): Addr | null {
    return this.sentinel(sentinel).state?.masters.get(master)?.addr ?? null;
  }

  hostOf(name: string): string {
    const item = this.byName.get(name);
    if (item === undefined) throw new Error(`no node ${name}`);
    return item.host;
  }

  convergence(master: string): string | null {
    return convergence(master, this.sentinels, this.group(master), this.checker?.collisions);
  }

  convergedAll(): string | null {
    for (const name of this.masterNames) {
      const reason = this.convergence(name);
      if (reason !== null) return `${name}: ${reason}`;
    }
    return null;
  }

  eventsOf(type: string, sentinel?: string): RecordedEvent[] {
    return this.events.filter(
      (e) => e.type === type && (sentinel === undefined || e.sentinel === sentinel),
    );
  }

  // ---- faults ----

  private note(text: string): void {
    this.trace.record(this.clock.now(), "sim", `! ${text}`);
  }

  kill(name: string): void {
    const item = this.byName.get(name);
    if (item instanceof SimSentinel) item.crash("killed");
    else if (item instanceof FakeRedis) item.crash();
    else throw new Error(`no node ${name}`);
  }

  restart(name: string): void {
    const item = this.byName.get(name);
    if (item instanceof SimSentinel) item.start();
    else if (item instanceof FakeRedis) item.restart();
    else throw new Error(`no node ${name}`);
  }

  pause(name: string): void {
    const item = this.byName.get(name);
    if (item instanceof FakeRedis) this.note(`pause ${name}`);
    item?.pause();
  }

  resume(name: string): void {
    const item = this.byName.get(name);
    if (item instanceof FakeRedis) this.note(`resume ${name}`);
    item?.resume();
  }

  /** Cuts a node off from every other node; returns the undo. */
  isolate(name: string): () => void {
    const rest = [...this.byName.keys()].filter((n) => n !== name);
    this.note(`isolate ${name}`);
    return this.cut([name], rest, `isolation of ${name}`);
  }

  /** Symmetric partition: `side` on one side, everything else (or `other`) on the other. */
  partition(side: readonly string[], other?: readonly string[]): () => void {
    const rest = other ?? [...this.byName.keys()].filter((n) => !side.includes(n));
    this.note(`partition [${side.join(" ")}] | [${rest.join(" ")}]`);
    return this.cut(side, rest, `partition [${side.join(" ")}]`);
  }

  private cut(a: readonly string[], b: readonly string[], label: string): () => void {
    const ha = a.map((n) => this.hostOf(n));
    const hb = b.map((n) => this.hostOf(n));
    this.network.partition(ha, hb);
    let undone = false;
    return () => {
      if (undone) return;
      undone = true;
      this.note(`heal ${label}`);
      this.network.unpartition(ha, hb);
    };
  }

  /** One-way: traffic from `from` to `to` is dropped, the reverse still flows. Returns the undo. */
  oneWay(from: readonly string[], to: readonly string[]): () => void {
    this.note(`one-way [${from.join(" ")}] -> [${to.join(" ")}] cut`);
    const hf = from.map((n) => this.hostOf(n));
    const ht = to.map((n) => this.hostOf(n));
    this.network.partitionOneWay(hf, ht);
    let undone = false;
    return () => {
      if (undone) return;
      undone = true;
      this.note(`heal one-way [${from.join(" ")}] -> [${to.join(" ")}]`);
      for (const x of hf) for (const y of ht) this.network.unblock(x, y);
    };
  }

  heal(): void {
    this.note("heal");
    this.network.heal();
  }

  /** Sets delay/loss/duplication/reordering on both directions between two nodes. */
  degrade(a: string, b: string, config: Partial<PathConfig>): void {
    this.note(`degrade ${a} <-> ${b} ${JSON.stringify(config)}`);
    this.network.setPath(this.hostOf(a), this.hostOf(b), config);
    this.network.setPath(this.hostOf(b), this.hostOf(a), config);
  }

  restorePaths(): void {
    this.note("restore paths");
    this.network.resetPaths();
  }

  clockJump(sentinel: string, ms: number): void {
    this.sentinel(sentinel).jumpWallClock(ms);
  }

  /** Every node name: sentinels first, then Redis nodes. */
  names(): string[] {
    return [...this.sentinels.map((s) => s.name), ...this.redis.map((n) => n.name)];
  }

  /** Ends every fault: heals the network, resumes and restarts every process, clears hooks. */
  stopFaults(): void {
    this.heal();
    this.network.resetPaths();
    for (const s of this.sentinels) {
      s.crashAfterPersistWhen = null;
      s.crashBeforePersistWhen = null;
      s.failPersists = false;
      // start first: one dying in its persist (crashBeforePersistWhen) dies, then starts.
      s.start();
      s.resume();
    }
    for (const n of this.redis) {
      n.resume();
      n.restart();
    }
  }

  admin(sentinel: string, op: AdminOp): AdminResult | null {
    this.note(`${sentinel} admin ${op.op}`);
    return this.sentinel(sentinel).admin(op);
  }
}

/**
 * Invariants checked after every step of every simulated sentinel (docs/ARCHITECTURE.md §6):
 * 1. No sentinel votes for two leaders for one master in one epoch, even across crash and restart.
 *    Votes are read both from `+vote-for-leader` events and from the is-master-down-by-addr replies
 *    that actually left the process; a restarted sentinel's leader-epoch must cover every vote it
 *    ever sent (the vote is persisted before the reply).
 * 2. At most one `+elected-leader` per (master, epoch), forced failovers aside; and an elected
 *    leader holds votes from max(quorum, majority of the sentinels it knows) distinct sentinels.
 * 3. At most one promotion (SLAVEOF NO ONE from a sentinel, `+promoted-slave`) per (master, epoch),
 *    always of one replica, and only by the sentinel that was elected (or forced) in that epoch.
 * 4. currentEpoch and every configEpoch never decrease within a process; a restart never comes
 *    back below what was persisted.
 * 5. Every event name is a SentinelEventType.
 * 6. No two sentinels hold different addresses of a master under one config epoch (the address it
 *    advertises: a leader's promoted replica from its confirmed promotion on), except the nodes
 *    promoted in an epoch a forced failover reused (`collisions`, below).
 * Liveness (`convergence`) is a predicate evaluated after the faults stop. One split it accepts,
 * because redis-sentinel keeps it too (docs/COMPATIBILITY.md, "SENTINEL FAILOVER can reuse an
 * epoch"): a SENTINEL FAILOVER at a sentinel that never heard of epoch E fails over in E again;
 * when its promotion differs from the other one of E, each configuration stays with the
 * sentinels that hold it, as a hello replaces only an older config epoch. Such a group converges
 * when every live sentinel reports E and one of exactly those two nodes, and the nodes follow one
 * of them (`collisions`; recorded in `quirks`).
 */
import { addrEquals, addrKey } from "../../../src/core/basics/addr.js";
import type { Addr } from "../../../src/core/basics/addr.js";
import type { Epoch } from "../../../src/core/basics/epoch.js";
import type { Input } from "../../../src/core/model/inputs.js";
import { isSentinelEventType } from "../../../src/core/model/events.js";
import type { Ready } from "../../../src/core/model/ready.js";
import type { MasterState } from "../../../src/core/model/state.js";
import { currentMasterAddress } from "../../../src/core/records/instance-text.js";
import type { FakeRedis } from "./fake-redis.js";
import type { SentVote, SimSentinel } from "./sim-sentinel.js";

export class SafetyViolation extends Error {
  override readonly name = "SafetyViolation";
}

interface ProcessEpochs {
  incarnation: number;
  current: Epoch;
  config: Map<string, Epoch>;
}

interface Promotion {
  readonly sentinel: string;
  readonly target: string;
}

export interface CheckerOptions {
  /**
   * Fail on the known sentinel.c tally quirk too. sentinelGetLeader counts peer votes whose epoch
   * equals the candidate's *current* epoch but its own vote at the *failover* epoch; a candidate
   * whose current epoch rose during wait_start can so be elected for its older failover epoch with
   * votes cast in a later one, next to a leader legitimately elected in that older epoch. Vigil's
   * core counts only votes of the failover epoch (src/core/failover/election.ts), so this is on by default;
   * `strict: false` (SIM_STRICT=0) only records such double elections in `quirks`, for running
   * the harness against a core with Redis's exact tally. A second promotion in one epoch is
   * always a failure.
   */
  readonly strict?: boolean;
}

export class Checker {
  readonly strict: boolean;
  /** Tolerated double elections caused by the mixed-epoch tally (see CheckerOptions), and epochs
   *  a forced failover reused with another promotion (`collisions`). */
  readonly quirks: string[] = [];
  /** `${master}|${epoch}` → the nodes (`ip:port`) promoted in that epoch, when a forced failover
   *  made them two or more. */
  readonly collisions = new Map<string, Set<string>>();
  /** `${master}|${epoch}` of elections whose tally mixed two epochs. */
  private readonly mixed = new Set<string>();
  /** `${voter}|${master}|${epoch}` → leader run id. */
  private readonly votes = new Map<string, string>();
  /** `${voter}|${master}` → highest epoch the voter ever voted in on the wire or in events. */
  private readonly maxVoteEpoch = new Map<string, Epoch>();
  /** `${master}|${epoch}` → run id of the (non-forced) elected leader. */
  private readonly elected = new Map<string, string>();
  /** `${sentinel}|${master}|${epoch}` for every +elected-leader, forced included. */
  private readonly electedBy = new Set<string>();
  private readonly promotions = new Map<string, Promotion>();
  /** `${master}|${configEpoch}` → the address first held under it, and by whom. */
  private readonly configs = new Map<string, { readonly addr: Addr; readonly sentinel: string }>();
  private readonly epochs = new Map<string, ProcessEpochs>();
  /** Sentinel name → currentEpoch of its last persisted state. */
  private readonly persistedEpoch = new Map<string, Epoch>();
  /** Per (master, epoch): whether the election was forced (SENTINEL FAILOVER). */
  private readonly forced = new Set<string>();
  /**
   * `${id}|${master}|${epoch}` of each failover SENTINEL FAILOVER started: its step (an admin
   * input) leaves the force flag set, while a tick may elect, select and abort in one step
   * (failover-state.ts: runFailoverStates) and leave it cleared by the time the step's
   * +elected-leader is checked.
   */
  private readonly forcedStarts = new Set<string>();
  checks = 0;
  /** Elections seen: `${master}|${epoch}` of every +elected-leader (for the split-vote metric). */
  readonly electionLog: { master: string; epoch: Epoch; leader: string; time: number }[] = [];
  /** Epochs in which some sentinel started a failover (`+try-failover`), per master. */
  readonly tryLog: { master: string; epoch: Epoch; time: number }[] = [];
  now: () => number = () => 0;

  constructor(options: CheckerOptions = {}) {
    this.strict = options.strict ?? true;
  }

  private fail(sentinel: SimSentinel, message: string): never {
    throw new SafetyViolation(`${sentinel.name}: ${message}`);
  }

  onLifecycle(sentinel: SimSentinel): void {
    if (!sentinel.up || sentinel.state === null) return;
    // A restart: the state must cover what was persisted and every vote ever sent.
    const state = sentinel.state;
    const persisted = this.persistedEpoch.get(sentinel.name) ?? 0n;
    if (state.currentEpoch < persisted) {
      this.fail(
        sentinel,
        `restarted with current epoch ${state.currentEpoch} below persisted ${persisted}`,
      );
    }
    for (const master of state.masters.values()) {
      const voted = this.maxVoteEpoch.get(`${state.myId}|${master.name}`) ?? 0n;
      if (master.leaderEpoch < voted) {
        this.fail(
          sentinel,
          `restarted with leader-epoch ${master.leaderEpoch} for ${master.name} but had voted in epoch ${voted}`,
        );
      }
    }
  }

  onStep(
    sentinel: SimSentinel,
    _batch: readonly Input[],
    ready: Ready,
    votes: readonly SentVote[],
  ): void {
    this.checks++;
    const state = sentinel.state;
    if (ready.persist !== null) this.persistedEpoch.set(sentinel.name, ready.persist.currentEpoch);
    if (state === null) {
      // Crashed inside this step (exit code or crash hook): only the events can be checked.
      this.checkEventNames(sentinel, ready);
      return;
    }
    this.checkEventNames(sentinel, ready);
    for (const event of ready.events) {
      if (event.master === null) continue;
      const master = state.masters.get(event.master);
      if (event.type === "+vote-for-leader") {
        const [leader, epochText = ""] = event.text.split(" ");
        const epoch = /^\d+$/.test(epochText) ? BigInt(epochText) : null;
        this.recordVote(sentinel, state.myId, event.master, epoch, leader ?? "");
      } else if (event.type === "+elected-leader" && master !== undefined) {
        this.onElected(sentinel, state.myId, master);
      } else if (event.type === "+promoted-slave" && master !== undefined) {
        this.recordPromotion(sentinel, state.myId, master, event.text.split(" ")[1] ?? "?");
      } else if (event.type === "+try-failover" && master !== undefined) {
        this.tryLog.push({ master: master.name, epoch: master.failoverEpoch, time: this.now() });
        if (master.flags.has("force_failover")) {
          this.forcedStarts.add(`${state.myId}|${master.name}|${master.failoverEpoch}`);
        }
      }
    }
    for (const { request, reply } of votes) {
      if (reply.leader === "*" || reply.leader === "") continue;
      const master = findMasterByAddr(state.masters, { ip: request.ip, port: request.port });
      if (master === null) continue;
      this.recordVote(sentinel, state.myId, master.name, reply.leaderEpoch, reply.leader);
    }
    for (const command of ready.commands) {
      if (command.type !== "replicaof" || command.target !== null) continue;
      const name = replicaLinkMaster(command.link);
      const master = name === null ? undefined : state.masters.get(name);
      if (master === undefined)
        this.fail(sentinel, `SLAVEOF NO ONE on ${command.link} for an unknown master`);
      const key = `${state.myId}|${master.name}|${master.failoverEpoch}`;
      if (!this.electedBy.has(key)) {
        this.fail(
          sentinel,
          `sent SLAVEOF NO ONE for ${master.name} in epoch ${master.failoverEpoch} without being elected`,
        );
      }
      this.recordPromotion(
        sentinel,
        state.myId,
        master,
        command.link.slice(`slave:${master.name}:`.length),
      );
    }
    this.checkEpochs(sentinel);
  }

  private checkEventNames(sentinel: SimSentinel, ready: Ready): void {
    for (const event of ready.events) {
      // The type says it is one; the check guards against casts and strings built at run time.
      const name: string = event.type;
      if (!isSentinelEventType(name)) this.fail(sentinel, `unknown event name ${name}`);
    }
  }

  private recordVote(
    sentinel: SimSentinel,
    voter: string,
    master: string,
    epoch: Epoch | null,
    leader: string,
  ): void {
    if (epoch === null || leader === "") this.fail(sentinel, `malformed vote ${leader} ${epoch}`);
    const key = `${voter}|${master}|${epoch}`;
    const previous = this.votes.get(key);
    if (previous !== undefined && previous !== leader) {
      this.fail(
        sentinel,
        `voted for two leaders for ${master} in epoch ${epoch}: ${previous} and ${leader}`,
      );
    }
    this.votes.set(key, leader);
    const mk = `${voter}|${master}`;
    if ((this.maxVoteEpoch.get(mk) ?? 0n) < epoch) this.maxVoteEpoch.set(mk, epoch);
  }

  /** Distinct sentinels that voted for `leader` for `master` in any of `epochs`. */
  private votersFor(master: string, epochs: readonly Epoch[], leader: string): number {
    const voters = new Set<string>();
    for (const [key, votedFor] of this.votes) {
      if (votedFor !== leader) continue;
      const parts = key.split("|");
      if (parts[1] === master && epochs.includes(BigInt(parts[2] ?? "")))
        voters.add(parts[0] ?? "");
    }
    return voters.size;
  }

  private onElected(sentinel: SimSentinel, id: string, master: MasterState): void {
    const epoch = master.failoverEpoch;
    const current = sentinel.state?.currentEpoch ?? epoch;
    const key = `${master.name}|${epoch}`;
    const forced =
      master.flags.has("force_failover") || this.forcedStarts.has(`${id}|${master.name}|${epoch}`);
    this.electedBy.add(`${id}|${key}`);
    this.electionLog.push({ master: master.name, epoch, leader: id, time: this.now() });
    if (forced) {
      this.forced.add(key);
      return;
    }
    const mixed = current !== epoch;
    const previous = this.elected.get(key);
    if (previous !== undefined && previous !== id) {
      const text = `second leader for ${master.name} in epoch ${epoch} (first was ${previous})`;
      if (this.strict || !(mixed || this.mixed.has(key))) this.fail(sentinel, text);
      this.quirks.push(`${sentinel.name}: ${text}, tally mixed epochs ${epoch} and ${current}`);
    } else {
      this.elected.set(key, id);
    }
    if (mixed) this.mixed.add(key);
    const voters = master.sentinels.size + 1;
    const needed = Math.max(master.settings.quorum, Math.floor(voters / 2) + 1);
    // sentinel.c: peers are counted at the current epoch, the own vote at the failover epoch.
    const have = this.votersFor(master.name, [epoch, current], id);
    if (have < needed) {
      this.fail(
        sentinel,
        `elected for ${master.name} in epoch ${epoch} with ${have} votes on record, needs ${needed}`,
      );
    }
  }

  private recordPromotion(
    sentinel: SimSentinel,
    id: string,
    master: MasterState,
    target: string,
  ): void {
    const key = `${master.name}|${master.failoverEpoch}`;
    const previous = this.promotions.get(key);
    if (
      previous !== undefined &&
      (previous.sentinel !== id || previous.target !== target) &&
      !this.forced.has(key)
    ) {
      this.fail(
        sentinel,
        `second promotion for ${master.name} in epoch ${master.failoverEpoch}: ${target} by ${id}, earlier ${previous.target} by ${previous.sentinel}`,
      );
    }
    if (previous === undefined) this.promotions.set(key, { sentinel: id, target });
    else if (previous.target !== target) {
      // Only with a forced failover in this epoch (above): SENTINEL FAILOVER reused the epoch.
      const targets = this.collisions.get(key) ?? new Set([previous.target]);
      if (!targets.has(target)) {
        this.quirks.push(
          `${sentinel.name}: promoted ${target} for ${master.name} in epoch ${master.failoverEpoch}, where ${previous.sentinel} promoted ${previous.target} (a forced failover reused the epoch)`,
        );
      }
      this.collisions.set(key, targets.add(target));
    }
  }

  private checkEpochs(sentinel: SimSentinel): void {
    const state = sentinel.state;
    if (state === null) return;
    let seen = this.epochs.get(sentinel.name);
    if (seen?.incarnation !== sentinel.incarnation) {
      seen = { incarnation: sentinel.incarnation, current: state.currentEpoch, config: new Map() };
      this.epochs.set(sentinel.name, seen);
    }
    if (state.currentEpoch < seen.current) {
      this.fail(sentinel, `current epoch went down from ${seen.current} to ${state.currentEpoch}`);
    }
    seen.current = state.currentEpoch;
    for (const master of state.masters.values()) {
      const before = seen.config.get(master.name) ?? 0n;
      if (master.configEpoch < before) {
        this.fail(
          sentinel,
          `config epoch of ${master.name} went down from ${before} to ${master.configEpoch}`,
        );
      }
      seen.config.set(master.name, master.configEpoch);
      this.checkConfig(sentinel, master);
    }
  }

  private checkConfig(sentinel: SimSentinel, master: MasterState): void {
    const key = `${master.name}|${master.configEpoch}`;
    const addr = currentMasterAddress(master);
    const first = this.configs.get(key);
    if (first === undefined) {
      this.configs.set(key, { addr, sentinel: sentinel.name });
      return;
    }
    if (addrEquals(first.addr, addr)) return;
    const reused = this.collisions.get(key);
    if (reused?.has(addrKey(addr)) === true && reused.has(addrKey(first.addr))) return;
    this.fail(
      sentinel,
      `holds ${addrKey(addr)} for ${master.name} in config epoch ${master.configEpoch}, where ${first.sentinel} held ${addrKey(first.addr)}`,
    );
  }
}

function findMasterByAddr(
  masters: ReadonlyMap<string, MasterState>,
  addr: Addr,
): MasterState | null {
  for (const master of masters.values()) if (addrEquals(master.addr, addr)) return master;
  return null;
}

/** `slave:<master>:<ip:port>` → master name (master names never contain ':'). */
function replicaLinkMaster(link: string): string | null {
  if (!link.startsWith("slave:")) return null;
  const rest = link.slice("slave:".length);
  const colon = rest.indexOf(":");
  return colon < 0 ? null : rest.slice(0, colon);
}

/**
 * Liveness for one master group: every live sentinel reports the same address and config epoch
 * with no failover running, the node there is up and the only master of the group, and every live
 * replica of the group follows it with its link up. Returns null when converged, else the reason.
 * With `collisions` (Checker.collisions), sentinels split between the two nodes promoted in one
 * reused epoch are accepted when the nodes converged on one of them (the header comment).
 */
export function convergence(
  masterName: string,
  sentinels: readonly SimSentinel[],
  group: readonly FakeRedis[],
  collisions: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
): string | null {
  const views: { name: string; addr: Addr; epoch: Epoch }[] = [];
  for (const s of sentinels) {
    if (!s.up || s.paused || s.state === null) continue;
    const m = s.state.masters.get(masterName);
    if (m === undefined) return `${s.name} does not monitor ${masterName}`;
    if (m.failoverState !== "none") return `${s.name} is in failover state ${m.failoverState}`;
    views.push({ name: s.name, addr: m.addr, epoch: m.configEpoch });
  }
  const first = views[0];
  if (first === undefined) return "no live sentinel";
  const other = views.find((v) => !addrEquals(v.addr, first.addr) || v.epoch !== first.epoch);
  if (other === undefined) return nodesFollow(masterName, group, first.addr);
  const split = `${other.name} reports ${addrKey(other.addr)} epoch ${other.epoch}, others ${addrKey(first.addr)} epoch ${first.epoch}`;
  const promoted = collisions.get(`${masterName}|${first.epoch}`);
  const addrs = new Set(views.map((v) => addrKey(v.addr)));
  const reused =
    promoted !== undefined &&
    addrs.size === 2 &&
    views.every((v) => v.epoch === first.epoch && promoted.has(addrKey(v.addr)));
  if (!reused) return split;
  const reasons = [...addrs].map((key) => {
    const addr = views.find((v) => addrKey(v.addr) === key)?.addr ?? first.addr;
    return nodesFollow(masterName, group, addr);
  });
  if (reasons.includes(null)) return null;
  return `${split} (an epoch reused by a forced failover), and no node converged: ${reasons.join("; ")}`;
}

/** The node at `addr` is up and the group's only master, every live replica follows it. */
function nodesFollow(masterName: string, group: readonly FakeRedis[], addr: Addr): string | null {
  const master = group.find((n) => addrEquals(n.addr, addr));
  if (master === undefined)
    return `reported master ${addrKey(addr)} is not a node of ${masterName}`;
  if (!master.up) return `reported master ${master.name} is down`;
  if (master.role !== "master") return `reported master ${master.name} has role ${master.role}`;
  for (const node of group) {
    if (node === master || !node.up) continue;
    if (node.role === "master") return `${node.name} also has role master`;
    if (node.masterAddr === null || !addrEquals(node.masterAddr, addr)) {
      return `${node.name} replicates from ${node.masterAddr === null ? "nobody" : addrKey(node.masterAddr)}`;
    }
    if (!node.linkUp) return `${node.name} has its master link down`;
  }
  return null;
}

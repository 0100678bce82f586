/**
 * The failover state machine of one master (docs/PROTOCOL.md §7): starting a failover when the
 * master is ODOWN (or on SENTINEL FAILOVER), and advancing it by exactly one state function per
 * tick. Each state lives in its own failover-*.ts file; `update_config` is acted on by the driver,
 * which calls switchToPromotedReplica after the master loop (sentinel.c: sentinelHandleDictOf
 * RedisInstances).
 */
import type { CoreContext, CoreView } from "../model/context.js";
import { assertNever } from "../basics/assert.js";
import { EPOCH_MAX } from "../basics/epoch.js";
import type { Epoch } from "../basics/epoch.js";
import { linkUsable } from "../records/instances.js";
import { abortFailover } from "./abort.js";
import { failoverSendFailover } from "./coordinated.js";
import { failoverSendSlaveofNoone, failoverWaitPromotion } from "./promotion.js";
import { reconfNextReplica } from "./reconf-slaves.js";
import { failoverSelectSlave } from "./select-slave.js";
import { instanceText } from "../records/instance-text.js";
import { failoverWaitStart } from "./wait-start.js";
import { heldAfterHeal } from "./heal-hold.js";
import { peerSaysDown } from "../records/peer-opinion.js";
import type { AdminResult } from "../model/ready.js";
import { explainReplicaExclusion, selectReplica } from "./replica-selection.js";
import { logReplidMismatches } from "./replica-identity.js";
import { sameAddr } from "../records/hosts.js";
import type { FailoverState, MasterState, PeerState, ReplicaState } from "../model/state.js";
import { LIMITS } from "../model/timing.js";

export { abortFailover };

/**
 * sentinel.c: sentinelStartFailover. Bumps the epoch without a flush (the votes that follow
 * flush), and sets a jittered start time so sentinels started together do not collide.
 */
export function startFailover(ctx: CoreContext, master: MasterState): void {
  master.failoverState = "wait_start";
  master.flags.add("failover_in_progress");
  ctx.state.currentEpoch++;
  master.failoverEpoch = ctx.state.currentEpoch;
  ctx.out.event("+new-epoch", String(ctx.state.currentEpoch), master.name);
  ctx.out.event("+try-failover", instanceText(ctx.state, master, master), master.name);
  master.failoverStartTime = ctx.now + ctx.random.int(LIMITS.maxDesync);
  master.failoverDelayLogged = false;
  master.failoverStateChangeTime = ctx.now;
  master.candidateTime = 0;
}

/**
 * sentinel.c: sentinelStartFailoverIfNeeded. True when a failover started: the caller then asks
 * the peers at once for their votes. A start time of 0 means "never" (monotonic clocks may start
 * near 0, where Redis's wall clock never is). Vigil stands only after a randomized candidate
 * delay (Timing.candidateDelay), and waives the gate after a proven split vote (Timing.split
 * RetryDelay); both change only when we ask for votes, never how anyone votes.
 */
export function startFailoverIfNeeded(ctx: CoreContext, master: MasterState): boolean {
  if (!master.flags.has("o_down")) {
    master.candidateTime = 0;
    master.splitCount = 0;
    return false;
  }
  if (master.flags.has("failover_in_progress")) return false;
  // No epoch is left above int64's maximum (only a forged hello or vote request gets there).
  if (ctx.state.currentEpoch >= EPOCH_MAX) return false;
  if (failoverGated(ctx, master)) {
    // Redis logs "Next failover delay: I will not start a failover before <time>" once per
    // start time; the flag records that it was reported (reset whenever the start time moves).
    if (!master.failoverDelayLogged) {
      const opensAt = master.failoverStartTime + master.settings.failoverTimeout * 2;
      ctx.out.failoverDelayLog(opensAt - ctx.now);
    }
    master.failoverDelayLogged = true;
    // A vote for another sentinel arrived while we waited to stand: the draw is void.
    master.candidateTime = 0;
    return false;
  }
  if (heldAfterHeal(ctx, master)) return false;
  if (!candidateDelayOver(ctx, master)) return false;
  startFailover(ctx, master);
  return true;
}

/**
 * The 2 × failover-timeout gate after our last start or our last vote for another sentinel
 * (docs/PROTOCOL.md §6.4). It keeps us from racing a leader that may be promoting. Vigil waives
 * it after a proven split vote (failover-wait-start.ts: electionIsDead) while the split epoch is
 * still the newest we know: nobody was elected in it, so nobody is promoting. Any later epoch —
 * a vote request, a hello, another master's failover — ends the waiver and the full gate holds.
 */
export function failoverGated(ctx: CoreView, master: MasterState): boolean {
  if (master.failoverStartTime === 0) return false;
  if (ctx.now - master.failoverStartTime >= master.settings.failoverTimeout * 2) return false;
  return master.splitEpoch === 0n || master.splitEpoch !== ctx.state.currentEpoch;
}

/**
 * When we stand after ODOWN. The sentinels that may be standing now are ranked by a hash of
 * their run id and the epoch to stand in (candidateRank): the first of them stands at once, the
 * k-th only after k ranges of the candidate delay plus a random part of one (Raft's randomized
 * election timeout, now a fallback for a silent first candidate): the first one's vote request
 * reaches the others before they stand, and their vote arms their gate. After split votes in a
 * row the delay is random again, backing off exponentially. No peers, or a zero draw, stands at
 * once. Only when we stand changes, never how anyone votes.
 */
function candidateDelayOver(ctx: CoreContext, master: MasterState): boolean {
  if (master.candidateTime !== 0) {
    // Those ranked before us may since have answered that they do not see the master SDOWN.
    const first = master.splitCount === 0 && rankNow(ctx, master) === 0;
    if (ctx.now < master.candidateTime && !first) return false;
    master.candidateTime = 0;
    return true;
  }
  const range = candidateDelayRange(ctx, master);
  if (range <= 0 || master.sentinels.size === 0) return true;
  const rank = master.splitCount === 0 ? rankNow(ctx, master) : 0;
  if (master.splitCount === 0 && rank === 0) return true;
  const delay = rank * range + ctx.random.int(range);
  if (delay === 0) return true;
  master.candidateTime = ctx.now + delay;
  // Stand at that very moment rather than at the first tick after it.
  ctx.out.wake(master.candidateTime);
  return false;
}

/**
 * Our place among the sentinels that may stand for this master now: ourselves and every peer
 * we can reach unless its fresh answer (askPeriod × 5, as for ODOWN, and given since our SDOWN
 * began) says it does not see the master SDOWN: it cannot stand before it does, and when it does and asks us, our vote request
 * is already on its way to it (ask-peers.ts asks it again at once), unless the answer is only a
 * moment old (notDownSettle). A peer we see SDOWN does not count either: its connection may
 * still look up (a partition closes nothing), but it has not answered for down-after, so neither
 * its vote requests nor ours get through. Sentinels are ordered by the FNV-1a hash of their
 * lower-case run id and the epoch we would stand in, so the order differs from epoch to epoch
 * and every sentinel computes the same one.
 */
export function candidateRank(ctx: CoreView, master: MasterState): CandidateRank {
  const epoch = ctx.state.currentEpoch + 1n;
  const mine = rankKey(ctx.state.myId, epoch);
  const freshness = ctx.state.timing.askPeriod * 5;
  let rank = 0;
  let settlesAt = 0;
  for (const peer of master.sentinels.values()) {
    if (!linkUsable(peer.link) || peer.flags.has("s_down")) continue;
    const theirs = rankKey(peer.runId, epoch);
    if (theirs.hash > mine.hash || (theirs.hash === mine.hash && theirs.id >= mine.id)) continue;
    const since = ctx.now - peer.lastMasterDownReplyTime;
    // Only an answer to an ask of this SDOWN (we ask only while SDOWN) tells what the peer sees
    // now: a new peer's record carries its creation time as if it had answered (sentinel.c does
    // the same, for the answers' expiry), and after a kill within five ask periods of its
    // discovery that made both sentinels stand (bench/failover.ts: two +try-failover).
    const answered =
      peer.lastMasterDownReplyTime !== 0 &&
      peer.lastMasterDownReplyTime >= master.sDownSinceTime &&
      since <= freshness;
    // A peer that asked us since it answered sees the master SDOWN now (peerSaysDown).
    if (answered && !peerSaysDown(ctx, peer)) {
      const settle = notDownSettle(peer);
      if (since >= settle) continue;
      const at = peer.lastMasterDownReplyTime + settle;
      if (settlesAt === 0 || at < settlesAt) settlesAt = at;
    }
    rank++;
  }
  return { rank, settlesAt };
}

export interface CandidateRank {
  /** How many sentinels that may stand now rank before us. */
  readonly rank: number;
  /** When the first "not down" answer of one of them is old enough to leave it out; 0 = none. */
  readonly settlesAt: number;
}

/**
 * How long a peer's "not down" still leaves it in the order. After a kill every sentinel sees
 * the master's connection drop at once and SDOWN down-after later, all within a few ms: a peer
 * that answered "not down" just before its own SDOWN may reach ODOWN through the others' answers
 * and stand before our vote request reaches it (a split vote). A round trip later (four of its
 * last ones, at least NOT_DOWN_SETTLE ms) it has either asked us or stood, or its answer holds.
 */
const NOT_DOWN_SETTLE = 20;

function notDownSettle(peer: PeerState): number {
  return Math.max(NOT_DOWN_SETTLE, Math.ceil(ASK_RTT_FACTOR * peer.askRtt));
}

/** candidateRank's rank; asks for a tick when a peer before us may leave the order. */
function rankNow(ctx: CoreContext, master: MasterState): number {
  const { rank, settlesAt } = candidateRank(ctx, master);
  if (settlesAt !== 0) ctx.out.wake(settlesAt);
  return rank;
}

function rankKey(runId: string, epoch: Epoch): { hash: number; id: string } {
  const id = runId.toLowerCase();
  const text = `${id}:${epoch}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return { hash, id };
}

/**
 * The range of the candidate delay. Raft's rule: the randomized timeout must be well above the
 * time a vote request takes to arrive, or every candidate stands before it hears of the others.
 * On a quiet network that time is a few ms and the configured range rules; on a loaded host a
 * peer took 100–200 ms to answer is-master-down-by-addr (three sentinels × 1000 masters on
 * 2 cores) and three Vigils split their votes again and again. So the range is at least
 * ASK_RTT_FACTOR × the slowest peer's last answer time to the asks sent while the master was
 * SDOWN, measured just before we may stand. Only when we stand changes, not how we vote.
 */
const ASK_RTT_FACTOR = 4;

function candidateDelayRange(ctx: CoreContext, master: MasterState): number {
  const timing = ctx.state.timing;
  let slowest = 0;
  for (const peer of master.sentinels.values()) slowest = Math.max(slowest, peer.askRtt);
  // Whole ms: clocks may be fractional (the simulation's are).
  const rttBound = Math.min(Math.ceil(ASK_RTT_FACTOR * slowest), timing.electionTimeout);
  if (master.splitCount === 0) {
    return timing.candidateDelay === 0 ? 0 : Math.max(timing.candidateDelay, rttBound);
  }
  const backoff = timing.splitRetryDelay * 2 ** Math.min(master.splitCount - 1, 16);
  return Math.min(Math.max(backoff, rttBound), timing.electionTimeout);
}

/**
 * The states entered only to act at once: sentinel.c runs one state function per timer call
 * (10 Hz), so its elected leader selects the replica a tick after the election and sends
 * SLAVEOF NO ONE a tick after that. Vigil's tick runs select_slave and send_slaveof_noone in
 * the tick that entered them (docs/COMPATIBILITY.md): at a thousand masters each extra tick
 * held the promotion 5-45 ms (issue #18). Each acts on the state as it is, as on a tick of its
 * own at the same time: a selection still waiting for INFO, or a link down, leaves the rest to
 * later ticks.
 */
const RUN_ON_ENTRY: ReadonlySet<FailoverState> = new Set(["select_slave", "send_slaveof_noone"]);

/** The tick's failover step: failoverStateMachine, again for each state entered in RUN_ON_ENTRY. */
export function runFailoverStates(ctx: CoreContext, master: MasterState): void {
  for (;;) {
    const state = master.failoverState;
    failoverStateMachine(ctx, master);
    const next = master.failoverState;
    if (next === state || !RUN_ON_ENTRY.has(next) || ctx.out.exitRequested) return;
  }
}

/** sentinel.c: sentinelFailoverStateMachine. One step per call, nothing unless in progress. */
export function failoverStateMachine(ctx: CoreContext, master: MasterState): void {
  if (!master.flags.has("failover_in_progress")) return;
  const state = master.failoverState;
  switch (state) {
    case "wait_start":
      failoverWaitStart(ctx, master);
      return;
    case "select_slave":
      failoverSelectSlave(ctx, master);
      return;
    case "send_slaveof_noone":
      if (master.flags.has("coordinated_failover")) failoverSendFailover(ctx, master);
      else failoverSendSlaveofNoone(ctx, master);
      return;
    case "wait_promotion":
      failoverWaitPromotion(ctx, master);
      return;
    case "reconf_slaves":
      reconfNextReplica(ctx, master);
      return;
    case "none":
    case "update_config":
      return;
    default:
      assertNever(state, "unknown failover state");
  }
}

/** What SENTINEL FAILOVER asked for beyond the name. */
export interface FailoverRequest {
  readonly coordinated?: boolean;
  readonly to?: { readonly ip: string; readonly port: number };
}

/**
 * The replica `to` names, or the error that refuses the request: unknown to this master, or not
 * promotable now, with the reason (replica-selection.ts: replicaExclusion).
 */
function chosenReplica(
  ctx: CoreContext,
  master: MasterState,
  to: { readonly ip: string; readonly port: number },
): { readonly replica: ReplicaState } | { readonly error: AdminResult } {
  const replica = [...master.replicas.values()].find((r) => sameAddr(ctx.state, r.addr, to));
  if (replica === undefined) {
    const message = `ERR No replica ${to.ip}:${to.port} is known for master '${master.name}'`;
    return { error: { kind: "error", message } };
  }
  const why = explainReplicaExclusion(ctx, master, replica);
  if (why === null) return { replica };
  const message = `NOGOODSLAVE Replica ${replica.name} cannot be promoted now: ${why.code} (${why.words})`;
  return { error: { kind: "error", message } };
}

/**
 * SENTINEL FAILOVER <name> (docs/PROTOCOL.md §7.8): start at once, without ODOWN, the gate or
 * the majority (flag force_failover), provided a replica could be promoted right now. With
 * COORDINATED (Valkey 9) the failover is elected like any other (flag coordinated_failover) and
 * the master hands over itself (coordinated.ts); it needs a master whose INFO reports
 * `master_failover_state` (what the last INFO at this address said: SENTINEL RESET keeps it).
 * With TO <ip> <port> (Vigil) that replica is the one promoted.
 */
export function forceFailover(
  ctx: CoreContext,
  master: MasterState,
  request: FailoverRequest = {},
): AdminResult {
  const coordinated = request.coordinated === true;
  if (coordinated && master.serverFailoverState === "unsupported") {
    // Valkey answers "does not support" also before the first INFO (after a start, a switch):
    // Vigil says then that it does not know yet, under the same code (docs/COMPATIBILITY.md).
    const message =
      master.infoRefresh === 0
        ? "NOGOODPRIMARY No INFO from the primary yet: whether it supports the FAILOVER command is not known"
        : "NOGOODPRIMARY Primary does not support FAILOVER command";
    return { kind: "error", message };
  }
  if (master.flags.has("failover_in_progress")) {
    return { kind: "error", message: "INPROG Failover already in progress" };
  }
  if (ctx.state.currentEpoch >= EPOCH_MAX) {
    return { kind: "error", message: `ERR No epoch left after ${EPOCH_MAX} to fail over in` };
  }
  let chosen: ReplicaState | null = null;
  if (request.to !== undefined) {
    const found = chosenReplica(ctx, master, request.to);
    if ("error" in found) return found.error;
    chosen = found.replica;
  } else if (selectReplica(ctx, master) === null) {
    logReplidMismatches(ctx, master);
    return { kind: "error", message: "NOGOODSLAVE No suitable replica to promote" };
  }
  ctx.out.log("warning", `Executing user requested FAILOVER of '${master.name}'`);
  startFailover(ctx, master);
  master.chosenReplica = chosen?.name ?? null;
  master.flags.add(coordinated ? "coordinated_failover" : "force_failover");
  return { kind: "ok" };
}

/**
 * SentinelCore: the whole sentinel as a deterministic state machine (docs/ARCHITECTURE.md §3). The
 * driver feeds inputs with `step(now, input)` — `now` in monotonic ms — and executes what
 * `takeReady()` returns, in the order ready.ts documents (persist before replies and commands).
 *
 * The tick is sentinel.c's sentinelTimer/sentinelHandleDictOfRedisInstances: TILT check, then
 * for each master the master itself, its replicas, its peers (monitoring half always, acting
 * half outside TILT), then at most one pending master switch.
 */
import { runAdminOp } from "./admin/admin.js";
import {
  askMasterStateToOtherSentinels,
  onIsMasterDownReply,
  serveIsMasterDownRequest,
} from "./detection/ask-peers.js";
import { assert, assertNever } from "./basics/assert.js";
import type { PersistedState, SentinelConfig } from "./model/config.js";
import type { CoreContext } from "./model/context.js";
import { ReadyBuilder } from "./model/context.js";
import { checkObjectivelyDown, checkSubjectivelyDown } from "./detection/down-detection.js";
import { checkIsolationFence } from "./detection/fence.js";
import { abortHandoversAtShutdown } from "./failover/coordinated.js";
import { runFailoverStates, startFailoverIfNeeded } from "./failover/failover-state.js";
import { onHelloReceived } from "./monitor/hello.js";
import { answerStalePeer } from "./monitor/answer-stale-peer.js";
import { onInfoReply } from "./monitor/info-refresh.js";
import type { Input } from "./model/inputs.js";
import { instanceText } from "./records/instance-text.js";
import {
  commandDone,
  onLinkClosed,
  onLinkConnected,
  onPingReply,
  reconnectInstance,
} from "./records/link-health.js";
import { fromStaleConnection, inputLinkUser } from "./records/link-generation.js";
import { onHostResolved } from "./records/hosts.js";
import type { QuietGateMode } from "./gate/quiet-gate.js";
import {
  earliestGateEnd,
  fewRecords,
  isGroupQuiet,
  isQuiet,
  refreshGates,
  refreshGroups,
  setGroupQuiet,
  setQuiet,
  wakeAfterInput,
} from "./gate/quiet-gate.js";
import { verifyQuiet } from "./gate/verify.js";
import { carryPeriodicCommands, onPublishReply, sendPeriodicCommands } from "./monitor/periodic.js";
import { restoreMasters, snapshotState } from "./records/persisted-state.js";
import { isUrgentInput } from "./records/urgent-input.js";
import type { Random } from "./basics/random.js";
import { randomRunId } from "./basics/random.js";
import type { Command, Ready } from "./model/ready.js";
import { setServerIdentity } from "./records/server-identity.js";
import { newSentinelState } from "./model/state.js";
import type { InstanceState, LinkId, MasterState, SentinelState } from "./model/state.js";
import { switchToPromotedReplica } from "./failover/switch-master.js";
import { checkTiltCondition, stillInTilt } from "./detection/tilt.js";
import type { Timing } from "./model/timing.js";
import { DEFAULT_TIMING } from "./model/timing.js";

export interface SentinelCoreOptions {
  readonly random: Random;
  /** Monotonic ms at construction: the clocks of the restored records start here. */
  readonly now: number;
  /** Overrides of the SENTINEL DEBUG timing knobs (tests, simulation). */
  readonly timing?: Partial<Timing>;
  /** The port we listen on: the hello port when announce-port is unset. Default 26379. */
  readonly port?: number;
  /** `requirepass`: our password to peers when sentinel-pass is unset. Default none. */
  readonly requirePass?: string;
  /**
   * The tick's quiet gate (quiet-gate.ts). "verify": handle the records it would pass over
   * anyway and assert that doing so changes nothing (gate/verify.ts; the simulation, at
   * the cost of a state comparison per record and tick). "off": handle every record at every
   * tick, as sentinel.c does (tests compare the two). Default "on".
   */
  readonly quietGate?: QuietGateMode;
  /** Lookups of the configured hostnames made before start (name → IP, null = failed). */
  readonly hosts?: ReadonlyMap<string, string | null>;
}

/**
 * The ping periods of the due PINGs sent in the running tick, for its carry pass (periodic.ts:
 * carryPeriodicCommands); reused by every tick, as the scratch arrays below.
 */
const duePings: number[] = [];

/**
 * A small deployment: up to this many records (masters, replicas, peers), the tick's carry pass
 * runs (carryPings) and a reply recomputes quietUntil (SentinelCore: refreshAfterReply). Both
 * walk every record, and the carried PINGs go out in one tick and come back in one batch: at 200
 * masters (400 records) that raised the event-loop lag p99 from 20 to 90 ms, and with three
 * sentinels to over 200 ms, long enough for peers to be seen +sdown (bench/scale.ts).
 */
const SMALL_RECORDS = 64;

/** Monitoring half always; acting half unless TILT holds (sentinel.c: sentinelHandleRedisInstance). */
function handleInstance(ctx: CoreContext, instance: InstanceState, master: MasterState): void {
  reconnectInstance(ctx, instance, master);
  const pinged = sendPeriodicCommands(ctx, instance, master);
  if (pinged !== 0 && !duePings.includes(pinged)) duePings.push(pinged);
  if (stillInTilt(ctx)) return;
  checkSubjectivelyDown(ctx, instance, master);
  if (instance.kind !== "master") return;
  checkObjectivelyDown(ctx, master);
  checkIsolationFence(ctx, master);
  if (startFailoverIfNeeded(ctx, master)) askMasterStateToOtherSentinels(ctx, master, true);
  runFailoverStates(ctx, master);
  askMasterStateToOtherSentinels(ctx, master, false);
}

/**
 * Copies a map's values into `into`, so the tick walks a snapshot — records added or removed
 * while it runs do not change the walk — without a new array per master and tick. One scratch
 * array per level of the walk, reused by every tick and overwritten in place: emptying it
 * (`length = 0`) would drop its storage, allocated again by the next push, once per master and
 * tick (at a thousand masters, most of what the tick allocated). So the arrays keep the records
 * of the last tick until the next one overwrites or truncates them.
 */
function snapshotValues<T>(map: ReadonlyMap<string, T>, into: T[]): T[] {
  let n = 0;
  for (const value of map.values()) into[n++] = value;
  into.length = n;
  return into;
}

const scratchMasters: MasterState[] = [];
const scratchReplicas: InstanceState[] = [];
const scratchPeers: InstanceState[] = [];

/**
 * What a step's handling found for SentinelCore's #groupsOf: one per core (a process may run
 * many, as the simulation does), reused by every step.
 */
interface StepNotes {
  /** The groups whose handling in the last tick wrote notable output, and how much (wakeAfterInput). */
  readonly noisyGroups: MasterState[];
  noisyWrites: number;
  /** The master the last is-master-down request named, as its handler found it. */
  askedMaster: MasterState | null;
}

/**
 * Handles a record unless its quiet gate holds (quiet-gate.ts; `honour` false: handle it in any
 * case). With `verify`, a record the gate would pass over is handled anyway and must do nothing.
 * Returns whether the record is quiet after this tick.
 */
function visit(
  ctx: CoreContext,
  instance: InstanceState,
  master: MasterState,
  honour: boolean,
  mode: QuietGateMode,
): boolean {
  if (honour && isQuiet(ctx.state, instance, master, ctx.now)) {
    if (mode === "verify") verifyQuiet(ctx, instance, master, handleInstance);
    return true;
  }
  handleInstance(ctx, instance, master);
  setQuiet(ctx, instance, master);
  return instance.quietUntil !== 0;
}

/**
 * sentinel.c: sentinelTimer (TILT check) + sentinelHandleDictOfRedisInstances. Returns the
 * earliest time a record's gate ends when every record is quiet after it, else 0 (quietUntil).
 */
function tick(ctx: CoreContext, input: TickInput, mode: QuietGateMode, notes: StepNotes): number {
  checkTiltCondition(ctx, input.wallNow, input.idleMs);
  duePings.length = 0;
  const honour = !ctx.state.tilt && mode !== "off";
  let switching: MasterState | null = null;
  let records = 0;
  let allQuiet = honour;
  let until = Number.POSITIVE_INFINITY;
  const noisyGroups = notes.noisyGroups;
  noisyGroups.length = 0;
  notes.noisyWrites = 0;
  for (const master of snapshotValues(ctx.state.masters, scratchMasters)) {
    records += 1 + master.replicas.size + master.sentinels.size;
    if (honour && isGroupQuiet(ctx.state, master, ctx.now)) {
      until = Math.min(until, master.groupQuietUntil);
      // Verify: walk the group anyway, each record's gate must hold (verifyGroupQuiet).
      if (mode !== "verify") continue;
      verifyGroupQuiet(ctx, master);
    }
    const notable = ctx.out.notableWriteCount;
    // A replica's or peer's gate holds only while the master is quiet too.
    const groupQuiet = visit(ctx, master, master, honour, mode) && honour;
    let groupAllQuiet = groupQuiet;
    let groupUntil = master.quietUntil;
    if (master.replicas.size > 0) {
      for (const replica of snapshotValues(master.replicas, scratchReplicas)) {
        groupAllQuiet = visit(ctx, replica, master, groupQuiet, mode) && groupAllQuiet;
        groupUntil = Math.min(groupUntil, replica.quietUntil);
      }
    }
    if (master.sentinels.size > 0) {
      for (const peer of snapshotValues(master.sentinels, scratchPeers)) {
        groupAllQuiet = visit(ctx, peer, master, groupQuiet, mode) && groupAllQuiet;
        groupUntil = Math.min(groupUntil, peer.quietUntil);
      }
    }
    setGroupQuiet(ctx.state, master, groupAllQuiet ? groupUntil : 0);
    if (ctx.out.notableWriteCount !== notable) {
      noisyGroups.push(master);
      notes.noisyWrites += ctx.out.notableWriteCount - notable;
    }
    allQuiet &&= groupAllQuiet;
    until = Math.min(until, groupUntil);
    if (master.failoverState === "update_config") switching = master;
  }
  if (duePings.length > 0 && records <= SMALL_RECORDS) until = carryPings(ctx, duePings);
  if (switching !== null) switchToPromotedReplica(ctx, switching);
  ctx.out.tickVisited(records);
  return allQuiet && switching === null && !ctx.state.tilt ? until : 0;
}

/**
 * verify mode: a group the tick would pass over as a whole (isGroupQuiet) must have every
 * record's own gate hold, the earliest ending when the group's does; the walk that follows then
 * checks each record's handling (verifyQuiet).
 */
function verifyGroupQuiet(ctx: CoreContext, master: MasterState): void {
  const { state, now } = ctx;
  let until = master.quietUntil;
  let quiet = isQuiet(state, master, master, now);
  for (const replica of master.replicas.values()) {
    quiet &&= isQuiet(state, replica, master, now);
    until = Math.min(until, replica.quietUntil);
  }
  for (const peer of master.sentinels.values()) {
    quiet &&= isQuiet(state, peer, master, now);
    until = Math.min(until, peer.quietUntil);
  }
  const what = `group of ${master.name} at ${String(now)}`;
  assert(quiet, `quiet gate passed over a record not quiet: ${what}`);
  assert(until === master.groupQuietUntil, `quiet gate: stale group gate end: ${what}`);
}

/**
 * The tick's carry pass (periodic.ts: carryPeriodicCommands) over every record, gated or not;
 * a record that sent its PING gets its gate again. Returns the earliest gate end after it.
 */
function carryPings(ctx: CoreContext, periods: readonly number[]): number {
  let until = Number.POSITIVE_INFINITY;
  for (const master of snapshotValues(ctx.state.masters, scratchMasters)) {
    until = Math.min(until, carryOne(ctx, master, master, periods));
    for (const replica of snapshotValues(master.replicas, scratchReplicas)) {
      until = Math.min(until, carryOne(ctx, replica, master, periods));
    }
    for (const peer of snapshotValues(master.sentinels, scratchPeers)) {
      until = Math.min(until, carryOne(ctx, peer, master, periods));
    }
  }
  return until;
}

function carryOne(
  ctx: CoreContext,
  instance: InstanceState,
  master: MasterState,
  periods: readonly number[],
): number {
  if (carryPeriodicCommands(ctx, instance, master, periods)) setQuiet(ctx, instance, master);
  return instance.quietUntil;
}

type TickInput = Extract<Input, { type: "tick" }>;

function groupOf(master: MasterState | null | undefined): readonly MasterState[] | null {
  return master === null || master === undefined ? null : [master];
}

/** Applies one input; for a tick, returns what tick() returns (else 0). */
function dispatch(ctx: CoreContext, input: Input, mode: QuietGateMode, notes: StepNotes): number {
  // The input's link, looked up once for the check and the handler (link-generation.ts).
  const first = inputLinkUser(ctx.state, input);
  if (fromStaleConnection(ctx.state, input, first)) return 0;
  switch (input.type) {
    case "tick":
      return tick(ctx, input, mode, notes);
    case "link-connected":
      onLinkConnected(ctx, input.link, input.conn, input.localIp, first);
      return 0;
    case "link-closed":
      onLinkClosed(ctx, input.link, input.conn, input.reason, first);
      return 0;
    case "ping-reply":
      onPingReply(ctx, input.link, input.reply, first);
      return 0;
    case "info-reply":
      onInfoReply(ctx, input.link, input.reply, first);
      return 0;
    case "publish-reply":
      onPublishReply(ctx, input.link, input.ok, first);
      return 0;
    case "command-done":
      if (first !== undefined) commandDone(first.instance.link);
      return 0;
    case "hello-received": {
      const stale = onHelloReceived(ctx, input.via, input.payload, first);
      if (stale !== null) answerStalePeer(ctx, stale.master, stale.peer, input.via);
      return 0;
    }
    case "is-master-down-reply":
      onIsMasterDownReply(ctx, input.link, input.master, input.reply);
      return 0;
    case "is-master-down-request":
      notes.askedMaster = serveIsMasterDownRequest(ctx, input);
      return 0;
    case "admin":
      runAdminOp(ctx, input.requestId, input.op);
      return 0;
    case "host-resolved":
      onHostResolved(ctx, input.host, input.ip);
      return 0;
    case "persist-failed":
      // The shell logs it and fails the deferred replies; the state in memory stays valid.
      return 0;
    case "shutdown":
      abortHandoversAtShutdown(ctx);
      return 0;
    default:
      assertNever(input, "unknown input");
  }
}

export class SentinelCore {
  readonly #state: SentinelState;
  readonly #random: Random;
  readonly #out = new ReadyBuilder(
    (master) => this.#state.masters.get(master)?.settings.notificationScript ?? "",
  );
  readonly #quietGate: QuietGateMode;
  readonly #notes: StepNotes = { noisyGroups: [], noisyWrites: 0, askedMaster: null };
  /** What the last tick returned (quietUntil) and the gate clock after it. */
  #idleUntil = 0;
  #idleClock = -1;

  constructor(config: SentinelConfig, options: SentinelCoreOptions) {
    this.#random = options.random;
    this.#quietGate = options.quietGate ?? "on";
    this.#state = newSentinelState({
      myId: config.myId,
      currentEpoch: config.currentEpoch,
      global: config.global,
      timing: { ...DEFAULT_TIMING, ...options.timing },
    });
    setServerIdentity(this.#state, {
      port: options.port ?? 26379,
      requirePass: options.requirePass ?? "",
    });
    const ctx = this.#context(options.now);
    // The shell looked the configured names up before starting us, as sentinel.c does at load.
    for (const [host, ip] of options.hosts ?? []) onHostResolved(ctx, host, ip);
    restoreMasters(ctx, config);
    if (this.#state.myId === "") {
      this.#state.myId = randomRunId(this.#random);
      ctx.out.flush();
    }
    // sentinel.c: sentinelIsRunning — after the flush, before the +monitor events.
    ctx.out.log("warning", `Sentinel ID is ${this.#state.myId}`);
    for (const master of this.#state.masters.values()) {
      ctx.out.event(
        "+monitor",
        `${instanceText(ctx.state, master, master)} quorum ${master.settings.quorum}`,
        master.name,
      );
    }
  }

  #context(now: number): CoreContext {
    return { now, state: this.#state, random: this.#random, out: this.#out };
  }

  /** Applies one input at monotonic time `now`. */
  step(now: number, input: Input): void {
    const out = this.#out;
    const written = out.writeCount;
    const notable = out.notableWriteCount;
    if (input.type === "tick") out.ticked(now);
    const clock = this.#state.gateClock;
    // Every record was quiet after the last tick and every gate is still current.
    const idle = this.#idleClock === clock && this.#idleUntil !== 0;
    const idleUntil = dispatch(this.#context(now), input, this.#quietGate, this.#notes);
    const wroteAny = out.writeCount !== written;
    const wroteNotable = out.notableWriteCount - notable;
    wakeAfterInput(
      this.#state,
      input,
      wroteAny,
      wroteNotable !== 0,
      this.#groupsOf(input, wroteNotable),
    );
    if (input.type === "ping-reply" || input.type === "publish-reply") {
      this.#refreshAfterReply(now, input.link);
    } else if (input.type === "info-reply" && idle && !wroteAny) {
      this.#refreshAfterInfo(now, input.link);
    }
    if (input.type !== "tick") return;
    // A tick that voided gates (an event, a flush) leaves records it visited before stale.
    this.#idleUntil = this.#state.gateClock === clock ? idleUntil : 0;
    this.#idleClock = this.#state.gateClock;
  }

  /**
   * The groups an input's changes are confined to (quiet-gate.ts: wakeAfterInput), null when
   * they are not: for a tick, the groups that wrote its `wroteNotable` notable writes, if all of
   * them; for a peer's is-master-down request or answer, the master it names.
   */
  #groupsOf(input: Input, wroteNotable: number): readonly MasterState[] | null {
    const notes = this.#notes;
    if (input.type === "tick") return notes.noisyWrites === wroteNotable ? notes.noisyGroups : null;
    if (input.type === "is-master-down-reply")
      return groupOf(this.#state.masters.get(input.master));
    if (input.type === "is-master-down-request") {
      const master = notes.askedMaster;
      notes.askedMaster = null;
      return groupOf(master);
    }
    return null;
  }

  /**
   * A PING or PUBLISH reply only moves the clocks its record's gate was computed from forward
   * (quiet-gate.ts), so that gate ended early: after a PING, at the time a PING would be sent
   * again if no reply came (half a ping period); after a hello, at once, as the hello counts
   * from its reply. With few records the gates of the link's records are computed again, and
   * quietUntil with them, so that the idle sentinel is not woken for a tick that finds nothing
   * to do (issue #18). Not above SMALL_RECORDS.
   */
  #refreshAfterReply(now: number, link: LinkId): void {
    if (this.#idleClock !== this.#state.gateClock || this.#idleUntil === 0) return;
    if (!fewRecords(this.#state, SMALL_RECORDS)) return;
    if (refreshGates(this.#context(now), link, this.#idleUntil)) {
      this.#idleUntil = earliestGateEnd(this.#state);
    }
  }

  /**
   * An INFO reply that wrote nothing voided its groups' gates (quiet-gate.ts: wakeAfterInput),
   * while the sentinel was idle: with few records, their gates are computed again at once
   * (refreshGroups), and quietUntil with them, instead of at a tick that would find nothing to
   * do. Not above SMALL_RECORDS, as #refreshAfterReply.
   */
  #refreshAfterInfo(now: number, link: LinkId): void {
    if (this.#quietGate === "off" || !fewRecords(this.#state, SMALL_RECORDS)) return;
    refreshGroups(this.#context(now), link);
    this.#idleClock = this.#state.gateClock;
    this.#idleUntil = earliestGateEnd(this.#state);
  }

  /**
   * Until when (monotonic ms) a regular tick would pass over every record: the last tick found
   * them all quiet (quiet-gate.ts) and no input voided a gate since. 0: tick at every regular
   * tick. The shell may let its regular ticks wait until then (scheduler.ts); any input that
   * voids a gate makes it 0 again. Infinity with no master.
   */
  quietUntil(): number {
    return this.#state.gateClock === this.#idleClock && !this.#state.tilt ? this.#idleUntil : 0;
  }

  /**
   * The commands the next takeReady() returns, when its Ready will carry a persist (else null):
   * the runtime writes those it sends before the persist (commandsBeforePersist) ahead of the
   * snapshot, which at a thousand masters took 10-30 ms on a loaded machine (issue #18).
   */
  commandsAheadOfPersist(): readonly Command[] | null {
    return this.#out.commandsAheadOfPersist;
  }

  /**
   * Whether a turn steps `input` ahead of the routine ones queued with it (records/urgent-input.ts,
   * shell/urgent-batch.ts): it belongs to a failover or to a master that is down.
   */
  urgent(input: Input): boolean {
    return isUrgentInput(this.#state, input);
  }

  /** Everything produced since the last call; `persist` is a snapshot taken now. */
  takeReady(): Ready {
    return this.#out.take(() => snapshotState(this.#state));
  }

  /** The live state, for views (read it, never change it). */
  get state(): SentinelState {
    return this.#state;
  }

  snapshot(): PersistedState {
    return snapshotState(this.#state);
  }
}

/**
 * One simulated sentinel process: the real SentinelCore plus an in-memory "disk" that keeps only
 * what was persisted. It carries out the core's Ready as src/shell/runtime.ts does
 * (src/core/model/ready.ts, docs/ARCHITECTURE.md "Ready"): inputs are queued and stepped in one
 * batch per turn (a clock event at the same virtual time, as the runtime's setImmediate: replies
 * before ticks, one `now`), each Ready in contract order — its vote requests, the persist, then
 * replies, the other commands, events — and then the core's `wakeAt` is followed with the
 * runtime's own WakePlan: a tick at once (within the cap) or a timer. Commands become network
 * traffic; replies and closes come back as inputs of a later batch, never re-entrantly. Faults: crash (memory lost, disk kept),
 * restart from the disk, pause (SIGSTOP: nothing runs, input queues up), wall-clock jumps (TILT),
 * failing persists, and crash hooks between persist and send and between the vote requests and
 * the persist.
 *
 * The client side (the core's link commands) lives in sim-links.ts.
 */
import type { Addr } from "../../../src/core/basics/addr.js";
import type { PersistedState, SentinelConfig } from "../../../src/core/model/config.js";
import type { Epoch } from "../../../src/core/basics/epoch.js";
import type { Input } from "../../../src/core/model/inputs.js";
import type { Random } from "../../../src/core/basics/random.js";
import type { AdminResult, Command, CoreReply, Ready } from "../../../src/core/model/ready.js";
import { commandsBeforePersist } from "../../../src/core/model/ready.js";
import type { SentinelState } from "../../../src/core/model/state.js";
import type { Timing } from "../../../src/core/model/timing.js";
import type { AdminOp } from "../../../src/core/model/inputs.js";
import type { Connection } from "./connection.js";
import type { ClientEnd, Request, Response, ServerEnd } from "./connection.js";
import type { FakeNetwork } from "./fake-network.js";
import { SimLinks } from "./sim-links.js";
import type { Prng } from "./prng.js";
import type { VirtualClock, Timer } from "./virtual-clock.js";
import { WakePlan } from "../../../src/shell/wake-plan.js";
import { takeBatch } from "../../../src/shell/urgent-batch.js";

const NONE: ReadonlySet<Command> = new Set();

/** The surface of SentinelCore the simulator drives. */
export interface SimCore {
  step(now: number, input: Input): void;
  takeReady(): Ready;
  readonly state: SentinelState;
  snapshot(): PersistedState;
  /** Whether a turn steps the input first (src/shell/urgent-batch.ts); absent = none. */
  urgent?(input: Input): boolean;
}

export interface CoreOptions {
  random: Random;
  now: number;
  timing?: Partial<Timing>;
  port?: number;
}

export type CoreFactory = (config: SentinelConfig, options: CoreOptions) => SimCore;

export interface VoteRequest {
  readonly ip: string;
  readonly port: number;
  readonly epoch: Epoch;
  readonly runId: string;
  /** Host of the asking sentinel. */
  readonly from: string;
}

export interface VoteReply {
  readonly down: boolean;
  readonly leader: string;
  readonly leaderEpoch: Epoch;
}

/** What the checker and the trace see of each batch. */
export interface SimObserver {
  onStep(
    sentinel: SimSentinel,
    batch: readonly Input[],
    ready: Ready,
    votes: readonly SentVote[],
  ): void;
  onLifecycle(sentinel: SimSentinel, text: string): void;
}

export interface SentVote {
  readonly request: VoteRequest;
  readonly reply: VoteReply;
}

export interface SentinelEnv {
  readonly clock: VirtualClock;
  readonly network: FakeNetwork;
  readonly random: Prng;
  readonly factory: CoreFactory;
  readonly timing: Partial<Timing> | null;
  readonly lookupServer: (addr: Addr) => ServerEnd | null;
  readonly observer: SimObserver;
}

export const PERSIST_FAILED_TEXT = "ERR Failed to save config file. Check server logs.";

export class SimSentinel implements ServerEnd, ClientEnd {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly env: SentinelEnv;
  up = false;
  paused = false;
  core: SimCore | null = null;
  /** The persisted state; starts as the operator's config file. */
  disk: PersistedState;
  incarnation = 0;
  /** Added to virtual time to form this process's wall clock (clock jumps move it). */
  wallOffset = 0;
  private readonly monoBase: number;
  private readonly wallBase: number;
  private readonly links = new SimLinks(this);
  private serverConns = new Set<Connection>();
  private pendingVotes = new Map<
    number,
    { request: VoteRequest; respond: (r: Response) => void }
  >();
  private nextRequestId = 1;
  private inbox: (() => void)[] = [];
  /** Inputs waiting for the next batch, and whether its turn is scheduled. */
  private queue: Input[] = [];
  private turnScheduled = false;
  /** The runtime's follow-up rule (src/shell/wake-plan.ts) and the one wake-up timer. */
  private wakePlan = new WakePlan();
  private wakeTimer: Timer | null = null;
  private wakeTimerAt = 0;
  private tickTimer: Timer | null = null;
  private readonly tickRandom: Prng;
  private adminResults = new Map<number, AdminResult>();
  /** Fault hooks. */
  replyFilter: ((request: VoteRequest, reply: VoteReply) => VoteReply) | null = null;
  crashAfterPersistWhen: ((ready: Ready) => boolean) | null = null;
  /**
   * Crash while the Ready's persist is in flight: its vote requests left (commandsBeforePersist),
   * nothing else did, and `crashBeforePersistMs` later (the fsync's duration; inputs queue up
   * meanwhile, as in the runtime) the process dies without the write.
   */
  crashBeforePersistWhen: ((ready: Ready) => boolean) | null = null;
  crashBeforePersistMs = 0;
  /** The crash that ends a persist in flight (crashBeforePersistWhen), not yet due. */
  private persistCrash: Timer | null = null;
  failPersists = false;
  /** Counters. */
  steps = 0;

  constructor(env: SentinelEnv, name: string, host: string, port: number, config: SentinelConfig) {
    this.env = env;
    this.name = name;
    this.host = host;
    this.port = port;
    this.disk = config;
    this.tickRandom = env.random.fork("ticks");
    this.monoBase = 1_000_000 + env.random.int(1_000_000);
    this.wallBase = 1_800_000_000_000 + env.random.int(1_000_000_000);
  }

  get addr(): Addr {
    return { ip: this.host, port: this.port };
  }

  get myId(): string {
    return this.core?.state.myId ?? this.disk.myId;
  }

  get state(): SentinelState | null {
    return this.core?.state ?? null;
  }

  monotonicNow(): number {
    return this.monoBase + this.env.clock.now();
  }

  wallNow(): number {
    return this.wallBase + this.env.clock.now() + this.wallOffset;
  }

  /** Starts (or restarts) the process from what is on disk. */
  start(): void {
    // A process dying in the middle of its persist dies first.
    if (this.persistCrash !== null) this.crash("crashed before its persist ended");
    if (this.up) return;
    this.up = true;
    this.paused = false;
    this.incarnation++;
    const options: CoreOptions = {
      random: this.env.random.fork(`core#${this.incarnation}`),
      now: this.monotonicNow(),
      port: this.port,
    };
    if (this.env.timing !== null) options.timing = this.env.timing;
    this.core = this.env.factory(structuredClone(this.disk), options);
    this.env.observer.onLifecycle(this, this.incarnation === 1 ? "started" : "restarted from disk");
    const ready = this.core.takeReady();
    this.execute([], ready);
    this.followUp(ready);
    this.run();
    this.scheduleTick(this.tickRandom.range(1, 100));
  }

  crash(reason = "crashed"): void {
    if (!this.up) return;
    this.env.clock.cancel(this.persistCrash);
    this.persistCrash = null;
    this.up = false;
    this.paused = false;
    this.core = null;
    this.env.clock.cancel(this.tickTimer);
    this.tickTimer = null;
    this.disarm();
    this.inbox = [];
    this.queue = [];
    this.turnScheduled = false;
    this.wakePlan = new WakePlan();
    this.pendingVotes.clear();
    this.links.dropAll();
    for (const conn of this.serverConns) conn.closeByServer("Connection reset by peer");
    this.serverConns.clear();
    this.env.observer.onLifecycle(this, reason);
  }

  pause(reason = "paused"): void {
    if (!this.up || this.paused) return;
    this.paused = true;
    this.env.clock.cancel(this.tickTimer);
    this.tickTimer = null;
    this.disarm();
    this.env.observer.onLifecycle(this, reason);
  }

  resume(): void {
    if (!this.up || !this.paused) return;
    this.paused = false;
    this.env.observer.onLifecycle(this, "resumed");
    const queued = this.inbox;
    this.inbox = [];
    for (const run of queued) {
      if (this.up && !this.paused) run();
    }
    if (this.up && !this.paused) {
      this.scheduleTurn();
      this.scheduleTick(0);
    }
  }

  jumpWallClock(deltaMs: number): void {
    this.wallOffset += deltaMs;
    this.env.observer.onLifecycle(this, `wall clock jumps ${deltaMs > 0 ? "+" : ""}${deltaMs} ms`);
  }

  /** Runs `run` in this process: now, later (paused) or never (crashed). */
  deliver(run: () => void): void {
    if (!this.up) return;
    if (this.paused) this.inbox.push(run);
    else run();
  }

  /** Runs an admin operation (SENTINEL …) and returns its reply; null if the process is down. */
  admin(op: AdminOp): AdminResult | null {
    if (!this.up || this.paused || this.core === null) return null;
    const requestId = this.nextRequestId++;
    // Stepped at once with whatever is queued (the operator's command arrives now).
    this.push({ type: "admin", requestId, op });
    this.run();
    const result = this.adminResults.get(requestId) ?? null;
    this.adminResults.delete(requestId);
    return result;
  }

  private scheduleTick(delay: number): void {
    this.env.clock.cancel(this.tickTimer);
    this.tickTimer = this.env.clock.after(delay, () => {
      this.tickTimer = null;
      if (!this.up || this.paused) return;
      this.push({ type: "tick", wallNow: this.wallNow() });
      // server.hz is re-drawn after every tick: 10 + rand(0..9) (docs/PROTOCOL.md §1).
      if (this.up && !this.paused && this.tickTimer === null) {
        this.scheduleTick(1000 / (10 + this.tickRandom.int(10)));
      }
    });
  }

  /**
   * Queues an input for the next batch (runtime.ts: push). A tick, from the scheduler or the
   * wake-up timer, starts the at-once budget again.
   */
  push(input: Input): void {
    if (this.core === null || !this.up) return;
    if (input.type === "tick") this.wakePlan.regularTick();
    this.queue.push(input);
    this.scheduleTurn();
  }

  /** The batch runs in a clock event of its own at the same time, after those already due. */
  private scheduleTurn(): void {
    if (this.turnScheduled || this.queue.length === 0) return;
    this.turnScheduled = true;
    const incarnation = this.incarnation;
    this.env.clock.after(0, () => {
      if (this.incarnation !== incarnation) return;
      this.turnScheduled = false;
      if (!this.paused) this.run();
    });
  }

  /** Steps and carries out batches until the queue is empty (runtime.ts: run). */
  private run(): void {
    while (this.queue.length > 0 && this.up && !this.paused && this.core !== null) {
      const core = this.core;
      // A failover's inputs first, in a batch of their own (runtime.ts, urgent-batch.ts).
      const batch = takeBatch(this.queue, (input) => core.urgent?.(input) ?? false);
      const now = this.monotonicNow();
      // Replies first, ticks last, one `now` (runtime.ts explains why).
      for (const input of batch) if (input.type !== "tick") core.step(now, input);
      for (const input of batch) if (input.type === "tick") core.step(now, input);
      this.steps += batch.length;
      const ready = core.takeReady();
      this.execute(batch, ready);
      // Requests the core left unanswered stay unanswered.
      for (const input of batch) {
        if (input.type === "is-master-down-request") this.pendingVotes.delete(input.requestId);
      }
      this.followUp(ready);
    }
  }

  /** The core's wish for its next tick (wake-plan.ts), as the runtime follows it. */
  private followUp(ready: Ready): void {
    if (this.core === null || !this.up || ready.exitCode !== null) return;
    const step = this.wakePlan.next(ready.wakeAt, this.monotonicNow(), ready.tickRecords);
    switch (step.kind) {
      case "tick-now":
        this.queue.push({ type: "tick", wallNow: this.wallNow() });
        return;
      case "arm":
        this.arm(step.at);
        return;
      case "disarm":
        this.disarm();
        return;
      case "wait":
        return;
    }
  }

  /** The one wake-up timer, at monotonic time `at`. */
  private arm(at: number): void {
    if (this.wakeTimer !== null && this.wakeTimerAt === at) return;
    this.disarm();
    this.wakeTimerAt = at;
    this.wakeTimer = this.env.clock.after(at - this.monotonicNow(), () => {
      this.wakeTimer = null;
      if (this.up && !this.paused) this.push({ type: "tick", wallNow: this.wallNow() });
    });
  }

  private disarm(): void {
    this.env.clock.cancel(this.wakeTimer);
    this.wakeTimer = null;
  }

  private execute(batch: readonly Input[], ready: Ready): void {
    const votes: SentVote[] = [];
    let persistOk = true;
    // A deferrable flush (Ready.persistSoon) is written at once here: the runtime coalesces
    // them for cost, which the simulation does not measure.
    if (ready.persistSoon && this.core !== null) {
      if (this.failPersists) {
        this.queue.unshift({ type: "persist-failed", error: "simulated: No space left on device" });
      } else {
        this.disk = structuredClone(this.core.snapshot());
      }
    }
    // Vote requests leave before the persist starts (core/model/ready.ts).
    const early = ready.persist !== null && ready.exitCode === null;
    const first = early ? commandsBeforePersist(ready.commands) : NONE;
    if (early) {
      for (const c of first) this.links.execute(c);
      if (this.crashBeforePersistWhen?.(ready) === true) {
        // Nothing of the step but those requests happens: no write, no event, no reply.
        this.pause("writing its config file (vote requests sent)");
        this.persistCrash = this.env.clock.after(this.crashBeforePersistMs, () => {
          this.crash("crashed before its persist ended");
        });
        return;
      }
    }
    if (ready.persist !== null) {
      if (this.failPersists) {
        persistOk = false;
        // The runtime feeds it back first thing in the next batch.
        this.queue.unshift({ type: "persist-failed", error: "simulated: No space left on device" });
      } else {
        this.disk = structuredClone(ready.persist);
      }
      if (persistOk && this.crashAfterPersistWhen?.(ready) === true) {
        this.env.observer.onStep(this, batch, ready, votes);
        this.crash("crashed after persist, before sending");
        return;
      }
    }
    if (ready.exitCode !== null) {
      this.env.observer.onStep(this, batch, ready, votes);
      this.crash(`exit ${ready.exitCode}`);
      return;
    }
    for (const reply of ready.replies) this.reply(reply, persistOk, votes);
    for (const c of ready.commands) if (!first.has(c)) this.links.execute(c);
    this.env.observer.onStep(this, batch, ready, votes);
  }

  private reply(reply: CoreReply, persistOk: boolean, votes: SentVote[]): void {
    if (reply.kind === "admin") {
      const failed = reply.afterPersist && !persistOk;
      this.adminResults.set(
        reply.requestId,
        failed ? { kind: "error", message: PERSIST_FAILED_TEXT } : reply.result,
      );
      return;
    }
    const pending = this.pendingVotes.get(reply.requestId);
    if (pending === undefined) return;
    this.pendingVotes.delete(reply.requestId);
    if (reply.afterPersist && !persistOk) {
      pending.respond({ kind: "error", text: PERSIST_FAILED_TEXT });
      return;
    }
    let vote: VoteReply = {
      down: reply.down,
      leader: reply.leader,
      leaderEpoch: reply.leaderEpoch,
    };
    if (this.replyFilter !== null) vote = this.replyFilter(pending.request, vote);
    votes.push({ request: pending.request, reply: vote });
    pending.respond({ kind: "vote", ...vote });
  }

  // ---- client side: the core's commands ----

  // ---- server side: peers talking to our RESP port ----

  accept(conn: Connection): void {
    this.serverConns.add(conn);
  }

  receive(conn: Connection, request: Request, respond: (response: Response) => void): void {
    this.deliver(() => {
      if (conn.serverClosed || !this.serverConns.has(conn)) return;
      this.serve(conn, request, respond);
    });
  }

  private serve(conn: Connection, request: Request, respond: (response: Response) => void): void {
    switch (request.kind) {
      case "ping":
        respond({ kind: "ok", text: "PONG" });
        return;
      case "publish":
        // docs/PROTOCOL.md §9.3: processed as a hello, `:1` whatever its content.
        this.push({ type: "hello-received", via: null, payload: request.payload });
        respond({ kind: "ok", text: "1" });
        return;
      case "is-master-down": {
        const requestId = this.nextRequestId++;
        const { ip, port, epoch, runId } = request;
        const vote: VoteRequest = { ip, port, epoch, runId, from: conn.client.host };
        this.pendingVotes.set(requestId, { request: vote, respond });
        // Answered when its batch is carried out, or never if the core gives no answer.
        const asker = conn.clientName;
        this.push({ type: "is-master-down-request", requestId, ip, port, epoch, runId, asker });
        return;
      }
      case "info":
        respond({ kind: "ok", text: "# Server\r\nredis_mode:sentinel\r\n" });
        return;
      case "subscribe":
      case "replicaof":
      case "script-kill":
      case "client-pause":
      case "client-unpause":
        respond({ kind: "error", text: "ERR unknown command" });
        return;
    }
  }
}

/**
 * One simulated sentinel process: the real SentinelCore plus an in-memory "disk" that keeps only
 * what was persisted. Every Ready is executed in contract order (src/core/ready.ts): persist first,
 * then replies, then commands, then events and scripts. Commands become network traffic; replies
 * and closes come back as Inputs. Faults: crash (memory lost, disk kept), restart from the disk,
 * pause (SIGSTOP: nothing runs, input queues up), wall-clock jumps (TILT), failing persists, and
 * a crash hook between persist and send.
 *
 * Feedback produced while executing a Ready (link-closed after `close`) is scheduled as a new
 * clock event, never fed back re-entrantly.
 */
import type { Addr } from "../../../src/core/addr.js";
import type { PersistedState, SentinelConfig } from "../../../src/core/config.js";
import type { Input } from "../../../src/core/inputs.js";
import type { Random } from "../../../src/core/random.js";
import type { AdminResult, Command, CoreReply, Ready } from "../../../src/core/ready.js";
import type { ConnKind, LinkId, SentinelState } from "../../../src/core/state.js";
import type { Timing } from "../../../src/core/timing.js";
import type { AdminOp } from "../../../src/core/inputs.js";
import { Connection } from "./connection.js";
import type { ClientEnd, Request, Response, ServerEnd } from "./connection.js";
import type { FakeNetwork } from "./fake-network.js";
import type { Prng } from "./prng.js";
import type { VirtualClock, Timer } from "./virtual-clock.js";

/** The surface of SentinelCore the simulator drives. */
export interface SimCore {
  step(now: number, input: Input): void;
  takeReady(): Ready;
  readonly state: SentinelState;
  snapshot(): PersistedState;
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
  readonly epoch: number;
  readonly runId: string;
  /** Host of the asking sentinel. */
  readonly from: string;
}

export interface VoteReply {
  readonly down: boolean;
  readonly leader: string;
  readonly leaderEpoch: number;
}

/** What the checker and the trace see of each step. */
export interface SimObserver {
  onStep(
    sentinel: SimSentinel,
    input: Input | null,
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
  readonly connectTimeout: number;
}

interface LinkEntry {
  cmd: Connection | null;
  pubsub: Connection | null;
  /** Pending connect attempts: the core's generation of each (0 = none pending). */
  cmdAttempt: number;
  pubsubAttempt: number;
  /** The generation of the open connection of each kind: its inputs carry it (`gen`). */
  cmdGen: number;
  pubsubGen: number;
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
  private links = new Map<LinkId, LinkEntry>();
  private serverConns = new Set<Connection>();
  private pendingVotes = new Map<
    number,
    { request: VoteRequest; respond: (r: Response) => void }
  >();
  private nextRequestId = 1;
  private inbox: (() => void)[] = [];
  private tickTimer: Timer | null = null;
  private readonly tickRandom: Prng;
  private adminResults = new Map<number, AdminResult>();
  /** Fault hooks. */
  replyFilter: ((request: VoteRequest, reply: VoteReply) => VoteReply) | null = null;
  crashAfterPersistWhen: ((ready: Ready) => boolean) | null = null;
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
    this.execute(null, this.core.takeReady());
    this.scheduleTick(this.tickRandom.range(1, 100));
  }

  crash(reason = "crashed"): void {
    if (!this.up) return;
    this.up = false;
    this.paused = false;
    this.core = null;
    this.env.clock.cancel(this.tickTimer);
    this.tickTimer = null;
    this.inbox = [];
    this.pendingVotes.clear();
    for (const entry of this.links.values()) {
      entry.cmd?.closeByClient();
      entry.pubsub?.closeByClient();
    }
    this.links.clear();
    for (const conn of this.serverConns) conn.closeByServer("Connection reset by peer");
    this.serverConns.clear();
    this.env.observer.onLifecycle(this, reason);
  }

  pause(): void {
    if (!this.up || this.paused) return;
    this.paused = true;
    this.env.clock.cancel(this.tickTimer);
    this.tickTimer = null;
    this.env.observer.onLifecycle(this, "paused");
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
    if (this.up && !this.paused) this.scheduleTick(0);
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
    this.input({ type: "admin", requestId, op });
    const result = this.adminResults.get(requestId) ?? null;
    this.adminResults.delete(requestId);
    return result;
  }

  private scheduleTick(delay: number): void {
    this.env.clock.cancel(this.tickTimer);
    this.tickTimer = this.env.clock.after(delay, () => {
      this.tickTimer = null;
      if (!this.up || this.paused) return;
      this.input({ type: "tick", wallNow: this.wallNow() });
      // server.hz is re-drawn after every tick: 10 + rand(0..9) (sentinel-protocol §1).
      if (this.up && !this.paused && this.tickTimer === null) {
        this.scheduleTick(1000 / (10 + this.tickRandom.int(10)));
      }
    });
  }

  /** Steps the core with one input and executes the resulting Ready. */
  input(input: Input): void {
    const core = this.core;
    if (core === null || !this.up) return;
    this.steps++;
    core.step(this.monotonicNow(), input);
    this.execute(input, core.takeReady());
  }

  private later(input: Input): void {
    const incarnation = this.incarnation;
    this.env.clock.after(0, () => {
      if (this.incarnation === incarnation)
        this.deliver(() => {
          this.input(input);
        });
    });
  }

  private execute(input: Input | null, ready: Ready): void {
    const votes: SentVote[] = [];
    let persistOk = true;
    if (ready.persist !== null) {
      if (this.failPersists) {
        persistOk = false;
        this.later({ type: "persist-failed", error: "simulated: No space left on device" });
      } else {
        this.disk = structuredClone(ready.persist);
      }
      if (persistOk && this.crashAfterPersistWhen?.(ready) === true) {
        this.env.observer.onStep(this, input, ready, votes);
        this.crash("crashed after persist, before sending");
        return;
      }
    }
    if (ready.exitCode !== null) {
      this.env.observer.onStep(this, input, ready, votes);
      this.crash(`exit ${ready.exitCode}`);
      return;
    }
    for (const reply of ready.replies) this.reply(reply, persistOk, votes);
    for (const command of ready.commands) this.command(command);
    this.env.observer.onStep(this, input, ready, votes);
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

  private command(command: Command): void {
    switch (command.type) {
      case "connect":
        this.connect(command.link, command.conn, command.addr, command.gen);
        return;
      case "close":
        this.close(command.link, command.conn);
        return;
      case "forget":
        this.forget(command.link);
        return;
      case "ping":
        this.send(command.link, { kind: "ping" }, (r, gen) => ({
          type: "ping-reply",
          link: command.link,
          reply: text(r),
          gen,
        }));
        return;
      case "info":
        this.send(command.link, { kind: "info" }, (r, gen) => ({
          type: "info-reply",
          link: command.link,
          reply: text(r),
          gen,
        }));
        return;
      case "publish-hello":
        this.send(command.link, { kind: "publish", payload: command.payload }, (r, gen) => ({
          type: "publish-reply",
          link: command.link,
          ok: r.kind !== "error",
          gen,
        }));
        return;
      case "ask-master-down": {
        const request: Request = {
          kind: "is-master-down",
          ip: command.ip,
          port: command.port,
          epoch: command.epoch,
          runId: command.runId,
        };
        this.send(command.link, request, (r, gen) => ({
          type: "is-master-down-reply",
          link: command.link,
          master: command.master,
          reply:
            r.kind === "vote"
              ? { down: r.down, leader: r.leader, leaderEpoch: r.leaderEpoch }
              : null,
          gen,
        }));
        return;
      }
      case "replicaof":
        this.send(command.link, { kind: "replicaof", target: command.target }, (_r, gen) => ({
          type: "command-done",
          link: command.link,
          gen,
        }));
        return;
      case "script-kill":
        this.send(command.link, { kind: "script-kill" }, (_r, gen) => ({
          type: "command-done",
          link: command.link,
          gen,
        }));
        return;
    }
  }

  private entry(link: LinkId): LinkEntry {
    let entry = this.links.get(link);
    if (entry === undefined) {
      entry = { cmd: null, pubsub: null, cmdAttempt: 0, pubsubAttempt: 0, cmdGen: 0, pubsubGen: 0 };
      this.links.set(link, entry);
    }
    return entry;
  }

  private connect(link: LinkId, kind: ConnKind, addr: Addr, gen: number): void {
    const entry = this.entry(link);
    entry[kind]?.closeByClient();
    entry[kind] = null;
    // The core's generations are unique and never 0: they serve as the attempt tokens.
    const attempt = gen;
    if (kind === "cmd") entry.cmdAttempt = attempt;
    else entry.pubsubAttempt = attempt;
    const net = this.env.network;
    const server = this.env.lookupServer(addr);
    const incarnation = this.incarnation;
    const current = (): boolean =>
      this.incarnation === incarnation &&
      this.links.get(link) === entry &&
      (kind === "cmd" ? entry.cmdAttempt : entry.pubsubAttempt) === attempt;
    const fail = (delay: number, reason: string): void => {
      this.env.clock.after(delay, () => {
        this.deliver(() => {
          if (!current()) return;
          this.clearAttempt(entry, kind);
          this.input({ type: "link-closed", link, conn: kind, reason, gen });
        });
      });
    };
    if (server === null) {
      fail(this.env.connectTimeout, "connect ETIMEDOUT");
      return;
    }
    const rtt = net.delay(this.host, server.host) + net.delay(server.host, this.host);
    this.env.clock.after(rtt, () => {
      this.deliver(() => {
        if (!current()) return;
        if (!net.connected(this.host, server.host)) {
          fail(Math.max(0, this.env.connectTimeout - rtt), "connect ETIMEDOUT");
          return;
        }
        if (!server.up) {
          this.clearAttempt(entry, kind);
          this.input({
            type: "link-closed",
            link,
            conn: kind,
            reason: "connect ECONNREFUSED",
            gen,
          });
          return;
        }
        this.clearAttempt(entry, kind);
        const conn = new Connection(net, this, server, kind);
        entry[kind] = conn;
        if (kind === "cmd") entry.cmdGen = gen;
        else entry.pubsubGen = gen;
        conn.onServerClose = (reason) => {
          if (entry[kind] !== conn || this.links.get(link) !== entry) return;
          entry[kind] = null;
          this.input({ type: "link-closed", link, conn: kind, reason, gen });
        };
        conn.onMessage = (payload) => {
          if (entry[kind] !== conn) return;
          this.input({ type: "hello-received", via: link, payload, gen });
        };
        server.accept(conn);
        if (kind === "pubsub") conn.request({ kind: "subscribe" }, () => undefined);
        this.input({ type: "link-connected", link, conn: kind, localIp: this.host, gen });
      });
    });
  }

  private clearAttempt(entry: LinkEntry, kind: ConnKind): void {
    if (kind === "cmd") entry.cmdAttempt = 0;
    else entry.pubsubAttempt = 0;
  }

  private close(link: LinkId, which: ConnKind | "both"): void {
    const entry = this.links.get(link);
    const kinds: readonly ConnKind[] = which === "both" ? ["cmd", "pubsub"] : [which];
    for (const kind of kinds) {
      // As link-manager.ts: every close is answered, with no reason when nothing was held.
      if (entry === undefined) {
        this.later({ type: "link-closed", link, conn: kind, reason: "" });
        continue;
      }
      const attempt = kind === "cmd" ? entry.cmdAttempt : entry.pubsubAttempt;
      const conn = entry[kind];
      conn?.closeByClient();
      entry[kind] = null;
      if (conn === null && attempt === 0) {
        this.later({ type: "link-closed", link, conn: kind, reason: "" });
        continue;
      }
      this.clearAttempt(entry, kind);
      const gen = conn !== null ? (kind === "cmd" ? entry.cmdGen : entry.pubsubGen) : attempt;
      this.later({ type: "link-closed", link, conn: kind, reason: "closed by sentinel", gen });
    }
  }

  private forget(link: LinkId): void {
    const entry = this.links.get(link);
    if (entry === undefined) return;
    entry.cmd?.closeByClient();
    entry.pubsub?.closeByClient();
    this.links.delete(link);
  }

  private send(
    link: LinkId,
    request: Request,
    toInput: (response: Response, gen: number) => Input,
  ): void {
    const entry = this.links.get(link);
    const conn = entry?.cmd ?? null;
    // Not connected: the shell drops the command (link-manager.ts: commandConnection).
    if (entry === undefined || conn === null) return;
    const gen = entry.cmdGen;
    conn.request(request, (response) => {
      if (this.links.get(link)?.cmd !== conn) return;
      this.input(toInput(response, gen));
    });
  }

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
        // sentinel-protocol §9.3: processed as a hello, `:1` whatever its content.
        this.input({ type: "hello-received", via: null, payload: request.payload });
        respond({ kind: "ok", text: "1" });
        return;
      case "is-master-down": {
        const requestId = this.nextRequestId++;
        const vote: VoteRequest = {
          ip: request.ip,
          port: request.port,
          epoch: request.epoch,
          runId: request.runId,
          from: conn.client.host,
        };
        this.pendingVotes.set(requestId, { request: vote, respond });
        this.input({
          type: "is-master-down-request",
          requestId,
          ip: request.ip,
          port: request.port,
          epoch: request.epoch,
          runId: request.runId,
        });
        // Answered inside execute(); if the core gave no answer, the request stays unanswered.
        this.pendingVotes.delete(requestId);
        return;
      }
      case "info":
        respond({ kind: "ok", text: "# Server\r\nredis_mode:sentinel\r\n" });
        return;
      case "subscribe":
      case "replicaof":
      case "script-kill":
        respond({ kind: "error", text: "ERR unknown command" });
        return;
    }
  }
}

function text(response: Response): { kind: "ok" | "error"; text: string } {
  if (response.kind === "vote") return { kind: "error", text: "ERR unexpected reply" };
  return { kind: response.kind, text: response.text };
}

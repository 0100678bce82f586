/**
 * A Redis node as a sentinel sees it: a role, a run id, a replication id and offset, a priority,
 * INFO text in redis-server 7.0's format, the SLAVEOF transaction (MULTI / SLAVEOF / CONFIG REWRITE
 * / CLIENT KILL TYPE normal / CLIENT KILL TYPE pubsub / EXEC), PING with -LOADING after a restart,
 * and `__sentinel__:hello` pub/sub. No keys or data: only what Sentinel observes.
 *
 * Replication is modelled every 100 ms: a master's offset grows with writes; a replica whose
 * upstream is reachable copies the upstream's previous offset (one step of lag, sometimes more),
 * after an initial sync. A crashed upstream that is still reachable resets the link at once (RST);
 * an unreachable or paused one is noticed only after repl-timeout (60 s), as in Redis.
 * Replication ids (master_replid, master_replid2, second_repl_offset) follow redis-server 7.0.15:
 * replication-ids.ts.
 * PUBLISH is propagated to replicas (Redis replicates PUBLISH outside cluster mode).
 */
import type { Addr } from "../../../src/core/basics/addr.js";
import { addrEquals } from "../../../src/core/basics/addr.js";
import type { Connection, Request, Response, ServerEnd } from "./connection.js";
import type { FakeNetwork } from "./fake-network.js";
import type { Prng } from "./prng.js";
import type { ReplIds } from "./replication-ids.js";
import { shiftIds, syncIds, ZERO_ID } from "./replication-ids.js";
import type { VirtualClock } from "./virtual-clock.js";

const REPL_TICK = 100;
const REPL_TIMEOUT = 60_000;

export interface FakeRedisOptions {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** null = starts as a master. */
  readonly replicaOf: Addr | null;
  readonly priority?: number;
  readonly replicaAnnounced?: boolean;
  /** How long PING answers -LOADING after a restart. */
  readonly loadingTime?: number;
}

export interface RedisEnv {
  readonly clock: VirtualClock;
  readonly network: FakeNetwork;
  readonly random: Prng;
  /** Finds the node listening on an address (for replication and PUBLISH propagation). */
  readonly lookup: (addr: Addr) => FakeRedis | null;
  /** Notified when the node changes role (trace). */
  readonly note: (node: FakeRedis, text: string) => void;
}

export class FakeRedis implements ServerEnd, ReplIds {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly env: RedisEnv;
  up = true;
  paused = false;
  loadingUntil = 0;
  runId: string;
  role: "master" | "slave";
  masterAddr: Addr | null;
  /** The role CONFIG REWRITE saved: what a restart comes back with. */
  savedMasterAddr: Addr | null;
  replId: string;
  replId2 = ZERO_ID;
  /** second_repl_offset: the first offset outside replId2's history, -1 without one. */
  secondOffset = -1;
  offset = 0;
  private previousOffset = 0;
  priority: number;
  replicaAnnounced: boolean;
  linkUp = false;
  /** Sim time the replica link went down; 0 = never had one (INFO prints -1). */
  linkDownSince = 0;
  private syncDoneAt = 0;
  lastIoAt = 0;
  private startedAt: number;
  private readonly loadingTime: number;
  private readonly clients = new Set<Connection>();
  private readonly subscribers = new Set<Connection>();
  private inbox: (() => void)[] = [];
  /** Writes per replication tick on a master (0 = idle). */
  writeRate = 200;
  /** CLIENT PAUSE … WRITE: writes (and PUBLISH) wait until this time; 0 = not paused. */
  writesPausedUntil = 0;
  /** Writes held by the pause, run when it ends. */
  private heldWrites: (() => void)[] = [];
  /** Counters for the checker and reports. */
  promotions = 0;

  constructor(env: RedisEnv, options: FakeRedisOptions) {
    this.env = env;
    this.name = options.name;
    this.host = options.host;
    this.port = options.port;
    this.masterAddr = options.replicaOf;
    this.savedMasterAddr = options.replicaOf;
    this.role = options.replicaOf === null ? "master" : "slave";
    this.priority = options.priority ?? 100;
    this.replicaAnnounced = options.replicaAnnounced ?? true;
    this.loadingTime = options.loadingTime ?? 0;
    this.runId = env.random.hexId();
    this.replId = env.random.hexId();
    this.startedAt = env.clock.now();
    if (this.role === "slave") {
      // Start in sync, as a deployment that was already running.
      this.linkUp = true;
      this.lastIoAt = this.startedAt;
    }
    env.clock.after(env.random.range(1, REPL_TICK), () => {
      this.replicationTick();
    });
  }

  get addr(): Addr {
    return { ip: this.host, port: this.port };
  }

  /** Serving (not crashed, not stopped). */
  get serving(): boolean {
    return this.up && !this.paused;
  }

  accept(conn: Connection): void {
    this.clients.add(conn);
    if (conn.kind === "pubsub") this.subscribers.add(conn);
  }

  receive(conn: Connection, request: Request, respond: (response: Response) => void): void {
    const run = (): void => {
      if (!this.up || conn.serverClosed) return;
      this.handle(conn, request, respond);
    };
    if (this.paused) this.inbox.push(run);
    else run();
  }

  private handle(conn: Connection, request: Request, respond: (response: Response) => void): void {
    const now = this.env.clock.now();
    const loading = now < this.loadingUntil;
    switch (request.kind) {
      case "ping":
        respond(
          loading
            ? { kind: "error", text: "LOADING Redis is loading the dataset in memory" }
            : { kind: "ok", text: "PONG" },
        );
        return;
      case "info":
        respond({ kind: "ok", text: this.infoText() });
        return;
      case "subscribe":
        this.subscribers.add(conn);
        respond({ kind: "ok", text: "subscribe" });
        return;
      case "publish":
        // PUBLISH may replicate: CLIENT PAUSE WRITE holds it until the pause ends.
        this.whenWritable(() => {
          this.publish(request.payload);
          respond({ kind: "ok", text: String(this.subscribers.size) });
        });
        return;
      case "client-pause":
        this.pauseWrites(request.ms);
        respond({ kind: "ok", text: "OK" });
        return;
      case "client-unpause":
        this.unpauseWrites();
        respond({ kind: "ok", text: "OK" });
        return;
      case "script-kill":
        respond({ kind: "error", text: "NOTBUSY No scripts in execution right now." });
        return;
      case "is-master-down":
        respond({
          kind: "error",
          text: "ERR unknown command 'SENTINEL', with args beginning with: ",
        });
        return;
      case "replicaof":
        if (loading) {
          respond({
            kind: "error",
            text: "EXECABORT Transaction discarded because of previous errors.",
          });
          return;
        }
        this.slaveOf(request.target);
        // CLIENT KILL TYPE normal / pubsub: every other normal client and every pub/sub client.
        for (const other of [...this.clients]) {
          if (other !== conn) this.dropClient(other, "Connection reset by peer (CLIENT KILL)");
        }
        respond({ kind: "ok", text: "OK" });
        return;
    }
  }

  private dropClient(conn: Connection, reason: string): void {
    this.clients.delete(conn);
    this.subscribers.delete(conn);
    conn.closeByServer(reason);
  }

  /** SLAVEOF host port | NO ONE, with CONFIG REWRITE. */
  slaveOf(target: Addr | null): void {
    const now = this.env.clock.now();
    if (target === null) {
      if (this.role === "master") return;
      this.role = "master";
      this.masterAddr = null;
      shiftIds(this, this.env.random.hexId());
      this.linkUp = false;
      this.promotions++;
      this.env.note(this, "role master (SLAVEOF NO ONE)");
    } else {
      const same =
        this.role === "slave" && this.masterAddr !== null && addrEquals(this.masterAddr, target);
      if (!same) {
        if (this.linkUp) this.linkDownSince = now;
        this.role = "slave";
        this.masterAddr = target;
        this.linkUp = false;
        this.syncDoneAt = 0;
        this.env.note(this, `role slave of ${target.ip}:${target.port}`);
      }
    }
    this.savedMasterAddr = this.masterAddr;
  }

  private pruneClosed(): void {
    for (const c of this.subscribers) if (!c.open) this.subscribers.delete(c);
    for (const c of this.clients) if (!c.open) this.clients.delete(c);
  }

  /**
   * Delivers to local subscribers and propagates to replicas whose link is up. `visited` stops a
   * message from circling forever when sentinels with different views build a replication loop.
   */
  publish(payload: string, visited: ReadonlySet<FakeRedis> = new Set()): void {
    this.pruneClosed();
    for (const sub of this.subscribers) sub.push(payload);
    const seen = new Set(visited).add(this);
    for (const replica of this.replicasOnline()) {
      if (seen.has(replica)) continue;
      this.env.network.sendLoose(this.host, replica.host, () => {
        replica.receivePropagated(payload, this, seen);
      });
    }
  }

  private receivePropagated(
    payload: string,
    from: FakeRedis,
    visited: ReadonlySet<FakeRedis>,
  ): void {
    const run = (): void => {
      if (
        this.up &&
        this.linkUp &&
        this.masterAddr !== null &&
        addrEquals(this.masterAddr, from.addr)
      ) {
        this.publish(payload, visited);
      }
    };
    if (!this.up) return;
    if (this.paused) this.inbox.push(run);
    else run();
  }

  /** Replicas that consider their link to this node up. */
  replicasOnline(): FakeRedis[] {
    const out: FakeRedis[] = [];
    for (const node of this.peers()) {
      if (
        node.up &&
        node.role === "slave" &&
        node.linkUp &&
        node.masterAddr !== null &&
        addrEquals(node.masterAddr, this.addr)
      ) {
        out.push(node);
      }
    }
    return out;
  }

  /** Every node known to the environment (set by the cluster). */
  peers: () => readonly FakeRedis[] = () => [];

  private replicationTick(): void {
    const clock = this.env.clock;
    if (this.up && !this.paused) {
      const now = clock.now();
      this.previousOffset = this.offset;
      if (this.role === "master") {
        const writes = this.writeRate === 0 ? 0 : this.env.random.int(this.writeRate + 1);
        if (!this.writesPaused()) this.offset += writes;
      } else {
        this.followUpstream(now);
      }
    }
    clock.after(REPL_TICK, () => {
      this.replicationTick();
    });
  }

  private followUpstream(now: number): void {
    const upstream = this.masterAddr === null ? null : this.env.lookup(this.masterAddr);
    const net = this.env.network;
    const reachable = upstream !== null && net.connected(this.host, upstream.host);
    const alive = upstream?.up === true;
    if (reachable && alive && !upstream.paused) {
      this.lastIoAt = now;
      if (!this.linkUp) {
        if (this.syncDoneAt === 0) this.syncDoneAt = now + this.env.random.range(100, 1500);
        if (now >= this.syncDoneAt) {
          this.linkUp = true;
          this.syncDoneAt = 0;
          if (syncIds(this, upstream, upstream.previousOffset))
            this.offset = Math.max(this.offset, upstream.previousOffset);
        }
      } else {
        // The upstream changed id (promoted, or resynced itself): Redis drops its replicas, which
        // sync again at once. A replica started in sync takes its upstream's id here.
        if (this.replId !== upstream.replId) syncIds(this, upstream, upstream.previousOffset);
        if (this.env.random.chance(0.8)) {
          this.offset = Math.max(this.offset, upstream.previousOffset);
        }
      }
      return;
    }
    // A dead process on a reachable host answers with RST at once; otherwise wait for repl-timeout.
    const resetNow = upstream === null || (reachable && !alive);
    if (this.linkUp && (resetNow || now - this.lastIoAt > REPL_TIMEOUT)) {
      this.linkUp = false;
      this.linkDownSince = now;
    }
    this.syncDoneAt = 0;
  }

  writesPaused(): boolean {
    return this.env.clock.now() < this.writesPausedUntil;
  }

  private whenWritable(run: () => void): void {
    if (!this.writesPaused()) {
      run();
      return;
    }
    this.heldWrites.push(run);
  }

  private pauseWrites(ms: number): void {
    const until = this.env.clock.now() + ms;
    if (until <= this.writesPausedUntil) return;
    this.writesPausedUntil = until;
    this.env.clock.after(ms, () => {
      if (this.env.clock.now() >= this.writesPausedUntil) this.unpauseWrites();
    });
  }

  private unpauseWrites(): void {
    this.writesPausedUntil = 0;
    const held = this.heldWrites;
    this.heldWrites = [];
    for (const run of held) run();
  }

  crash(): void {
    if (!this.up) return;
    this.writesPausedUntil = 0;
    this.heldWrites = [];
    this.up = false;
    this.paused = false;
    this.inbox = [];
    for (const conn of [...this.clients]) this.dropClient(conn, "Connection reset by peer");
    this.linkUp = false;
    if (this.role === "slave") this.linkDownSince = this.env.clock.now();
    this.env.note(this, "crashed");
  }

  restart(): void {
    if (this.up) return;
    const now = this.env.clock.now();
    this.up = true;
    this.startedAt = now;
    this.runId = this.env.random.hexId();
    this.masterAddr = this.savedMasterAddr;
    this.role = this.masterAddr === null ? "master" : "slave";
    // Its data is back (an RDB): a replica resumes its id and offset for a PSYNC, a master starts
    // a new history with the loaded one as replId2 (loadDataFromDisk).
    if (this.role === "master") shiftIds(this, this.env.random.hexId());
    this.linkUp = false;
    this.linkDownSince = 0;
    this.loadingUntil = now + this.loadingTime;
    this.env.note(this, `restarted as ${this.role}`);
  }

  pause(): void {
    if (this.up) this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const queued = this.inbox;
    this.inbox = [];
    for (const run of queued) run();
  }

  /** INFO as redis-server 7.0.15 prints it (Server and Replication sections; Sentinel reads these). */
  infoText(): string {
    const now = this.env.clock.now();
    const lines = [
      "# Server",
      "redis_version:7.0.15",
      "redis_mode:standalone",
      `run_id:${this.runId}`,
      `tcp_port:${this.port}`,
      `uptime_in_seconds:${Math.floor((now - this.startedAt) / 1000)}`,
      "",
      "# Replication",
      ...this.replicationLines(now),
    ];
    return `${lines.join("\r\n")}\r\n`;
  }

  private replicationLines(now: number): string[] {
    const lines: string[] = [`role:${this.role}`];
    if (this.role === "slave" && this.masterAddr !== null) {
      lines.push(
        `master_host:${this.masterAddr.ip}`,
        `master_port:${this.masterAddr.port}`,
        `master_link_status:${this.linkUp ? "up" : "down"}`,
        `master_last_io_seconds_ago:${this.linkUp ? Math.floor((now - this.lastIoAt) / 1000) : -1}`,
        `master_sync_in_progress:${this.syncDoneAt !== 0 ? 1 : 0}`,
        `slave_read_repl_offset:${this.offset}`,
        `slave_repl_offset:${this.offset}`,
      );
      if (!this.linkUp) {
        const since = this.linkDownSince === 0 ? -1 : Math.floor((now - this.linkDownSince) / 1000);
        lines.push(`master_link_down_since_seconds:${since}`);
      }
      lines.push(
        `slave_priority:${this.priority}`,
        "slave_read_only:1",
        `replica_announced:${this.replicaAnnounced ? 1 : 0}`,
      );
    }
    const replicas = this.replicasOnline();
    lines.push(`connected_slaves:${replicas.length}`);
    replicas.forEach((r, i) => {
      // lag: whole seconds since the replica last heard from this master (its REPLCONF ACK).
      const lag = Math.floor((this.env.clock.now() - r.lastIoAt) / 1000);
      lines.push(
        `slave${i}:ip=${r.host},port=${r.port},state=online,offset=${r.offset},lag=${lag}`,
      );
    });
    lines.push(
      "master_failover_state:no-failover",
      `master_replid:${this.replId}`,
      `master_replid2:${this.replId2}`,
      `master_repl_offset:${this.offset}`,
      `second_repl_offset:${this.secondOffset}`,
      "repl_backlog_active:1",
      "repl_backlog_size:1048576",
    );
    return lines;
  }
}

/**
 * The simulated network between hosts (one IP per host). Each directed path (from → to) has a
 * delay range, a loss rate, a duplication rate and a reordering rate, and can be blocked to make
 * symmetric or one-way partitions.
 *
 * Two kinds of traffic, because everything Sentinel says travels over TCP:
 * - Streams (a TCP connection): per direction FIFO and reliable. Loss shows up as a retransmission
 *   delay, a blocked path holds the data and retries (RTO backoff) until it heals or the stream is
 *   closed. Duplication and reordering do not apply.
 * - Loose messages (hello deliveries, which Sentinel treats as idempotent gossip): dropped while
 *   the path is blocked or by loss, may be delivered twice, and may overtake each other.
 */
import type { Prng } from "./prng.js";
import type { VirtualClock } from "./virtual-clock.js";

export interface PathConfig {
  readonly minDelay: number;
  readonly maxDelay: number;
  /** Probability per message: streams retransmit (extra delay), loose messages are dropped. */
  readonly loss: number;
  /** Probability that a loose message is delivered twice. */
  readonly duplicate: number;
  /** Probability that a loose message gets an extra delay of up to 10× maxDelay (overtaken). */
  readonly reorder: number;
}

export const LAN_PATH: PathConfig = {
  minDelay: 0.1,
  maxDelay: 1,
  loss: 0,
  duplicate: 0,
  reorder: 0,
};

const RTO_MIN = 200;
const RTO_MAX = 3000;

interface Segment {
  readonly readyAt: number;
  readonly deliver: () => void;
}

interface Direction {
  readonly from: string;
  readonly to: string;
  readonly queue: Segment[];
  pumping: boolean;
  rto: number;
}

/** One TCP connection between two hosts. */
export class Stream {
  readonly id: number;
  closed = false;
  readonly forward: Direction;
  readonly backward: Direction;

  constructor(id: number, a: string, b: string) {
    this.id = id;
    this.forward = { from: a, to: b, queue: [], pumping: false, rto: RTO_MIN };
    this.backward = { from: b, to: a, queue: [], pumping: false, rto: RTO_MIN };
  }
}

export class FakeNetwork {
  private readonly clock: VirtualClock;
  private readonly random: Prng;
  private defaults: PathConfig = LAN_PATH;
  private readonly paths = new Map<string, PathConfig>();
  /** Blocked directed paths, counted so overlapping faults heal independently. */
  private readonly blocked = new Map<string, number>();
  private nextStreamId = 1;
  /** Counters for reports. */
  readonly stats = { streamSegments: 0, looseSent: 0, looseDropped: 0, looseDuplicated: 0 };

  constructor(clock: VirtualClock, random: Prng) {
    this.clock = clock;
    this.random = random;
  }

  setDefaultPath(config: PathConfig): void {
    this.defaults = config;
  }

  setPath(from: string, to: string, config: Partial<PathConfig>): void {
    this.paths.set(`${from}>${to}`, { ...this.path(from, to), ...config });
  }

  resetPaths(): void {
    this.paths.clear();
  }

  path(from: string, to: string): PathConfig {
    if (this.paths.size === 0) return this.defaults;
    return this.paths.get(`${from}>${to}`) ?? this.defaults;
  }

  block(from: string, to: string): void {
    if (from === to) return;
    const key = `${from}>${to}`;
    this.blocked.set(key, (this.blocked.get(key) ?? 0) + 1);
  }

  unblock(from: string, to: string): void {
    const key = `${from}>${to}`;
    const n = (this.blocked.get(key) ?? 0) - 1;
    if (n > 0) this.blocked.set(key, n);
    else this.blocked.delete(key);
  }

  /** Undoes `partition(a, b)`. */
  unpartition(a: readonly string[], b: readonly string[]): void {
    for (const x of a) {
      for (const y of b) {
        if (x === y) continue;
        this.unblock(x, y);
        this.unblock(y, x);
      }
    }
  }

  /** Cuts every path between the two groups, in both directions. */
  partition(a: readonly string[], b: readonly string[]): void {
    for (const x of a) {
      for (const y of b) {
        this.block(x, y);
        this.block(y, x);
      }
    }
  }

  /** Cuts only from → to for every pair (one-way partition). */
  partitionOneWay(from: readonly string[], to: readonly string[]): void {
    for (const x of from) for (const y of to) this.block(x, y);
  }

  isolate(host: string, all: readonly string[]): void {
    this.partition(
      [host],
      all.filter((h) => h !== host),
    );
  }

  heal(): void {
    this.blocked.clear();
  }

  get partitioned(): boolean {
    return this.blocked.size > 0;
  }

  canReach(from: string, to: string): boolean {
    if (this.blocked.size === 0 || from === to) return true;
    return !this.blocked.has(`${from}>${to}`);
  }

  /** Both directions open: what a TCP handshake needs. */
  connected(a: string, b: string): boolean {
    return this.canReach(a, b) && this.canReach(b, a);
  }

  delay(from: string, to: string): number {
    const p = this.path(from, to);
    return p.minDelay + this.random.float() * (p.maxDelay - p.minDelay);
  }

  openStream(a: string, b: string): Stream {
    return new Stream(this.nextStreamId++, a, b);
  }

  /** Queues data on one direction of a stream; it arrives in order, or never if the stream closes. */
  send(stream: Stream, direction: "forward" | "backward", deliver: () => void): void {
    if (stream.closed) return;
    const dir = direction === "forward" ? stream.forward : stream.backward;
    const p = this.path(dir.from, dir.to);
    let delay = this.delay(dir.from, dir.to);
    if (this.random.chance(p.loss)) delay += RTO_MIN + this.random.float() * RTO_MIN * 2;
    this.stats.streamSegments++;
    dir.queue.push({ readyAt: this.clock.now() + delay, deliver });
    if (!dir.pumping) this.pump(stream, dir);
  }

  private pump(stream: Stream, dir: Direction): void {
    const head = dir.queue[0];
    if (head === undefined || stream.closed) {
      dir.pumping = false;
      if (stream.closed) dir.queue.length = 0;
      return;
    }
    dir.pumping = true;
    this.clock.at(head.readyAt, () => {
      if (stream.closed) {
        dir.queue.length = 0;
        dir.pumping = false;
        return;
      }
      if (!this.canReach(dir.from, dir.to)) {
        // Held by TCP: retry with backoff; later segments wait behind it.
        const retryAt = this.clock.now() + dir.rto;
        dir.rto = Math.min(dir.rto * 2, RTO_MAX);
        dir.queue[0] = { readyAt: retryAt, deliver: head.deliver };
        this.pump(stream, dir);
        return;
      }
      dir.rto = RTO_MIN;
      dir.queue.shift();
      head.deliver();
      this.pump(stream, dir);
    });
  }

  /** Sends gossip that may be lost, duplicated or reordered. */
  sendLoose(from: string, to: string, deliver: () => void): void {
    this.stats.looseSent++;
    const p = this.path(from, to);
    if (!this.canReach(from, to) || this.random.chance(p.loss)) {
      this.stats.looseDropped++;
      return;
    }
    const copies = this.random.chance(p.duplicate) ? 2 : 1;
    if (copies === 2) this.stats.looseDuplicated++;
    for (let i = 0; i < copies; i++) {
      let delay = this.delay(from, to);
      if (this.random.chance(p.reorder)) delay += this.random.float() * p.maxDelay * 10;
      this.clock.after(delay, () => {
        if (this.canReach(from, to)) deliver();
      });
    }
  }
}

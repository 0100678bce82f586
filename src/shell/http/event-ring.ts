/**
 * The last events in memory, for GET /v1/events: a bounded ring numbered by `seq` (1, 2, …),
 * with long-poll waiters woken by the next push. Nothing here blocks: a waiter is a promise
 * and a timer, bounded in number and in time.
 */
import type { SentinelEvent } from "../../core/index.js";

export interface RingEvent {
  readonly seq: number;
  readonly type: string;
  readonly level: string;
  readonly text: string;
  readonly master: string | null;
  /** Wall clock, ISO 8601 and milliseconds since the epoch. */
  readonly time: string;
  readonly ms: number;
}

export interface RingSlice {
  readonly events: readonly RingEvent[];
  /** The seq to ask `since` next time. */
  readonly last: number;
  /** Events after `since` were dropped from the ring before this read. */
  readonly truncated: boolean;
}

interface Waiter {
  readonly since: number;
  readonly resolve: (slice: RingSlice) => void;
  readonly timer: NodeJS.Timeout;
}

export const RING_CAPACITY = 1000;
/** Long polls waiting at once; more get the (empty) answer at once. */
export const MAX_WAITERS = 64;

export class EventRing {
  private readonly capacity: number;
  private readonly items: RingEvent[] = [];
  /** Index in `items` of the oldest event once the ring is full. */
  private head = 0;
  private lastSeq = 0;
  private readonly waiters = new Set<Waiter>();
  private readonly wallNow: () => number;

  constructor(capacity = RING_CAPACITY, wallNow: () => number = Date.now) {
    this.capacity = capacity;
    this.wallNow = wallNow;
  }

  get last(): number {
    return this.lastSeq;
  }

  push(event: SentinelEvent): void {
    const ms = this.wallNow();
    const item: RingEvent = {
      seq: ++this.lastSeq,
      type: event.type,
      level: event.level,
      text: event.text,
      master: event.master,
      time: new Date(ms).toISOString(),
      ms,
    };
    if (this.items.length < this.capacity) this.items.push(item);
    else {
      this.items[this.head] = item;
      this.head = (this.head + 1) % this.capacity;
    }
    if (this.waiters.size === 0) return;
    for (const waiter of [...this.waiters]) {
      this.waiters.delete(waiter);
      clearTimeout(waiter.timer);
      waiter.resolve(this.since(waiter.since));
    }
  }

  /** The events whose seq is above `since` (oldest first). */
  since(since: number): RingSlice {
    const oldest = this.lastSeq - this.items.length + 1;
    const from = Math.max(since + 1, oldest);
    const events: RingEvent[] = [];
    for (let seq = from; seq <= this.lastSeq; seq++) {
      const item = this.items[(this.head + (seq - oldest)) % this.items.length];
      if (item !== undefined) events.push(item);
    }
    return { events, last: this.lastSeq, truncated: since + 1 < oldest && this.items.length > 0 };
  }

  /** `since`'s answer, waiting up to `timeoutMs` for a first event when there is none yet. */
  wait(since: number, timeoutMs: number): Promise<RingSlice> {
    const now = this.since(since);
    if (now.events.length > 0 || timeoutMs <= 0 || this.waiters.size >= MAX_WAITERS) {
      return Promise.resolve(now);
    }
    return new Promise((resolve) => {
      const waiter: Waiter = {
        since,
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          resolve(this.since(since));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Answers every waiting long poll (shutdown). */
  release(): void {
    for (const waiter of [...this.waiters]) {
      this.waiters.delete(waiter);
      clearTimeout(waiter.timer);
      waiter.resolve(this.since(waiter.since));
    }
  }
}

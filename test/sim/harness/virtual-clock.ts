/**
 * Virtual time for the simulator: a queue of callbacks ordered by (time, sequence number). The
 * sequence number makes ties deterministic (first scheduled, first run). Nothing here reads a
 * real clock; time only moves when the queue is drained.
 */

export interface Timer {
  readonly time: number;
  readonly seq: number;
  cancelled: boolean;
  readonly run: () => void;
}

export class VirtualClock {
  private current = 0;
  private seqCounter = 0;
  private readonly heap: Timer[] = [];
  /** Called after every callback the clock runs (the checker hooks in here). */
  afterEach: (() => void) | null = null;
  /** Number of callbacks run so far (a cheap progress measure). */
  executed = 0;

  now(): number {
    return this.current;
  }

  get pending(): number {
    return this.heap.length;
  }

  at(time: number, run: () => void): Timer {
    const timer: Timer = {
      time: Math.max(time, this.current),
      seq: this.seqCounter++,
      cancelled: false,
      run,
    };
    this.push(timer);
    return timer;
  }

  after(delay: number, run: () => void): Timer {
    return this.at(this.current + Math.max(0, delay), run);
  }

  cancel(timer: Timer | null): void {
    if (timer !== null) timer.cancelled = true;
  }

  /** Runs the next callback; false when the queue is empty. */
  step(): boolean {
    const timer = this.pop();
    if (timer === undefined) return false;
    this.current = timer.time;
    if (!timer.cancelled) {
      this.executed++;
      timer.run();
      if (this.afterEach !== null) this.afterEach();
    }
    return true;
  }

  /** Runs every callback due at or before `time`, then sets the clock to `time`. */
  runUntil(time: number): void {
    for (;;) {
      const head = this.heap[0];
      if (head === undefined || head.time > time) break;
      this.step();
    }
    if (time > this.current) this.current = time;
  }

  runFor(duration: number): void {
    this.runUntil(this.current + duration);
  }

  private less(a: Timer, b: Timer): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq);
  }

  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): Timer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && this.less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && this.less(heap[r]!, heap[m]!)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
    return top;
  }
}

/**
 * Pacing of new connections: at most CONNECTS_PER_TURN opened per turn of the event loop, the
 * rest in the following turns, first come first served. A tick at start-up asks for two
 * connections per master and replica at once: at ten thousand masters, twenty thousand sockets
 * opened in one go (~150 µs each on the 2-core test machine) held the loop for seconds, long
 * enough for TILT. Paced, the replies of the first ones are read between batches, and the
 * instances' PING, INFO and hello phases spread over the time the connects take. A connect the
 * core closed or replaced while it waited is skipped (its opener says so) and costs no budget.
 */

export const CONNECTS_PER_TURN = 128;

export class ConnectPacer {
  /** Openers waiting for a later turn; each returns whether it opened a connection. */
  private queue: (() => boolean)[] = [];
  private head = 0;
  private usedThisTurn = 0;
  private turnScheduled = false;

  /** Openers not run yet. */
  get queued(): number {
    return this.queue.length - this.head;
  }

  /** Runs `open` now if this turn's budget allows and none waits before it, else later. */
  pace(open: () => boolean): void {
    if (this.usedThisTurn < CONNECTS_PER_TURN && this.queued === 0) {
      this.scheduleTurn();
      if (open()) this.usedThisTurn++;
      return;
    }
    this.queue.push(open);
    this.scheduleTurn();
  }

  /** Drops every waiting opener (shutdown). */
  clear(): void {
    this.queue = [];
    this.head = 0;
  }

  private scheduleTurn(): void {
    if (this.turnScheduled) return;
    this.turnScheduled = true;
    setImmediate(this.turn);
  }

  /** A new turn: a new budget, spent on the openers waiting first. */
  private readonly turn = (): void => {
    this.turnScheduled = false;
    this.usedThisTurn = 0;
    const queue = this.queue;
    while (this.head < queue.length && this.usedThisTurn < CONNECTS_PER_TURN) {
      const open = queue[this.head++];
      if (open?.() === true) this.usedThisTurn++;
    }
    if (this.head >= queue.length) {
      this.clear();
      return;
    }
    // Let go of the openers already run now and then, so a long queue does not keep them all.
    if (this.head > 4_096) {
      this.queue = queue.slice(this.head);
      this.head = 0;
    }
    this.scheduleTurn();
  };
}

// A client writing every 10 ms through Sentinel, for the switchover-loss measurement (issue #16,
// "Must show"): each write is `RPUSH vigil:writes <seq>` on the master the sentinel names; a
// write counts as acknowledged when a master answered it with an integer (which master is
// recorded). On an error reply (READONLY …) or a dropped connection it asks the sentinel again
// and reconnects, as Sentinel clients do. A write held by CLIENT PAUSE waits (up to 60 s) and
// is acknowledged only if answered. `lost(final)` = acknowledged writes missing from the list
// the final master holds.
import { RespConnection, RespError, type RespValue } from "../harness/resp-client.js";
import type { SentinelProcess } from "../harness/sentinel-process.js";
import { delay } from "../harness/wait-for.js";

export const WRITES_KEY = "vigil:writes";

export interface LossReport {
  readonly acknowledged: number;
  /** Acknowledged writes missing from the final master. */
  readonly lost: number;
  /** Acknowledged writes per port that acknowledged them. */
  readonly byPort: ReadonlyMap<number, number>;
  /** Writes that got an error or no answer (never acknowledged). */
  readonly failed: number;
}

export class WriteLoop {
  private readonly acked = new Map<number, number>();
  private failed = 0;
  private seq = 0;
  private running = true;
  private conn: { port: number; c: RespConnection } | null = null;
  private readonly done: Promise<void>;
  private readonly sentinel: SentinelProcess;

  private constructor(sentinel: SentinelProcess) {
    this.sentinel = sentinel;
    this.done = this.run();
  }

  static start(sentinel: SentinelProcess): WriteLoop {
    return new WriteLoop(sentinel);
  }

  /** Writes acknowledged so far. */
  get acknowledged(): number {
    return this.acked.size;
  }

  private async connection(): Promise<{ port: number; c: RespConnection } | null> {
    if (this.conn !== null) return this.conn;
    const addr = await this.sentinel.getMasterAddr().catch(() => null);
    if (addr === null) return null;
    const c = await RespConnection.connect(addr.port, 1_000).catch(() => null);
    if (c === null) return null;
    this.conn = { port: addr.port, c };
    return this.conn;
  }

  private drop(): void {
    this.conn?.c.close();
    this.conn = null;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const started = performance.now();
      const target = await this.connection();
      if (target !== null) {
        const seq = ++this.seq;
        let reply: RespValue;
        try {
          reply = await target.c.call(["RPUSH", WRITES_KEY, seq], 60_000);
        } catch {
          reply = new RespError("connection lost");
        }
        if (typeof reply === "number") {
          this.acked.set(seq, target.port);
        } else {
          this.failed++;
          this.drop();
        }
      }
      await delay(Math.max(0, 10 - (performance.now() - started)));
    }
  }

  /** Stops writing; the write in flight, if any, completes first. */
  async stop(): Promise<void> {
    this.running = false;
    await this.done;
    this.drop();
  }

  /** Compares the acknowledged writes with what the master on `finalPort` holds. */
  async report(finalPort: number): Promise<LossReport> {
    const c = await RespConnection.connect(finalPort);
    try {
      const list = await c.call(["LRANGE", WRITES_KEY, 0, -1], 10_000);
      if (!Array.isArray(list)) throw new Error(`LRANGE: ${JSON.stringify(list)}`);
      const held = new Set(list.map((v) => Number(v)));
      const byPort = new Map<number, number>();
      let lost = 0;
      for (const [seq, port] of this.acked) {
        byPort.set(port, (byPort.get(port) ?? 0) + 1);
        if (!held.has(seq)) lost++;
      }
      return { acknowledged: this.acked.size, lost, byPort, failed: this.failed };
    } finally {
      c.close();
    }
  }
}

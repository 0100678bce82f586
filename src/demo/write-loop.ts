// The demo's client: an ioredis client in sentinel mode (it asks the sentinels where the master
// is, and reconnects on +switch-master or a READONLY reply) writing `SET demo:counter <n>` every
// ~20 ms. Each write is counted as acknowledged or failed, with the port of the master that
// acknowledged it, so that the writes' continuity across a failover is visible.
import { Redis } from "ioredis";

export interface WriteStats {
  acknowledged: number;
  failed: number;
  /** The counter value of the last acknowledged write, when (Date.now()) and by which port. */
  lastOk: { readonly seq: number; readonly at: number; readonly port: number } | null;
  lastError: string;
}

export class WriteLoop {
  readonly stats: WriteStats = { acknowledged: 0, failed: 0, lastOk: null, lastError: "" };
  private readonly client: Redis;
  private timer: NodeJS.Timeout | null = null;
  private seq = 0;
  private inFlight = false;
  private stopped = false;

  constructor(sentinelPorts: readonly number[], masterName: string) {
    this.client = new Redis({
      sentinels: sentinelPorts.map((port) => ({ host: "127.0.0.1", port })),
      name: masterName,
      // A write during the switch fails at once instead of waiting in a queue.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 500,
      connectTimeout: 1_000,
      retryStrategy: () => 100,
      sentinelRetryStrategy: () => 100,
      failoverDetector: true,
      reconnectOnError: (error) => (error.message.startsWith("READONLY") ? 2 : false),
      connectionName: "vigil-demo-writer",
    });
    this.client.on("error", (error: Error) => {
      this.stats.lastError = error.message;
    });
  }

  /** Writes every `intervalMs` once the client first reached the master. */
  start(intervalMs = 20): void {
    this.client.once("ready", () => {
      if (this.stopped) return;
      this.timer = setInterval(() => {
        void this.writeOnce();
      }, intervalMs);
    });
  }

  private async writeOnce(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    const seq = ++this.seq;
    try {
      await this.client.set("demo:counter", String(seq));
      const port = this.client.stream.remotePort ?? 0;
      const at = Date.now();
      this.stats.acknowledged++;
      this.stats.lastOk = { seq, at, port };
    } catch (error: unknown) {
      this.stats.failed++;
      this.stats.lastError = error instanceof Error ? error.message : String(error);
    } finally {
      this.inFlight = false;
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.client.disconnect();
  }
}

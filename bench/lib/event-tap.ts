// Timestamps every event a set of sentinels publishes (PSUBSCRIBE * over one raw RESP connection
// each), for timing a failover. Like the harness's EventRecorder, but its bound on the
// subscription being confirmed is the caller's: a sentinel busy with 1000 masters on a loaded
// machine can take longer than the recorder's 5 s to answer, and the failover must not start
// before every sentinel's subscription is in place. No reconnects: the sentinels stay up.
import net from "node:net";
import { encodeCommand, parseReply, type RespValue } from "../../test/e2e/harness/resp-client.js";

export interface TappedEvent {
  sentinelPort: number;
  channel: string;
  message: string;
  /** performance.now() on arrival. */
  at: number;
}

class Subscription {
  readonly socket: net.Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private confirmed = false;
  readonly ready: Promise<void>;

  constructor(port: number, timeoutMs: number, onEvent: (event: TappedEvent) => void) {
    this.socket = net.createConnection({ host: "127.0.0.1", port, noDelay: true });
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`PSUBSCRIBE * on sentinel :${port} not confirmed within ${timeoutMs} ms`));
      }, timeoutMs);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        reject(error);
      };
      this.socket.once("connect", () => this.socket.write(encodeCommand(["PSUBSCRIBE", "*"])));
      this.socket.on("error", fail);
      this.socket.on("close", () => {
        fail(new Error(`sentinel :${port} closed the PSUBSCRIBE connection`));
      });
      this.socket.on("data", (chunk: Buffer) => {
        this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
        let at = 0;
        for (;;) {
          let parsed: ReturnType<typeof parseReply>;
          try {
            parsed = parseReply(this.buffer, at);
          } catch (error: unknown) {
            fail(error instanceof Error ? error : new Error(String(error)));
            this.socket.destroy();
            return;
          }
          if (parsed === null) break;
          at = parsed.end;
          const push = parsed.value;
          if (isArrayOf(push, "psubscribe") && !this.confirmed) {
            this.confirmed = true;
            clearTimeout(timer);
            resolve();
          } else if (isArrayOf(push, "pmessage")) {
            onEvent({
              sentinelPort: port,
              channel: String(push[2]),
              message: String(push[3]),
              at: performance.now(),
            });
          }
        }
        this.buffer = this.buffer.subarray(at);
      });
    });
    // The caller awaits `ready`; keep a late rejection after close() from being unhandled.
    this.ready.catch(() => undefined);
  }
}

function isArrayOf(value: RespValue, kind: string): value is RespValue[] {
  return Array.isArray(value) && String(value[0]).toLowerCase() === kind;
}

export class EventTap {
  readonly events: TappedEvent[] = [];
  private readonly subscriptions: Subscription[] = [];

  /** Subscribes on every port; resolves once all are confirmed (each within `timeoutMs`). */
  async subscribe(ports: readonly number[], timeoutMs: number): Promise<void> {
    for (const port of ports) {
      this.subscriptions.push(
        new Subscription(port, timeoutMs, (event) => this.events.push(event)),
      );
    }
    await Promise.all(this.subscriptions.map((s) => s.ready));
  }

  /** Arrival time of the first event on `channel` whose message starts with `prefix`, at or after `since`. */
  firstAt(channel: string, prefix: string, since: number): number | null {
    const event = this.events.find(
      (e) => e.at >= since && e.channel === channel && e.message.startsWith(prefix),
    );
    return event === undefined ? null : event.at;
  }

  close(): void {
    for (const subscription of this.subscriptions) subscription.socket.destroy();
  }
}

// What the demo's view shows, gathered twice a second: the master, replicas and peers as one
// sentinel reports them (SENTINEL MASTER / REPLICAS / SENTINELS), each sentinel's answer to
// get-master-addr-by-name, each redis-server's own INFO replication, and every sentinel event
// (PSUBSCRIBE * on each sentinel).
import { Redis } from "ioredis";
import { infoFields, oneCommand } from "../topology/one-command.js";

export type Fields = ReadonlyMap<string, string>;

export interface DemoEvent {
  readonly at: number;
  readonly sentinelPort: number;
  readonly channel: string;
  readonly message: string;
}

export interface Snapshot {
  /** The sentinel the SENTINEL MASTER/REPLICAS/SENTINELS replies come from (0: none answered). */
  readonly from: number;
  readonly master: Fields | null;
  readonly replicas: readonly Fields[];
  readonly peers: readonly Fields[];
  /** Sentinel port → its get-master-addr-by-name answer ("?" when it did not answer). */
  readonly masterAddr: ReadonlyMap<number, string>;
  /** redis-server port → its INFO replication (absent when it did not answer). */
  readonly servers: ReadonlyMap<number, Fields>;
}

function pairs(reply: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out.set(String(reply[i]), String(reply[i + 1]));
  return out;
}

function sentinelClient(port: number): Redis {
  const client = new Redis({
    host: "127.0.0.1",
    port,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 400,
    retryStrategy: () => 200,
    connectionName: "vigil-demo-view",
  });
  client.on("error", () => undefined);
  return client;
}

export class Observer {
  readonly events: DemoEvent[] = [];
  private readonly listeners: ((event: DemoEvent) => void)[] = [];
  private readonly queries = new Map<number, Redis>();
  private readonly subscribers: Redis[] = [];

  private readonly sentinelPorts: readonly number[];
  private readonly masterName: string;

  constructor(sentinelPorts: readonly number[], masterName: string) {
    this.sentinelPorts = sentinelPorts;
    this.masterName = masterName;
    for (const port of sentinelPorts) {
      this.queries.set(port, sentinelClient(port));
      const sub = new Redis({
        host: "127.0.0.1",
        port,
        retryStrategy: () => 200,
        autoResubscribe: true,
        connectionName: "vigil-demo-events",
      });
      sub.on("error", () => undefined);
      sub.on("pmessage", (_pattern: string, channel: string, message: string) => {
        const event = { at: Date.now(), sentinelPort: port, channel, message };
        this.events.push(event);
        for (const listener of this.listeners) listener(event);
      });
      void sub.psubscribe("*").catch(() => undefined);
      this.subscribers.push(sub);
    }
  }

  onEvent(listener: (event: DemoEvent) => void): void {
    this.listeners.push(listener);
  }

  /** One poll; every query is bounded, a silent process just leaves its part empty. */
  async snapshot(serverPorts: readonly number[]): Promise<Snapshot> {
    const name = this.masterName;
    const addrs = await Promise.all(
      this.sentinelPorts.map(async (port) => {
        const reply = await this.call(port, ["get-master-addr-by-name", name]);
        return [port, Array.isArray(reply) ? reply.join(":") : "?"] as const;
      }),
    );
    let view: { from: number; master: Fields; replicas: Fields[]; peers: Fields[] } | null = null;
    for (const port of this.sentinelPorts) {
      const [master, replicas, peers] = await Promise.all([
        this.call(port, ["MASTER", name]),
        this.call(port, ["REPLICAS", name]),
        this.call(port, ["SENTINELS", name]),
      ]);
      if (!Array.isArray(master) || !Array.isArray(replicas) || !Array.isArray(peers)) continue;
      view = {
        from: port,
        master: pairs(master),
        replicas: replicas.map(pairs),
        peers: peers.map(pairs),
      };
      break;
    }
    const servers = new Map<number, Fields>();
    await Promise.all(
      serverPorts.map(async (port) => {
        try {
          const info = await oneCommand(port, ["INFO", "replication"], 400);
          if (typeof info === "string") servers.set(port, infoFields(info));
        } catch {
          // Killed or restarting: shown as down.
        }
      }),
    );
    return {
      from: view?.from ?? 0,
      master: view?.master ?? null,
      replicas: view?.replicas ?? [],
      peers: view?.peers ?? [],
      masterAddr: new Map(addrs),
      servers,
    };
  }

  /** `SENTINEL FAILOVER <name>` on the first sentinel that answers; the reply text. */
  async failover(): Promise<string> {
    let last = "no sentinel answered";
    for (const port of this.sentinelPorts) {
      try {
        const reply: unknown = await this.queries
          .get(port)
          ?.call("SENTINEL", "FAILOVER", this.masterName);
        return `sentinel :${port} answered ${String(reply)}`;
      } catch (error: unknown) {
        last = `sentinel :${port}: ${error instanceof Error ? error.message : String(error)}`;
        // A reply error (NOGOODSLAVE, INPROG) is the answer; try another only when unreachable.
        if (error instanceof Error && /^[A-Z]+ /.test(error.message)) return last;
      }
    }
    return last;
  }

  private async call(port: number, args: readonly string[]): Promise<unknown> {
    try {
      return await this.queries.get(port)?.call("SENTINEL", ...args);
    } catch {
      return null;
    }
  }

  close(): void {
    for (const client of [...this.queries.values(), ...this.subscribers]) client.disconnect();
  }
}

// A stand-in for a master redis-server with one replica, for the scale benchmark's masters that
// are only monitored, never failed over: a sentinel sees a master that answers PING, lists its
// replica in INFO (at a real redis-server's INFO size: fake-instance.ts InfoTemplate) and
// carries hellos. Its replica is a detached FakeReplica that follows its offset. Thousands of
// pairs live in a few worker processes (fake-farm-worker.ts) instead of a process per instance.
import crypto from "node:crypto";
import {
  FakeInstanceServer,
  renderInfo,
  replicationTail,
  type InfoParts,
  type InfoTemplate,
} from "./fake-instance.js";
import { FakeReplica } from "./fake-replica.js";

export class FakeMaster {
  /** The loopback address it and its replica listen on (127.0.0.x). */
  readonly host: string;
  readonly port: number;
  /** 0: a master without a replica (scale.ts --fake-replicas no). */
  readonly replicaPort: number;
  readonly replId = crypto.randomBytes(20).toString("hex");
  private readonly runId = crypto.randomBytes(20).toString("hex");
  private readonly infoParts: InfoParts;
  /** The last INFO reply and the offset it shows: made again only when the offset moved. */
  private infoReply: Buffer | null = null;
  private infoOffset = -1;
  private readonly startedAt = Date.now();
  private server: FakeInstanceServer | null = null;
  private replica: FakeReplica | null = null;

  private constructor(host: string, port: number, replicaPort: number, template: InfoTemplate) {
    this.host = host;
    this.port = port;
    this.replicaPort = replicaPort;
    this.infoParts = template.forInstance(this.runId, port);
  }

  /** The master on `host`:`port` and its replica on `replicaPort` (none when 0). */
  static async start(
    host: string,
    port: number,
    replicaPort: number,
    masterTemplate: InfoTemplate,
    replicaTemplate: InfoTemplate,
  ): Promise<FakeMaster> {
    const master = new FakeMaster(host, port, replicaPort, masterTemplate);
    try {
      master.server = await FakeInstanceServer.start(port, () => master.info(), host);
      if (replicaPort === 0) return master;
      master.replica = await FakeReplica.startDetached(
        replicaPort,
        port,
        replicaTemplate,
        master.replId,
        () => master.offset(),
        host,
      );
    } catch (error: unknown) {
      master.close();
      throw error;
    }
    return master;
  }

  /** Grows as a real master's does with the PINGs it sends its replica (14 bytes every 10 s). */
  private offset(): number {
    return 1 + Math.floor((Date.now() - this.startedAt) / 10_000) * 14;
  }

  private info(): Buffer {
    const offset = this.offset();
    if (this.infoReply === null || offset !== this.infoOffset) {
      this.infoReply = this.render(offset);
      this.infoOffset = offset;
    }
    return this.infoReply;
  }

  private render(offset: number): Buffer {
    if (this.replicaPort === 0) {
      return renderInfo(this.infoParts, [
        "role:master",
        "connected_slaves:0",
        ...replicationTail(this.replId, offset),
      ]);
    }
    return renderInfo(this.infoParts, [
      "role:master",
      "connected_slaves:1",
      `slave0:ip=${this.host},port=${this.replicaPort},state=online,offset=${offset},lag=0`,
      ...replicationTail(this.replId, offset),
    ]);
  }

  close(): void {
    this.replica?.close();
    this.server?.close();
  }
}

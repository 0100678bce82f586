// A cheap stand-in for a replica, so the scale benchmark can give each of 1000 real masters a
// replica without 1000 more redis-server processes. Many of these live in one Node process.
// Towards its master it is a real replica as far as the master can tell: it performs the
// replication handshake (REPLCONF listening-port, PSYNC), skips the RDB payload, counts the
// command stream as its offset and sends REPLCONF ACK every second — so the master lists it in
// INFO (slave0:…,state=online) and a sentinel discovers it. Towards a sentinel it answers what a
// sentinel sends a replica: PING, INFO (role:slave, master_link_status:up, offsets), CLIENT,
// SUBSCRIBE/PUBLISH on its own channels; anything else gets +OK (fake-instance.ts). RESP2 only.
// Its INFO is a real replica's (InfoTemplate) with its own replication state. A detached one
// (startDetached) stands beside a FakeMaster, with no replication link.
import crypto from "node:crypto";
import net from "node:net";
import { encodeCommand } from "../../test/e2e/harness/resp-client.js";
import {
  FakeInstanceServer,
  renderInfo,
  replicationTail,
  type InfoParts,
  type InfoTemplate,
} from "./fake-instance.js";

type Phase = "handshake" | "preamble" | "rdb" | "stream";

export class FakeReplica {
  readonly port: number;
  readonly masterPort: number;
  private readonly runId = crypto.randomBytes(20).toString("hex");
  private readonly infoParts: InfoParts;
  /** The last INFO reply and the offset it shows: made again only when the offset moved. */
  private infoReply: Buffer | null = null;
  private infoOffset = -1;
  private infoLinkUp = false;
  private replId = "0".repeat(40);
  private offset = 0;
  private phase: Phase = "handshake";
  private handshakeLines = 0;
  private rdbLeft = 0;
  private buffer: Buffer = Buffer.alloc(0);
  private linkUp = false;
  private master: net.Socket | null = null;
  private ackTimer: NodeJS.Timeout | null = null;
  private server: FakeInstanceServer | null = null;
  /** The master's address (a detached replica's may be another loopback address). */
  private host = "127.0.0.1";
  /** A detached replica's offset, its master's (startDetached). */
  private detachedOffset: (() => number) | null = null;

  private constructor(port: number, masterPort: number, template: InfoTemplate) {
    this.port = port;
    this.masterPort = masterPort;
    this.infoParts = template.forInstance(this.runId, port);
  }

  /** A replica of the real redis-server on `masterPort`, replicating from it for real. */
  static async start(
    port: number,
    masterPort: number,
    template: InfoTemplate,
  ): Promise<FakeReplica> {
    const replica = new FakeReplica(port, masterPort, template);
    replica.server = await FakeInstanceServer.start(port, () => replica.info());
    replica.connectToMaster();
    return replica;
  }

  /**
   * A replica of a FakeMaster: no replication link (the fake master has no stream to send); it
   * reports the link up and follows `offsetOf()`, the master's offset.
   */
  static async startDetached(
    port: number,
    masterPort: number,
    template: InfoTemplate,
    replId: string,
    offsetOf: () => number,
    /** The loopback address it and its master listen on. */
    host = "127.0.0.1",
  ): Promise<FakeReplica> {
    const replica = new FakeReplica(port, masterPort, template);
    replica.replId = replId;
    replica.phase = "stream";
    replica.linkUp = true;
    replica.detachedOffset = offsetOf;
    replica.host = host;
    replica.server = await FakeInstanceServer.start(port, () => replica.info(), host);
    return replica;
  }

  get synced(): boolean {
    return this.linkUp;
  }

  private connectToMaster(): void {
    const socket = net.createConnection({
      host: "127.0.0.1",
      port: this.masterPort,
      noDelay: true,
    });
    this.master = socket;
    socket.on("connect", () => {
      this.sendHandshakeStep();
    });
    socket.on("data", (chunk: Buffer) => {
      this.onReplicationData(chunk);
    });
    socket.on("error", () => {
      // Handled by close.
    });
    socket.on("close", () => {
      this.linkUp = false;
    });
  }

  private onReplicationData(chunk: Buffer): void {
    if (this.phase === "stream") {
      this.offset += chunk.length;
      return;
    }
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (!this.streaming() && this.buffer.length > 0) {
      if (!this.advanceHandshake()) return;
    }
    if (this.streaming()) {
      this.offset += this.buffer.length;
      this.buffer = Buffer.alloc(0);
    }
  }

  // A method, not an inline comparison: the compiler would keep `phase` narrowed across the
  // calls that change it.
  private streaming(): boolean {
    return this.phase === "stream";
  }

  /** The master refuses PSYNC while replies are pending, so the handshake goes one step at a time. */
  private sendHandshakeStep(): void {
    const steps = [
      ["PING"],
      ["REPLCONF", "listening-port", String(this.port)],
      ["REPLCONF", "capa", "psync2"],
      ["PSYNC", "?", "-1"],
    ];
    const step = steps[this.handshakeLines];
    if (step !== undefined) this.master?.write(encodeCommand(step));
  }

  /** One step of the handshake parser; false when more bytes are needed. */
  private advanceHandshake(): boolean {
    if (this.phase === "rdb") {
      const take = Math.min(this.rdbLeft, this.buffer.length);
      this.rdbLeft -= take;
      this.buffer = this.buffer.subarray(take);
      if (this.rdbLeft === 0) this.startStream();
      return true;
    }
    if (this.phase === "preamble" && this.buffer[0] === 0x0a) {
      this.buffer = this.buffer.subarray(1); // keep-alive newline while the master prepares the RDB
      return true;
    }
    const eol = this.buffer.indexOf("\r\n");
    if (eol < 0) return false;
    const line = this.buffer.toString("utf8", 0, eol);
    this.buffer = this.buffer.subarray(eol + 2);
    if (this.phase === "handshake") {
      if (line.startsWith("-"))
        throw new Error(`replication handshake with :${this.masterPort} refused: ${line}`);
      this.handshakeLines++;
      if (line.startsWith("+FULLRESYNC")) {
        const [, replId, offset] = line.split(" ");
        this.replId = replId ?? this.replId;
        this.offset = Number(offset ?? 0);
        this.phase = "preamble";
      } else {
        this.sendHandshakeStep();
      }
      return true;
    }
    this.rdbLeft = Number(line.slice(1));
    this.phase = "rdb";
    if (this.rdbLeft === 0) this.startStream();
    return true;
  }

  private startStream(): void {
    this.phase = "stream";
    this.linkUp = true;
    const ack = (): void => {
      this.master?.write(encodeCommand(["REPLCONF", "ACK", this.offset]));
    };
    ack();
    this.ackTimer = setInterval(ack, 1_000);
  }

  private info(): Buffer {
    const offset = this.detachedOffset?.() ?? this.offset;
    if (this.infoReply === null || offset !== this.infoOffset || this.linkUp !== this.infoLinkUp) {
      this.infoReply = this.render(offset);
      this.infoOffset = offset;
      this.infoLinkUp = this.linkUp;
    }
    return this.infoReply;
  }

  private render(offset: number): Buffer {
    return renderInfo(this.infoParts, [
      "role:slave",
      `master_host:${this.host}`,
      `master_port:${this.masterPort}`,
      `master_link_status:${this.linkUp ? "up" : "down"}`,
      "master_last_io_seconds_ago:1",
      "master_sync_in_progress:0",
      `slave_read_repl_offset:${offset}`,
      `slave_repl_offset:${offset}`,
      "slave_priority:100",
      "slave_read_only:1",
      "replica_announced:1",
      "connected_slaves:0",
      ...replicationTail(this.replId, offset),
    ]);
  }

  close(): void {
    if (this.ackTimer !== null) clearInterval(this.ackTimer);
    this.master?.destroy();
    this.server?.close();
  }
}

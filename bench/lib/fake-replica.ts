// A cheap stand-in for a replica, so the scale benchmark can give each of 1000 real masters a
// replica without 1000 more redis-server processes. Many of these live in one Node process.
// Towards its master it is a real replica as far as the master can tell: it performs the
// replication handshake (REPLCONF listening-port, PSYNC), skips the RDB payload, counts the
// command stream as its offset and sends REPLCONF ACK every second — so the master lists it in
// INFO (slave0:…,state=online) and a sentinel discovers it. Towards a sentinel it answers what a
// sentinel sends a replica: PING, INFO (role:slave, master_link_status:up, offsets), CLIENT,
// SUBSCRIBE/PUBLISH on its own channels; anything else gets +OK. RESP2 only.
import crypto from "node:crypto";
import net from "node:net";
import { encodeCommand } from "../../test/e2e/harness/resp-client.js";

type Phase = "handshake" | "preamble" | "rdb" | "stream";

function bulk(text: string): string {
  return `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
}

/** Parses complete multibulk commands from `buf`; returns them and the bytes consumed. */
function parseCommands(buf: Buffer): { commands: string[][]; used: number } {
  const commands: string[][] = [];
  let at = 0;
  outer: while (at < buf.length) {
    if (buf[at] !== 0x2a) {
      // Inline command: one line of space-separated words.
      const eol = buf.indexOf("\r\n", at);
      if (eol < 0) break;
      commands.push(
        buf
          .toString("utf8", at, eol)
          .split(" ")
          .filter((w) => w !== ""),
      );
      at = eol + 2;
      continue;
    }
    let p = at;
    const eol = buf.indexOf("\r\n", p);
    if (eol < 0) break;
    const count = Number(buf.toString("utf8", p + 1, eol));
    p = eol + 2;
    const args: string[] = [];
    for (let i = 0; i < count; i++) {
      const lenEnd = buf.indexOf("\r\n", p);
      if (lenEnd < 0) break outer;
      const len = Number(buf.toString("utf8", p + 1, lenEnd));
      if (buf.length < lenEnd + 2 + len + 2) break outer;
      args.push(buf.toString("utf8", lenEnd + 2, lenEnd + 2 + len));
      p = lenEnd + 2 + len + 2;
    }
    commands.push(args);
    at = p;
  }
  return { commands, used: at };
}

export class FakeReplica {
  readonly port: number;
  readonly masterPort: number;
  private readonly runId = crypto.randomBytes(20).toString("hex");
  private replId = "0".repeat(40);
  private offset = 0;
  private phase: Phase = "handshake";
  private handshakeLines = 0;
  private rdbLeft = 0;
  private buffer: Buffer = Buffer.alloc(0);
  private linkUp = false;
  private master: net.Socket | null = null;
  private ackTimer: NodeJS.Timeout | null = null;
  private readonly server: net.Server;
  private readonly subscribers = new Map<string, Set<net.Socket>>();
  private readonly clients = new Set<net.Socket>();

  private constructor(port: number, masterPort: number) {
    this.port = port;
    this.masterPort = masterPort;
    this.server = net.createServer((socket) => {
      this.serve(socket);
    });
  }

  static async start(port: number, masterPort: number): Promise<FakeReplica> {
    const replica = new FakeReplica(port, masterPort);
    await new Promise<void>((resolve, reject) => {
      replica.server.once("error", reject);
      replica.server.listen({ host: "127.0.0.1", port, exclusive: true }, () => {
        resolve();
      });
    });
    replica.connectToMaster();
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

  private info(): string {
    return [
      "# Server",
      "redis_version:7.0.15",
      "redis_mode:standalone",
      `run_id:${this.runId}`,
      `tcp_port:${this.port}`,
      "",
      "# Replication",
      "role:slave",
      "master_host:127.0.0.1",
      `master_port:${this.masterPort}`,
      `master_link_status:${this.linkUp ? "up" : "down"}`,
      "master_last_io_seconds_ago:1",
      "master_sync_in_progress:0",
      `slave_read_repl_offset:${this.offset}`,
      `slave_repl_offset:${this.offset}`,
      "slave_priority:100",
      "slave_read_only:1",
      "replica_announced:1",
      "connected_slaves:0",
      "master_failover_state:no-failover",
      `master_replid:${this.replId}`,
      `master_repl_offset:${this.offset}`,
      "",
    ].join("\r\n");
  }

  private reply(socket: net.Socket, args: readonly string[]): string {
    const name = (args[0] ?? "").toUpperCase();
    switch (name) {
      case "PING":
        return "+PONG\r\n";
      case "INFO":
        return bulk(this.info());
      case "SUBSCRIBE":
        return args
          .slice(1)
          .map((channel, i) => {
            const set = this.subscribers.get(channel) ?? new Set<net.Socket>();
            set.add(socket);
            this.subscribers.set(channel, set);
            return `*3\r\n${bulk("subscribe")}${bulk(channel)}:${i + 1}\r\n`;
          })
          .join("");
      case "PUBLISH": {
        const channel = args[1] ?? "";
        const receivers = this.subscribers.get(channel) ?? new Set<net.Socket>();
        const message = `*3\r\n${bulk("message")}${bulk(channel)}${bulk(args[2] ?? "")}`;
        for (const receiver of receivers) receiver.write(message);
        return `:${receivers.size}\r\n`;
      }
      case "HELLO":
        return "-ERR unknown command 'HELLO'\r\n";
      default:
        return "+OK\r\n";
    }
  }

  private serve(socket: net.Socket): void {
    this.clients.add(socket);
    let pending: Buffer = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const { commands, used } = parseCommands(pending);
      pending = pending.subarray(used);
      const out = commands.map((args) => this.reply(socket, args)).join("");
      if (out !== "") socket.write(out);
    });
    socket.on("error", () => {
      // Handled by close.
    });
    socket.on("close", () => {
      this.clients.delete(socket);
      for (const set of this.subscribers.values()) set.delete(socket);
    });
  }

  close(): void {
    if (this.ackTimer !== null) clearInterval(this.ackTimer);
    this.master?.destroy();
    for (const socket of this.clients) socket.destroy();
    this.server.close();
  }
}

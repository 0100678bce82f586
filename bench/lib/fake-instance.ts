// What the scale benchmark's stand-ins for redis-server (fake-replica.ts, fake-master.ts) show a
// sentinel: a RESP2 server that answers PING, INFO (from the owner's `info()`), SUBSCRIBE and
// PUBLISH on its own channels (so hellos go round as through a real instance), refuses HELLO as
// redis 5 would, and answers +OK to anything else (CLIENT SETNAME, SLAVEOF, CONFIG REWRITE…).
import net from "node:net";

/** Parses complete multibulk (or inline) commands from `buf`; returns them and the bytes used. */
export function parseCommands(buf: Buffer): { commands: string[][]; used: number } {
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

export function bulk(text: string): string {
  return `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
}

export class FakeInstanceServer {
  readonly port: number;
  private readonly info: () => string;
  private readonly server: net.Server;
  private readonly subscribers = new Map<string, Set<net.Socket>>();
  private readonly clients = new Set<net.Socket>();

  private constructor(port: number, info: () => string) {
    this.port = port;
    this.info = info;
    this.server = net.createServer((socket) => {
      this.serve(socket);
    });
  }

  /** Listens on `host`:`port`; `info` makes the INFO reply's text at each call. */
  static async start(
    port: number,
    info: () => string,
    host = "127.0.0.1",
  ): Promise<FakeInstanceServer> {
    const instance = new FakeInstanceServer(port, info);
    await new Promise<void>((resolve, reject) => {
      instance.server.once("error", reject);
      instance.server.listen({ host, port, exclusive: true }, () => {
        resolve();
      });
    });
    return instance;
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
    socket.setNoDelay(true);
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
    for (const socket of this.clients) socket.destroy();
    this.server.close();
  }
}

/**
 * A real redis-server's INFO reply cut around its Replication section, so a stand-in answers
 * INFO at the real size, with every section a sentinel would parse, under its own run_id and
 * port and with its own replication state.
 */
export class InfoTemplate {
  private readonly before: string;
  private readonly after: string;

  constructor(realInfo: string) {
    const text = realInfo.replace(/\r?\n/g, "\r\n");
    const start = text.indexOf("# Replication\r\n");
    if (start < 0) throw new Error("INFO template without a # Replication section");
    const end = text.indexOf("\r\n\r\n", start);
    this.before = text.slice(0, start);
    this.after = end < 0 ? "\r\n" : text.slice(end + 2);
  }

  /** The text around the Replication section with this instance's run_id and port. */
  forInstance(runId: string, port: number): { before: string; after: string } {
    const own = (part: string): string =>
      part.replace(/^run_id:.*$/m, `run_id:${runId}`).replace(/^tcp_port:.*$/m, `tcp_port:${port}`);
    return { before: own(this.before), after: own(this.after) };
  }
}

/** INFO text: the instance's template parts around its Replication section's lines. */
export function renderInfo(
  parts: { before: string; after: string },
  replication: readonly string[],
): string {
  return `${parts.before}# Replication\r\n${replication.join("\r\n")}\r\n${parts.after}`;
}

/** The lines that end a Replication section, a master's or a replica's. */
export function replicationTail(replId: string, offset: number): string[] {
  return [
    "master_failover_state:no-failover",
    `master_replid:${replId}`,
    "master_replid2:0000000000000000000000000000000000000000",
    `master_repl_offset:${offset}`,
    "second_repl_offset:-1",
    "repl_backlog_active:1",
    "repl_backlog_size:1048576",
    "repl_backlog_first_byte_offset:1",
    `repl_backlog_histlen:${offset}`,
  ];
}

// What the scale benchmark's stand-ins for redis-server (fake-replica.ts, fake-master.ts) show a
// sentinel: a RESP2 server that answers PING, INFO (from the owner's `info()`), SUBSCRIBE and
// PUBLISH on its own channels (so hellos go round as through a real instance), refuses HELLO as
// redis 5 would, and answers +OK to anything else (CLIENT SETNAME, SLAVEOF, CONFIG REWRITE…).
// Ten thousand of them answer one sentinel from two worker processes, so a request makes next to
// no garbage: commands are read as spans of the bytes read (fake-resp.ts), replies are buffers
// made once, a hello goes to the subscribers as the bytes it came in.
import net from "node:net";
import { CommandSpans } from "./fake-resp.js";

const PING = Buffer.from("PING");
const INFO = Buffer.from("INFO");
const PUBLISH = Buffer.from("PUBLISH");
const SUBSCRIBE = Buffer.from("SUBSCRIBE");
const HELLO = Buffer.from("HELLO");
const PONG = Buffer.from("+PONG\r\n");
const OK = Buffer.from("+OK\r\n");
const NO_HELLO = Buffer.from("-ERR unknown command 'HELLO'\r\n");
const MESSAGE_HEAD = Buffer.from(`*3\r\n${bulk("message")}`);
const INTEGERS = Array.from({ length: 64 }, (_, n) => Buffer.from(`:${n}\r\n`));

export function bulk(text: string): string {
  return `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
}

function integer(n: number): Buffer {
  return INTEGERS[n] ?? Buffer.from(`:${n}\r\n`);
}

export class FakeInstanceServer {
  readonly port: number;
  private readonly info: () => Buffer;
  private readonly server: net.Server;
  private readonly subscribers = new Map<string, Set<net.Socket>>();
  private readonly clients = new Set<net.Socket>();
  /** Shared by every connection: a data event reads all its commands before the next one. */
  private readonly spans = new CommandSpans();
  private readonly replies: Buffer[] = [];

  private constructor(port: number, info: () => Buffer) {
    this.port = port;
    this.info = info;
    this.server = net.createServer({ noDelay: true }, (socket) => {
      this.serve(socket);
    });
  }

  /** Listens on `host`:`port`; `info` gives the whole INFO reply (a bulk string) at each call. */
  static async start(
    port: number,
    info: () => Buffer,
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

  /** The reply to the command in `this.spans` (null: none, for an empty command). */
  private reply(socket: net.Socket, buf: Buffer): Buffer | null {
    const spans = this.spans;
    if (spans.argc === 0) return null;
    if (spans.is(buf, 0, PING)) return PONG;
    if (spans.is(buf, 0, INFO)) return this.info();
    if (spans.is(buf, 0, PUBLISH)) return this.publish(buf);
    if (spans.is(buf, 0, SUBSCRIBE)) return this.subscribe(socket, buf);
    if (spans.is(buf, 0, HELLO)) return NO_HELLO;
    return OK;
  }

  private publish(buf: Buffer): Buffer {
    const spans = this.spans;
    const receivers = this.subscribers.get(spans.text(buf, 1));
    if (receivers === undefined || receivers.size === 0) return integer(0);
    // A multibulk PUBLISH ends with its channel and message as bulk strings: the message frame's.
    const head = spans.heads[1] ?? -1;
    const message =
      head >= 0 && spans.argc === 3
        ? Buffer.concat([MESSAGE_HEAD, buf.subarray(head, (spans.ends[2] ?? 0) + 2)])
        : Buffer.from(
            `*3\r\n${bulk("message")}${bulk(spans.text(buf, 1))}${bulk(spans.text(buf, 2))}`,
          );
    for (const receiver of receivers) receiver.write(message);
    return integer(receivers.size);
  }

  private subscribe(socket: net.Socket, buf: Buffer): Buffer {
    const parts: string[] = [];
    for (let i = 1; i < this.spans.argc; i++) {
      const channel = this.spans.text(buf, i);
      const set = this.subscribers.get(channel) ?? new Set<net.Socket>();
      set.add(socket);
      this.subscribers.set(channel, set);
      parts.push(`*3\r\n${bulk("subscribe")}${bulk(channel)}:${i}\r\n`);
    }
    return Buffer.from(parts.join(""));
  }

  private serve(socket: net.Socket): void {
    this.clients.add(socket);
    let pending: Buffer | null = null;
    socket.on("data", (chunk: Buffer) => {
      const buf = pending === null ? chunk : Buffer.concat([pending, chunk]);
      const replies = this.replies;
      let at = 0;
      while (at < buf.length) {
        const next = this.spans.read(buf, at);
        if (next < 0) break;
        const reply = this.reply(socket, buf);
        if (reply !== null) replies.push(reply);
        at = next;
      }
      pending = at < buf.length ? buf.subarray(at) : null;
      if (replies.length === 1) socket.write(replies[0]!);
      else if (replies.length > 1) socket.write(Buffer.concat(replies));
      replies.length = 0;
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

/** An instance's INFO text before and after its Replication section, as bytes made once. */
export interface InfoParts {
  readonly before: Buffer;
  readonly after: Buffer;
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
  forInstance(runId: string, port: number): InfoParts {
    const own = (part: string): Buffer =>
      Buffer.from(
        part
          .replace(/^run_id:.*$/m, `run_id:${runId}`)
          .replace(/^tcp_port:.*$/m, `tcp_port:${port}`),
      );
    return { before: own(this.before), after: own(this.after) };
  }
}

/** The INFO reply (a bulk string): the instance's parts around its Replication section's lines. */
export function renderInfo(parts: InfoParts, replication: readonly string[]): Buffer {
  const middle = Buffer.from(`# Replication\r\n${replication.join("\r\n")}\r\n`);
  const length = parts.before.length + middle.length + parts.after.length;
  return Buffer.concat([
    Buffer.from(`$${length}\r\n`),
    parts.before,
    middle,
    parts.after,
    Buffer.from("\r\n"),
  ]);
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

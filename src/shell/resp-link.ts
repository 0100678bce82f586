/**
 * A RedisLink over a bare net.Socket: the monitor links' client (link-contract.ts has the contract).
 * A sentinel sends a handful of commands per instance and second (PING, INFO, PUBLISH, the
 * occasional SENTINEL is-master-down-by-addr or reconfiguration transaction) and needs none of a
 * general-purpose client's machinery (offline queue, reconnects, command objects, RESP3, cluster
 * and sentinel modes); at a thousand masters a full client per connection dominated both the
 * CPU profile and the memory. This one keeps one FIFO of resolvers per connection, like
 * hiredis's callback list, and writes everything one turn of the event loop produced for a
 * connection in one write (the core's tick sends PING, INFO and PUBLISH together); past
 * FLUSH_BATCH connections, the writes continue over the next turns of the loop, except a
 * connection's failover commands, written at once (flushNow).
 *
 * Reads bypass the stream machinery: every socket reads into one shared buffer (net `onread`),
 * so a read costs neither a 64 KiB allocation in Node's C++ layer nor a Buffer and a 'data'
 * event; the parser reads the bytes in place and copies out only an incomplete reply, before
 * the next read can reuse the buffer.
 *
 * Semantics kept from the ioredis-backed link: `call` never rejects; replies resolve in order;
 * on a subscribed connection `message` pushes go to onMessage and everything else answers the
 * next call; `close()` is silent; any other end of the connection calls onClosed once.
 */
import { Socket, type OnReadOpts, type SocketConstructorOpts } from "node:net";
import type tls from "node:tls";
import type { ReplyValue } from "../protocol/resp-reply-parser.js";
import { ReplyError, RespReplyParser } from "../protocol/resp-reply-parser.js";
import type {
  CallCallback,
  CallResult,
  RedisLink,
  RedisLinkFactory,
  RedisLinkHandlers,
  RedisLinkOptions,
} from "./link-contract.js";
import { sharedReadBuffer } from "./shared-read-buffer.js";
import { socketErrorText } from "./socket-error-text.js";
import { SocketOutput } from "./socket-output.js";

/** TCP keepalive probe delay: a silent peer is found by PING timeouts long before this matters. */
const KEEPALIVE_MS = 15_000;
/** How long a connection ended with commands still to write waits for the other end's close. */
const END_GRACE_MS = 1_000;

/**
 * Connections written per turn of the event loop. The tick sends to every instance at once (at
 * a thousand masters, two thousand writes in one second's tick): written in one go they held the
 * loop for tens of milliseconds, so the rest goes out in the following turns, between the
 * replies that already arrive. A tick that sends to fewer connections is written at once.
 */
const FLUSH_BATCH = 128;

/** Connections with output waiting, in the order they got it; one flusher for all of them. */
const flushQueue: (RespLink | undefined)[] = [];
let flushHead = 0;
let flushScheduled = false;

function scheduleFlush(link: RespLink): void {
  flushQueue.push(link);
  if (flushScheduled) return;
  flushScheduled = true;
  process.nextTick(flushSome);
}

function flushSome(): void {
  flushScheduled = false;
  const end = Math.min(flushQueue.length, flushHead + FLUSH_BATCH);
  for (; flushHead < end; flushHead++) {
    const link = flushQueue[flushHead];
    flushQueue[flushHead] = undefined;
    link?.flush();
  }
  if (flushHead >= flushQueue.length) {
    flushQueue.length = 0;
    flushHead = 0;
    return;
  }
  flushScheduled = true;
  setImmediate(flushSome);
}

/**
 * Writes now what the links were given in this turn, when that is no more than one flush batch
 * (the runtime, once a Ready's commands are given: its events' log lines and publishes to
 * clients then follow the writes instead of preceding them). More waits for the flusher, which
 * paces it over the turns; what it was scheduled for is then done, and it finds nothing.
 */
export function flushLinkWrites(): void {
  if (flushScheduled && flushQueue.length - flushHead <= FLUSH_BATCH) flushSome();
}

/** Encodings of argument-less commands (PING, INFO, under their rename-command names). */
const bareCommands = new Map<string, string>();
const MAX_BARE_COMMANDS = 1024;

/** `*<n>\r\n$<len>\r\n<arg>\r\n…` for a command and its arguments. */
export function encodeCommand(name: string, args: readonly (string | number)[]): string {
  if (args.length === 0) {
    let bare = bareCommands.get(name);
    if (bare === undefined) {
      bare = `*1\r\n$${Buffer.byteLength(name)}\r\n${name}\r\n`;
      if (bareCommands.size < MAX_BARE_COMMANDS) bareCommands.set(name, bare);
    }
    return bare;
  }
  let out = `*${args.length + 1}\r\n$${Buffer.byteLength(name)}\r\n${name}\r\n`;
  for (const arg of args) {
    const text = typeof arg === "string" ? arg : String(arg);
    out += `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
  }
  return out;
}

const NOT_WRITABLE: CallResult = { kind: "closed", reason: "Connection is not writable." };

/** The status replies of every PING and most commands, one object each for all of them. */
const PONG_RESULT: CallResult = Object.freeze({ kind: "reply", value: "PONG" });
const OK_RESULT: CallResult = Object.freeze({ kind: "reply", value: "OK" });
const SMALL_INTS: readonly CallResult[] = Array.from({ length: 16 }, (_, value) =>
  Object.freeze({ kind: "reply", value }),
);

function toResult(value: ReplyValue, bulk: boolean): CallResult {
  if (value instanceof ReplyError) return { kind: "error", text: value.message };
  if (!bulk && value === "PONG") return PONG_RESULT;
  if (!bulk && value === "OK") return OK_RESULT;
  // PUBLISH's answer, the number of subscribers.
  if (typeof value === "number" && value >= 0 && value < SMALL_INTS.length) {
    return SMALL_INTS[value] ?? { kind: "reply", value };
  }
  return bulk ? { kind: "reply", value, bulk } : { kind: "reply", value };
}

function isMessage(value: ReplyValue): value is [string, string, string] {
  return (
    Array.isArray(value) &&
    value.length === 3 &&
    value[0] === "message" &&
    typeof value[1] === "string" &&
    typeof value[2] === "string"
  );
}

/**
 * A TLS connection (tls-replication): verified against the CA, no name check (hiredis checks
 * none), no SNI for an IP address. Reads go through `onread` as on a plain socket.
 */
function connectTls(
  host: string,
  port: number,
  secureContext: tls.SecureContext,
  onread: OnReadOpts,
): tls.TLSSocket {
  // Node documents `onread` for tls.connect; @types/node lacks it.
  const options: tls.ConnectionOptions & { onread: OnReadOpts } = {
    host,
    port,
    secureContext,
    rejectUnauthorized: true,
    checkServerIdentity: () => undefined,
    onread,
  };
  // node:tls is loaded at the first TLS link: a sentinel without TLS never loads it.
  const socket = process.getBuiltinModule("node:tls").connect(options);
  socket.setNoDelay(true);
  socket.setKeepAlive(true, KEEPALIVE_MS);
  return socket;
}

/**
 * The socket of a plain TCP link, naming its link: its listeners and `onread` callback are
 * functions shared by every link (Node calls them on the socket), so a link costs no closure
 * per event it listens to (at a thousand masters, four thousand connections).
 */
class LinkSocket extends Socket {
  link: RespLink | null = null;
}

function onLinkRead(this: LinkSocket, size: number): boolean {
  this.link?.onData(size);
  return true;
}

function onLinkConnect(this: LinkSocket): void {
  this.link?.onConnect();
}

function onLinkError(this: LinkSocket, err: Error): void {
  this.link?.onError(err);
}

function onLinkClose(this: LinkSocket): void {
  this.link?.onClose();
}

/**
 * Where a flush encodes its commands for the direct write (writeOut), shared by every link: the
 * bytes are written, or copied into the socket's queue, before the next flush reuses it.
 */
const writeScratch = Buffer.allocUnsafe(16 * 1024);

class RespLink implements RedisLink {
  private readonly socket: Socket;
  private readonly handlers: RedisLinkHandlers;
  private readonly parser = new RespReplyParser();
  /** Where every read lands (shared-read-buffer.ts). */
  private readonly readBuffer = sharedReadBuffer();
  private readonly pending: CallCallback[] = [];
  /** Commands waiting for the next flush, encoded back to back ("" = none). */
  private output = "";
  private flushScheduled = false;
  private connected = false;
  private subscribed = false;
  /** onClosed was called or close() was: nothing is reported any more. */
  private done = false;
  private lastError = "";
  private connectTimer: NodeJS.Timeout | null;
  /** Once connected: writes straight to the socket's descriptor (writeOut; not over TLS). */
  private direct: SocketOutput | null = null;

  constructor(options: RedisLinkOptions, handlers: RedisLinkHandlers) {
    this.handlers = handlers;
    if (options.tls === undefined) {
      // Node reads `onread` in the Socket constructor (net.connect passes it there); @types/node
      // lacks it.
      const socketOptions: SocketConstructorOpts & { onread: OnReadOpts } = {
        onread: { buffer: this.readBuffer, callback: onLinkRead },
      };
      const socket = new LinkSocket(socketOptions);
      socket.link = this;
      // Applied when the connection is made, as net.connect's noDelay and keepAlive options.
      socket.setNoDelay(true);
      socket.setKeepAlive(true, KEEPALIVE_MS);
      socket.on("connect", onLinkConnect);
      socket.on("error", onLinkError);
      socket.on("close", onLinkClose);
      socket.connect({ host: options.host, port: options.port });
      this.socket = socket;
    } else {
      const onread = {
        buffer: this.readBuffer,
        callback: (size: number): boolean => {
          this.onData(size);
          return true;
        },
      };
      this.socket = connectTls(options.host, options.port, options.tls, onread);
      // Over TLS the link is ready once the handshake is done.
      this.socket.once("secureConnect", () => {
        this.onConnect();
      });
      this.socket.on("error", (err: Error) => {
        this.onError(err);
      });
      this.socket.once("close", () => {
        this.onClose();
      });
    }
    this.connectTimer = setTimeout(() => {
      this.connectTimer = null;
      this.lastError = "Connection timed out";
      this.socket.destroy();
    }, options.connectTimeout);
  }

  /** The connection is up (over TLS: the handshake is done). */
  onConnect(): void {
    this.clearConnectTimer();
    if (this.done) return;
    this.connected = true;
    const out = new SocketOutput(this.socket, true, (err) => {
      this.lastError = socketErrorText(err);
    });
    this.direct = out.direct ? out : null;
    this.handlers.onReady();
  }

  /** Connection errors are expected (the instance is down): never crash, never print. */
  onError(err: Error): void {
    this.lastError = socketErrorText(err);
  }

  onClose(): void {
    this.finish(this.lastError === "" ? "connection closed" : this.lastError);
  }

  call(name: string, args: readonly (string | number)[], done: CallCallback): void {
    this.send(encodeCommand(name, args), done);
  }

  subscribe(name: string, channel: string, done: CallCallback): void {
    this.subscribed = true;
    this.send(encodeCommand(name, [channel]), done);
  }

  localAddress(): string {
    return this.socket.localAddress ?? "";
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.clearConnectTimer();
    if (this.connected && this.output !== "") {
      // Commands given before the close in this turn still go, the connection ended after them
      // (the FAILOVER ABORT + CLIENT UNPAUSE an observer's switch, SENTINEL RESET or REMOVE
      // sends the old master just before the link closes: core/failover/switch-master.ts,
      // core/admin/drop-master.ts). Destroyed if the other end does not close its side soon.
      const output = this.output;
      this.output = "";
      this.socket.end(output);
      setTimeout(() => this.socket.destroy(), END_GRACE_MS).unref();
    } else {
      this.socket.destroy();
    }
    this.failPending("Connection is closed.");
  }

  private send(command: string, done: CallCallback): void {
    if (this.done || !this.connected) {
      done(NOT_WRITABLE);
      return;
    }
    this.output += command;
    this.pending.push(done);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      scheduleFlush(this);
    }
  }

  /**
   * Writes the queued commands now. The link keeps its place in the flush queue, which writes
   * what is given after this, or nothing.
   */
  flushNow(): void {
    const output = this.output;
    this.output = "";
    if (this.done || output === "") return;
    this.writeOut(output);
  }

  /** Writes the queued commands (called by flushSome). */
  flush(): void {
    this.flushScheduled = false;
    const output = this.output;
    this.output = "";
    if (this.done || output === "") return;
    this.writeOut(output);
  }

  /**
   * Writes through socket-output.ts (straight to the descriptor while the socket's queue is
   * empty: at a thousand masters, a write per instance and second), else through socket.write().
   * A failed write (EPIPE, ECONNRESET) closes the connection with the error as its reason.
   */
  private writeOut(output: string): void {
    const direct = this.direct;
    if (direct === null) {
      this.socket.write(output);
      return;
    }
    // At most 3 bytes per UTF-16 unit; a longer output (a long password, a large transaction)
    // gets a buffer of its own, not kept.
    if (output.length * 3 > writeScratch.length) {
      direct.write(Buffer.from(output));
      return;
    }
    const length = writeScratch.write(output, 0, "utf8");
    direct.write(writeScratch.subarray(0, length), true);
  }

  /**
   * A read of `size` bytes into the shared read buffer: the parser reads them there now and
   * copies only what it keeps (an incomplete reply).
   */
  onData(size: number): void {
    if (this.done) return;
    try {
      this.parser.feed(this.readBuffer, this.onReply, size);
    } catch (err: unknown) {
      // Not RESP: drop the connection, as hiredis does on a protocol error.
      this.lastError = err instanceof Error ? err.message : String(err);
      this.parser.reset();
      this.socket.destroy();
    }
  }

  private readonly onReply = (value: ReplyValue, bulk: boolean): void => {
    if (this.done) return;
    if (this.subscribed && isMessage(value)) {
      this.handlers.onMessage(value[1], value[2]);
      return;
    }
    const done = this.pending.shift();
    done?.(toResult(value, bulk));
  };

  private finish(reason: string): void {
    this.clearConnectTimer();
    this.parser.reset();
    if (this.done) return;
    this.done = true;
    this.failPending(reason);
    this.handlers.onClosed(reason);
  }

  private failPending(reason: string): void {
    const pending = this.pending.splice(0);
    const result: CallResult = { kind: "closed", reason };
    for (const done of pending) done(result);
  }

  private clearConnectTimer(): void {
    if (this.connectTimer === null) return;
    clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }
}

/** A RedisLink on its own socket. Connecting starts immediately. */
export const createRespLink: RedisLinkFactory = (options, handlers) =>
  new RespLink(options, handlers);

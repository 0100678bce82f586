/**
 * One client connection of the RESP server: its state (protocol, auth, name, subscriptions),
 * its parser, and the loop that turns bytes into ordered replies.
 *
 * The session reads through readAccepted (accepted-socket.ts): the bytes of a read are valid only
 * while onData runs; the parser reads them in place (lend) and copies what is left unparsed
 * when onData ends (settle).
 *
 * Invariants:
 * - Replies leave in request order. A command whose handler returns a promise (SENTINEL admin
 *   ops) stops the loop until it settles; later requests wait, unparsed, in the parser. So does
 *   a command CLIENT PAUSE holds (client-pause.ts), until the pause ends and it runs again.
 * - Output is batched: every reply (and pub/sub frame) produced while one read's requests run
 *   is copied into one stage (reply-stage.ts) and the batch goes out in ONE socket write per
 *   16 KiB (write syscalls dominated the profile), before any pause for a pending promise, a
 *   protocol error or a close. The write goes straight to the socket's descriptor when nothing
 *   is queued (socket-output.ts); what the kernel does not take keeps its place in the queue.
 * - A protocol error is answered after the replies of the requests before it, then the
 *   connection is closed (networking.c: setProtocolError + CLIENT_CLOSE_AFTER_REPLY).
 * - Memory per client is bounded: input by `queryBufferLimit` (unparsed bytes plus parsed
 *   arguments; Redis closes silently past client-query-buffer-limit, so do we); output by
 *   pausing input while more than `outputPauseBytes` wait in the socket (so a client that
 *   pipelines without reading is throttled by TCP, not buffered), and by Redis's
 *   client-output-buffer-limit classes for what we push unasked: pubsub 32 MB hard / 8 MB for
 *   60 s soft, normal 64 MB hard (Redis: unlimited). Past a limit the connection is closed.
 */
import type { Socket } from "node:net";
import type {
  ClientFacts,
  ClientPause,
  ClientState,
  ClientTracking,
  CommandContext,
  ReplyMode,
  ServerServices,
} from "../commands/context.js";
import { HELD, isMultiReply, type HandlerResult } from "../commands/handler.js";
import { PAUSE_ALL } from "../commands/context.js";
import { canRun, executeCommand } from "../commands/command-table.js";
import { R, type Reply } from "../protocol/reply.js";
import { RespParser } from "../protocol/resp-parser.js";
import { ReplyStage, STAGE_SIZE } from "../protocol/reply-stage.js";
import { encodeReplies, encodeTransient } from "../protocol/resp-encoder.js";
import type { Subscriber } from "./pubsub-hub.js";
import { readAccepted } from "./accepted-socket.js";
import { liveFastRequests, type FastRequest } from "./fast-requests.js";
import { SocketOutput } from "./socket-output.js";
import type { ClientLimits } from "./client-limits.js";
export type { ClientLimits } from "./client-limits.js";
export { DEFAULT_CLIENT_LIMITS } from "./client-limits.js";
import type { Holdable } from "./client-pause.js";

/** What a session needs from its server besides the command services. */
export interface SessionEnvironment {
  readonly services: ServerServices;
  readonly limits: ClientLimits;
  /** Monotonic milliseconds. */
  now(): number;
  commandProcessed(isError: boolean): void;
  bytesIn(n: number): void;
  bytesOut(n: number): void;
  closed(session: ClientSession): void;
  warn(message: string): void;
  /** Whether a new connection must authenticate (requirepass / default user off). */
  authRequired(): boolean;
  /** CLIENT PAUSE held this session's request: release() it when the pause ends. */
  hold(session: ClientSession): void;
}

/** A request CLIENT PAUSE holds, to run again when the pause ends. */
interface HeldRequest {
  readonly argv: readonly string[];
  readonly notUtf8: readonly number[] | undefined;
}

function socketFd(socket: Socket): number {
  const handle = (socket as unknown as { _handle?: { fd?: unknown } })._handle;
  return typeof handle?.fd === "number" ? handle.fd : -1;
}

function formatAddr(address: string | undefined, port: number | undefined): string {
  const ip = (address ?? "?").replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
  return `${ip}:${String(port ?? 0)}`;
}

export class ClientSession implements ClientState, Subscriber, Holdable {
  readonly id: number;
  readonly addr: string;
  readonly laddr: string;
  /** The peer's IP as the socket reports it (protected mode's loopback check). */
  readonly remoteAddress: string | undefined;
  protocol: 2 | 3 = 2;
  name = "";
  user = "default";
  authenticated: boolean;
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  replyMode: ReplyMode = "on";
  skipNextReply = false;
  libName = "";
  libVersion = "";
  noEvict = false;
  tracking: ClientTracking | undefined = undefined;
  closeAfterReply = false;
  lastCommand = "NULL";

  private readonly socket: Socket;
  private readonly output: SocketOutput;
  private readonly env: SessionEnvironment;
  private readonly parser: RespParser;
  private readonly ctx: CommandContext;
  private readonly createdAt: number;
  private readonly fd: number;
  private lastActivity: number;
  /** A promise is pending or a request is held: the loop waits. */
  private busy = false;
  private held: HeldRequest | undefined = undefined;
  private readonly pause: ClientPause;
  private closing = false;
  private pausedForOutput = false;
  private softLimitSince: number | undefined;
  /** Output of the current batch, written by flush(). */
  private readonly stage = new ReplyStage();
  private batching = false;
  /** fastPermissions() as of this ACL version and user. */
  /** The fast paths rename-command left in place (read once: renames are set at start). */
  private readonly fastRequests: readonly FastRequest[] = liveFastRequests();
  private fastMask = 0;
  private aclVersionSeen = -1;
  private aclUserSeen = "";

  /** `accepted` comes paused (pauseOnConnect); the session starts reading it. */
  constructor(id: number, accepted: Socket, env: SessionEnvironment) {
    this.id = id;
    const socket = readAccepted(accepted, (bytes, size) => {
      this.onData(bytes, size);
    });
    this.socket = socket;
    this.output = new SocketOutput(socket);
    this.env = env;
    this.remoteAddress = socket.remoteAddress;
    this.addr = formatAddr(socket.remoteAddress, socket.remotePort);
    this.laddr = formatAddr(socket.localAddress, socket.localPort);
    this.fd = socketFd(socket);
    this.authenticated = !env.authRequired();
    this.parser = new RespParser(env.limits.parser);
    this.ctx = { client: this, server: env.services };
    this.pause = env.services.clientPause;
    this.createdAt = env.now();
    this.lastActivity = this.createdAt;
    socket.setNoDelay(true);
    socket.on("drain", () => {
      this.onDrain();
    });
    socket.on("error", () => {
      socket.destroy();
    });
    socket.on("close", () => {
      this.closing = true;
      env.closed(this);
    });
  }

  get state(): ClientState {
    return this;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  facts(): ClientFacts {
    const now = this.env.now();
    return {
      id: this.id,
      addr: this.addr,
      laddr: this.laddr,
      fd: this.fd,
      name: this.name,
      ageSeconds: Math.floor((now - this.createdAt) / 1000),
      idleSeconds: Math.floor((now - this.lastActivity) / 1000),
      subscriptions: this.channels.size,
      patternSubscriptions: this.patterns.size,
      queryBufferBytes: this.parser.bufferedBytes,
      outputBytes: this.output.pendingBytes,
      lastCommand: this.lastCommand,
      user: this.user,
      protocol: this.protocol,
      libName: this.libName,
      libVersion: this.libVersion,
      noEvict: this.noEvict,
      tracking: this.tracking,
      blocked: this.held !== undefined,
    };
  }

  /** The pause ended: runs the held request again (it may be held again), then the rest. */
  release(): void {
    const held = this.held;
    if (held === undefined || this.closing) return;
    this.held = undefined;
    this.busy = false;
    this.run(held.argv, held.notUtf8); // outside a batch: its reply is written at once
    this.pump();
  }

  /** A pub/sub frame pushed by the server (not a reply): subject to the output limits. */
  deliver(frame: Buffer): void {
    if (this.closing) return;
    // Inside a batch the frame queues behind the replies already produced (PUBLISH to self).
    this.queue(frame);
    this.enforceOutputLimits();
  }

  /** Closes now, dropping pending output (CLIENT KILL, limits, server close). */
  destroy(): void {
    this.closing = true;
    this.socket.destroy();
  }

  /** Writes raw bytes then closes once they are flushed (protected mode, max clients). */
  rejectWith(text: string): void {
    this.closing = true;
    this.socket.end(Buffer.from(text, "latin1"));
  }

  /** `size` bytes at the start of `bytes`, a buffer reused after this call returns. */
  private onData(bytes: Buffer, size: number): void {
    if (this.closing) return;
    this.env.bytesIn(size);
    this.lastActivity = this.env.now();
    // Parsed where the read put it; what the batch leaves unparsed is copied by settle().
    this.parser.lend(bytes, size);
    try {
      if (this.parser.heldBytes > this.env.limits.queryBufferLimit) {
        this.env.warn(
          `Closing client that reached max query buffer length: id=${this.id} addr=${this.addr} (qbuf ${this.parser.heldBytes} bytes)`,
        );
        this.destroy();
        return;
      }
      this.pump();
    } finally {
      this.parser.settle();
    }
  }

  private onDrain(): void {
    if (this.pausedForOutput && !this.closing) {
      this.pausedForOutput = false;
      this.socket.resume();
      this.pump();
    }
  }

  /** Runs parsed requests in order until input runs out, a promise is pending, or output backs up. */
  private pump(): void {
    const limits = this.env.limits;
    this.batching = true;
    try {
      while (!this.busy && !this.closing) {
        if (this.output.pendingBytes + this.stage.length > limits.outputPauseBytes) {
          this.pausedForOutput = true;
          this.socket.pause();
          break;
        }
        if (this.parser.drained()) break;
        if (this.fastRequest()) continue;
        this.parser.authenticated = this.authenticated || !this.env.authRequired();
        const event = this.parser.nextStrings();
        if (event === undefined) break;
        if (event.type === "error") {
          this.env.commandProcessed(true);
          this.closing = true;
          this.queue(Buffer.from(`-ERR ${event.message}\r\n`, "latin1"));
          this.flush();
          this.socket.end();
          break;
        }
        this.run(event.args, event.notUtf8);
      }
    } finally {
      this.batching = false;
      this.flush();
    }
  }

  /**
   * Takes the next request if it is one of fastRequests (byte compares, so other requests pay
   * little more). It is answered from the host when nothing about this client could change how
   * it runs (auth, ACL, subscribe mode, CLIENT REPLY, close-after-reply), and otherwise run
   * through the general path with the argv the parser would have produced. Returns whether it
   * took one.
   */
  private fastRequest(): boolean {
    const parser = this.parser;
    const fastRequests = this.fastRequests;
    for (let i = 0; i < fastRequests.length; i++) {
      const fast = fastRequests[i]!;
      const tail = parser.takeKnown(fast.known);
      if (tail === undefined) continue;
      const known = fast.known;
      if (
        this.replyMode !== "on" ||
        this.skipNextReply ||
        this.closeAfterReply ||
        !this.authenticated ||
        this.channels.size + this.patterns.size !== 0 ||
        this.pause.mode === PAUSE_ALL ||
        (this.fastPermissions() & (1 << i)) === 0
      ) {
        this.run(known.hasTail ? known.words.concat(tail) : known.words);
        return true;
      }
      let reply: Reply | undefined;
      try {
        reply = fast.answer(this.env.services.host, tail, this.protocol);
      } catch (err) {
        reply = this.internalError(err);
      }
      if (reply === undefined) {
        this.run(known.hasTail ? known.words.concat(tail) : known.words);
        return true;
      }
      this.lastCommand = fast.fullName;
      // PING and GET-MASTER-ADDR-BY-NAME end CLIENT CACHING's one command (client-tracking.ts).
      if (this.tracking !== undefined) this.tracking.caching = false;
      this.finishOne(reply, false);
      return true;
    }
    return false;
  }

  /**
   * Which fastRequests this client's ACL user may run (bit i for entry i), as command-table's
   * canRun says; computed again when the user or any ACL user changed.
   */
  private fastPermissions(): number {
    const acl = this.env.services.acl;
    if (acl.version !== this.aclVersionSeen || this.user !== this.aclUserSeen) {
      let mask = 0;
      for (let i = 0; i < this.fastRequests.length; i++) {
        if (canRun(this.ctx, this.fastRequests[i]!.fullName)) mask |= 1 << i;
      }
      this.fastMask = mask;
      this.aclVersionSeen = acl.version;
      this.aclUserSeen = this.user;
    }
    return this.fastMask;
  }

  private run(argv: readonly string[], notUtf8?: readonly number[]): void {
    const skipThis = this.skipNextReply;
    this.skipNextReply = false;
    let result: HandlerResult;
    try {
      const executed = executeCommand(argv, this.ctx, notUtf8);
      if (executed === HELD) {
        this.skipNextReply = skipThis;
        this.held = { argv, notUtf8 };
        this.busy = true;
        this.env.hold(this);
        return;
      }
      result = executed;
    } catch (err) {
      result = this.internalError(err);
    }
    if (result instanceof Promise) {
      this.busy = true;
      result
        .catch((err: unknown) => this.internalError(err))
        .then((reply) => {
          this.busy = false;
          if (this.closing) return;
          this.finishOne(reply, skipThis);
          this.pump();
        })
        .catch((err: unknown) => {
          this.env.warn(`client ${this.id}: ${String(err)}`);
          this.destroy();
        });
      return;
    }
    if (isMultiReply(result)) this.finish(result.replies, skipThis);
    else this.finishOne(result, skipThis);
  }

  private internalError(err: unknown): Reply {
    this.env.warn(
      `command failed for client ${this.id}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return R.error("ERR internal error");
  }

  /** The common case: one reply, no array around it. */
  private finishOne(reply: Reply, skipThis: boolean): void {
    this.env.commandProcessed(reply.type === "error");
    if (this.replyMode === "skip-next") {
      this.replyMode = "on";
      this.skipNextReply = true;
    }
    if (!skipThis && this.replyMode !== "off") {
      if (reply.type === "raw") this.queue(reply.bytes);
      else this.queue(encodeTransient(reply, this.protocol), true);
    }
    this.afterReply();
  }

  private finish(replies: readonly Reply[], skipThis: boolean): void {
    this.env.commandProcessed(replies.some((r) => r.type === "error"));
    if (this.replyMode === "skip-next") {
      this.replyMode = "on";
      this.skipNextReply = true;
    }
    const silent = skipThis || this.replyMode === "off";
    if (!silent && replies.length > 0) this.queue(encodeReplies(replies, this.protocol));
    this.afterReply();
  }

  private afterReply(): void {
    if (this.closeAfterReply) {
      this.closing = true;
      this.flush();
      this.socket.end();
      return;
    }
    this.enforceOutputLimits();
  }

  /**
   * Queues bytes for the socket: inside a batch they are staged (written by flush() when the
   * batch ends or the stage is full); outside one (a pushed frame, the reply of a command that
   * waited) they are written at once. `transient` bytes (the encoder's memory) are copied
   * before a write that may keep them; other bytes never change, so a batch's only reply is
   * written from its own memory.
   */
  private queue(bytes: Uint8Array, transient = false): void {
    const size = bytes.length;
    this.env.bytesOut(size);
    const stage = this.stage;
    if (this.batching) {
      if (stage.fits(size)) {
        if (transient) stage.append(bytes);
        else stage.appendShared(bytes);
        return;
      }
      this.flush();
      if (size < STAGE_SIZE) {
        if (transient) stage.append(bytes);
        else stage.appendShared(bytes);
        return;
      }
    } else {
      this.flush();
    }
    this.output.write(bytes, transient);
  }

  /** Writes the staged output in one write (socket-output.ts). */
  private flush(): void {
    const stage = this.stage;
    if (stage.length === 0) return;
    // Reusable when nothing refers to the bytes: the kernel took them at once, or no socket.
    stage.release(this.output.write(stage.take()));
  }

  private enforceOutputLimits(): void {
    const pending = this.output.pendingBytes + this.stage.length;
    const limits = this.env.limits;
    if (this.channels.size + this.patterns.size === 0) {
      if (pending > limits.normalOutputHardBytes) this.closeForOutput(pending, "normal");
      return;
    }
    if (pending > limits.pubsubOutputHardBytes) {
      this.closeForOutput(pending, "pubsub");
      return;
    }
    if (pending <= limits.pubsubOutputSoftBytes) {
      this.softLimitSince = undefined;
      return;
    }
    const now = this.env.now();
    this.softLimitSince ??= now;
    if (now - this.softLimitSince > limits.pubsubOutputSoftMs)
      this.closeForOutput(pending, "pubsub");
  }

  private closeForOutput(pending: number, kind: string): void {
    this.env.warn(
      `Client id=${this.id} addr=${this.addr} closed for overcoming of output buffer limits (${kind}, ${pending} bytes).`,
    );
    this.destroy();
  }
}

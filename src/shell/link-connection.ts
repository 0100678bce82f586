/**
 * One connection of a monitor link (link-manager.ts): what it reports to the link manager when
 * its RedisLink is ready, closed or gets a hello, and the reply callbacks of the periodic
 * commands on it.
 */
import type { Command, ConnKind, Input, LinkAuth, LinkId } from "../core/index.js";
import type { CallCallback, RedisLink, RedisLinkHandlers } from "./link-contract.js";
import { narrowReplyText } from "./reply-narrowing.js";

export const HELLO_CHANNEL = "__sentinel__:hello";

/** What a connection needs of the link manager. */
export interface ConnectionOwner {
  /** Where every reply and close goes (the runtime's input queue). */
  readonly push: (input: Input) => void;
  /** AUTH, CLIENT SETNAME (and SUBSCRIBE) on a connection just opened. */
  handshake(
    entry: LinkEntry,
    conn: Connection,
    kind: ConnKind,
    auth: LinkAuth | null,
    clientName: string,
  ): void;
}

function stripMappedPrefix(ip: string): string {
  return ip.startsWith("::ffff:") && ip.includes(".") ? ip.slice("::ffff:".length) : ip;
}

export type ConnectCommand = Extract<Command, { type: "connect" }>;

/**
 * One connection of a link: the handlers its RedisLink reports to (its own methods, so a
 * connection holds no closure per event: at a thousand masters there are four thousand) and,
 * on a command connection, the reply callbacks of the periodic commands, made once.
 */
export class Connection implements RedisLinkHandlers {
  link: RedisLink | null = null;
  connected = false;
  /** Reply callbacks of PING, INFO and PUBLISH (command connections only; see `replyHandlers`). */
  readonly onPing: CallCallback;
  readonly onInfo: CallCallback;
  readonly onPublish: CallCallback;

  private readonly manager: ConnectionOwner;
  private readonly entry: LinkEntry;
  /** The connect that made it: its link id, kind, generation, address, auth and name. */
  readonly command: ConnectCommand;

  constructor(manager: ConnectionOwner, entry: LinkEntry, command: ConnectCommand) {
    this.manager = manager;
    this.entry = entry;
    this.command = command;
    const handlers = command.conn === "cmd" ? replyHandlers(manager.push, this) : NO_REPLIES;
    this.onPing = handlers.onPing;
    this.onInfo = handlers.onInfo;
    this.onPublish = handlers.onPublish;
  }

  /** The link this connection belongs to. */
  get id(): LinkId {
    return this.command.link;
  }

  /** The core's generation for this connection (Command connect): every input carries it. */
  get gen(): number {
    return this.command.gen;
  }

  /** Still the link's connection of its kind (not closed, forgotten or replaced). */
  get current(): boolean {
    return this.entry[this.command.conn] === this;
  }

  onReady(): void {
    if (!this.current || this.link === null) return;
    this.connected = true;
    const { link, conn, gen, auth, clientName } = this.command;
    this.manager.handshake(this.entry, this, conn, auth, clientName);
    const localIp = stripMappedPrefix(this.link.localAddress());
    this.manager.push({ type: "link-connected", link, conn, localIp, gen });
  }

  onClosed(reason: string): void {
    if (!this.current) return;
    const { link, conn, gen } = this.command;
    this.entry[conn] = null;
    this.manager.push({ type: "link-closed", link, conn, reason, gen });
  }

  onMessage(channel: string, message: string): void {
    if (!this.current || this.command.conn !== "pubsub" || channel !== HELLO_CHANNEL) return;
    const { link, gen } = this.command;
    this.manager.push({ type: "hello-received", via: link, payload: message, gen });
  }
}

type ReplyHandlers = Pick<Connection, "onPing" | "onInfo" | "onPublish">;

/** A pub/sub connection's: it is never sent PING, INFO or PUBLISH (sendPeriodic). */
const NO_REPLIES: ReplyHandlers = {
  onPing: () => undefined,
  onInfo: () => undefined,
  onPublish: () => undefined,
};

/**
 * The callbacks of PING, INFO and PUBLISH on one connection: each turns the reply into an input
 * unless the connection closed first or was replaced.
 */
function replyHandlers(push: (input: Input) => void, conn: Connection): ReplyHandlers {
  const id = conn.id;
  const gen = conn.gen;
  return {
    onPing: (result) => {
      const reply = narrowReplyText(result);
      if (reply !== null && conn.current) push({ type: "ping-reply", link: id, reply, gen });
    },
    onInfo: (result) => {
      const reply = narrowReplyText(result);
      if (reply !== null && conn.current) push({ type: "info-reply", link: id, reply, gen });
    },
    onPublish: (result) => {
      if (result.kind !== "closed" && conn.current) {
        push({ type: "publish-reply", link: id, ok: result.kind === "reply", gen });
      }
    },
  };
}

export interface LinkEntry {
  renamed: Readonly<Record<string, string>>;
  cmd: Connection | null;
  pubsub: Connection | null;
}

/**
 * The narrow surface the link manager uses for one Redis connection (docs/ARCHITECTURE.md, the
 * shell's links): a connection reports through three handlers (ready, closed, message), and
 * `call` takes a callback, called exactly once with a reply, a Redis error reply, or "closed"
 * (the socket went away first): at a thousand masters a promise and its microtask per PING were
 * a visible share of the CPU, for a result that is always consumed by one callback.
 *
 * Two implementations: resp-link.ts (the default) and ioredis-link.ts; redis-link.ts chooses.
 * AUTH and CLIENT SETNAME are never given to a link: the link manager sends them itself, because
 * `sentinel rename-command` applies to them too.
 */
import type { SecureContext } from "node:tls";

export type CallResult =
  /**
   * `bulk`: the reply was a bulk string, not a status. Only the bare RESP link tells them apart
   * (ioredis gives a string for both: the ioredis link leaves it unset).
   */
  | { readonly kind: "reply"; readonly value: unknown; readonly bulk?: boolean }
  /** A Redis error reply, full text (e.g. "LOADING Redis is loading the dataset in memory"). */
  | { readonly kind: "error"; readonly text: string }
  /** The connection closed or was not writable: no reply will ever come. */
  | { readonly kind: "closed"; readonly reason: string };

export interface RedisLinkHandlers {
  /** The TCP connection is up; commands may be sent. */
  onReady(): void;
  /** The connection is gone for good (no reconnect). Called at most once, never after close(). */
  onClosed(reason: string): void;
  /** A pub/sub message (only on a connection that subscribed). */
  onMessage(channel: string, message: string): void;
}

export interface RedisLinkOptions {
  readonly host: string;
  readonly port: number;
  /** Give up a connect attempt after this many ms. */
  readonly connectTimeout: number;
  /**
   * tls-replication: connect over TLS with this context. The peer's certificate must verify
   * against the CA; its name is not checked (Redis checks none on these links either).
   */
  readonly tls?: SecureContext;
}

/** Receives the result of one call, exactly once (possibly before `call` returns: "closed"). */
export type CallCallback = (result: CallResult) => void;

/** One Redis connection, as the link manager sees it. */
export interface RedisLink {
  /** Sends one command (name already renamed); pipelined behind earlier calls. */
  call(name: string, args: readonly (string | number)[], done: CallCallback): void;
  /** SUBSCRIBE under `name` (SUBSCRIBE itself or its rename-command name). */
  subscribe(name: string, channel: string, done: CallCallback): void;
  /**
   * Writes what this connection was given so far now, ahead of the writes paced over the next
   * turns of the loop (resp-link.ts: FLUSH_BATCH): a failover's vote request or SLAVEOF must not
   * wait behind a tick's PINGs to a thousand other instances. Optional: ioredis writes at once.
   */
  flushNow?(): void;
  /** The local IP of the socket, "" when not connected. */
  localAddress(): string;
  /** Closes the socket at once. No handler is called afterwards. */
  close(): void;
}

export type RedisLinkFactory = (
  options: RedisLinkOptions,
  handlers: RedisLinkHandlers,
) => RedisLink;

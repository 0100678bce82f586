/**
 * The narrow surface the link manager uses for one Redis connection (docs/ARCHITECTURE.md §4.2), and
 * the factory that creates them. Two implementations:
 * - resp-link.ts, a bare RESP client over net.Socket — the default: a monitor link needs none of
 *   a general-purpose client's machinery, and at 1,000 masters ioredis dominated CPU and memory;
 * - the ioredis-backed link below, kept behind `VIGIL_LINK_CLIENT=ioredis` for A/B comparisons,
 *   with every option written out. ioredis 6 defaults to RESP3, an offline queue,
 *   automatic reconnects and resubscribes; a monitor wants none of that: the core decides when
 *   to reconnect, and a PING must fail at once on a dead link rather than wait in a queue.
 *
 * AUTH and CLIENT SETNAME are never given to the client: the link manager sends them itself,
 * because `sentinel rename-command` applies to them too, and because ioredis's own AUTH turns a
 * refused password into a fatal error and prints warnings on stderr, where Redis just ignores
 * the reply.
 *
 * ioredis, when chosen, is loaded on demand (`loadRedisClient`, awaited by the daemon after it
 * starts listening): it is the heaviest module we use, and a sentinel must answer PING as soon
 * as possible.
 *
 * A connection reports through three handlers (ready, closed, message). `call` takes a callback,
 * called exactly once with a reply, a Redis error reply, or "closed" (the socket went away
 * first): at a thousand masters a promise and its microtask per PING were a visible share of the
 * CPU, for a result that is always consumed by one callback.
 */
import type { SecureContext } from "node:tls";
import type { Command, Redis } from "ioredis";
import { assert } from "../core/index.js";
import { createRespLink } from "./resp-link.js";

/** `VIGIL_LINK_CLIENT=ioredis` selects the ioredis-backed links (A/B comparisons). */
const USE_IOREDIS = process.env["VIGIL_LINK_CLIENT"] === "ioredis";

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
  /** The local IP of the socket, "" when not connected. */
  localAddress(): string;
  /** Closes the socket at once. No handler is called afterwards. */
  close(): void;
}

export type RedisLinkFactory = (
  options: RedisLinkOptions,
  handlers: RedisLinkHandlers,
) => RedisLink;

/** TCP keepalive probe delay (ioredis link). */
const KEEPALIVE_MS = 15_000;

function isReplyError(err: unknown): err is Error {
  return err instanceof Error && err.name === "ReplyError";
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

let RedisClass: typeof Redis | null = null;
let CommandClass: typeof Command | null = null;

/** Loads ioredis once if the links use it (createRedisLink needs it done then). */
export async function loadRedisClient(): Promise<void> {
  if (!USE_IOREDIS) return;
  await loadIoredis();
}

/** Loads ioredis once; createIoredisClient needs it done. */
export async function loadIoredis(): Promise<void> {
  if (RedisClass !== null) return;
  const module = await import("ioredis");
  RedisClass = module.Redis;
  CommandClass = module.Command;
}

async function settle(promise: Promise<unknown>): Promise<CallResult> {
  try {
    const value: unknown = await promise;
    return { kind: "reply", value };
  } catch (err: unknown) {
    if (isReplyError(err)) return { kind: "error", text: err.message };
    return { kind: "closed", reason: errorText(err) };
  }
}

/**
 * ioredis enters subscriber mode (and starts emitting "message") only for a command named
 * `subscribe`. A renamed SUBSCRIBE is written under its new name, then renamed back in the
 * command queue before the reply arrives, so the reply and the messages are routed as pub/sub.
 * Writing is synchronous on a ready connection (Redis#sendCommand).
 */
function renamedSubscribe(client: Redis, name: string, channel: string): Promise<unknown> {
  assert(CommandClass !== null, "ioredis not loaded: await loadIoredis() first");
  const command = new CommandClass(name, [channel], { replyEncoding: "utf8" });
  void client.sendCommand(command);
  command.name = "subscribe";
  return command.promise;
}

/** The only `new Redis(...)` of the code base. */
export function createIoredisClient(options: RedisLinkOptions): Redis {
  assert(RedisClass !== null, "ioredis not loaded: await loadIoredis() first");
  return new RedisClass({
    host: options.host,
    port: options.port,
    family: 0,
    protocol: 2,
    lazyConnect: true,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    reconnectOnError: null,
    connectTimeout: options.connectTimeout,
    commandTimeout: undefined,
    socketTimeout: undefined,
    keepAlive: KEEPALIVE_MS,
    noDelay: true,
    // Sent by the link manager through rename-command (see the module comment).
    connectionName: undefined,
    username: undefined,
    password: undefined,
    disableClientInfo: true,
    db: 0,
    readOnly: false,
    stringNumbers: false,
    enableAutoPipelining: false,
    showFriendlyErrorStack: false,
    ...(options.tls === undefined
      ? {}
      : {
          tls: {
            secureContext: options.tls,
            rejectUnauthorized: true,
            checkServerIdentity: () => undefined,
          },
        }),
  });
}

/** A RedisLink backed by ioredis. Connecting starts immediately. */
export const createIoredisLink: RedisLinkFactory = (options, handlers) => {
  const client = createIoredisClient(options);
  let done = false;
  const finish = (reason: string): void => {
    if (done) return;
    done = true;
    handlers.onClosed(reason);
  };
  let lastError = "";
  // Connection errors are expected (the instance is down): never crash, never print.
  client.on("error", (err: unknown) => {
    lastError = errorText(err);
  });
  client.on("ready", () => {
    if (!done) handlers.onReady();
  });
  client.on("end", () => {
    finish(lastError === "" ? "connection closed" : lastError);
  });
  client.on("message", (channel: unknown, message: unknown) => {
    if (!done && typeof channel === "string" && typeof message === "string") {
      handlers.onMessage(channel, message);
    }
  });
  client.connect().catch((err: unknown) => {
    lastError = errorText(err);
  });
  return {
    call(name, args, done) {
      void settle(client.call(name, ...args)).then(done);
    },
    subscribe(name, channel, done) {
      const reply =
        name.toLowerCase() === "subscribe"
          ? client.call("subscribe", channel)
          : renamedSubscribe(client, name, channel);
      void settle(reply).then(done);
    },
    localAddress() {
      return client.stream?.localAddress ?? "";
    },
    close() {
      done = true;
      client.disconnect(false);
    },
  };
};

/** The links' factory: the bare RESP link, or ioredis when VIGIL_LINK_CLIENT=ioredis. */
export const createRedisLink: RedisLinkFactory = (options, handlers) =>
  USE_IOREDIS ? createIoredisLink(options, handlers) : createRespLink(options, handlers);

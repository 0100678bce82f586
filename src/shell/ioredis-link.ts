/**
 * A RedisLink backed by ioredis (link-contract.ts has the contract), kept behind
 * `VIGIL_LINK_CLIENT=ioredis` for A/B comparisons, with every option written out (habit 10).
 * ioredis 6 defaults to RESP3, an offline queue, automatic reconnects and resubscribes; a monitor
 * wants none of that: the core decides when to reconnect, and a PING must fail at once on a dead
 * link rather than wait in a queue. ioredis's own AUTH would turn a refused password into a
 * fatal error and print warnings on stderr, where Redis just ignores the reply: the link manager
 * sends AUTH itself.
 *
 * ioredis is loaded on demand (`loadIoredis`): it is the heaviest module we use, and a sentinel
 * must answer PING as soon as possible.
 */
import type { Command, Redis } from "ioredis";
import { assert } from "../core/index.js";
import type { CallResult, RedisLinkFactory, RedisLinkOptions } from "./link-contract.js";
import { socketErrorText } from "./socket-error-text.js";

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
    lastError = socketErrorText(err);
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

/**
 * SUBSCRIBE, PSUBSCRIBE, UNSUBSCRIBE, PUNSUBSCRIBE and the sentinel's PUBLISH
 * (pubsub.c; sentinel.c: sentinelPublishCommand; docs/PROTOCOL.md §9.3).
 *
 * Each (un)subscription is confirmed by its own `[kind, name, count]` frame, count being the
 * client's channels plus patterns afterwards; RESP3 sends them as pushes. Without arguments the
 * UN commands drop everything, and answer `[kind, null, 0]` when there was nothing to drop.
 * PUBLISH only accepts `__sentinel__:hello` (peers' hellos) and never delivers it locally.
 */
import type { Reply } from "../protocol/reply.js";
import { R } from "../protocol/reply.js";
import type { ClientState, CommandContext } from "./context.js";
import type { Handler } from "./handler.js";
import { multi } from "./handler.js";

export const HELLO_CHANNEL = "__sentinel__:hello";
export const ERR_ONLY_HELLO = "ERR Only HELLO messages are accepted by Sentinel instances.";

function count(client: ClientState): number {
  return client.channels.size + client.patterns.size;
}

function frame(kind: string, name: string | null, client: ClientState): Reply {
  return R.push([R.bulk(kind), name === null ? R.null() : R.bulk(name), R.integer(count(client))]);
}

type Op = (ctx: CommandContext, name: string) => boolean;

function subscribeWith(kind: string, op: Op): Handler {
  return (args, ctx) =>
    multi(
      args.slice(1).map((name) => {
        op(ctx, name);
        return frame(kind, name, ctx.client);
      }),
    );
}

function unsubscribeWith(kind: string, op: Op, current: (c: ClientState) => Set<string>): Handler {
  return (args, ctx) => {
    const names = args.length > 1 ? args.slice(1) : [...current(ctx.client)];
    if (names.length === 0) return multi([frame(kind, null, ctx.client)]);
    return multi(
      names.map((name) => {
        op(ctx, name);
        return frame(kind, name, ctx.client);
      }),
    );
  };
}

const publish: Handler = (args, ctx) => {
  if (args[1] !== HELLO_CHANNEL) return R.error(ERR_ONLY_HELLO);
  ctx.server.host.helloReceived(args[2] ?? "");
  return R.integer(1);
};

export const PUBSUB_HANDLERS: Readonly<Record<string, Handler>> = {
  subscribe: subscribeWith("subscribe", (ctx, n) => ctx.server.pubsub.subscribe(ctx.client, n)),
  psubscribe: subscribeWith("psubscribe", (ctx, n) => ctx.server.pubsub.psubscribe(ctx.client, n)),
  unsubscribe: unsubscribeWith(
    "unsubscribe",
    (ctx, n) => ctx.server.pubsub.unsubscribe(ctx.client, n),
    (c) => c.channels,
  ),
  punsubscribe: unsubscribeWith(
    "punsubscribe",
    (ctx, n) => ctx.server.pubsub.punsubscribe(ctx.client, n),
    (c) => c.patterns,
  ),
  publish,
};

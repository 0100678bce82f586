/**
 * The handler contract shared by every command module: a handler gets the full argv (the
 * command name included) and the calling context, and answers one reply, several replies
 * (SUBSCRIBE a b), none (CLIENT REPLY OFF, SHUTDOWN), or a promise of one (SENTINEL admin ops).
 */
import type { Reply } from "../protocol/reply.js";
import type { CommandContext } from "./context.js";

/** Several top-level replies from one command, possibly none. */
export interface MultiReply {
  readonly kind: "multi";
  readonly replies: readonly Reply[];
}

export type HandlerResult = Reply | MultiReply | Promise<Reply>;

/**
 * executeCommand's answer for a command CLIENT PAUSE holds (networking.c: blockPostponeClient):
 * nothing ran; the connection keeps the request and runs it again, checks and all, at the end of
 * the pause.
 */
export const HELD: unique symbol = Symbol("held by CLIENT PAUSE");
export type Held = typeof HELD;
export type Handler = (args: readonly string[], ctx: CommandContext) => HandlerResult;

export function multi(replies: readonly Reply[]): MultiReply {
  return { kind: "multi", replies };
}

export function isMultiReply(result: HandlerResult): result is MultiReply {
  return !(result instanceof Promise) && "kind" in result;
}

/**
 * Everything that can happen to the core arrives as one of these inputs, through
 * `SentinelCore.step(now, input)`. Replies record facts; only the tick and admin inputs start
 * actions (the INFO-driven role handling of sentinel.c being the one exception).
 */
import type { ConnKind, LinkId } from "./state.js";

/** A reply as a Redis link delivered it: a status/bulk string, or an error's full text. */
export type ReplyText =
  | { readonly kind: "ok"; readonly text: string }
  | { readonly kind: "error"; readonly text: string };

export type AdminOp =
  | {
      readonly op: "monitor";
      readonly name: string;
      readonly host: string;
      readonly port: number;
      readonly quorum: number;
    }
  | { readonly op: "remove"; readonly name: string }
  /** Option/value pairs, already checked for arity; options case-insensitive. */
  | {
      readonly op: "set";
      readonly name: string;
      readonly pairs: readonly (readonly [string, string])[];
    }
  | { readonly op: "reset"; readonly pattern: string }
  | { readonly op: "failover"; readonly name: string }
  | { readonly op: "flushconfig" }
  | { readonly op: "config-set"; readonly param: string; readonly value: string }
  | { readonly op: "simulate-failure"; readonly flags: number }
  | { readonly op: "debug-set"; readonly pairs: readonly (readonly [string, string])[] };

export type Input =
  /** wallNow: wall-clock ms, to detect clock jumps for TILT alongside the monotonic delta. */
  | { readonly type: "tick"; readonly wallNow: number }
  | {
      readonly type: "link-connected";
      readonly link: LinkId;
      readonly conn: ConnKind;
      /** Local IP of this socket. */
      readonly localIp: string;
    }
  | {
      readonly type: "link-closed";
      readonly link: LinkId;
      readonly conn: ConnKind;
      readonly reason: string;
    }
  | { readonly type: "ping-reply"; readonly link: LinkId; readonly reply: ReplyText }
  | { readonly type: "info-reply"; readonly link: LinkId; readonly reply: ReplyText }
  | { readonly type: "publish-reply"; readonly link: LinkId; readonly ok: boolean }
  /** Any other command finished (replicaof transaction, SCRIPT KILL): only pending accounting. */
  | { readonly type: "command-done"; readonly link: LinkId }
  /** A hello from a pub/sub message (via = that link) or a PUBLISH to our server (via = null). */
  | { readonly type: "hello-received"; readonly via: LinkId | null; readonly payload: string }
  | {
      readonly type: "is-master-down-reply";
      readonly link: LinkId;
      readonly master: string;
      /** null when the reply was not [integer, bulk, integer]. */
      readonly reply: {
        readonly down: boolean;
        readonly leader: string;
        readonly leaderEpoch: number;
      } | null;
    }
  | {
      readonly type: "is-master-down-request";
      readonly requestId: number;
      readonly ip: string;
      readonly port: number;
      readonly epoch: number;
      readonly runId: string;
    }
  | { readonly type: "admin"; readonly requestId: number; readonly op: AdminOp }
  /** A flush failed: logged; deferred admin replies of that batch become errors in the shell. */
  | { readonly type: "persist-failed"; readonly error: string };

/**
 * Everything that can happen to the core arrives as one of these inputs, through
 * `SentinelCore.step(now, input)`. Replies record facts; only the tick and admin inputs start
 * actions (the INFO-driven role handling of sentinel.c being the one exception).
 */
import type { ConnKind, LinkId } from "./state.js";
import type { Epoch } from "../basics/epoch.js";

/**
 * A reply as a Redis link delivered it: a status (or any reply as text when the link cannot tell
 * a status from a bulk string), a bulk string, or an error's full text. sentinel.c takes a PING
 * reply as a sign of life only from a status or an error (a bulk "PONG" is none).
 */
export type ReplyText =
  | { readonly kind: "ok"; readonly text: string }
  | { readonly kind: "bulk"; readonly text: string }
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
  /**
   * Each option with its values (`rename-command` has two), already checked for arity; options
   * case-insensitive.
   */
  | {
      readonly op: "set";
      readonly name: string;
      readonly pairs: readonly (readonly string[])[];
    }
  | { readonly op: "reset"; readonly pattern: string }
  /**
   * SENTINEL FAILOVER <name> [COORDINATED] [TO <ip> <port>]: `coordinated` (Valkey 9) elects and
   * hands over through the master's FAILOVER; `to` (Vigil) names the replica to promote.
   */
  | {
      readonly op: "failover";
      readonly name: string;
      readonly coordinated?: boolean;
      readonly to?: { readonly ip: string; readonly port: number };
    }
  /** SENTINEL FORGET-SENTINEL <master> <runid> (Vigil): drop one peer of one master. */
  | { readonly op: "forget-sentinel"; readonly name: string; readonly runId: string }
  | { readonly op: "flushconfig" }
  /** Param/value pairs applied all or none (Redis 7.2); one pair is 7.0's form. */
  | {
      readonly op: "config-set";
      readonly pairs: readonly (readonly [param: string, value: string])[];
    }
  | { readonly op: "simulate-failure"; readonly flags: number }
  | { readonly op: "debug-set"; readonly pairs: readonly (readonly [string, string])[] };

/**
 * `gen` on the inputs of a connection: the generation of the connect that opened it (Command
 * `connect`). The shell always sets it; an input without it (tests, the simulation) is taken as
 * coming from the current connection.
 */
export type Input =
  /**
   * wallNow: wall-clock ms, to detect clock jumps for TILT alongside the monotonic delta.
   * idleMs: how much later than a regular tick the shell fired this one on purpose, because the
   * last tick found every record quiet (SentinelCore.quietUntil); TILT does not count it.
   */
  | { readonly type: "tick"; readonly wallNow: number; readonly idleMs?: number }
  | {
      readonly type: "link-connected";
      readonly link: LinkId;
      readonly conn: ConnKind;
      /** Local IP of this socket. */
      readonly localIp: string;
      readonly gen?: number;
    }
  | {
      readonly type: "link-closed";
      readonly link: LinkId;
      readonly conn: ConnKind;
      readonly reason: string;
      readonly gen?: number;
    }
  | {
      readonly type: "ping-reply";
      readonly link: LinkId;
      readonly reply: ReplyText;
      readonly gen?: number;
    }
  | {
      readonly type: "info-reply";
      readonly link: LinkId;
      readonly reply: ReplyText;
      readonly gen?: number;
    }
  | {
      readonly type: "publish-reply";
      readonly link: LinkId;
      readonly ok: boolean;
      readonly gen?: number;
    }
  /** Any other command finished (replicaof transaction, SCRIPT KILL): only pending accounting. */
  | { readonly type: "command-done"; readonly link: LinkId; readonly gen?: number }
  /** A hello from a pub/sub message (via = that link) or a PUBLISH to our server (via = null). */
  | {
      readonly type: "hello-received";
      readonly via: LinkId | null;
      readonly payload: string;
      readonly gen?: number;
    }
  | {
      readonly type: "is-master-down-reply";
      readonly link: LinkId;
      readonly master: string;
      readonly gen?: number;
      /** null when the reply was not [integer, bulk, integer]. */
      readonly reply: {
        readonly down: boolean;
        readonly leader: string;
        readonly leaderEpoch: Epoch;
      } | null;
    }
  | {
      readonly type: "is-master-down-request";
      readonly requestId: number;
      readonly ip: string;
      readonly port: number;
      readonly epoch: Epoch;
      readonly runId: string;
      /**
       * The CLIENT SETNAME of the connection it came on ("" or absent = none): a sentinel's
       * cmd link is named `sentinel-<first 8 of its run id>-cmd`, which tells which peer asks.
       */
      readonly asker?: string;
    }
  | { readonly type: "admin"; readonly requestId: number; readonly op: AdminOp }
  /** The shell's answer to a `resolve` command (or a lookup it made first): ip null = failed. */
  | { readonly type: "host-resolved"; readonly host: string; readonly ip: string | null }
  /** A flush failed: logged; deferred admin replies of that batch become errors in the shell. */
  | { readonly type: "persist-failed"; readonly error: string }
  /**
   * The graceful shutdown (SIGTERM, SIGINT, SHUTDOWN) is under way: the last input the shell
   * steps. Its Ready holds what must reach the instances before the links close.
   */
  | { readonly type: "shutdown" };

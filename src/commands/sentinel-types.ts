/**
 * The contract between the SENTINEL command handlers and the shell that runs them: what a
 * handler reads (SentinelCommandEnv) and what it hands back (SentinelCommandOutcome).
 */
import type { AdminOp, SentinelState } from "../core/index.js";
import type { Reply } from "../protocol/reply.js";

/** One queued script job as SENTINEL PENDING-SCRIPTS shows it (sentinel.c: sentinelScriptJob). */
export type PendingScriptView = {
  readonly argv: readonly string[];
  /** 0 while not running. */
  readonly pid: number;
  /** Runs so far. */
  readonly retryNum: number;
} & (
  | { readonly running: true; /** now − start time. */ readonly runTimeMs: number }
  | {
      readonly running: false;
      /** Time left before it may run again, ≥ 0 (0 = may run now). */
      readonly runDelayMs: number;
    }
);

export interface SentinelCommandEnv {
  readonly now: number;
  /** Read only: handlers never mutate it. */
  readonly state: SentinelState;
  readonly protocol: 2 | 3;
  /** access(path, X_OK) == 0, for SET notification-script / client-reconfig-script. */
  readonly isExecutable: (path: string) => boolean;
  readonly pendingScripts: readonly PendingScriptView[];
}

export type SentinelCoreInput =
  | { readonly type: "admin"; readonly op: AdminOp }
  | {
      readonly type: "is-master-down-request";
      readonly ip: string;
      readonly port: number;
      readonly epoch: bigint;
      readonly runId: string;
      /** The asking connection's CLIENT SETNAME (core/model/inputs.ts); set by the request. */
      readonly asker?: string;
    };

export type SentinelCommandOutcome =
  | { readonly kind: "reply"; readonly reply: Reply }
  /**
   * The shell assigns requestId, steps the core with it, and turns the CoreReply into a Reply
   * with coreReplyToReply — unless `overrideReply` is set: then the core step still happens
   * (it applies the valid leading part of the request) but the client gets `overrideReply`.
   * This is Redis's "earlier options stay applied" for SET, DEBUG and SIMULATE-FAILURE
   * (sentinel.c: sentinelSetCommand's seterr path replies the option error, never the flush).
   */
  | {
      readonly kind: "core";
      readonly input: SentinelCoreInput;
      readonly overrideReply?: Reply;
    };

export function replyOutcome(reply: Reply): SentinelCommandOutcome {
  return { kind: "reply", reply };
}

export function adminOutcome(op: AdminOp, overrideReply?: Reply): SentinelCommandOutcome {
  const input: SentinelCoreInput = { type: "admin", op };
  return overrideReply === undefined
    ? { kind: "core", input }
    : { kind: "core", input, overrideReply };
}

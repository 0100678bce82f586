/**
 * The batch of work the core hands to its driver after one or more steps (`takeReady()`).
 *
 * ORDERING CONTRACT (etcd's "HardState before Messages", sentinel.c's flush before replying a
 * vote): the driver completes `persist` (temp file, fsync, rename, fsync dir) BEFORE it sends
 * anything in `replies` or `commands`, except the commands `commandsBeforePersist` names, which it
 * sends before it starts the persist (below). If the persist fails it feeds `persist-failed`
 * back and answers every reply with `afterPersist: true` with
 * "-ERR Failed to save config file. Check server logs." instead. Then, in order: replies,
 * commands, events (log + publish) with the plain log lines among them, notifications, scripts.
 * `exitCode`, when set, ends the process after the persist (SENTINEL SIMULATE-FAILURE), and
 * nothing is sent before it, not even those commands.
 *
 * Later Readies are carried out only once this one's persist settled, so nothing that acts on
 * what it persists (a vote counted towards our election, a reply naming our vote) leaves before.
 *
 * The Ready carries every decision, so the shell re-derives nothing from the state
 * (docs/ARCHITECTURE.md, "Ready"): each `connect` its timeout, each warning event of a master
 * with a notification-script its job (`notifications`), and `wakeAt`, the monotonic time at
 * which the core next wants a tick sooner than the regular one (at or before `now`: at once,
 * after this batch), with `tickRecords`, what such a tick costs. Runtime and the simulator's
 * executor carry out this one contract.
 */
import type { Addr } from "../basics/addr.js";
import type { PersistedState } from "./config.js";
import type { Epoch } from "../basics/epoch.js";
import type { EventLevel, SentinelEvent } from "./events.js";
import type { ConnKind, LinkId } from "./state.js";

export type AdminResult =
  | { readonly kind: "ok" }
  | { readonly kind: "integer"; readonly value: number }
  /** Full error text with its prefix, e.g. "ERR No such master with that name". */
  | { readonly kind: "error"; readonly message: string };

export type CoreReply =
  | {
      readonly kind: "is-master-down";
      readonly requestId: number;
      readonly down: boolean;
      readonly leader: string;
      readonly leaderEpoch: Epoch;
      readonly afterPersist: boolean;
    }
  | {
      readonly kind: "admin";
      readonly requestId: number;
      readonly result: AdminResult;
      readonly afterPersist: boolean;
    };

export interface LinkAuth {
  readonly user: string;
  readonly pass: string;
}

/** Commands the shell carries out on its links. Replies come back as inputs for the same link. */
export type Command =
  | {
      readonly type: "connect";
      readonly link: LinkId;
      readonly conn: ConnKind;
      readonly addr: Addr;
      /** null = no AUTH. user "" = `AUTH <pass>`. */
      readonly auth: LinkAuth | null;
      /** `sentinel-<id8>-cmd` or `sentinel-<id8>-pubsub`. */
      readonly clientName: string;
      /** rename-command map (lowercase name → new name) applied to every command on the link. */
      readonly renamedCommands: Readonly<Record<string, string>>;
      /** This connection's generation: every input it produces carries it back (`gen`). */
      readonly gen: number;
      /** Give the attempt up after this many ms (link-health.ts: connectTimeout). */
      readonly connectTimeoutMs: number;
    }
  /** Close one or both connections of a link; the shell answers with link-closed for each. */
  | { readonly type: "close"; readonly link: LinkId; readonly conn: ConnKind | "both" }
  /** The link is no longer used by any record: close and forget it. No link-closed follows. */
  | { readonly type: "forget"; readonly link: LinkId }
  | { readonly type: "ping"; readonly link: LinkId }
  | { readonly type: "info"; readonly link: LinkId }
  | { readonly type: "publish-hello"; readonly link: LinkId; readonly payload: string }
  | {
      readonly type: "ask-master-down";
      readonly link: LinkId;
      readonly master: string;
      readonly ip: string;
      readonly port: number;
      readonly epoch: Epoch;
      /** Our run id when we ask for a vote, "*" otherwise. */
      readonly runId: string;
    }
  /**
   * MULTI / SLAVEOF host port|NO ONE / CONFIG REWRITE / CLIENT KILL TYPE normal / pubsub / EXEC,
   * with FAILOVER ABORT after MULTI when `abortFailover` (Valkey 9).
   */
  | {
      readonly type: "replicaof";
      readonly link: LinkId;
      readonly target: Addr | null;
      readonly abortFailover?: true;
    }
  /** MULTI / each step (a command name and its arguments) / EXEC; one command-done answers it. */
  | {
      readonly type: "transaction";
      readonly link: LinkId;
      readonly steps: readonly (readonly string[])[];
    }
  | { readonly type: "script-kill"; readonly link: LinkId }
  /** Self-fencing (detection/fence.ts): `CLIENT PAUSE <ms> WRITE`, renewed while it holds. */
  | { readonly type: "client-pause"; readonly link: LinkId; readonly ms: number }
  /** `CLIENT UNPAUSE`: the fence is lifted. */
  | { readonly type: "client-unpause"; readonly link: LinkId }
  /**
   * The link's rename-command map changed (SENTINEL SET rename-command): every command sent on
   * it from now on, on the connections already open too, uses this one (core/records/renamed-commands.ts).
   */
  | {
      readonly type: "rename-commands";
      readonly link: LinkId;
      readonly renamedCommands: Readonly<Record<string, string>>;
    }
  /** Look the name up (dns.lookup) and answer with a `host-resolved` input (hosts.ts). */
  | { readonly type: "resolve"; readonly host: string };

export interface ScriptJob {
  readonly kind: "notification" | "client-reconfig";
  readonly master: string;
  readonly path: string;
  readonly args: readonly string[];
}

/**
 * A log line that is not an event (sentinel.c's plain serverLog calls). `at` = how many of the
 * Ready's events come before it, so the shell writes both in the order the core produced them.
 */
export type CoreLog =
  | {
      readonly kind: "text";
      readonly at: number;
      readonly level: EventLevel;
      readonly text: string;
    }
  /**
   * "Next failover delay: I will not start a failover before <ctime>" (warning): the core only
   * knows how far away that time is (`waitMs`, monotonic); the shell prints the wall-clock date.
   */
  | { readonly kind: "failover-delay"; readonly at: number; readonly waitMs: number };

export interface Ready {
  readonly persist: PersistedState | null;
  /**
   * With `persist` null: the state changed in a way nothing in this Ready waits for (a replica
   * or a peer discovered). The executor writes it soon, not necessarily before this Ready's
   * commands: it may coalesce several into one write (at ten thousand masters each write of
   * the config takes hundreds of ms, and discovery asks for one per replica), taking the
   * snapshot when it writes. A later `persist` covers it.
   */
  readonly persistSoon: boolean;
  readonly replies: readonly CoreReply[];
  readonly commands: readonly Command[];
  readonly events: readonly SentinelEvent[];
  readonly logs: readonly CoreLog[];
  /**
   * The notification-script jobs of the events (sentinel.c: sentinelEvent runs the master's
   * script for every warning-level event), in event order; queued after the events.
   */
  readonly notifications: readonly ScriptJob[];
  /** Client-reconfig jobs. */
  readonly scripts: readonly ScriptJob[];
  readonly exitCode: number | null;
  /**
   * The earliest tick the core asked for and has not had yet (monotonic ms), or null: at or
   * before now, tick again at once; later, tick then. Not work by itself: every Ready carries the
   * current wish, the executor keeps one timer for it.
   */
  readonly wakeAt: number | null;
  /**
   * The records (masters, replicas, peers) the last tick visited: what one more tick costs. The
   * executor allows more at-once ticks between two regular ones when they are cheap.
   */
  readonly tickRecords: number;
}

/**
 * The commands of a Ready that need nothing its persist protects, sent before the persist starts:
 * is-master-down-by-addr requests, PINGs, INFOs, hellos and SLAVEOF <host> <port>. A request
 * carries our epoch and, when we stand, our run id, never a vote: our own vote is only ever told
 * in replies and counted by us in a later Ready, both after the persist; PING and INFO carry
 * nothing. A crash before the persist ends loses the epoch and our vote for ourselves, as a crash
 * just before the step would have, and nobody has counted them. So a candidate's vote requests,
 * and the INFO the replica selection will need, leave while its vote for itself is being written
 * instead of one fsync later (5-30 ms; the sentinel first in the candidate order then reached the
 * others after they had stood themselves: docs/COMPATIBILITY.md, "Vote requests before the
 * candidate's fsync").
 *
 * A hello carries our epoch, our address and one master's address and config epoch, never a
 * vote; a SLAVEOF <host> <port> points a Redis node at a master of that configuration. An admin
 * change a hello could announce is answered after its persist (a crash before it ends is the
 * change not made), and the one Ready that persists a configuration they announce otherwise is
 * the leader's promotion (the failover
 * epoch becomes the config epoch, failover/progress.ts), which sends the new configuration's
 * hellos and the other replicas' SLAVEOF in the same step: a crash before its persist ends
 * leaves the promoted replica promoted and the others following it, as a crash just after the
 * persist would, and restarts us with the epoch and vote saved when we voted and the older
 * configuration: a sentinel that voted and was down until the failover ended, which adopts the
 * newer configuration from the next hello (a hello replaces only a strictly older config
 * epoch), as observers already do (docs/COMPATIBILITY.md, "The new configuration's hellos
 * before the leader's fsync"). SLAVEOF NO ONE, the coordinated failover's transactions, CLIENT
 * PAUSE and the rest still wait for the persist.
 *
 * An early command behind a held one on its link keeps its place (an INFO follows our SLAVEOF
 * NO ONE so that its reply shows the new role).
 */
export function commandsBeforePersist(commands: readonly Command[]): ReadonlySet<Command> {
  const early = new Set<Command>();
  const held = new Set<LinkId>();
  for (const command of commands) {
    if (command.type === "ask-master-down") early.add(command);
    else if (sendsBeforePersist(command) && !held.has(command.link)) early.add(command);
    else if ("link" in command) held.add(command.link);
  }
  return early;
}

/** The link commands commandsBeforePersist lets go first (ask-master-down aside). */
function sendsBeforePersist(
  command: Command,
): command is Extract<Command, { type: "ping" | "info" | "publish-hello" | "replicaof" }> {
  if (command.type === "replicaof") return command.target !== null;
  return command.type === "ping" || command.type === "info" || command.type === "publish-hello";
}

/** Nothing to carry out (`wakeAt` is a wish, not work). */
export function isEmptyReady(ready: Ready): boolean {
  return (
    ready.persist === null &&
    !ready.persistSoon &&
    ready.replies.length === 0 &&
    ready.commands.length === 0 &&
    ready.events.length === 0 &&
    ready.logs.length === 0 &&
    ready.notifications.length === 0 &&
    ready.scripts.length === 0 &&
    ready.exitCode === null
  );
}

/**
 * What a command handler sees: the calling connection's mutable state and the server services
 * the shell provides. Handlers stay pure (no I/O, no clocks): everything that touches sockets,
 * time or the process comes in through ServerServices, implemented by src/shell/resp-server.ts.
 */
import type { Acl } from "./acl.js";
import type { AclLog } from "./acl-log.js";
import type { LagSnapshot } from "./lag-histogram.js";
import type { ServerHost, SessionInfo } from "./host.js";

/** CLIENT REPLY state (networking.c: CLIENT_REPLY_OFF / CLIENT_REPLY_SKIP). */
export type ReplyMode = "on" | "off" | "skip-next";

/** CLIENT TRACKING's state of a connection (client-tracking.ts); absent while tracking is off. */
export interface ClientTracking {
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** CLIENT CACHING YES|NO, for the next command only. */
  caching: boolean;
  /** BCAST prefixes, as given (TRACKINGINFO sorts them). */
  prefixes: string[];
}

/** Per-connection state the handlers read and change. */
export interface ClientState extends SessionInfo {
  protocol: 2 | 3;
  name: string;
  user: string;
  authenticated: boolean;
  /** Insertion-ordered, so UNSUBSCRIBE without arguments answers in subscription order. */
  readonly channels: Set<string>;
  readonly patterns: Set<string>;
  replyMode: ReplyMode;
  /** Set by CLIENT REPLY SKIP: the next command's reply is dropped. */
  skipNextReply: boolean;
  libName: string;
  libVersion: string;
  noEvict: boolean;
  tracking: ClientTracking | undefined;
  /** Close the connection once the replies produced so far are written (QUIT, CLIENT KILL self). */
  closeAfterReply: boolean;
  /** Full name (`client|info`) of the command being executed, for CLIENT LIST `cmd=`. */
  lastCommand: string;
}

/** Values for INFO that only the shell can read. */
export interface InfoFacts {
  readonly os: string;
  readonly archBits: number;
  readonly processId: number;
  readonly runId: string;
  readonly tcpPort: number;
  readonly serverTimeUsec: bigint;
  readonly uptimeSeconds: number;
  readonly hz: number;
  readonly configuredHz: number;
  readonly lruClock: number;
  readonly executable: string;
  readonly configFile: string;
  readonly connectedClients: number;
  /** Connections CLIENT PAUSE holds (INFO blocked_clients counts them, as Redis's postponed). */
  readonly blockedClients?: number;
  /** Connections with CLIENT TRACKING on (INFO tracking_clients). */
  readonly trackingClients?: number;
  readonly maxClients: number;
  readonly totalConnectionsReceived: number;
  readonly totalCommandsProcessed: number;
  readonly totalNetInputBytes: number;
  readonly totalNetOutputBytes: number;
  readonly rejectedConnections: number;
  readonly pubsubChannels: number;
  readonly pubsubPatterns: number;
  readonly totalErrorReplies: number;
  readonly usedCpuSys: number;
  readonly usedCpuUser: number;
  /** Event-loop lateness (shell/event-loop-lag.ts); shown by `INFO all` / `everything`. */
  readonly eventLoopLag?: {
    /** p99 lateness over about the last minute, ms. */
    readonly p99Ms: number;
    /** Every sample since the start (lag-histogram.ts). */
    readonly histogram: LagSnapshot;
  };
}

/** One connection as CLIENT LIST shows it. */
export interface ClientFacts {
  readonly id: number;
  readonly addr: string;
  readonly laddr: string;
  readonly fd: number;
  readonly name: string;
  readonly ageSeconds: number;
  readonly idleSeconds: number;
  readonly subscriptions: number;
  readonly patternSubscriptions: number;
  readonly queryBufferBytes: number;
  readonly outputBytes: number;
  readonly lastCommand: string;
  readonly user: string;
  readonly protocol: 2 | 3;
  readonly libName: string;
  readonly libVersion: string;
  readonly noEvict: boolean;
  /** CLIENT LIST's `t`/`B` flags and `redir=`. */
  readonly tracking: Readonly<ClientTracking> | undefined;
  /** A command of this connection is held by CLIENT PAUSE (CLIENT LIST flag `b`). */
  readonly blocked?: boolean;
}

/** Channel and pattern registrations; the hub also keeps the session's own sets in step. */
export interface PubSubRegistry {
  /** Returns false when already subscribed. */
  subscribe(client: ClientState, channel: string): boolean;
  unsubscribe(client: ClientState, channel: string): boolean;
  psubscribe(client: ClientState, pattern: string): boolean;
  punsubscribe(client: ClientState, pattern: string): boolean;
}

/** ACL LOAD / SAVE against the configured `aclfile` (the shell reads and writes the file). */
export interface AclFileAccess {
  /** Replaces the users with the file's; null, or Redis's error text (nothing changed). */
  load(): string | null;
  /** Writes the users to the file; false when it could not (the reason is logged). */
  save(): boolean;
}

/** CLIENT PAUSE's modes (networking.c: pause_type), in order: a pause only widens. */
export type PauseMode = 0 | 1 | 2;
export const PAUSE_NONE = 0;
/** `CLIENT PAUSE <ms> WRITE`: PUBLISH (the one may-replicate command of a sentinel) is held. */
export const PAUSE_WRITE = 1;
/** `CLIENT PAUSE <ms> [ALL]`: every command that passed its checks is held. */
export const PAUSE_ALL = 2;

/** The server-wide pause CLIENT PAUSE / UNPAUSE set (shell/client-pause.ts). */
export interface ClientPause {
  /** What is held now. */
  readonly mode: PauseMode;
  /**
   * networking.c pauseClients: the mode and the end only ever grow until the pause ends. The
   * end is the wall clock plus the timeout in int64 ms, wrapping as 7.0.15 does (a wrapped end is
   * past: no hold).
   */
  pause(timeoutMs: bigint, mode: PauseMode): void;
  /** Ends the pause now and runs the held commands in the order they were held. */
  unpause(): void;
}

export interface ServerServices {
  readonly host: ServerHost;
  readonly acl: Acl;
  readonly aclLog: AclLog;
  readonly pubsub: PubSubRegistry;
  infoFacts(): InfoFacts;
  /** Every open connection (CLIENT LIST / KILL), the caller included. */
  clients(): readonly ClientFacts[];
  /** The connections authenticated as `user` that have subscriptions (ACL SETUSER). */
  subscribersOf(user: string): readonly ClientState[];
  /** Closes another connection after the current command (CLIENT KILL). */
  killClient(id: number): void;
  /** CLIENT PAUSE's state; executeCommand holds commands while it says so. */
  readonly clientPause: ClientPause;
  /** Random lowercase hex of the given length (ACL GENPASS). */
  randomHex(length: number): string;
  /** Present when an `aclfile` is configured. */
  readonly aclFile?: AclFileAccess;
}

export interface CommandContext {
  readonly client: ClientState;
  readonly server: ServerServices;
}

/**
 * The core's in-memory model of what this sentinel knows: masters, their replicas and peer
 * sentinels, each with a link. Field names follow sentinel.c (act_ping_time → actPingTime).
 *
 * All times are monotonic milliseconds as passed in `step(now, …)`; 0 means "never".
 * Only the core mutates these records; everything outside reads them through `Readonly` views.
 */
import type { Addr } from "../basics/addr.js";
import { DEFAULT_GLOBAL_SETTINGS } from "./config.js";
import type { MasterSettings, GlobalSettings } from "./config.js";
import type { Epoch } from "../basics/epoch.js";
import type { QuietFields, QuietGroupFields } from "./quiet-fields.js";
import { DEFAULT_TIMING } from "./timing.js";
import type { Timing } from "./timing.js";

export type InstanceKind = "master" | "slave" | "sentinel";

/** In the order Redis prints them in the `flags` field (docs/PROTOCOL.md §9.4). */
export const FLAG_ORDER = [
  "s_down",
  "o_down",
  "master",
  "slave",
  "sentinel",
  "disconnected",
  "master_down",
  "failover_in_progress",
  "promoted",
  "reconf_sent",
  "reconf_inprog",
  "reconf_done",
  "force_failover",
  // Valkey 9: SENTINEL FAILOVER <name> COORDINATED (the master hands over with its FAILOVER).
  "coordinated_failover",
  "script_kill_sent",
  "master_reboot",
] as const;

/** Flags stored on records. `master|slave|sentinel` and `disconnected` are derived when printed. */
export type InstanceFlag = (typeof FLAG_ORDER)[number];

export const FAILOVER_STATES = [
  "none",
  "wait_start",
  "select_slave",
  "send_slaveof_noone",
  "wait_promotion",
  "reconf_slaves",
  "update_config",
] as const;
export type FailoverState = (typeof FAILOVER_STATES)[number];

/** Identifies a link: `master:<name>`, `slave:<master>:<ip:port>`, `sentinel:<runid>` (shared). */
export type LinkId = string;
export type ConnKind = "cmd" | "pubsub";

/** sentinel.c: instanceLink. A peer's link is shared by every master that knows the peer. */
export interface LinkState {
  readonly id: LinkId;
  /** Masters and replicas need a pub/sub connection too; peer sentinels do not. */
  readonly needsPubsub: boolean;
  addr: Addr;
  /** Whether a connect was issued and not yet answered by link-connected/link-closed. */
  cmdConnecting: boolean;
  pubsubConnecting: boolean;
  /** Whether a close was issued and not yet answered by link-closed. */
  cmdClosing: boolean;
  pubsubClosing: boolean;
  cmdConnected: boolean;
  pubsubConnected: boolean;
  /**
   * Whether the last connect of the connection was refused (CONNECTION_REFUSED) before it
   * connected. Shown flags only: instances.ts, linkShownDisconnected.
   */
  cmdRefused: boolean;
  pubsubRefused: boolean;
  /** Local address of the cmd socket, used as our IP in hellos when announce-ip is unset. */
  localIp: string;
  cmdConnTime: number;
  pubsubConnTime: number;
  pcLastActivity: number;
  lastReconnTime: number;
  actPingTime: number;
  lastPingTime: number;
  lastAvailTime: number;
  lastPongTime: number;
  pendingCommands: number;
  /** When the INFO still unanswered on the cmd connection went out; 0 = none. */
  infoSentTime: number;
  refcount: number;
  /**
   * The generation of the latest connect of each connection (0 = none made yet). The shell tags
   * every input from a connection with the generation of the connect that opened it, so inputs
   * of an older connection, still queued when a newer one was asked for (or when the record was
   * replaced by one with the same link id), are recognised and dropped (link-generation.ts).
   */
  cmdGen: number;
  pubsubGen: number;
}

/** What INFO tells about a master or replica (docs/PROTOCOL.md §3). */
export interface InfoFields {
  runId: string;
  infoRefresh: number;
  /** The last INFO text's UTF-8 bytes, from 0 to infoLength (records/info-copy.ts), or null. */
  infoBytes: Uint8Array | null;
  infoLength: number;
  roleReported: "master" | "slave";
  roleReportedTime: number;
  slaveConfChangeTime: number;
  masterLinkDownTime: number;
  slaveMasterHost: string;
  slaveMasterPort: number;
  slaveMasterLinkStatusUp: boolean;
  slavePriority: number;
  slaveReplOffset: bigint;
  replicaAnnounced: boolean;
  /**
   * `master_failover_state` (Valkey's monitored_instance_failover_state): "unsupported" until an
   * INFO carries the field, then "no-failover" or "in-progress" (any other value).
   */
  serverFailoverState: "unsupported" | "no-failover" | "in-progress";
  serverFailoverChangeTime: number;
  /** `master_replid` / `master_replid2` / `second_repl_offset` ("" / -1n when not reported). */
  replId: string;
  replId2: string;
  secondReplOffset: bigint;
}

interface InstanceCommon extends QuietFields {
  flags: Set<InstanceFlag>;
  addr: Addr;
  link: LinkState;
  sDownSinceTime: number;
  oDownSinceTime: number;
  lastPubTime: number;
  /** When this record's hello still unanswered went out; 0 = none in flight. */
  helloSentTime: number;
}

export interface ReplicaState extends InstanceCommon, InfoFields {
  readonly kind: "slave";
  /** `ip:port` (docs/PROTOCOL.md §2.1). */
  readonly name: string;
  slaveReconfSentTime: number;
}

export interface PeerState extends InstanceCommon {
  readonly kind: "sentinel";
  /** The peer's run id (its `sentinel myid`). */
  readonly name: string;
  runId: string;
  lastHelloTime: number;
  /** The vote the peer last reported to us, and its epoch. "" = none. */
  leader: string;
  leaderEpoch: Epoch;
  lastMasterDownReplyTime: number;
  /** When the oldest is-master-down-by-addr still unanswered went to the peer; 0 = none. */
  askSentTime: number;
  /** How long the peer took to answer the last one (ms); 0 = not measured yet. */
  askRtt: number;
  /**
   * Vigil: another peer asked us about this master while we saw it SDOWN without ODOWN (the
   * asker is SDOWN), and this peer's last answer was "not down": ask it again at the next tick,
   * or once the ask on its way is answered.
   */
  reaskWanted: boolean;
  /**
   * Vigil: when the peer last asked us is-master-down-by-addr about this master (0 = never). A
   * sentinel asks only while it sees the master SDOWN, so for one ask period the request counts
   * as its "down" answer (down-detection.ts: peerSaysDown).
   */
  downAskTime: number;
  /**
   * Vigil: the address this run id had before its last address switch (null = none), when the
   * current one was taken, and when a run id announced from two addresses was last reported
   * (hello.ts: two sentinels sharing one `sentinel myid`).
   */
  previousAddr: Addr | null;
  addrSince: number;
  duplicateReportTime: number;
  /** Vigil: when we last answered its direct hello carrying an older configuration through every instance (answer-stale-peer.ts); 0 = never. */
  staleAnswerTime: number;
  /** Vigil: the last hello this record took in full (hello.ts: repeatedHello); null = none. */
  seenHello: SeenHello | null;
}

/**
 * A hello a peer's record took in full, with what the fast path needs to know that the same text
 * again would change nothing but lastHelloTime: the record's address object then, the epochs.
 */
export interface SeenHello {
  readonly payload: string;
  readonly addr: Addr;
  readonly currentEpoch: Epoch;
  readonly masterConfigEpoch: Epoch;
}

export interface MasterState extends InstanceCommon, InfoFields, QuietGroupFields {
  readonly kind: "master";
  readonly name: string;
  settings: MasterSettings;
  configEpoch: Epoch;
  /** Our vote for this master: leader run id ("" none) and the epoch it was cast in. */
  leader: string;
  leaderEpoch: Epoch;
  failoverEpoch: Epoch;
  failoverState: FailoverState;
  failoverStateChangeTime: number;
  failoverStartTime: number;
  failoverDelayLogged: boolean;
  /** Vigil: when we stand as candidate after the randomized candidate delay, 0 = not drawn. */
  candidateTime: number;
  /** Vigil: the last epoch of ours proven a split vote (nobody electable), 0 = none. */
  splitEpoch: Epoch;
  /** Vigil: split votes in a row while ODOWN (exponent of the retry backoff). */
  splitCount: number;
  /**
   * Vigil: when a peer of this master we saw SDOWN last answered again (a partition healing),
   * 0 = never; no failover starts within a ping period of it (failover/heal-hold.ts).
   */
  peersBackAt: number;
  /** Key (`ip:port`) of the replica being promoted, null when none. */
  promotedReplica: string | null;
  /** Vigil: the replica SENTINEL FAILOVER … TO <ip> <port> named (key), null = the best one. */
  chosenReplica: string | null;
  /**
   * Vigil: the replication histories seen in this master's INFO since the record was (re)set:
   * replid → the first offset outside it (`second_repl_offset` for a `master_replid2`), null =
   * open (a `master_replid`). A replica is promotable only on one of them (replica-identity.ts).
   */
  replHistory: Map<string, bigint | null>;
  masterRebootSinceTime: number;
  /** Vigil: self-fencing of an isolated master (detection/fence.ts). */
  fence: FenceFields;
  replicas: Map<string, ReplicaState>;
  /** Peer sentinels keyed by run id. */
  sentinels: Map<string, PeerState>;
}

export type InstanceState = MasterState | ReplicaState | PeerState;

/** Everything the core holds. */
export interface SentinelState {
  myId: string;
  currentEpoch: Epoch;
  global: GlobalSettings;
  timing: Timing;
  masters: Map<string, MasterState>;
  tilt: boolean;
  tiltStartTime: number;
  /** TILT entries since the start (INFO's sentinel_total_tilt, Redis 8 and Valkey 9). */
  totalTilt: number;
  /** Monotonic time of the previous tick, 0 before the first. */
  previousTime: number;
  /** Wall-clock time of the previous tick (TILT also fires on wall-clock jumps). */
  previousWallTime: number;
  /** SENTINEL SIMULATE-FAILURE flags: 1 crash-after-election, 2 crash-after-promotion. */
  simulateFailureFlags: number;
  /** The last connection generation handed out (LinkState.cmdGen / pubsubGen). */
  linkGen: number;
  /** The tick's quiet gate (quiet-gate.ts): a counter, and its value at the last full reset. */
  gateClock: number;
  gateReset: number;
  /** Names and their last lookup (hosts.ts), keyed lowercase; empty without hostnames. */
  hosts: Map<string, HostEntry>;
}

/**
 * The one way to build a SentinelState (the core, the tests, the simulator): no masters, no TILT,
 * counters at zero; what a start knows (id, epoch, globals, timing) comes in `init`.
 */
export function newSentinelState(
  init: Partial<Pick<SentinelState, "myId" | "currentEpoch" | "global" | "timing">> = {},
): SentinelState {
  return {
    myId: init.myId ?? "",
    currentEpoch: init.currentEpoch ?? 0n,
    global: init.global ?? { ...DEFAULT_GLOBAL_SETTINGS },
    timing: init.timing ?? { ...DEFAULT_TIMING },
    masters: new Map(),
    tilt: false,
    tiltStartTime: 0,
    totalTilt: 0,
    previousTime: 0,
    previousWallTime: 0,
    simulateFailureFlags: 0,
    linkGen: 0,
    gateClock: 0,
    gateReset: 0,
    hosts: new Map(),
  };
}

/** A name's last lookup (hosts.ts). */
export interface HostEntry {
  /** The last answer: an IP, or "" when the lookup failed; null before any answer. */
  ip: string | null;
  /** When the last answer came (monotonic ms). */
  answeredAt: number;
  /** A `resolve` command is out and not yet answered. */
  pending: boolean;
}

/**
 * What the self-fencing of a master keeps (detection/fence.ts; `sentinel fence-isolated-master`).
 */
export interface FenceFields {
  /** The latest replication ack the master reported (INFO `lag=` of an online replica). */
  replicaAckTime: number;
  /** The freshest online replica's lag in the master's last INFO (ms); null = none listed. */
  replicaLagMs: number | null;
  /** Whether this sentinel holds the master's writes paused (CLIENT PAUSE … WRITE). */
  fenced: boolean;
  /** When the last CLIENT PAUSE went out. */
  renewTime: number;
  /** When the isolation ended while fenced; 0 while it holds. */
  clearedTime: number;
  /** After a switch while fenced: the old master, held paused until it reports role slave. */
  heldAddr: Addr | null;
  /** When the held old master was last sent SLAVEOF; 0 = not yet. */
  demoteTime: number;
}

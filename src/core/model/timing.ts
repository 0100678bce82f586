/**
 * Periods and limits, named after sentinel.c's constants. All values are milliseconds.
 * The first block is what `SENTINEL DEBUG` shows and sets (not persisted); the rest are fixed.
 */
export interface Timing {
  infoPeriod: number;
  pingPeriod: number;
  askPeriod: number;
  publishPeriod: number;
  defaultDownAfter: number;
  defaultFailoverTimeout: number;
  tiltTrigger: number;
  tiltPeriod: number;
  slaveReconfTimeout: number;
  minLinkReconnectPeriod: number;
  electionTimeout: number;
  scriptMaxRuntime: number;
  scriptRetryDelay: number;
  /**
   * Vigil's addition: INFO period for the instances taking part in a failover we lead (the
   * promotion candidate while in wait_promotion, replicas being reconfigured). Redis uses 1000,
   * which costs ~0.8 s between the promotion and +promoted-slave. The wire protocol is unchanged.
   */
  failoverInfoPeriod: number;
  /**
   * Vigil's addition: on ODOWN, the sentinels that may be standing are ranked (failover/
   * failover-state.ts: candidateRank); the first stands at once, the k-th after k × candidate
   * Delay plus a random 0..candidateDelay ms. The master's links drop at once for every
   * sentinel, so without it several sentinels stand within one network delay of each other and
   * can split the vote; a Redis split costs 2 × failover-timeout. A vote request arriving
   * meanwhile is answered as usual and arms the gate, so we then do not stand. 0 = stand at
   * once, as Redis. Only when we stand changes: the wire protocol and the vote rule are untouched.
   */
  candidateDelay: number;
  /**
   * Vigil's addition: when the votes of our failover epoch prove that nobody can be elected in it
   * (a split vote), abort at once and stand again after a random 0..R ms, R = splitRetryDelay ×
   * 2^(consecutive splits − 1) capped at electionTimeout, instead of after 2 × failover-timeout.
   * The waiver holds only while our epoch is still the newest known one, and a vote for another
   * sentinel re-arms the full gate. 0 = Redis's behaviour (wait for the election timeout, keep
   * the gate).
   */
  splitRetryDelay: number;
  /**
   * Vigil's addition: how long select_slave waits for fresh INFO when the only replicas that
   * could be promoted are excluded for the age of their INFO (failover/select-slave.ts), before
   * aborting with -failover-abort-no-good-slave as Redis does at once. 0 = Redis's behaviour.
   */
  selectInfoWait: number;
}

export const DEFAULT_TIMING: Readonly<Timing> = {
  infoPeriod: 10_000,
  pingPeriod: 1000,
  askPeriod: 1000,
  publishPeriod: 2000,
  defaultDownAfter: 30_000,
  defaultFailoverTimeout: 180_000,
  tiltTrigger: 2000,
  tiltPeriod: 30_000,
  slaveReconfTimeout: 10_000,
  minLinkReconnectPeriod: 15_000,
  electionTimeout: 10_000,
  scriptMaxRuntime: 60_000,
  scriptRetryDelay: 30_000,
  failoverInfoPeriod: 100,
  candidateDelay: 250,
  splitRetryDelay: 1000,
  selectInfoWait: 2000,
};

/** `SENTINEL DEBUG` parameter names (as Redis prints them) and the Timing key each sets. */
export const DEBUG_PARAMS: readonly (readonly [string, keyof Timing])[] = [
  ["INFO-PERIOD", "infoPeriod"],
  ["PING-PERIOD", "pingPeriod"],
  ["ASK-PERIOD", "askPeriod"],
  ["PUBLISH-PERIOD", "publishPeriod"],
  ["DEFAULT-DOWN-AFTER", "defaultDownAfter"],
  ["DEFAULT-FAILOVER-TIMEOUT", "defaultFailoverTimeout"],
  ["TILT-TRIGGER", "tiltTrigger"],
  ["TILT-PERIOD", "tiltPeriod"],
  ["SLAVE-RECONF-TIMEOUT", "slaveReconfTimeout"],
  ["MIN-LINK-RECONNECT-PERIOD", "minLinkReconnectPeriod"],
  ["ELECTION-TIMEOUT", "electionTimeout"],
  ["SCRIPT-MAX-RUNTIME", "scriptMaxRuntime"],
  ["SCRIPT-RETRY-DELAY", "scriptRetryDelay"],
];

/** Fixed constants (sentinel.c names in comments). */
export const LIMITS = {
  /** SENTINEL_MAX_PENDING_COMMANDS, multiplied by the link refcount. */
  maxPendingCommands: 100,
  /** Reconnect attempts per link at most this often. */
  reconnectPeriod: 1000,
  /** Peer is-master-down replies expire after this (SENTINEL_ASK_PERIOD*5). */
  askReplyValidity: 5000,
  /** Close a silent pub/sub connection after this (SENTINEL_PUBLISH_PERIOD*3). */
  pubsubIdleClose: 6000,
  /** A master reporting slave goes SDOWN after down-after plus this (SENTINEL_INFO_PERIOD*2). */
  masterReportedSlaveExtra: 20_000,
  /** A replica reporting master for this long is converted back (SENTINEL_PUBLISH_PERIOD*4). */
  convertToSlaveDelay: 8000,
  /** "Master looks sane" requires INFO younger than this (SENTINEL_INFO_PERIOD*2). */
  masterSaneInfoAge: 20_000,
  /** SENTINEL_MAX_DESYNC: random offset added to failover_start_time. */
  maxDesync: 1000,
  /** Replica selection: last valid PING reply no older than this (SENTINEL_PING_PERIOD*5). */
  selectionPingAge: 5000,
  /** Replica selection: INFO age limit when the master is SDOWN (SENTINEL_PING_PERIOD*5). */
  selectionInfoAgeSdown: 5000,
  /** Replica selection: INFO age limit otherwise (SENTINEL_INFO_PERIOD*3). */
  selectionInfoAge: 30_000,
} as const;

/** The shortest PING period a short down-after brings (Redis's own floor is down-after). */
const PING_PERIOD_FLOOR = 100;

/**
 * The PING period of an instance whose master has this down-after-milliseconds. Redis's is
 * min(down-after, PING-PERIOD). Vigil's (docs/COMPATIBILITY.md, "PING period") is a quarter of
 * down-after when that is shorter, never below min(down-after, 100 ms): a frozen master's first
 * unanswered PING leaves within a quarter of down-after of the freeze, so SDOWN comes at most
 * 1.25 × down-after after it instead of down-after + 1 s. From down-after 4000 up (the default
 * is 30 s) it is exactly Redis's period.
 */
export function pingPeriodFor(timing: Readonly<Timing>, downAfter: number): number {
  const quarter = Math.max(Math.ceil(downAfter / 4), Math.min(downAfter, PING_PERIOD_FLOOR));
  return Math.min(timing.pingPeriod, quarter);
}

/**
 * The import surface of the pure core: the driver class, what goes in (Input), what comes out
 * (Ready), and the read-only state and config types the views and the shell work with.
 */
export { SentinelCore } from "./sentinel-core.js";
export type { SentinelCoreOptions } from "./sentinel-core.js";

export type { Input, AdminOp, ReplyText } from "./inputs.js";
export type {
  Ready,
  Command,
  CoreLog,
  CoreReply,
  AdminResult,
  LinkAuth,
  ScriptJob,
} from "./ready.js";
export { isEmptyReady } from "./ready.js";
export type { SentinelEvent, SentinelEventType, EventLevel } from "./events.js";
export { EVENT_LEVELS, formatInstance, isSentinelEventType } from "./events.js";

export type {
  ConnKind,
  FailoverState,
  InfoFields,
  InstanceFlag,
  InstanceKind,
  InstanceState,
  LinkId,
  LinkState,
  MasterState,
  PeerState,
  ReplicaState,
  SentinelState,
} from "./state.js";
export { FAILOVER_STATES, FLAG_ORDER } from "./state.js";

export type {
  GlobalSettings,
  KnownSentinel,
  MasterConfig,
  MasterSettings,
  PersistedState,
  SentinelConfig,
} from "./config.js";
export { DEFAULT_GLOBAL_SETTINGS, defaultMasterSettings } from "./config.js";
export type { Timing } from "./timing.js";
export { DEBUG_PARAMS, DEFAULT_TIMING, LIMITS } from "./timing.js";
export type { Addr } from "./addr.js";
export { addrEquals, addrKey } from "./addr.js";
export type { Random } from "./random.js";
export { randomRunId } from "./random.js";

export {
  linkDisconnected,
  linkUsable,
  masterLinkId,
  peerLinkId,
  replicaLinkId,
} from "./instances.js";
export { currentMasterAddress } from "./instance-text.js";
export { masterDownVotes } from "./down-detection.js";
export { globMatch } from "./glob.js";
export { isAcceptableHost, isIpLiteral, isValidPort } from "./ip-literal.js";
export { parseStrictInt } from "./redis-int.js";
export { parseHello } from "./hello.js";
export type { Hello } from "./hello.js";
export { parseInfo } from "./info-parser.js";
export type { InfoReport } from "./info-parser.js";

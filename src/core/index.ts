/**
 * The import surface of the pure core: the driver class, what goes in (Input), what comes out
 * (Ready), and the read-only state and config types the views and the shell work with.
 */
export { SentinelCore } from "./sentinel-core.js";
export type { SentinelCoreOptions } from "./sentinel-core.js";

export type { Input, AdminOp, ReplyText } from "./model/inputs.js";
export type {
  Ready,
  Command,
  CoreLog,
  CoreReply,
  AdminResult,
  LinkAuth,
  ScriptJob,
} from "./model/ready.js";
export { commandsBeforePersist, isEmptyReady } from "./model/ready.js";
export type { SentinelEvent, SentinelEventType, EventLevel } from "./model/events.js";
export { EVENT_LEVELS, formatInstance, isSentinelEventType } from "./model/events.js";

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
} from "./model/state.js";
export { FAILOVER_STATES, FLAG_ORDER, newSentinelState } from "./model/state.js";

export type {
  GlobalSettings,
  KnownSentinel,
  MasterConfig,
  MasterSettings,
  PersistedState,
  SentinelConfig,
} from "./model/config.js";
export { DEFAULT_GLOBAL_SETTINGS, defaultMasterSettings } from "./model/config.js";
export type { Timing } from "./model/timing.js";
export { DEBUG_PARAMS, DEFAULT_TIMING, LIMITS } from "./model/timing.js";
export type { Addr } from "./basics/addr.js";
export { addrEquals, addrKey } from "./basics/addr.js";
export type { Random } from "./basics/random.js";
export { randomRunId } from "./basics/random.js";

export {
  linkDisconnected,
  linkShownDisconnected,
  CONNECTION_REFUSED,
  linkUsable,
  masterLinkId,
  peerLinkId,
  replicaLinkId,
} from "./records/instances.js";
export { currentMasterAddress } from "./records/instance-text.js";
export { masterDownVotes } from "./detection/down-detection.js";
export { globMatch } from "./basics/glob.js";
export { isAcceptableHost, isIpLiteral, isValidPort } from "./basics/ip-literal.js";
export { parseStrictInt } from "./basics/redis-int.js";
export { inputLink } from "./records/link-generation.js";
export { parseHello } from "./monitor/hello.js";
export type { Hello } from "./monitor/hello.js";
export { parseInfo } from "./monitor/info-parser.js";
export type { InfoReport } from "./monitor/info-parser.js";
export { announceHost } from "./records/hosts.js";
export { infoTextBytes, keepInfoText } from "./records/info-copy.js";
export { instanceName } from "./records/instance-text.js";
export {
  INVALID_MASTER_NAME,
  controlCharError,
  controlCharIndex,
  holdsHostnames,
  isValidMasterName,
} from "./model/field-rules.js";
export { AssertionError, assert, assertNever } from "./basics/assert.js";
export type { Epoch } from "./basics/epoch.js";
export { parseEpochText } from "./basics/epoch.js";
export { firstLinkUser } from "./records/link-users.js";

export { explainMaster } from "./explain/explain-master.js";
export { excludedReplicas } from "./explain/why-views.js";
export type {
  MasterWhy,
  PeerWhy,
  ReplicaWhy,
  WhyCode,
  WhyCondition,
  WhyJson,
  WhyStatus,
} from "./explain/why-types.js";
export { WHY_CODES } from "./explain/why-types.js";
export { EXCLUSION_CODES } from "./failover/replica-selection.js";
export type { ExclusionCode } from "./failover/replica-selection.js";
export { quorumReach } from "./failover/election.js";
export { civilFromDays, isoUtc } from "./basics/iso-time.js";

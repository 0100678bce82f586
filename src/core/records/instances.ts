/**
 * Creating and releasing instance records and their links (sentinel.c: createSentinelRedisInstance,
 * releaseInstance, createInstanceLink, releaseInstanceLink). Peer links are shared by run id:
 * every master that knows a peer points at the same LinkState (refcount = number of users).
 */
import type { Addr } from "../basics/addr.js";
import { addrKey } from "../basics/addr.js";
import type { CoreContext } from "../model/context.js";
import type { MasterSettings } from "../model/config.js";
import { quietFields, quietGroupFields } from "../model/quiet-fields.js";
import type {
  FenceFields,
  InfoFields,
  LinkId,
  LinkState,
  MasterState,
  PeerState,
  ReplicaState,
  SentinelState,
} from "../model/state.js";

export function masterLinkId(name: string): LinkId {
  return `master:${name}`;
}

export function replicaLinkId(master: string, addr: Addr): LinkId {
  return `slave:${master}:${addrKey(addr)}`;
}

export function peerLinkId(runId: string): LinkId {
  return `sentinel:${runId}`;
}

export function newLink(id: LinkId, addr: Addr, needsPubsub: boolean, now: number): LinkState {
  return {
    id,
    needsPubsub,
    addr,
    cmdConnecting: false,
    pubsubConnecting: false,
    cmdClosing: false,
    pubsubClosing: false,
    cmdConnected: false,
    pubsubConnected: false,
    cmdRefused: false,
    pubsubRefused: false,
    localIp: "",
    cmdConnTime: 0,
    pubsubConnTime: 0,
    pcLastActivity: now,
    lastReconnTime: 0,
    // act_ping_time starts at now so an unreachable instance goes SDOWN after down-after.
    actPingTime: now,
    lastPingTime: 0,
    lastAvailTime: now,
    lastPongTime: now,
    pendingCommands: 0,
    infoSentTime: 0,
    refcount: 1,
    cmdGen: 0,
    pubsubGen: 0,
  };
}

/**
 * sentinel.c's `link->disconnected`: some connection the link needs is missing, neither up nor
 * being connected. A connect in flight counts as present, as a hiredis context does from the
 * moment it is created: the reconnect attempt clears the flag in the tick that makes it, so the
 * SDOWN check of that tick counts from the PING pipelined with the connect (or the one a
 * connected cmd link is sent while only the pub/sub connection comes back), not from the last
 * reply (down-detection.ts: unansweredFor).
 */
export function linkDisconnected(link: LinkState): boolean {
  return (
    !(link.cmdConnected || link.cmdConnecting) ||
    (link.needsPubsub && !(link.pubsubConnected || link.pubsubConnecting))
  );
}

/**
 * The reason text of a refused connect, as the shell reports it (strerror's, as hiredis and
 * sentinel.c's `-cmd-link-reconnection ... #Connection refused` print it).
 */
export const CONNECTION_REFUSED = "Connection refused";

/**
 * The `disconnected` flag SENTINEL MASTER/REPLICAS/SENTINELS show. redis-sentinel's non-blocking
 * connect to a closed port on a local address fails inside the call that makes it, so its link
 * never leaves `disconnected` while the instance refuses; Node reports the refusal a turn later.
 * A reconnect after a refused one therefore keeps the flag on until it connects (a connect still
 * in flight to a host that does not answer clears it, as in sentinel.c). SDOWN keeps counting by
 * linkDisconnected.
 */
export function linkShownDisconnected(link: LinkState): boolean {
  return (
    linkDisconnected(link) ||
    (link.cmdConnecting && link.cmdRefused) ||
    (link.needsPubsub && link.pubsubConnecting && link.pubsubRefused)
  );
}

/**
 * Whether commands can go out on the link now: it is not disconnected and its cmd connection is
 * up. hiredis queues commands on a connection still being made; the shell does not (it drops
 * them), so Vigil waits for link-connected, which sends the PING at once (link-health.ts).
 */
export function linkUsable(link: LinkState): boolean {
  return link.cmdConnected && !linkDisconnected(link);
}

function newInfoFields(now: number, role: "master" | "slave"): InfoFields {
  return {
    runId: "",
    infoRefresh: 0,
    infoBytes: null,
    infoLength: 0,
    roleReported: role,
    roleReportedTime: now,
    slaveConfChangeTime: now,
    masterLinkDownTime: 0,
    slaveMasterHost: "",
    slaveMasterPort: 0,
    slaveMasterLinkStatusUp: false,
    slavePriority: 100,
    slaveReplOffset: 0n,
    replicaAnnounced: true,
    serverFailoverState: "unsupported",
    serverFailoverChangeTime: now,
    replId: "",
    replId2: "",
    secondReplOffset: -1n,
  };
}

/** A master's self-fencing fields at `now`: nothing fenced, replicas taken as acked now. */
export function newFenceFields(now: number): FenceFields {
  return {
    replicaAckTime: now,
    replicaLagMs: null,
    fenced: false,
    renewTime: 0,
    clearedTime: 0,
    heldAddr: null,
    demoteTime: 0,
  };
}

export function createMaster(
  now: number,
  name: string,
  addr: Addr,
  settings: MasterSettings,
): MasterState {
  return {
    kind: "master",
    name,
    addr,
    settings,
    flags: new Set(),
    link: newLink(masterLinkId(name), addr, true, now),
    sDownSinceTime: 0,
    oDownSinceTime: 0,
    lastPubTime: now,
    helloSentTime: 0,
    ...quietFields(),
    ...quietGroupFields(),
    ...newInfoFields(now, "master"),
    configEpoch: 0n,
    leader: "",
    leaderEpoch: 0n,
    failoverEpoch: 0n,
    failoverState: "none",
    failoverStateChangeTime: 0,
    failoverStartTime: 0,
    failoverDelayLogged: false,
    candidateTime: 0,
    splitEpoch: 0n,
    splitCount: 0,
    peersBackAt: 0,
    promotedReplica: null,
    chosenReplica: null,
    replHistory: new Map(),
    masterRebootSinceTime: 0,
    fence: newFenceFields(now),
    replicas: new Map(),
    sentinels: new Map(),
  };
}

/** Adds a replica record to the master (caller emits +slave and flushes as appropriate). */
export function createReplica(ctx: CoreContext, master: MasterState, addr: Addr): ReplicaState {
  const replica: ReplicaState = {
    kind: "slave",
    name: addrKey(addr),
    addr,
    flags: new Set(),
    link: newLink(replicaLinkId(master.name, addr), addr, true, ctx.now),
    sDownSinceTime: 0,
    oDownSinceTime: 0,
    lastPubTime: ctx.now,
    helloSentTime: 0,
    ...quietFields(),
    ...newInfoFields(ctx.now, "slave"),
    slaveReconfSentTime: 0,
  };
  master.replicas.set(replica.name, replica);
  return replica;
}

/** Finds the shared link of a peer run id under any master. */
export function findPeerLink(state: SentinelState, runId: string): LinkState | null {
  for (const master of state.masters.values()) {
    const peer = master.sentinels.get(runId);
    if (peer !== undefined) return peer.link;
  }
  return null;
}

/** Adds a peer record to the master, sharing the link of the same run id if one exists. */
export function createPeer(
  ctx: CoreContext,
  master: MasterState,
  addr: Addr,
  runId: string,
): PeerState {
  const shared = findPeerLink(ctx.state, runId);
  let link: LinkState;
  if (shared !== null) {
    shared.refcount++;
    link = shared;
  } else {
    link = newLink(peerLinkId(runId), addr, false, ctx.now);
  }
  const peer: PeerState = {
    kind: "sentinel",
    name: runId,
    runId,
    addr,
    flags: new Set(),
    link,
    sDownSinceTime: 0,
    oDownSinceTime: 0,
    lastPubTime: ctx.now,
    helloSentTime: 0,
    ...quietFields(),
    lastHelloTime: ctx.now,
    leader: "",
    leaderEpoch: 0n,
    lastMasterDownReplyTime: ctx.now,
    askSentTime: 0,
    reaskWanted: false,
    downAskTime: 0,
    askRtt: 0,
    previousAddr: null,
    addrSince: ctx.now,
    duplicateReportTime: 0,
    staleAnswerTime: 0,
    seenHello: null,
  };
  master.sentinels.set(runId, peer);
  return peer;
}

/** Drops one user of a link; the last user closes it for good (`forget`). */
export function releaseLink(ctx: CoreContext, link: LinkState): void {
  link.refcount--;
  if (link.refcount <= 0) ctx.out.command({ type: "forget", link: link.id });
}

export function removeReplica(ctx: CoreContext, master: MasterState, key: string): void {
  const replica = master.replicas.get(key);
  if (replica === undefined) return;
  master.replicas.delete(key);
  releaseLink(ctx, replica.link);
}

export function removePeer(ctx: CoreContext, master: MasterState, runId: string): void {
  const peer = master.sentinels.get(runId);
  if (peer === undefined) return;
  master.sentinels.delete(runId);
  releaseLink(ctx, peer.link);
}

/** Releases a master with all its replicas and peers (SENTINEL REMOVE). */
export function releaseMaster(ctx: CoreContext, master: MasterState): void {
  for (const key of [...master.replicas.keys()]) removeReplica(ctx, master, key);
  for (const runId of [...master.sentinels.keys()]) removePeer(ctx, master, runId);
  releaseLink(ctx, master.link);
}

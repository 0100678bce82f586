/**
 * The field/value pairs of SENTINEL MASTER(S), REPLICAS/SLAVES and SENTINELS, in Redis's order
 * (sentinel.c: addReplySentinelRedisInstance; docs/PROTOCOL.md §9.4). Every value is a string:
 * the reply sends them as bulk strings, as a flat array (RESP2) or a map (RESP3).
 */
import type {
  InstanceState,
  MasterState,
  PeerState,
  ReplicaState,
  SentinelState,
} from "../core/index.js";
import { FLAG_ORDER, announceHost, instanceName, linkShownDisconnected } from "../core/index.js";

export type FieldPairs = (readonly [string, string])[];

/** The `flags` field: stored flags plus the derived kind and `disconnected`, in FLAG_ORDER. */
export function instanceFlags(instance: InstanceState): string {
  const words: string[] = [];
  for (const flag of FLAG_ORDER) {
    let on: boolean;
    if (flag === "master" || flag === "slave" || flag === "sentinel") on = instance.kind === flag;
    else if (flag === "disconnected") on = linkShownDisconnected(instance.link);
    else on = instance.flags.has(flag);
    if (on) words.push(flag);
  }
  return words.join(",");
}

/** Fields every kind has, up to `down-after-milliseconds`. */
function commonFields(
  state: SentinelState,
  instance: InstanceState,
  master: MasterState,
  now: number,
): FieldPairs {
  const link = instance.link;
  const pairs: FieldPairs = [
    // Hosts as announced: IPs, or names with announce-hostnames (core/records/hosts.ts).
    ["name", instanceName(state, instance)],
    ["ip", announceHost(state, instance.addr)],
    ["port", String(instance.addr.port)],
    ["runid", instance.runId],
    ["flags", instanceFlags(instance)],
    ["link-pending-commands", String(link.pendingCommands)],
    ["link-refcount", String(link.refcount)],
  ];
  if (instance.flags.has("failover_in_progress") && instance.kind === "master") {
    pairs.push(["failover-state", instance.failoverState]);
  }
  pairs.push(
    ["last-ping-sent", String(link.actPingTime !== 0 ? now - link.actPingTime : 0)],
    ["last-ok-ping-reply", String(now - link.lastAvailTime)],
    ["last-ping-reply", String(now - link.lastPongTime)],
  );
  if (instance.flags.has("s_down"))
    pairs.push(["s-down-time", String(now - instance.sDownSinceTime)]);
  if (instance.flags.has("o_down"))
    pairs.push(["o-down-time", String(now - instance.oDownSinceTime)]);
  // Replicas and peers carry their master's period in Redis (sentinelPropagateDownAfterPeriod).
  pairs.push(["down-after-milliseconds", String(master.settings.downAfterPeriod)]);
  return pairs;
}

function infoFields(instance: MasterState | ReplicaState, now: number): FieldPairs {
  return [
    ["info-refresh", String(instance.infoRefresh !== 0 ? now - instance.infoRefresh : 0)],
    ["role-reported", instance.roleReported],
    ["role-reported-time", String(now - instance.roleReportedTime)],
  ];
}

export function masterFields(state: SentinelState, master: MasterState, now: number): FieldPairs {
  const s = master.settings;
  const pairs: FieldPairs = [
    ...commonFields(state, master, master, now),
    ...infoFields(master, now),
    ["config-epoch", String(master.configEpoch)],
    ["num-slaves", String(master.replicas.size)],
    ["num-other-sentinels", String(master.sentinels.size)],
    ["quorum", String(s.quorum)],
    ["failover-timeout", String(s.failoverTimeout)],
    ["parallel-syncs", String(s.parallelSyncs)],
  ];
  if (s.notificationScript !== "") pairs.push(["notification-script", s.notificationScript]);
  if (s.clientReconfigScript !== "") pairs.push(["client-reconfig-script", s.clientReconfigScript]);
  return pairs;
}

export function replicaFields(
  state: SentinelState,
  replica: ReplicaState,
  master: MasterState,
  now: number,
): FieldPairs {
  return [
    ...commonFields(state, replica, master, now),
    ...infoFields(replica, now),
    ["master-link-down-time", String(replica.masterLinkDownTime)],
    ["master-link-status", replica.slaveMasterLinkStatusUp ? "ok" : "err"],
    ["master-host", replica.slaveMasterHost !== "" ? replica.slaveMasterHost : "?"],
    ["master-port", String(replica.slaveMasterPort)],
    ["slave-priority", String(replica.slavePriority)],
    // Kept as strtoull read it (uint64), shown as Redis's addReplyBulkLongLong does: signed.
    ["slave-repl-offset", BigInt.asIntN(64, replica.slaveReplOffset).toString()],
    ["replica-announced", replica.replicaAnnounced ? "1" : "0"],
  ];
}

export function peerFields(
  state: SentinelState,
  peer: PeerState,
  master: MasterState,
  now: number,
): FieldPairs {
  return [
    ...commonFields(state, peer, master, now),
    ["last-hello-message", String(now - peer.lastHelloTime)],
    ["voted-leader", peer.leader !== "" ? peer.leader : "?"],
    ["voted-leader-epoch", String(peer.leaderEpoch)],
  ];
}

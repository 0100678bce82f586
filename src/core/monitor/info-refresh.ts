/**
 * Applying an INFO reply to a master or replica record (docs/PROTOCOL.md §3; sentinel.c:
 * sentinelRefreshInstanceInfo). Facts first (run id and +reboot, replica discovery, role and
 * replication fields) — also in TILT — then, outside TILT only, the reactions Redis ties to
 * INFO: promotion confirmation and reconfiguration progress (failover/progress.ts), and the
 * demotion of a replica that claims to be a master (+convert-to-slave) or follows the wrong
 * master (+fix-slave-config). This is the one place where a reply, not the tick, acts.
 */
import type { Addr } from "../basics/addr.js";
import { addrKey } from "../basics/addr.js";
import { hostMatches, lookupIp, sameAddr } from "../records/hosts.js";
import type { CoreContext } from "../model/context.js";
import { onReplicaInfoProgress, onReplicaReportsMaster } from "../failover/progress.js";
import type { InfoReport } from "./info-parser.js";
import { detached, parseInfo } from "./info-parser.js";
import { createReplica } from "../records/instances.js";
import { keepInfoText } from "../records/info-copy.js";
import { hostEquals, instanceText } from "../records/instance-text.js";
import { isAcceptableHost, isValidPort } from "../basics/ip-literal.js";
import { commandDone } from "../records/link-health.js";
import { firstLinkUser, type LinkUser } from "../records/link-users.js";
import type { ReplyText } from "../model/inputs.js";
import { sendReplicaOf } from "../failover/replicaof-command.js";
import { onReplicaInfoWhileSelecting } from "../failover/select-slave.js";
import { reconfNextReplica } from "../failover/reconf-slaves.js";
import { switchToPromotedReplica } from "../failover/switch-master.js";
import { sendPeriodicCommands } from "./periodic.js";
import type { LinkId, MasterState, ReplicaState } from "../model/state.js";
import { NO_REPLID, supersededByMaster } from "./superseded-master.js";

/**
 * sentinel.c: sentinelMasterLooksSane. An INFO is required (0 = none yet, as after a switch:
 * failover/switch-master.ts), whatever the clock's origin.
 */
export function masterLooksSane(ctx: CoreContext, master: MasterState): boolean {
  return (
    master.infoRefresh !== 0 &&
    master.roleReported === "master" &&
    !master.flags.has("s_down") &&
    !master.flags.has("o_down") &&
    ctx.now - master.infoRefresh < ctx.state.timing.infoPeriod * 2
  );
}

/** sentinel.c: sentinelRedisInstanceNoDownFor — no SDOWN/ODOWN start within `ms`. */
export function noDownFor(
  ctx: CoreContext,
  instance: ReplicaState | MasterState,
  ms: number,
): boolean {
  const mostRecent = Math.max(instance.sDownSinceTime, instance.oDownSinceTime);
  return mostRecent === 0 || ctx.now - mostRecent > ms;
}

function applyRunId(
  ctx: CoreContext,
  instance: MasterState | ReplicaState,
  master: MasterState,
  runId: string,
): void {
  if (instance.runId === "") {
    instance.runId = detached(runId);
    return;
  }
  if (instance.runId === runId) return;
  ctx.out.event("+reboot", instanceText(ctx.state, instance, master), master.name);
  if (instance.kind === "master" && master.settings.masterRebootDownAfterPeriod !== 0) {
    instance.flags.add("master_reboot");
    instance.masterRebootSinceTime = ctx.now;
  }
  instance.runId = detached(runId);
}

/** Whether a replica of `master` has this address (the same text, or the same IP of a name). */
function knowsReplica(ctx: CoreContext, master: MasterState, addr: Addr): boolean {
  if (master.replicas.has(addrKey(addr))) return true;
  if (!ctx.state.global.resolveHostnames) return false;
  for (const replica of master.replicas.values()) {
    if (sameAddr(ctx.state, replica.addr, addr)) return true;
  }
  return false;
}

/**
 * Replicas listed by a master that we do not know yet: `+slave` and a flush each. A replica
 * announced by a name waits for its lookup (the next INFO lists it again).
 */
function discoverReplicas(ctx: CoreContext, master: MasterState, report: InfoReport): void {
  for (const line of report.replicas) {
    if (master.replicas.has(addrKey(line))) continue;
    const addr = { ip: detached(line.ip), port: line.port };
    if (!isValidPort(addr.port) || !isAcceptableHost(addr.ip, ctx.state.global.resolveHostnames)) {
      continue;
    }
    if (lookupIp(ctx, addr.ip) === null || knowsReplica(ctx, master, addr)) continue;
    const replica = createReplica(ctx, master, addr);
    ctx.out.event("+slave", instanceText(ctx.state, replica, master), master.name);
    ctx.out.flushSoon();
  }
}

function applyReplicationFields(
  ctx: CoreContext,
  instance: MasterState | ReplicaState,
  report: InfoReport,
): void {
  instance.masterLinkDownTime = report.masterLinkDownTime;
  if (report.role !== "slave") return;
  if (report.masterHost !== null && !hostEquals(report.masterHost, instance.slaveMasterHost)) {
    instance.slaveMasterHost = detached(report.masterHost);
    instance.slaveConfChangeTime = ctx.now;
  }
  if (report.masterPort !== null && report.masterPort !== instance.slaveMasterPort) {
    instance.slaveMasterPort = report.masterPort;
    instance.slaveConfChangeTime = ctx.now;
  }
  if (report.masterLinkStatusUp !== null)
    instance.slaveMasterLinkStatusUp = report.masterLinkStatusUp;
  if (report.slavePriority !== null) instance.slavePriority = report.slavePriority;
  if (report.slaveReplOffset !== null) instance.slaveReplOffset = report.slaveReplOffset;
  if (report.replicaAnnounced !== null) instance.replicaAnnounced = report.replicaAnnounced;
}

/** How many replication ids a master record remembers (its history is short-lived anyway). */
const HISTORY_LIMIT = 16;

/**
 * `master_failover_state` (Valkey's monitored_instance_failover_state) and the replication ids.
 * A master's ids join its history (state.ts: MasterState.replHistory): its replid open-ended,
 * its replid2 up to `second_repl_offset`.
 */
function applyHistoryFields(
  ctx: CoreContext,
  instance: MasterState | ReplicaState,
  report: InfoReport,
): void {
  if (report.failoverState !== null) {
    const state = report.failoverState.startsWith("no-failover") ? "no-failover" : "in-progress";
    if (state !== instance.serverFailoverState) {
      instance.serverFailoverState = state;
      instance.serverFailoverChangeTime = ctx.now;
    }
  }
  if (report.replId !== null) instance.replId = detached(report.replId);
  if (report.replId2 !== null) instance.replId2 = detached(report.replId2);
  if (report.secondReplOffset !== null) instance.secondReplOffset = report.secondReplOffset;
  if (instance.kind !== "master") return;
  const history = instance.replHistory;
  if (instance.replId !== "" && instance.replId !== NO_REPLID && !history.has(instance.replId)) {
    history.set(instance.replId, null);
  }
  if (
    instance.replId2 !== "" &&
    instance.replId2 !== NO_REPLID &&
    instance.secondReplOffset >= 0n
  ) {
    history.set(instance.replId2, instance.secondReplOffset);
  }
  while (history.size > HISTORY_LIMIT) {
    const oldest = history.keys().next().value;
    if (oldest === undefined) break;
    history.delete(oldest);
  }
}

/** docs/PROTOCOL.md §3.2: remember when the reported role changed; ± by whether it matches the record's kind. */
function trackRole(
  ctx: CoreContext,
  instance: MasterState | ReplicaState,
  master: MasterState,
  role: "master" | "slave",
): void {
  if (role === instance.roleReported) return;
  instance.roleReportedTime = ctx.now;
  instance.roleReported = role;
  if (role === "slave") instance.slaveConfChangeTime = ctx.now;
  ctx.out.event(
    instance.kind === role ? "+role-change" : "-role-change",
    `${instanceText(ctx.state, instance, master)} new reported role is ${role}`,
    master.name,
  );
}

/**
 * docs/PROTOCOL.md §3.3: a replica reporting role master that is not our confirmed candidate is
 * demoted: at once when its replication id proves it a master our master's promotion left behind
 * (superseded-master.ts), otherwise (Redis's rule) after a wait of a few hello periods since the
 * change and since its last SDOWN, to receive newer configurations first.
 */
function maybeConvertToSlave(ctx: CoreContext, master: MasterState, replica: ReplicaState): void {
  if (onReplicaReportsMaster(ctx, master, replica)) {
    if (!ctx.out.exitRequested) announcePromotion(ctx, master);
    return;
  }
  if (replica.flags.has("promoted") || !masterLooksSane(ctx, master)) return;
  const wait = ctx.state.timing.publishPeriod * 4;
  if (
    supersededByMaster(master, replica) ||
    (noDownFor(ctx, replica, wait) && ctx.now - replica.roleReportedTime > wait)
  ) {
    convertToSlave(ctx, master, replica);
  }
}

/**
 * Our candidate's promotion is confirmed (failover/progress.ts): what the next tick would send
 * for this master leaves in this step instead, the other replicas' SLAVEOF (reconf_slaves' first
 * step, each with the INFO that follows it) and the new configuration's hello to every record
 * (forced). They then go out while the promotion's config save is written, not after it
 * (core/model/ready.ts: commandsBeforePersist), and the observers' +switch-master, which waits
 * for that hello, comes one fsync sooner (docs/COMPATIBILITY.md, "The new configuration's hellos
 * before the leader's fsync"). The next tick finds them sent. A failover left with no replica
 * to reconfigure ends in this step (+failover-end), and the leader's switch, which the tick does
 * after its master loop, is made here too: the promotion and the switch share one save, and
 * +switch-master does not wait for the next tick (at a thousand masters, a batch of 50-100 ms;
 * docs/COMPATIBILITY.md, "The leader's switch on the promotion's INFO").
 */
function announcePromotion(ctx: CoreContext, master: MasterState): void {
  // The peers first: their hello is the one path to them the SLAVEOF NO ONE just sent cannot
  // cut (its CLIENT KILL closed their connections to the promoted replica).
  for (const peer of master.sentinels.values()) sendPeriodicCommands(ctx, peer, master);
  reconfNextReplica(ctx, master);
  sendPeriodicCommands(ctx, master, master);
  for (const replica of master.replicas.values()) sendPeriodicCommands(ctx, replica, master);
  if (master.failoverState === "update_config") switchToPromotedReplica(ctx, master);
}

/** `+convert-to-slave`: the reconfiguration towards the master. */
export function convertToSlave(ctx: CoreContext, master: MasterState, replica: ReplicaState): void {
  sendReplicaOf(ctx, replica, master.addr);
  ctx.out.event("+convert-to-slave", instanceText(ctx.state, replica, master), master.name);
}

/**
 * Valkey 9: a replica whose own FAILOVER has been in progress for longer than failover-timeout is
 * pointed back at its master; the SLAVEOF transaction starts with FAILOVER ABORT
 * (replicaof-command.ts).
 */
function maybeAbortStuckFailover(
  ctx: CoreContext,
  master: MasterState,
  replica: ReplicaState,
): void {
  if (replica.serverFailoverState !== "in-progress") return;
  const wait = master.settings.failoverTimeout;
  if (
    masterLooksSane(ctx, master) &&
    noDownFor(ctx, replica, wait) &&
    ctx.now - replica.serverFailoverChangeTime > wait
  ) {
    sendReplicaOf(ctx, replica, master.addr);
    ctx.out.event("+fix-slave-config", instanceText(ctx.state, replica, master), master.name);
  }
}

/** docs/PROTOCOL.md §3.3: a replica following an address that is not its master's is pointed back. */
function maybeFixSlaveConfig(ctx: CoreContext, master: MasterState, replica: ReplicaState): void {
  // Vigil: the replica our own failover is promoting is never pointed back at the old master by
  // an INFO sent before its SLAVEOF NO ONE (the swarm's seed 1897 undid its own promotion so).
  if (replica.flags.has("promoted")) return;
  if (replica.slaveMasterPort === master.addr.port) {
    // sentinel.c: sentinelAddrEqualsHostname. Not looked up yet: decide on a later INFO.
    if (hostMatches(ctx, master.addr, replica.slaveMasterHost) !== false) return;
  }
  const wait = master.settings.failoverTimeout;
  if (
    masterLooksSane(ctx, master) &&
    noDownFor(ctx, replica, wait) &&
    ctx.now - replica.slaveConfChangeTime > wait
  ) {
    sendReplicaOf(ctx, replica, master.addr);
    ctx.out.event("+fix-slave-config", instanceText(ctx.state, replica, master), master.name);
  }
}

/**
 * The latest replication ack the master reports (`lag=` of its online replicas), for the
 * self-fencing (detection/fence.ts). A master listing no online replica leaves it as it was.
 * Redis counts lag in whole seconds of its clock (server.unixtime - repl_ack_time), so an ack
 * `lag` seconds ago was between lag-1 and lag+1 seconds ago: take the middle of the second.
 */
function noteReplicationAcks(ctx: CoreContext, master: MasterState, report: InfoReport): void {
  let lagMs: number | null = null;
  for (const line of report.replicas) {
    if (!line.online || line.lag === null) continue;
    const ms = line.lag * 1000 + 500;
    if (lagMs === null || ms < lagMs) lagMs = ms;
  }
  const fence = master.fence;
  fence.replicaLagMs = lagMs;
  if (lagMs !== null && ctx.now - lagMs > fence.replicaAckTime)
    fence.replicaAckTime = ctx.now - lagMs;
}

/** sentinel.c: sentinelRefreshInstanceInfo. */
export function refreshFromInfo(
  ctx: CoreContext,
  instance: MasterState | ReplicaState,
  master: MasterState,
  text: string,
): void {
  // The text is kept as bytes (INFO-CACHE); nothing stored below may be a slice of it, or the
  // string would be kept too.
  keepInfoText(instance, text);
  const report = parseInfo(text);
  if (report.runId !== null) applyRunId(ctx, instance, master, report.runId);
  if (instance.kind === "master") {
    discoverReplicas(ctx, master, report);
    noteReplicationAcks(ctx, master, report);
  }
  applyReplicationFields(ctx, instance, report);
  applyHistoryFields(ctx, instance, report);
  instance.infoRefresh = ctx.now;
  if (instance.kind === "slave") onReplicaInfoWhileSelecting(ctx, master);

  if (report.role === null) return;
  trackRole(ctx, instance, master, report.role);
  if (ctx.state.tilt || instance.kind !== "slave") return;

  if (report.role === "master") {
    maybeConvertToSlave(ctx, master, instance);
    return;
  }
  maybeAbortStuckFailover(ctx, master, instance);
  maybeFixSlaveConfig(ctx, master, instance);
  if (instance.flags.has("reconf_sent") || instance.flags.has("reconf_inprog")) {
    onReplicaInfoProgress(ctx, master, instance);
  }
}

/**
 * sentinel.c: sentinelInfoReplyCallback — only string replies are parsed. Redis takes a bulk
 * string only; "ok" is taken too, because a link that cannot tell a status from a bulk string
 * (the ioredis one) delivers INFO as "ok" (a Redis never answers INFO with a status).
 */
export function onInfoReply(
  ctx: CoreContext,
  id: LinkId,
  reply: ReplyText,
  user: LinkUser | undefined = firstLinkUser(ctx.state, id),
): void {
  if (user === undefined) return;
  commandDone(user.instance.link);
  user.instance.link.infoSentTime = 0;
  if (reply.kind === "error" || user.instance.kind === "sentinel") return;
  refreshFromInfo(ctx, user.instance, user.master, reply.text);
}

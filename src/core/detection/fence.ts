/**
 * Self-fencing of an isolated master, a Vigil extension enabled per master with
 * `sentinel fence-isolated-master <name> yes` (docs/COMPATIBILITY.md, "Self-fencing").
 *
 * A sentinel that still reaches its master, but has heard from neither a majority of the known
 * sentinels nor (through the master's INFO) any replica acknowledging replication for more
 * than down-after-milliseconds, is most likely on the minority side of a partition with the
 * master: the majority is about to promote a replica, and every write the master acknowledges
 * from now on will be lost. So it pauses the master's writes (`CLIENT PAUSE <ms> WRITE`),
 * renewed every FENCE_RENEW_MS while the isolation holds; a crashed sentinel's fence runs out
 * by itself after FENCE_PAUSE_MS.
 *
 * The fence is lifted (`CLIENT UNPAUSE`) only once the isolation has ended AND a majority of the
 * peers sent a hello since: their hellos carry the master's current address, so a failover made
 * meanwhile by the majority is learnt (and the master switched, hello.ts) before the paused
 * writes could run. After such a switch the old master stays paused until it reports role
 * slave: the writes queued by the pause then fail with READONLY instead of being acknowledged.
 */
import { addrKey } from "../basics/addr.js";
import type { CoreContext } from "../model/context.js";
import type { LinkState, MasterState } from "../model/state.js";
import { convertToSlave, masterLooksSane } from "../monitor/info-refresh.js";
import { instanceText } from "../records/instance-text.js";
import { unansweredFor } from "./down-detection.js";

/** How long each CLIENT PAUSE lasts: the fence outlives a crashed sentinel by at most this. */
export const FENCE_PAUSE_MS = 3000;
/** How often the pause is renewed while the isolation holds. */
export const FENCE_RENEW_MS = 1000;
/** A held old master still reporting role master after our SLAVEOF gets it again this late. */
const DEMOTE_RETRY_MS = 5000;

/** How many peers, besides this sentinel, make a majority of the master's known sentinels. */
export function peersForMajority(master: MasterState): number {
  // Known sentinels N = peers + 1; a majority is floor(N / 2) + 1, this sentinel being one.
  return Math.floor((master.sentinels.size + 1) / 2);
}

/**
 * How long a majority of the sentinels has been silent, as SDOWN measures silence (a PING
 * unanswered, or a link down with none pending: detection/down-detection.ts): the
 * peersForMajority-th shortest silence among the peers. null when this sentinel alone is a
 * majority.
 */
function majoritySilentFor(ctx: CoreContext, master: MasterState): number | null {
  const needed = peersForMajority(master);
  if (needed === 0) return null;
  const silences: number[] = [];
  for (const peer of master.sentinels.values()) silences.push(unansweredFor(ctx, peer));
  silences.sort((a, b) => a - b);
  return silences[needed - 1] ?? 0;
}

/**
 * How long since a replica last acknowledged replication, as the master's INFO tells: the lag of
 * the last INFO's freshest online replica, plus how long the next INFO has been unanswered (the
 * last answer counts as current until then, as a PING reply does for SDOWN). Without an online
 * replica in the last INFO: since the last ack seen.
 */
function replicasSilentFor(ctx: CoreContext, master: MasterState): number {
  const { replicaLagMs, replicaAckTime } = master.fence;
  if (replicaLagMs === null) return ctx.now - replicaAckTime;
  const sent = master.link.infoSentTime;
  return replicaLagMs + (sent === 0 ? 0 : ctx.now - sent);
}

/**
 * How long the master has been isolated from this sentinel's point of view: the shorter of the
 * majority's and the replicas' silences. 0 when this sentinel alone is a majority.
 */
export function isolatedFor(ctx: CoreContext, master: MasterState): number {
  const majority = majoritySilentFor(ctx, master);
  if (majority === null) return 0;
  return Math.min(majority, replicasSilentFor(ctx, master));
}

/** Whether a majority of the peers (peersForMajority) sent a hello after `since`. */
function majorityHelloSince(master: MasterState, since: number): boolean {
  let heard = 0;
  for (const peer of master.sentinels.values()) if (peer.lastHelloTime > since) heard++;
  return heard >= peersForMajority(master);
}

/** Whether the isolation test applies: fencing on, master ours, reachable, not failing over. */
function mayFence(master: MasterState): boolean {
  return (
    master.settings.fenceIsolatedMaster &&
    master.failoverState === "none" &&
    !master.flags.has("s_down") &&
    master.roleReported === "master" &&
    master.link.cmdConnected
  );
}

function pause(ctx: CoreContext, link: LinkState): void {
  ctx.out.command({ type: "client-pause", link: link.id, ms: FENCE_PAUSE_MS });
  link.pendingCommands++;
}

function unpause(ctx: CoreContext, link: LinkState): void {
  ctx.out.command({ type: "client-unpause", link: link.id });
  link.pendingCommands++;
}

/** After a switch while fenced: keep the old master paused until it reports role slave. */
function holdOldMaster(ctx: CoreContext, master: MasterState): void {
  const fence = master.fence;
  if (fence.heldAddr === null) return;
  const old = master.replicas.get(addrKey(fence.heldAddr));
  if (old === undefined) {
    fence.heldAddr = null;
    return;
  }
  if (old.infoRefresh !== 0 && old.roleReported === "slave") {
    if (old.link.cmdConnected) unpause(ctx, old.link);
    fence.heldAddr = null;
    ctx.out.event("-fence", `${instanceText(ctx.state, old, master)} demoted`, master.name);
    return;
  }
  if (!old.link.cmdConnected) return;
  if (ctx.now - fence.renewTime >= FENCE_RENEW_MS) {
    pause(ctx, old.link);
    fence.renewTime = ctx.now;
  }
  // Demote it at once: the majority's newer configuration is known, and every second it stays a
  // master its clients wait. (Unheld, info-refresh.ts waits four hello periods first.) Only under
  // a new master whose own INFO reports role master: one re-pointed at the old master meanwhile
  // would otherwise end up its replica's replica, with no master (the swarm's seed 1827).
  if (
    masterLooksSane(ctx, master) &&
    old.infoRefresh !== 0 &&
    old.roleReported === "master" &&
    ctx.now - fence.demoteTime >= DEMOTE_RETRY_MS
  ) {
    convertToSlave(ctx, master, old);
    fence.demoteTime = ctx.now;
  }
}

/** Run at every tick for each master (acting half: not in TILT). */
export function checkIsolationFence(ctx: CoreContext, master: MasterState): void {
  holdOldMaster(ctx, master);
  const fence = master.fence;
  if (!mayFence(master)) {
    if (!fence.fenced) return;
    // Unreachable or failing over: stop renewing, the last pause runs out by itself.
    fence.fenced = false;
    fence.clearedTime = 0;
    ctx.out.event("-fence", `${instanceText(ctx.state, master, master)} expiring`, master.name);
    return;
  }
  const isolated = isolatedFor(ctx, master) > master.settings.downAfterPeriod;
  if (!fence.fenced) {
    if (!isolated) return;
    fence.fenced = true;
    fence.clearedTime = 0;
    pause(ctx, master.link);
    fence.renewTime = ctx.now;
    ctx.out.event("+fence", instanceText(ctx.state, master, master), master.name);
    return;
  }
  if (isolated) fence.clearedTime = 0;
  else if (fence.clearedTime === 0) fence.clearedTime = ctx.now;
  if (fence.clearedTime !== 0 && majorityHelloSince(master, fence.clearedTime)) {
    unpause(ctx, master.link);
    fence.fenced = false;
    fence.clearedTime = 0;
    ctx.out.event("-fence", instanceText(ctx.state, master, master), master.name);
    return;
  }
  if (ctx.now - fence.renewTime >= FENCE_RENEW_MS) {
    pause(ctx, master.link);
    fence.renewTime = ctx.now;
  }
}

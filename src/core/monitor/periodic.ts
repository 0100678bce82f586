/**
 * Periodic traffic to every record (docs/PROTOCOL.md §2.4; sentinel.c:
 * sentinelSendPeriodicCommands): INFO to masters and replicas, PING to all, a hello every
 * publish period to all. Nothing is sent on a disconnected link or past the pending cap.
 *
 * Vigil's one deviation (timing.failoverInfoPeriod): while our own failover waits for the
 * promotion, the candidate gets INFO that often, and so do the replicas being reconfigured (and
 * every replica while select_slave waits for fresh INFO, see failover/select-slave.ts), so
 * +promoted-slave and +slave-reconf-done follow the facts without Redis's 1 s polling delay.
 * In the very tick a SLAVEOF goes to one of them, an INFO follows it on the same connection, so
 * the reply (which Redis answers in order) already shows the new role or master.
 */
import { addrEquals } from "../basics/addr.js";
import type { CoreContext } from "../model/context.js";
import { formatHello } from "./hello.js";
import { linkUsable } from "../records/instances.js";
import { sendPing } from "../records/link-health.js";
import { notePendingHello, takePendingHello } from "../records/pending-hellos.js";
import type { InstanceState, LinkId, MasterState, ReplicaState } from "../model/state.js";
import { LIMITS, pingPeriodFor } from "../model/timing.js";
import { firstLinkUser, type LinkUser } from "../records/link-users.js";
import { commandDone } from "../records/link-health.js";

/**
 * Whether the replica takes part in the failover we lead right now, once the master is known to
 * have failover_in_progress. The flag is read once by the callers: these run for every replica
 * at every tick, where each flag test is a hash lookup.
 */
function replicaInFailover(master: MasterState, replica: ReplicaState): boolean {
  if (master.failoverState === "wait_promotion") return master.promotedReplica === replica.name;
  if (master.failoverState === "reconf_slaves") {
    return replica.flags.has("reconf_sent") || replica.flags.has("reconf_inprog");
  }
  return false;
}

/**
 * True in the tick in which our failover has just sent this replica its SLAVEOF (NO ONE while
 * waiting for the promotion, the new master while reconfiguring): `now` is that tick's time.
 * `failing`: the master's failover_in_progress flag, read once by the caller.
 */
function reconfiguredNow(
  ctx: CoreContext,
  instance: InstanceState,
  master: MasterState,
  failing: boolean,
): boolean {
  if (!failing || instance.kind !== "slave" || !replicaInFailover(master, instance)) return false;
  if (master.failoverState === "wait_promotion") return master.failoverStateChangeTime === ctx.now;
  return instance.flags.has("reconf_sent") && instance.slaveReconfSentTime === ctx.now;
}

/** infoPeriodFor, with the master's failover_in_progress flag read by the caller. */
function infoPeriodOf(
  ctx: CoreContext,
  instance: InstanceState,
  master: MasterState,
  failing: boolean,
): number {
  const timing = ctx.state.timing;
  // Self-fencing reads the master's replication acks (detection/fence.ts): keep them fresh.
  if (instance.kind === "master" && master.settings.fenceIsolatedMaster) return 1000;
  if (instance.kind !== "slave") return timing.infoPeriod;
  if (failing) {
    if (replicaInFailover(master, instance)) return timing.failoverInfoPeriod;
    // select_slave still choosing after its first step: it waits for fresh INFO (see
    // failover/select-slave.ts), so every replica is asked often.
    if (master.failoverState === "select_slave" && ctx.now > master.failoverStateChangeTime) {
      return timing.failoverInfoPeriod;
    }
    // Watch replicas closely while their master is failing over (below: down, or the replica
    // reports its own master link down: fresh master_link_down_time for the replica selection).
    return 1000;
  }
  if (master.flags.has("o_down") || instance.masterLinkDownTime !== 0) return 1000;
  // Vigil: a replica that reports role master (a returning old master) is converted on an INFO
  // reply (info-refresh.ts); Redis polls it every 10 s, which adds up to 10 s to the 8 s wait.
  if (instance.roleReported === "master") return 1000;
  return timing.infoPeriod;
}

export function infoPeriodFor(
  ctx: CoreContext,
  instance: InstanceState,
  master: MasterState,
): number {
  return infoPeriodOf(ctx, instance, master, master.flags.has("failover_in_progress"));
}

/**
 * Whether a request sent at `sentTime` (0 = none in flight) still waits for its reply: it is sent
 * again only after a ping period (INFO and hellos below; sentinel.c re-sends at every tick).
 */
function stillAwaited(sentTime: number, now: number, pingPeriod: number): boolean {
  return sentTime !== 0 && now - sentTime < pingPeriod;
}

/**
 * Whether this sentinel holds the instance's writes paused (detection/fence.ts, or the
 * `CLIENT PAUSE` of our coordinated failover until the promotion is seen: failover/
 * coordinated.ts). CLIENT PAUSE WRITE holds PUBLISH too, and every command behind it on the
 * connection: a hello there would stall this link's PINGs into a false SDOWN, and hold back the
 * very `CLIENT UNPAUSE` queued behind it. The peers get our hellos directly meanwhile.
 */
function fenceHoldsWrites(instance: InstanceState, master: MasterState): boolean {
  if (instance.kind === "master") return master.fence.fenced || coordinatedPauseHeld(master);
  const held = master.fence.heldAddr;
  return instance.kind === "slave" && held !== null && addrEquals(held, instance.addr);
}

/** Our coordinated failover has sent the master its CLIENT PAUSE and not yet its UNPAUSE. */
function coordinatedPauseHeld(master: MasterState): boolean {
  return master.flags.has("coordinated_failover") && master.failoverState === "wait_promotion";
}

/** sentinel.c: sentinelSendHello. False when no hello could be formatted (no local address). */
export function sendHello(ctx: CoreContext, instance: InstanceState, master: MasterState): boolean {
  const link = instance.link;
  if (!linkUsable(link) || fenceHoldsWrites(instance, master)) return false;
  const payload = formatHello(ctx, instance, master);
  if (payload === null) return false;
  ctx.out.command({ type: "publish-hello", link: link.id, payload });
  link.pendingCommands++;
  notePendingHello(link, instance, ctx.now);
  return true;
}

/**
 * sentinel.c: sentinelSendPeriodicCommands. One difference, in timing only: a PING that is due
 * takes along the INFO and the hello that are nearly due (within half a ping period and a
 * quarter of their own period), and a hello or 10 s INFO that has just come due takes along a
 * PING past half its period. Their phases lock together, so one write carries them and one read
 * their replies: at a thousand masters the syscalls stay near one per instance and second, as
 * redis-sentinel's do. Nothing goes out more than half a ping period early, and only answers
 * move these clocks, as before.
 *
 * Returns the ping period of the PING it sent when one was due (0: none), for the tick's carry
 * pass (carryPeriodicCommands).
 */
export function sendPeriodicCommands(
  ctx: CoreContext,
  instance: InstanceState,
  master: MasterState,
): number {
  return periodic(ctx, instance, master, null);
}

/**
 * The tick's carry pass, Vigil's phase lock across records (issue #18): in a tick that sent a
 * due PING with ping period P (`periods`), a record with the same ping period whose last PING and
 * last reply are both more than P / 2 old gets its PING now instead of at its own phase, along
 * with the hello and INFO nearly due (as above). sentinel.c pings each record about a second
 * after its own last reply, so each record keeps the phase at which its link came up, and an
 * idle sentinel with a master, a replica and two peers wakes four times a second to send four
 * PINGs and four more to read their replies. Carried, they go out in one tick and their replies
 * come back together. A PING still never follows the last one within P / 2 (sentinel.c's
 * minimum), goes out at most P / 2 before it would have, and only records with the same period
 * are carried, so a master with a short down-after does not drag the others along. Only small
 * deployments run the pass (sentinel-core.ts: SMALL_RECORDS). Returns whether it sent the PING.
 */
export function carryPeriodicCommands(
  ctx: CoreContext,
  instance: InstanceState,
  master: MasterState,
  periods: readonly number[],
): boolean {
  return periodic(ctx, instance, master, periods) !== 0;
}

/** Both of the above; `carry`: the periods of the due PINGs of this tick, null outside the carry pass. */
function periodic(
  ctx: CoreContext,
  instance: InstanceState,
  master: MasterState,
  carry: readonly number[] | null,
): number {
  const link = instance.link;
  const now = ctx.now;
  if (!linkUsable(link)) return 0;
  if (link.pendingCommands >= LIMITS.maxPendingCommands * link.refcount) return 0;

  const timing = ctx.state.timing;
  const pingPeriod = pingPeriodFor(timing, master.settings.downAfterPeriod);
  const publishPeriod = timing.publishPeriod;
  const pingWaited = now - link.lastPingTime > pingPeriod / 2;
  // The carry pass sends nothing else: what was due without a PING went out in the tick.
  const carried =
    carry !== null &&
    pingWaited &&
    now - link.lastPongTime > pingPeriod / 2 &&
    carry.includes(pingPeriod);
  if (carry !== null && !carried) return 0;
  const sincePub = now - instance.lastPubTime;
  // A hello that has just come due (not one re-sent every tick while unanswered) takes along a
  // PING past half its period: that is how the phases meet.
  const helloJustDue =
    instance.lastPubTime !== 0 &&
    sincePub > publishPeriod &&
    sincePub <= publishPeriod + pingPeriod / 2;
  // Only a replica's INFO period and SLAVEOF follow-up depend on the master's failover.
  const failing = instance.kind === "slave" && master.flags.has("failover_in_progress");
  const infoPeriod =
    instance.kind === "sentinel" ? 0 : infoPeriodOf(ctx, instance, master, failing);
  const infoRefresh = instance.kind === "sentinel" ? 0 : instance.infoRefresh;
  const sinceInfo = now - infoRefresh;
  // The same for the regular INFO (not the fast failover ones: they would drag PINGs along).
  const infoJustDue =
    infoPeriod > pingPeriod * 2 &&
    infoRefresh !== 0 &&
    sinceInfo > infoPeriod &&
    sinceInfo <= infoPeriod + pingPeriod / 2;
  // lastPongTime is only read when a PING may be due (a boxed number: one more memory access).
  const pingDue =
    carried ||
    (pingWaited &&
      (now - link.lastPongTime > pingPeriod ||
        ((helloJustDue || infoJustDue) && now - link.lastPongTime > pingPeriod / 2)));
  const slack = pingDue ? pingPeriod / 2 : 0;

  if (instance.kind !== "sentinel") {
    // Only answers are timestamped, so a node slow to answer comes due again at every tick.
    // sentinel.c then sends INFO every tick; Vigil waits for the one in flight (re-sending it
    // after a ping period). At start-up three sentinels × 1000 masters sent 9 INFO per instance
    // in the first 10 s, whose 4 KB replies slowed the answers further.
    const waiting = stillAwaited(link.infoSentTime, now, pingPeriod);
    if (
      reconfiguredNow(ctx, instance, master, failing) ||
      (!waiting && (infoRefresh === 0 || sinceInfo > infoPeriod - Math.min(slack, infoPeriod / 4)))
    ) {
      ctx.out.command({ type: "info", link: link.id });
      link.pendingCommands++;
      link.infoSentTime = now;
    }
  }

  if (pingDue) sendPing(ctx, link);

  // 0 = a forced hello (sentinel.c: sentinelForceHelloUpdateForMaster; the force zeroes
  // helloSentTime too): it carries a new configuration, so it goes out even behind an unanswered
  // one, once: then, as any other and as for INFO above, an unanswered hello is sent again only
  // after a ping period (sentinel.c publishes again at every tick; at the start of three
  // sentinels × 1000 masters that was 39–80 k PUBLISH per sentinel in the first 10 s against
  // 20 k in steady state; and after a promotion the leader published every hello twice within a
  // millisecond, at the promotion and at the tick right after it).
  const helloWaiting = stillAwaited(instance.helloSentTime, now, pingPeriod);
  if (
    (instance.lastPubTime === 0 && instance.helloSentTime === 0) ||
    (!helloWaiting && sincePub > publishPeriod - Math.min(slack, publishPeriod / 4))
  ) {
    sendHello(ctx, instance, master);
  }
  return pingDue ? pingPeriod : 0;
}

/** sentinel.c: sentinelPublishReplyCallback — only a published hello counts. */
export function onPublishReply(
  ctx: CoreContext,
  id: LinkId,
  ok: boolean,
  first: LinkUser | undefined = firstLinkUser(ctx.state, id),
): void {
  if (first === undefined) return;
  const link = first.instance.link;
  commandDone(link);
  const instance = takePendingHello(link);
  if (ok && instance !== null) instance.lastPubTime = ctx.now;
}

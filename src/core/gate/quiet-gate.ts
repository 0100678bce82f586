/**
 * The tick's quiet gate: which records the tick may pass over, because visiting them now would
 * do nothing.
 *
 * sentinel.c visits every master, replica and peer at every tick (10–19 Hz). Most of those visits
 * find nothing to do: a healthy record needs a PING about once a second, INFO every ten, a hello
 * every two. At a thousand masters those visits were a quarter of Vigil's CPU. The tick still
 * visits every record at every tick. It passes over a record's handling only while that handling
 * is proven idle.
 *
 * After a record is handled, `quietUntil` computes the first time its handling could do
 * anything, reading the same clocks and thresholds as the code it stands for (periodic.ts,
 * link-health.ts, down-detection.ts, ask-peers.ts). It gives 0 (handle at every tick) for any record
 * that is not plainly healthy: a flag set, a link not fully up, the pending cap reached, a
 * master with a failover or a candidate draw, a master reporting role slave, TILT.
 *
 * What an input changes is not in that time, so inputs invalidate it (wakeAfterInput):
 * - a PING or PUBLISH reply, a finished command, a hello: nothing. Silently they only move
 *   clocks forward or lower the pending count, so every threshold they touch comes later and a
 *   gate computed before them ends early, never late (with few records, a PING or PUBLISH reply
 *   computes its records' gates again: refreshGates);
 * - INFO and connection events, whatever they wrote: every record in the group of each master
 *   with a record on that link (with few records, an INFO that wrote nothing while every record
 *   was quiet computes those gates again at once instead: refreshGroups);
 * - a peer's vote request or is-master-down answer: every record in the group of the master it
 *   names (all of them when it names none of ours);
 * - a tick that produced more than commands: every record in the groups whose handling wrote
 *   it (SDOWN, a failover step), or every record when some came from outside a group (TILT, a
 *   switch). At a thousand masters a walk of every record took tens of milliseconds, and during
 *   one master's failover nearly every tick and reply voided every gate (issue #18);
 * - any other input that produced output (event, command, reply, flush), and every other input
 *   (admin, a host resolved): every record.
 * A replica's or peer's gate is only honoured while its master is quiet too. So a master's
 * failover, which changes what its replicas must do, always brings them back to every tick.
 *
 * The simulation runs with mode "verify": every record the gate would pass over is handled anyway
 * and must produce no output and change no state (gate/verify.ts).
 */
import type { CoreContext } from "../model/context.js";
import { infoPeriodFor } from "../monitor/periodic.js";
import type { Input } from "../model/inputs.js";
import { linkUsers } from "../records/link-users.js";
import type { InstanceState, LinkId, MasterState, SentinelState } from "../model/state.js";
import { LIMITS, pingPeriodFor } from "../model/timing.js";

export type QuietGateMode = "on" | "off" | "verify";

/** Whether the tick may pass over `instance` at `now` (its master's gate checked by the caller). */
export function isQuiet(
  state: SentinelState,
  instance: InstanceState,
  master: MasterState,
  now: number,
): boolean {
  const stamp = instance.quietStamp;
  return stamp >= state.gateReset && stamp >= master.groupReset && now < instance.quietUntil;
}

/**
 * Whether the tick may pass over the whole group of `master` (the master, its replicas, its
 * peers) at `now`: the last walk of the group found every record quiet, until
 * master.groupQuietUntil at the earliest (setGroupQuiet), and since then no input voided a gate
 * of the group and no record's gate was computed again (setQuiet voids the group's). Then each
 * record's own gate holds too (isQuiet), and the tick spares the walk itself: at a few hundred
 * masters, most ticks found every group quiet.
 */
export function isGroupQuiet(state: SentinelState, master: MasterState, now: number): boolean {
  const stamp = master.groupStamp;
  return stamp >= state.gateReset && stamp >= master.groupReset && now < master.groupQuietUntil;
}

/**
 * Records the group's gate after the tick walked it: `until` the earliest gate end of its records
 * when every one of them is quiet, else 0.
 */
export function setGroupQuiet(state: SentinelState, master: MasterState, until: number): void {
  master.groupQuietUntil = until;
  master.groupStamp = state.gateClock;
}

/**
 * Sets the group's gate from its records' current gates, as the tick's walk would (after
 * refreshGates and refreshGroups computed some of them again): their earliest end when every
 * record's gate is current and not 0, else 0. Exact, as the tick's: quietUntil() reads it.
 */
function regroup(state: SentinelState, master: MasterState): void {
  let until = gateOf(state, master, master);
  for (const replica of master.replicas.values()) {
    until = Math.min(until, gateOf(state, replica, master));
  }
  for (const peer of master.sentinels.values())
    until = Math.min(until, gateOf(state, peer, master));
  setGroupQuiet(state, master, until);
}

/** The record's gate end if no input voided it, else 0. */
function gateOf(state: SentinelState, instance: InstanceState, master: MasterState): number {
  return gateCurrent(state, instance, master) ? instance.quietUntil : 0;
}

/** Whether no input voided the gate of `instance` since it was computed (whatever its time). */
function gateCurrent(state: SentinelState, instance: InstanceState, master: MasterState): boolean {
  const stamp = instance.quietStamp;
  return stamp >= state.gateReset && stamp >= master.groupReset;
}

/**
 * After a PING or PUBLISH reply on `link` (which voids no gate, see below): computes again the
 * current gates of the link's records. quietUntil reads the state only, and the reply moved its
 * clocks forward, so the new gate ends no earlier. Returns whether one of them was the earliest
 * (`earliest`), so the earliest gate end may have moved.
 */
export function refreshGates(ctx: CoreContext, link: LinkId, earliest: number): boolean {
  let moved = false;
  for (const { instance, master } of linkUsers(ctx.state, link)) {
    if (!gateCurrent(ctx.state, instance, master)) continue;
    const before = instance.quietUntil;
    setQuiet(ctx, instance, master);
    regroup(ctx.state, master);
    if (before <= earliest) moved = true;
  }
  return moved;
}

/**
 * After an INFO reply that wrote nothing (wakeAfterInput voided its groups): computes again the
 * gates of every record in each group with a record on `link`. quietUntil reads the state only,
 * so a gate computed from the state the reply left is as good as the one the next tick would
 * compute after handling the group, which would find nothing to do: for an idle sentinel that
 * tick was a wake-up per INFO for nothing (issue #18). The caller makes sure every other gate
 * is current (SentinelCore: refreshAfterInfo).
 */
export function refreshGroups(ctx: CoreContext, link: LinkId): void {
  for (const { master } of linkUsers(ctx.state, link)) {
    setQuiet(ctx, master, master);
    for (const replica of master.replicas.values()) setQuiet(ctx, replica, master);
    for (const peer of master.sentinels.values()) setQuiet(ctx, peer, master);
    regroup(ctx.state, master);
  }
}

/** Whether the state holds at most `limit` records (masters, replicas and peers). */
export function fewRecords(state: SentinelState, limit: number): boolean {
  let records = 0;
  for (const master of state.masters.values()) {
    records += 1 + master.replicas.size + master.sentinels.size;
    if (records > limit) return false;
  }
  return true;
}

/** The earliest gate end over every record (0 if one is not quiet). */
export function earliestGateEnd(state: SentinelState): number {
  let until = Number.POSITIVE_INFINITY;
  for (const master of state.masters.values()) {
    until = Math.min(until, master.quietUntil);
    for (const replica of master.replicas.values()) until = Math.min(until, replica.quietUntil);
    for (const peer of master.sentinels.values()) until = Math.min(until, peer.quietUntil);
  }
  return until;
}

/** Records the gate after `instance` was handled in this tick. */
export function setQuiet(ctx: CoreContext, instance: InstanceState, master: MasterState): void {
  instance.quietUntil = ctx.state.tilt ? 0 : quietUntil(ctx, instance, master);
  instance.quietStamp = ctx.state.gateClock;
  // The group's gate was the earliest of its records' gates: the next tick walks the group
  // (or regroup sets it again at once).
  master.groupQuietUntil = 0;
}

/**
 * The first time handleInstance could act on `instance`, 0 when it may act at any tick. A lower
 * bound: every threshold below is the earliest its test can pass (strict comparisons included).
 */
export function quietUntil(ctx: CoreContext, instance: InstanceState, master: MasterState): number {
  if (instance.flags.size !== 0) return 0;
  // Self-fencing (detection/fence.ts) reads clocks at every tick; it is opt-in, so no gate.
  if (master.settings.fenceIsolatedMaster) return 0;
  const link = instance.link;
  // reconnectInstance acts on any connection missing; sendPeriodicCommands needs both up.
  if (!link.cmdConnected || link.cmdConnecting || link.cmdClosing) return 0;
  if (link.needsPubsub && (!link.pubsubConnected || link.pubsubConnecting || link.pubsubClosing)) {
    return 0;
  }
  if (link.pendingCommands >= LIMITS.maxPendingCommands * link.refcount) return 0;
  if (instance.kind === "master" && !masterQuiet(instance)) return 0;

  const timing = ctx.state.timing;
  const downAfter = master.settings.downAfterPeriod;
  const pingPeriod = pingPeriodFor(timing, downAfter);
  const publishPeriod = timing.publishPeriod;
  // A hello never published (or forced) goes out at once.
  if (instance.lastPubTime === 0) return 0;
  const helloDueAt = instance.lastPubTime + publishPeriod;
  let infoDueAt = Number.POSITIVE_INFINITY;
  let infoPeriod = 0;
  if (instance.kind !== "sentinel") {
    // INFO while none was answered: at once, or once the one in flight is a ping period old.
    if (instance.infoRefresh === 0 && link.infoSentTime === 0) return 0;
    infoPeriod = infoPeriodFor(ctx, instance, master);
    infoDueAt =
      instance.infoRefresh === 0
        ? link.infoSentTime + pingPeriod
        : instance.infoRefresh + infoPeriod;
  }
  // periodic.ts, PING: `now - lastPingTime > pingPeriod / 2`, and either the last reply a ping
  // period old or a hello or INFO just due (not before helloDueAt / infoDueAt).
  const pingDueAt = Math.max(
    link.lastPingTime + pingPeriod / 2,
    Math.min(link.lastPongTime + pingPeriod, helloDueAt, infoDueAt),
  );
  let until = Math.min(pingDueAt, sendableAt(helloDueAt, publishPeriod, pingPeriod, pingDueAt));
  // An INFO re-sent while unanswered has no slack.
  until = Math.min(
    until,
    instance.kind === "sentinel" || instance.infoRefresh === 0
      ? infoDueAt
      : sendableAt(infoDueAt, infoPeriod, pingPeriod, pingDueAt),
  );
  // link-health.ts closeUnhealthyConnections, down-detection.ts isSubjectivelyDown.
  if (link.actPingTime !== 0) until = Math.min(until, link.actPingTime + downAfter / 2);
  if (link.needsPubsub) until = Math.min(until, link.pcLastActivity + publishPeriod * 3);
  if (instance.kind === "master") until = Math.min(until, peersAgeAt(ctx, instance));
  return until;
}

/**
 * periodic.ts: a hello or INFO due at `dueAt` goes out up to a slack (min(pingPeriod / 2,
 * period / 4)) early, but only along with a PING that is due.
 */
function sendableAt(dueAt: number, period: number, pingPeriod: number, pingDueAt: number): number {
  return Math.min(dueAt, Math.max(dueAt - Math.min(pingPeriod / 2, period / 4), pingDueAt));
}

/** A master with nothing under way: no failover, no candidate draw, no role or reboot watch. */
function masterQuiet(master: MasterState): boolean {
  return (
    master.failoverState === "none" &&
    master.candidateTime === 0 &&
    master.splitCount === 0 &&
    master.roleReported === "master"
  );
}

/**
 * ask-peers.ts: the master's handling clears a peer's master_down flag and reported leader once
 * its last answer is askPeriod × 5 old. The first time that can happen for a peer holding either.
 */
function peersAgeAt(ctx: CoreContext, master: MasterState): number {
  let until = Number.POSITIVE_INFINITY;
  if (master.sentinels.size === 0) return until;
  const agePeriod = ctx.state.timing.askPeriod * 5;
  for (const peer of master.sentinels.values()) {
    if (peer.leader === "" && !peer.flags.has("master_down")) continue;
    until = Math.min(until, peer.lastMasterDownReplyTime + agePeriod);
  }
  return until;
}

/**
 * Invalidates the gates an input may have changed (see the module comment). `wroteAny`: the step
 * wrote anything to the Ready; `wroteNotable`: anything other than commands. `groups`: for a
 * tick, the masters whose groups wrote all of its notable output (null: some came from outside
 * a group: TILT, a switch); for a peer's is-master-down request or answer, the master it is
 * about (null: none of ours).
 */
export function wakeAfterInput(
  state: SentinelState,
  input: Input,
  wroteAny: boolean,
  wroteNotable: boolean,
  groups: readonly MasterState[] | null,
): void {
  // The tick keeps the gates of the records it handles; commands are its routine. An event or a
  // flush marks a change (SDOWN, a failover step) in the group that wrote it, which may reach
  // its records handled before it: that group is walked again. A group's handling changes
  // nothing another group's gate reads but shared links and the global state, and those only
  // through commands (routine, as above), TILT or a switch (both outside any group: every gate).
  if (input.type === "tick") {
    if (!wroteNotable) return;
    if (groups === null) wakeAll(state);
    else wakeMasters(state, groups);
    return;
  }
  // A peer's vote request or its answer changes the records of the master it names (flags,
  // vote, leader, the clocks of its peer records) and the epoch, which no gate reads: every
  // group was voided by them, and while a master is down they come every second from each peer
  // (at a thousand masters a walk of every record, tens of milliseconds, per answer).
  if (input.type === "is-master-down-reply" || input.type === "is-master-down-request") {
    if (groups !== null) wakeMasters(state, groups);
    else if (wroteAny) wakeAll(state);
    return;
  }
  // INFO and connection events change the records on their link and what they send (a role,
  // a replica found, a reconnection and its event, a failover step seen in INFO), all in the
  // groups with a record on the link: the groups of a dead master's link were every group,
  // at each reconnection attempt (its -cmd-link-reconnection event).
  if (
    input.type === "info-reply" ||
    input.type === "link-connected" ||
    input.type === "link-closed"
  ) {
    wakeGroups(state, input.link);
    return;
  }
  if (wroteAny) {
    wakeAll(state);
    return;
  }
  switch (input.type) {
    // Silently these only move clocks forward (a reply, a publish, pub/sub activity) or lower
    // the pending count: every threshold they touch comes later, never earlier.
    case "ping-reply":
    case "publish-reply":
    case "command-done":
    case "hello-received":
      return;
    case "admin":
    case "persist-failed":
    case "host-resolved":
    case "shutdown":
      wakeAll(state);
      return;
  }
}

/** Voids the gates of every group that has a record on the link. */
function wakeGroups(state: SentinelState, link: LinkId): void {
  state.gateClock += 1;
  for (const user of linkUsers(state, link)) user.master.groupReset = state.gateClock;
}

/** Voids the gates of every record in the groups of `masters`. */
function wakeMasters(state: SentinelState, masters: readonly MasterState[]): void {
  state.gateClock += 1;
  for (const master of masters) master.groupReset = state.gateClock;
}

/** Voids every gate. */
function wakeAll(state: SentinelState): void {
  state.gateClock += 1;
  state.gateReset = state.gateClock;
}

/**
 * Asking peers whether they see a master down, and answering them (docs/PROTOCOL.md §5.3,
 * §5.4; sentinel.c: sentinelAskMasterStateToOtherSentinels, sentinelReceiveIsMasterDownReply,
 * the is-master-down-by-addr branch of sentinelCommand).
 *
 * A peer's answer is valid for five ask periods; after that its master_down flag and its
 * reported vote are forgotten, so a silent peer stops counting towards ODOWN and elections.
 */
import { announceHost, sameAddr, wantHost } from "../records/hosts.js";
import type { CoreContext } from "../model/context.js";
import { voteLeader } from "../failover/election.js";
import type { Epoch } from "../basics/epoch.js";
import { linkUsable } from "../records/instances.js";
import { commandDone } from "../records/link-health.js";
import { linkUsers } from "../records/link-users.js";
import type { LinkId, MasterState, PeerState, SentinelState } from "../model/state.js";

/** Redis's longest gap between two ticks (hz 10): how often it re-sends an unanswered ask. */
const ASK_RESEND_GAP = 100;

export function askMasterStateToOtherSentinels(
  ctx: CoreContext,
  master: MasterState,
  forced: boolean,
): void {
  // Runs for every master at every tick: with no peer there is nothing to age or ask.
  if (master.sentinels.size === 0) return;
  const askPeriod = ctx.state.timing.askPeriod;
  // A coordinated failover (Valkey 9) asks for votes for a master that is up: Valkey marks it
  // SDOWN for that; Vigil asks while the election of such a failover lasts.
  const masterSdown =
    master.flags.has("s_down") ||
    (master.flags.has("coordinated_failover") && master.failoverState === "wait_start");
  for (const peer of master.sentinels.values()) {
    const elapsed = ctx.now - peer.lastMasterDownReplyTime;
    // Checked before clearing: this runs for every peer of every master on every tick.
    if (elapsed > askPeriod * 5) {
      if (peer.flags.has("master_down")) peer.flags.delete("master_down");
      if (peer.leader !== "") peer.leader = "";
    }
    // Read before written: this runs for every peer of every master on every tick.
    if (peer.reaskWanted && (!masterSdown || peer.flags.has("master_down"))) {
      peer.reaskWanted = false;
    }
    if (!masterSdown) continue;
    if (!linkUsable(peer.link)) continue;
    // Vigil: a peer that said "not down" is asked again at once when another peer's ask told
    // us that one more sentinel sees the master SDOWN (serveIsMasterDownRequest), or once the
    // ask on its way is answered (seven sentinels asking each other at once queued dozens of
    // asks per link when each request brought one more).
    const inFlight = peer.askSentTime !== 0 && ctx.now - peer.askSentTime <= askPeriod * 5;
    const again = peer.reaskWanted && !inFlight;
    if (again) peer.reaskWanted = false;
    if (!forced && !again && elapsed < askPeriod) continue;
    // An unanswered ask is sent again at every tick (Redis timestamps only the answers), but not
    // within ASK_RESEND_GAP of the first: the at-once ticks would multiply it.
    if (!forced && inFlight && ctx.now - peer.askSentTime < ASK_RESEND_GAP) continue;
    ctx.out.command({
      type: "ask-master-down",
      link: peer.link.id,
      master: master.name,
      ip: announceHost(ctx.state, master.addr),
      port: master.addr.port,
      epoch: ctx.state.currentEpoch,
      // Our id asks for a vote: only while a failover of this master is ours.
      runId: master.failoverState !== "none" ? ctx.state.myId : "*",
    });
    peer.link.pendingCommands++;
    // The oldest unanswered ask times the round trip; one lost with a dropped link goes stale.
    if (peer.askSentTime === 0 || ctx.now - peer.askSentTime > askPeriod * 5) {
      peer.askSentTime = ctx.now;
    }
  }
}

export interface IsMasterDownAnswer {
  readonly down: boolean;
  readonly leader: string;
  readonly leaderEpoch: Epoch;
}

/** sentinel.c: sentinelReceiveIsMasterDownReply. `reply` null = not [int, bulk, int]. */
export function onIsMasterDownReply(
  ctx: CoreContext,
  id: LinkId,
  masterName: string,
  reply: IsMasterDownAnswer | null,
): void {
  const users = linkUsers(ctx.state, id);
  const first = users[0];
  if (first === undefined) return;
  commandDone(first.instance.link);
  if (reply === null) return;
  const user = users.find((u) => u.master.name === masterName && u.instance.kind === "sentinel");
  if (user?.instance.kind !== "sentinel") return;
  const peer = user.instance;
  peer.lastMasterDownReplyTime = ctx.now;
  if (peer.askSentTime !== 0) {
    peer.askRtt = ctx.now - peer.askSentTime;
    peer.askSentTime = 0;
  }
  // ODOWN, the candidate order or the election may now be decided: the next tick need not
  // wait. An answer that repeats the last one decides nothing new, unless it is a "not down"
  // while we wait to stand (fresh, it can move us up the order) or while this peer is to be
  // asked again.
  let news =
    reply.down !== peer.flags.has("master_down") ||
    (!reply.down && (user.master.candidateTime !== 0 || peer.reaskWanted));
  if (reply.down) peer.flags.add("master_down");
  else peer.flags.delete("master_down");
  // "*" = the peer did not vote (we did not ask for a vote).
  if (reply.leader !== "*") {
    if (peer.leaderEpoch !== reply.leaderEpoch) {
      ctx.out.log("warning", `${peer.name} voted for ${reply.leader} ${reply.leaderEpoch}`);
    }
    if (peer.leader !== reply.leader || peer.leaderEpoch !== reply.leaderEpoch) news = true;
    peer.leader = reply.leader;
    peer.leaderEpoch = reply.leaderEpoch;
  }
  if (news) ctx.out.wake(ctx.now);
}

/** A sentinel's cmd link name (sentinel.c: sentinelSetClientName), with its run id's start. */
const PEER_CMD_NAME = /^sentinel-([0-9a-f]{8})-cmd$/i;

/**
 * Which peer of the master sent a request: the candidate named by a vote request, else the one
 * whose run id begins as the connection's name says (null when none or more than one does).
 */
function askingPeer(
  master: MasterState,
  runId: string,
  asker: string | undefined,
): PeerState | null {
  if (runId !== "*") return master.sentinels.get(runId) ?? null;
  const prefix = PEER_CMD_NAME.exec(asker ?? "")?.[1]?.toLowerCase();
  if (prefix === undefined) return null;
  let found: PeerState | null = null;
  for (const peer of master.sentinels.values()) {
    if (!peer.runId.toLowerCase().startsWith(prefix)) continue;
    if (found !== null) return null;
    found = peer;
  }
  return found;
}

/**
 * sentinel.c: getSentinelRedisInstanceByAddrAndRunID over the masters: the same host text or the
 * same IP. A name never looked up matches by its text only, and is asked for (the asker repeats).
 */
export function findMasterByAddr(ctx: CoreContext, ip: string, port: number): MasterState | null {
  wantHost(ctx, ip);
  return masterAtAddr(ctx.state, ip, port);
}

/** The master monitored at ip:port, without findMasterByAddr's host lookup request. */
export function masterAtAddr(state: SentinelState, ip: string, port: number): MasterState | null {
  for (const master of state.masters.values()) {
    if (sameAddr(state, master.addr, { ip, port })) return master;
  }
  return null;
}

/**
 * SENTINEL is-master-down-by-addr <ip> <port> <epoch> <runid>, after the command layer checked
 * arity and integers. Down = our own SDOWN view, never in TILT; a run id other than "*" asks for
 * our vote, cast even in TILT. A vote or epoch change is flushed, and the reply waits for it.
 * Returns the master the request named (null for none), whose group the quiet gate wakes.
 */
export function serveIsMasterDownRequest(
  ctx: CoreContext,
  request: {
    requestId: number;
    ip: string;
    port: number;
    epoch: Epoch;
    runId: string;
    asker?: string;
  },
): MasterState | null {
  const master = findMasterByAddr(ctx, request.ip, request.port);
  const down = master !== null && master.flags.has("s_down") && !ctx.state.tilt;
  // Vigil: a sentinel asks only while it sees the master SDOWN, so this request is news for our
  // own ODOWN count: the asker counts as "down" for an ask period (records/peer-opinion.ts:
  // peerSaysDown), and the peers that answered "not down" are asked again
  // (docs/COMPATIBILITY.md, ODOWN). The shell is asked for a tick at once.
  const asker = master === null ? null : askingPeer(master, request.runId, request.asker);
  if (asker !== null) asker.downAskTime = ctx.now;
  if (master !== null && down && !master.flags.has("o_down")) {
    let wanted = asker !== null;
    for (const peer of master.sentinels.values()) {
      if (peer === asker || peer.flags.has("master_down") || peer.reaskWanted) continue;
      peer.reaskWanted = true;
      wanted = true;
    }
    if (wanted) ctx.out.wake(ctx.now);
  }
  let leader = "*";
  let leaderEpoch: Epoch = 0n;
  if (master !== null && request.runId !== "*") {
    const vote = voteLeader(ctx, master, request.epoch, request.runId);
    leader = vote.leader === "" ? "*" : vote.leader;
    leaderEpoch = vote.leaderEpoch;
  }
  ctx.out.reply({
    kind: "is-master-down",
    requestId: request.requestId,
    down,
    leader,
    leaderEpoch,
    afterPersist: ctx.out.flushRequested,
  });
  return master;
}

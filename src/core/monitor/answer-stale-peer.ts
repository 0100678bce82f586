/**
 * Answering a peer whose hello carries an older configuration of a master than ours (Vigil;
 * docs/COMPATIBILITY.md, "A returning old master is converted at once"). Redis lets such a peer
 * learn from our regular hellos, up to a hello period (2 s) later. A peer that sends a stale
 * hello is typically one coming back from a partition that missed a failover; while it does not
 * know, it announces the old address to clients and may hold the old master's writes fenced
 * (detection/fence.ts). So we send it our hello at once — the same hello, early, as sentinel.c's
 * forced hello update after a promotion:
 *
 * - a stale hello that came through an instance's channel is answered through that channel: the
 *   peer's links to that instance are up, so it listens there. One answer per stale hello, so
 *   the answers never outnumber the peer's own hellos;
 * - a stale hello the peer sent us directly is answered directly when our link to it is up, and
 *   in any case through every instance of the master, at most once a ping period. Our link to
 *   the peer may still be stuck from the partition while its link to us is back: a connect
 *   attempt made during the cut waits for the kernel's next SYN (1 s, then 3 s), and a
 *   connection that outlived the cut (links are closed for silence only once 15 s old) waits
 *   for TCP's next retransmission, backed off to seconds. Either is given up and made again now
 *   (the peer just reached us: the path is back). Through an instance the answer can go by
 *   before the peer has subscribed there again; directly it cannot.
 */
import type { CoreContext } from "../model/context.js";
import type { LinkId, MasterState, PeerState } from "../model/state.js";
import { linkUsable } from "../records/instances.js";
import { linkStalled, reconnectIfStalled } from "../records/link-health.js";
import { linkUsers } from "../records/link-users.js";
import { sendHello } from "./periodic.js";

export function answerStalePeer(
  ctx: CoreContext,
  master: MasterState,
  peer: PeerState,
  via: LinkId | null,
): void {
  if (via !== null) {
    const user = linkUsers(ctx.state, via).find((u) => u.master === master);
    if (user !== undefined && linkUsable(user.instance.link)) sendHello(ctx, user.instance, master);
    return;
  }
  const period = ctx.state.timing.pingPeriod;
  if (linkUsable(peer.link) && !linkStalled(ctx, peer.link, period)) sendHello(ctx, peer, master);
  else reconnectIfStalled(ctx, peer.link, period);
  if (peer.staleAnswerTime !== 0 && ctx.now - peer.staleAnswerTime < period) return;
  peer.staleAnswerTime = ctx.now;
  for (const record of [master, ...master.replicas.values()]) {
    if (linkUsable(record.link)) sendHello(ctx, record, master);
  }
}

/**
 * What a peer sentinel tells us about a master it monitors with us (docs/PROTOCOL.md §5.3).
 */
import type { CoreView } from "../model/context.js";
import type { PeerState } from "../model/state.js";

/**
 * The peer sees the master down: its answer said so (master_down), or it asked us about the
 * master within the last ask period. Vigil: a sentinel sends is-master-down-by-addr only while
 * it sees the master SDOWN (sentinel.c's rule too: sentinelAskMasterStateToOtherSentinels),
 * so its request says what an answer would, one round trip sooner (docs/COMPATIBILITY.md,
 * ODOWN).
 */
export function peerSaysDown(view: CoreView, peer: PeerState): boolean {
  if (peer.flags.has("master_down")) return true;
  // An ask from a peer we see SDOWN comes over a partition that is healing: it counts once the
  // peer answers us again, when failover/heal-hold.ts holds the election (an answer to our own
  // ask follows our PINGs on the same link, so it never overtakes that -sdown).
  if (peer.flags.has("s_down")) return false;
  return peer.downAskTime !== 0 && view.now - peer.downAskTime <= view.state.timing.askPeriod;
}

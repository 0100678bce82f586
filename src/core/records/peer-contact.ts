/**
 * When this sentinel last heard from a majority of the sentinels that know a master, itself
 * included (self-fencing, detection/fence.ts). A peer counts from its last valid PING reply.
 */
import type { MasterState } from "../model/state.js";

/** How many peers, besides this sentinel, make a majority of the master's known sentinels. */
export function peersForMajority(master: MasterState): number {
  // Known sentinels N = peers + 1; a majority is floor(N / 2) + 1, this sentinel being one.
  return Math.floor((master.sentinels.size + 1) / 2);
}

/**
 * The latest time by which a majority had answered: the peersForMajority-th most recent PING
 * reply among the peers. null when this sentinel alone is a majority (no peer known).
 */
export function majorityContactTime(master: MasterState): number | null {
  const needed = peersForMajority(master);
  if (needed === 0) return null;
  const times: number[] = [];
  for (const peer of master.sentinels.values()) times.push(peer.link.lastAvailTime);
  times.sort((a, b) => b - a);
  return times[needed - 1] ?? 0;
}

/** Whether a majority of the peers (peersForMajority) sent a hello after `since`. */
export function majorityHelloSince(master: MasterState, since: number): boolean {
  let heard = 0;
  for (const peer of master.sentinels.values()) if (peer.lastHelloTime > since) heard++;
  return heard >= peersForMajority(master);
}

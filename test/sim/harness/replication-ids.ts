/**
 * Replication ids of the fake Redis as redis-server 7.0.15 keeps them (a loopback run of three
 * servers shows each step; docs/COMPATIBILITY.md, "Replica identity before promotion"):
 *
 * - SLAVEOF NO ONE, or a master's restart with its data, starts a new id and keeps the old one as
 *   master_replid2 up to second_repl_offset = offset + 1 (shiftReplicationId, loadDataFromDisk);
 * - a sync is a PSYNC continuation when the upstream's history holds our id at our offset + 1
 *   (its id, or its replid2 up to second_repl_offset) and we are not ahead of it: a new id moves
 *   ours to master_replid2; otherwise a full resync takes the upstream's id and offset and clears
 *   master_replid2 (masterTryPartialResynchronization, clearReplicationId2);
 * - a replica whose upstream changes id syncs again the same way (Redis drops its replicas).
 */
export const ZERO_ID = "0".repeat(40);

export interface ReplIds {
  replId: string;
  replId2: string;
  /** second_repl_offset: the first offset outside replId2's history, -1 without one. */
  secondOffset: number;
  offset: number;
}

/** shiftReplicationId: `fresh` becomes the id, the current one replId2 up to here. */
export function shiftIds(ids: ReplIds, fresh: string): void {
  ids.replId2 = ids.replId;
  ids.secondOffset = ids.offset + 1;
  ids.replId = fresh;
}

/**
 * A (re)sync of `replica` with `upstream`, whose offset one replication step ago is `upstreamLagged`
 * (what a full resync copies). True for a continuation: the caller copies the offset, with its lag.
 */
export function syncIds(replica: ReplIds, upstream: ReplIds, upstreamLagged: number): boolean {
  const next = replica.offset + 1;
  const onHistory =
    replica.replId === upstream.replId ||
    (replica.replId === upstream.replId2 && next <= upstream.secondOffset);
  if (onHistory && replica.offset <= upstream.offset) {
    if (replica.replId !== upstream.replId) {
      replica.replId2 = replica.replId;
      replica.secondOffset = next;
      replica.replId = upstream.replId;
    }
    return true;
  }
  replica.replId = upstream.replId;
  replica.replId2 = ZERO_ID;
  replica.secondOffset = -1;
  replica.offset = upstreamLagged;
  return false;
}

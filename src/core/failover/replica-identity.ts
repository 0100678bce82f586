/**
 * Replica identity before promotion (Vigil): a replica is promotable only if its INFO shows it
 * on this master's replication history — its `master_replid` is one the master's INFO showed
 * (state.ts: MasterState.replHistory) and, for an id the master keeps only as `master_replid2`,
 * its offset is before `second_repl_offset` (the point where the master's history left it; the
 * PSYNC rule). A replica re-pointed at another master, or wiped and resynced elsewhere, follows
 * another id and is excluded with the reason word `replid-mismatch`, and so is a replica that
 * reports role master (an old master back, or one promoted by hand): it replicates nothing, and
 * "promoting" it would change nothing on it — unless our master itself reports that it
 * replicates from that replica (a switch made by hand, the old master re-pointed under the new
 * one): that replica already is the master, and the failover only acknowledges it, as Redis's
 * does. Otherwise nothing is decided while the master's history or the replica's id is unknown
 * (no INFO yet, or a server too old to say).
 */
import type { CoreContext } from "../model/context.js";
import { instanceText } from "../records/instance-text.js";
import type { MasterState, ReplicaState, SentinelState } from "../model/state.js";
import { sameAddr } from "../records/hosts.js";

export const REPLID_MISMATCH = "replid-mismatch" as const;

/** True when the replica's INFO places it on the master's history (or either is unknown). */
export function sharesMasterHistory(
  state: SentinelState,
  master: MasterState,
  replica: ReplicaState,
): boolean {
  // Replicating nothing: a SLAVEOF NO ONE would change nothing on it (monitor/superseded-master.ts).
  if (replica.roleReported === "master") return masterFollows(state, master, replica);
  if (master.replHistory.size === 0 || replica.replId === "") return true;
  if (!master.replHistory.has(replica.replId)) return false;
  const end = master.replHistory.get(replica.replId) ?? null;
  // PSYNC accepts an offset + 1 up to second_repl_offset.
  return end === null || replica.slaveReplOffset < end;
}

/** Our master reports role slave of this replica's address (sentinelAddrOrHostnameEqual). */
function masterFollows(state: SentinelState, master: MasterState, replica: ReplicaState): boolean {
  const followed = { ip: master.slaveMasterHost, port: master.slaveMasterPort };
  return master.roleReported === "slave" && sameAddr(state, followed, replica.addr);
}

/** Why, in words (the selection's `words`, SENTINEL WHY). */
export function replidMismatchWords(master: MasterState, replica: ReplicaState): string {
  const known = [...master.replHistory]
    .map(([id, end]) => (end === null ? id : `${id} before ${end}`))
    .join(", ");
  const role = replica.roleReported === "master" ? "reports role master, " : "";
  return `${role}replid ${replica.replId} offset ${replica.slaveReplOffset}; the master's history: ${known}`;
}

/** The log line for a replica left out for its history. */
export function replidMismatchText(
  ctx: CoreContext,
  master: MasterState,
  replica: ReplicaState,
): string {
  return (
    `${instanceText(ctx.state, replica, master)} not promotable: ${REPLID_MISMATCH} ` +
    `(${replidMismatchWords(master, replica)})`
  );
}

/** Logs every replica of `master` the identity rule keeps out (at the selection's decision). */
export function logReplidMismatches(ctx: CoreContext, master: MasterState): void {
  for (const replica of master.replicas.values()) {
    if (!sharesMasterHistory(ctx.state, master, replica)) {
      ctx.out.log("warning", replidMismatchText(ctx, master, replica));
    }
  }
}

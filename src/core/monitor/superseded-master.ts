/**
 * Whether a replica record that reports role master is provably a master the failover left behind
 * (Vigil; docs/COMPATIBILITY.md, "A returning old master is converted at once"). Redis converts
 * such a replica only after it has reported master, and had no SDOWN start, for four hello periods
 * (8 s; info-refresh.ts), so that a newer configuration naming it master can arrive first. The
 * replication ids prove what the wait only makes likely:
 *
 * - our master reports `master_replid2` = X: it was promoted (SLAVEOF NO ONE, or FAILOVER) while
 *   replicating the history X, so that promotion came after the master of X took X;
 * - the replica reports role master with `master_replid` = X: it is that master, still on X. Had
 *   it become a replica since (of our master or of anyone), it would have taken its upstream's id;
 *   had it been promoted again since, it would have a fresh id.
 *
 * So its mastership predates our master's promotion, and no later promotion made it a master:
 * a newer configuration cannot name it master because of a promotion (the one hole, shared with
 * Redis's wait, is a SLAVEOF NO ONE sent to it while it still was a master, which changes nothing
 * on the server). Converting it to a replica of our master is what every sentinel holding a
 * configuration at least as new as ours would do.
 */
import type { MasterState, ReplicaState } from "../model/state.js";

/** The `master_replid2` of a server that has no second replication id. */
export const NO_REPLID = "0000000000000000000000000000000000000000";

export function supersededByMaster(master: MasterState, replica: ReplicaState): boolean {
  const id = replica.replId;
  return (
    replica.roleReported === "master" &&
    master.roleReported === "master" &&
    id !== "" &&
    id !== NO_REPLID &&
    master.replId2 === id &&
    master.replId !== id
  );
}

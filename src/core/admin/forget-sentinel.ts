/**
 * SENTINEL FORGET-SENTINEL <master> <runid> (Vigil): forget one peer of one master, as SENTINEL
 * RESET forgets all of them (sentinel.c: sentinelResetMaster) but keeping the replicas, the
 * other peers and any failover. The configuration is flushed before the reply, so the peer's
 * `known-sentinel` line is gone from the file; like after a RESET, the peer comes back (with
 * `+sentinel`) only if a hello of it arrives again, i.e. while it still runs and watches the
 * master. Vigil never forgets a peer by itself: a peer silent for a long partition still counts
 * in the majority, which keeps the minority side from electing a leader.
 */
import type { CoreContext } from "../model/context.js";
import { instanceText } from "../records/instance-text.js";
import { removePeer } from "../records/instances.js";
import type { AdminResult } from "../model/ready.js";
import type { MasterState } from "../model/state.js";

export function forgetSentinel(ctx: CoreContext, master: MasterState, runId: string): AdminResult {
  const peer = master.sentinels.get(runId);
  if (peer === undefined) {
    return { kind: "error", message: `ERR No sentinel with run id '${runId}' for this master` };
  }
  ctx.out.event("-sentinel", instanceText(ctx.state, peer, master), master.name);
  removePeer(ctx, master, runId);
  ctx.out.flush();
  return { kind: "ok" };
}

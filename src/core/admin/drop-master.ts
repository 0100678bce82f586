/**
 * SENTINEL RESET <pattern> and SENTINEL REMOVE <name> (docs/PROTOCOL.md §9.2; sentinel.c:
 * sentinelResetMastersByPattern, SENTINEL REMOVE): a master's record forgets what it learnt, or
 * goes, whatever failover it is in. Vigil: a coordinated failover in `wait_promotion` may still
 * hold the master's writes with our CLIENT PAUSE and its own FAILOVER; the record's reset or
 * release closes its link, so FAILOVER ABORT and CLIENT UNPAUSE are queued on it first
 * (abortMasterHandover; the shell writes them before the close: resp-link.ts). Replies and
 * events are Redis's: `:<count>` with `+reset-master`, `+OK` with `-monitor`, no abort event.
 */
import type { CoreContext } from "../model/context.js";
import { globMatch } from "../basics/glob.js";
import { abortMasterHandover } from "../failover/coordinated.js";
import { instanceText } from "../records/instance-text.js";
import { releaseMaster } from "../records/instances.js";
import { resetMasterRecord } from "../records/reset-master.js";
import type { MasterState } from "../model/state.js";

/** SENTINEL RESET of one master: peers are forgotten too, and `+reset-master` is published. */
function resetMaster(ctx: CoreContext, master: MasterState): void {
  abortMasterHandover(ctx, master, "ended by SENTINEL RESET");
  resetMasterRecord(ctx, master, { keepPeers: false });
  ctx.out.event("+reset-master", instanceText(ctx.state, master, master), master.name);
}

/** sentinel.c: sentinelResetMastersByPattern — names matched case-sensitively. */
export function resetMastersByPattern(ctx: CoreContext, pattern: string): number {
  let count = 0;
  for (const master of [...ctx.state.masters.values()]) {
    if (!globMatch(pattern, master.name)) continue;
    resetMaster(ctx, master);
    count++;
  }
  return count;
}

/** SENTINEL REMOVE: `-monitor`, the record and its links released, the configuration flushed. */
export function removeMaster(ctx: CoreContext, master: MasterState): void {
  ctx.out.event("-monitor", instanceText(ctx.state, master, master), master.name);
  abortMasterHandover(ctx, master, "ended by SENTINEL REMOVE");
  releaseMaster(ctx, master);
  ctx.state.masters.delete(master.name);
  ctx.out.flush();
}

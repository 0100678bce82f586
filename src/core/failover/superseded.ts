/**
 * Vigil: a configuration of the master in our failover's epoch or a later one, known before our
 * promotion is confirmed, ends the failover (docs/COMPATIBILITY.md, "A newer configuration ends
 * our failover"; docs/PROTOCOL.md §4.3 step 5, §7.4). The confirmation would set the config epoch
 * to our failover epoch: back below the epoch we know, or a second configuration in that epoch.
 * sentinel.c takes such an epoch silently when the hello names the master's record address
 * (sentinelProcessHelloMessage) and lowers it at the promotion (sentinelRefreshInstanceInfo).
 */
import type { Epoch } from "../basics/epoch.js";
import type { CoreContext } from "../model/context.js";
import { FAILOVER_STATES } from "../model/state.js";
import type { MasterState, PeerState } from "../model/state.js";
import { instanceText } from "../records/instance-text.js";
import { abortFailover } from "./abort.js";
import { abortMasterHandover } from "./coordinated.js";

const LAST_ABORTABLE = FAILOVER_STATES.indexOf("wait_promotion");

/** Whether our failover, not yet promoted, is superseded by a configuration of `configEpoch`. */
export function failoverSuperseded(master: MasterState, configEpoch: Epoch): boolean {
  return (
    master.flags.has("failover_in_progress") &&
    FAILOVER_STATES.indexOf(master.failoverState) <= LAST_ABORTABLE &&
    configEpoch >= master.failoverEpoch
  );
}

/**
 * Ends the failover: `+config-update-from` on the peer whose hello carried the configuration
 * (none when it was already ours), `-failover-abort-newer-config` on the master. A replica that
 * already got our SLAVEOF NO ONE reports role master and is converted back as after any abort.
 */
export function abortSupersededFailover(
  ctx: CoreContext,
  master: MasterState,
  from: PeerState | null,
): void {
  if (from !== null) {
    ctx.out.event("+config-update-from", instanceText(ctx.state, from, master), master.name);
  }
  ctx.out.event(
    "-failover-abort-newer-config",
    instanceText(ctx.state, master, master),
    master.name,
  );
  abortMasterHandover(ctx, master, "superseded by a newer configuration");
  abortFailover(ctx, master);
}

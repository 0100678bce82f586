/**
 * Sending the reconfiguration transaction of docs/PROTOCOL.md §7.5 (MULTI / SLAVEOF / CONFIG
 * REWRITE / CLIENT KILL TYPE normal / CLIENT KILL TYPE pubsub / EXEC) to a Redis node.
 * sentinel.c: sentinelSendSlaveOf. The shell pipelines the whole transaction as one command and
 * answers it with one `command-done`, so it counts as one pending command on the link.
 */
import type { Addr } from "../basics/addr.js";
import type { CoreContext } from "../model/context.js";
import { announceHostForCommand } from "../records/hosts.js";
import type { MasterState, ReplicaState } from "../model/state.js";

/** `target` null = SLAVEOF NO ONE. */
export function sendReplicaOf(
  ctx: CoreContext,
  instance: MasterState | ReplicaState,
  target: Addr | null,
): void {
  // SLAVEOF <host> as announced (sentinel.c: sentinelSendSlaveOf uses announceSentinelAddr).
  ctx.out.command({
    type: "replicaof",
    link: instance.link.id,
    target:
      target === null ? null : { ip: announceHostForCommand(ctx.state, target), port: target.port },
  });
  instance.link.pendingCommands++;
}

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

/**
 * `target` null = SLAVEOF NO ONE. Valkey 9 puts FAILOVER ABORT first when the instance reports
 * a FAILOVER of its own in progress (SLAVEOF is refused during one).
 */
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
    ...(instance.serverFailoverState === "in-progress" ? { abortFailover: true } : {}),
  });
  instance.link.pendingCommands++;
}

/**
 * Any other MULTI … EXEC transaction (the coordinated failover's, failover-coordinated.ts): each
 * step is a command and its arguments; the shell maps names through rename-command, pipelines
 * MULTI, the steps and EXEC, and answers with one `command-done`.
 */
export function sendTransaction(
  ctx: CoreContext,
  instance: MasterState | ReplicaState,
  steps: readonly (readonly string[])[],
): void {
  ctx.out.command({ type: "transaction", link: instance.link.id, steps });
  instance.link.pendingCommands++;
}

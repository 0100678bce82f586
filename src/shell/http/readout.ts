/**
 * What the HTTP handlers may read of the running sentinel: the core's state and the shell's
 * counters, in memory. `sentinelReply` runs a read-only SENTINEL subcommand (MASTERS, MASTER,
 * REPLICAS, SENTINELS, CKQUORUM) through the command layer, so the HTTP views say exactly
 * what the RESP replies say.
 */
import type { LagSnapshot } from "../../commands/lag-histogram.js";
import type { ScriptCounters } from "../../commands/info-sentinel.js";
import { sentinelCommand } from "../../commands/sentinel.js";
import type { SentinelState } from "../../core/index.js";
import type { Reply } from "../../protocol/reply.js";
import { R } from "../../protocol/reply.js";

export interface SentinelReadout {
  readonly state: () => SentinelState;
  /** Monotonic milliseconds, the core's clock. */
  readonly now: () => number;
  readonly scripts: () => ScriptCounters;
  /** The event-loop lag histogram the RESP server keeps for INFO (null before it started). */
  readonly lag: () => LagSnapshot | null;
}

export function sentinelReply(readout: SentinelReadout, args: readonly string[]): Reply {
  const outcome = sentinelCommand(args, {
    now: readout.now(),
    state: readout.state(),
    protocol: 3,
    isExecutable: () => false,
    pendingScripts: [],
  });
  // Only read-only subcommands are asked for: they never need the core.
  return outcome.kind === "reply" ? outcome.reply : R.error("ERR not a read-only subcommand");
}

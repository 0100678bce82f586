/**
 * The `wait_start` state (sentinel-protocol §7.2; sentinel.c: sentinelFailoverWaitStart): each
 * tick, count the votes for our failover epoch. Elected (or forced by SENTINEL FAILOVER) → go on
 * to replica selection; otherwise give up once the election timeout has passed.
 */
import type { CoreContext } from "./context.js";
import { getLeader } from "./election.js";
import { abortFailover } from "./failover-abort.js";
import { instanceText } from "./instance-text.js";
import type { MasterState } from "./state.js";

/** SENTINEL SIMULATE-FAILURE crash-after-election, and the exit code Redis uses for it. */
export const SIMFAILURE_CRASH_AFTER_ELECTION = 1;
export const SIMFAILURE_CRASH_AFTER_PROMOTION = 2;
export const SIMFAILURE_EXIT_CODE = 99;

export function failoverWaitStart(ctx: CoreContext, master: MasterState): void {
  const leader = getLeader(ctx, master, master.failoverEpoch);
  const isLeader = leader !== null && leader.toLowerCase() === ctx.state.myId.toLowerCase();

  if (!isLeader && !master.flags.has("force_failover")) {
    const electionTimeout = Math.min(
      ctx.state.timing.electionTimeout,
      master.settings.failoverTimeout,
    );
    if (ctx.now - master.failoverStartTime > electionTimeout) {
      ctx.out.event("-failover-abort-not-elected", instanceText(master, master), master.name);
      abortFailover(ctx, master);
    }
    return;
  }

  ctx.out.event("+elected-leader", instanceText(master, master), master.name);
  if ((ctx.state.simulateFailureFlags & SIMFAILURE_CRASH_AFTER_ELECTION) !== 0) {
    ctx.out.exit(SIMFAILURE_EXIT_CODE);
    return;
  }
  master.failoverState = "select_slave";
  master.failoverStateChangeTime = ctx.now;
  ctx.out.event("+failover-state-select-slave", instanceText(master, master), master.name);
}

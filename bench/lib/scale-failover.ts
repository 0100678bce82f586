// The scale benchmark's failover of master-0 (scale.ts): its short down-after set on every
// sentinel just before, then one SIGKILL timed by failover-probe.ts while every other master
// stays monitored.
import { timeFailover } from "./failover-probe.js";
import type { Farm } from "./scale-farm.js";
import type { ScaleResult } from "./scale-result.js";
import type { SentinelGroup } from "./sentinel-group.js";

export async function failoverMaster0(
  group: SentinelGroup,
  farm: Farm,
  downAfterMs: number,
  failoverWaitS: number,
): Promise<ScaleResult["failover"]> {
  const master = farm.masters[0];
  const replica = farm.replica0;
  if (master === undefined || replica === null) throw new Error("farm has no master-0 pair");
  try {
    // master-0 gets its short down-after only now: with it from the start, a sentinel that
    // stalls for a second while it discovers a thousand masters (redis-sentinel fsyncs its
    // config for each) fails over a live master-0 before the kill.
    for (const sentinel of group.sentinels) {
      const reply = await sentinel.command(
        ["SENTINEL", "SET", "master-0", "down-after-milliseconds", downAfterMs],
        15_000,
      );
      if (reply !== "OK") throw new Error(`SENTINEL SET on :${sentinel.port}: ${String(reply)}`);
    }
    const timing = await timeFailover(
      group.sentinels,
      master,
      "master-0",
      replica.port,
      failoverWaitS * 1_000,
    );
    if (timing.detail !== undefined) console.error(`${group.impl}: ${timing.detail}`);
    return timing;
  } catch (error: unknown) {
    const detail = error instanceof Error ? error.message : String(error);
    console.error(`${group.impl}: failover measurement failed: ${detail}`);
    return { status: "error", detail };
  }
}

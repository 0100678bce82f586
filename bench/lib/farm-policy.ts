// CPU scheduling of the scale bench's farm. On 2 cores a thousand redis-servers and this
// process's FakeReplicas keep both CPUs busy, and a sentinel woken by a reply then waits behind
// them: under Linux's EEVDF scheduler a lower priority (nice) shrinks their share but not that
// wait, since a running task keeps the CPU until its slice ends. SCHED_IDLE tasks give way at
// once, so the farm runs under it and the sentinels under test under SCHED_OTHER: their lag is
// then their own, not the machine's. chrt(1) is util-linux's; leaving SCHED_IDLE needs root.
import { execFileSync } from "node:child_process";

export type Policy = "idle" | "other";

/** Sets the policy of every thread of `pid` (children started later inherit it). */
export function setPolicy(pid: number, policy: Policy): void {
  execFileSync("chrt", ["--all-tasks", `--${policy}`, "--pid", "0", String(pid)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
}

/** The launcher (SentinelOptions.launcher) that starts a process under SCHED_OTHER. */
export const NORMAL_POLICY_LAUNCHER: readonly string[] = ["chrt", "--other", "0"];

/** The niceness the farm runs at under --farm-policy nice. */
export const FARM_NICE = 10;

/**
 * Sets the niceness of `pid`'s main thread (children forked later inherit it). Under
 * --farm-policy nice the farm runs at FARM_NICE and the sentinels, master-0 and its replica at 0:
 * on a machine loaded by others, a SCHED_IDLE farm can starve for longer than down-after.
 */
export function setNice(pid: number, nice: number): void {
  execFileSync("renice", ["-n", String(nice), "-p", String(pid)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
}

/** The launcher that starts a sentinel at niceness 0 from a farm at FARM_NICE. */
export const UNNICE_LAUNCHER: readonly string[] = ["nice", "-n", String(-FARM_NICE)];

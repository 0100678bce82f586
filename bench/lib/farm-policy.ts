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

/**
 * The launcher that starts a sentinel under SCHED_FIFO at the lowest real-time priority
 * (--sentinel-policy rt in bench:scale): it takes a CPU as soon as it wakes, ahead of every
 * SCHED_OTHER task, so its event-loop lag is what the program itself holds the loop for (its
 * batches, its GC), not the wait for a CPU on a machine loaded by others. The kernel's real-time
 * throttling (sched_rt_runtime_us) still leaves the others 5 % of each CPU. Needs root.
 */
export const REALTIME_LAUNCHER: readonly string[] = ["chrt", "--fifo", "1"];

/**
 * The prefix that starts a sentinel in a session of its own (--sentinel-policy session in
 * bench:scale). With autogroup scheduling (/proc/sys/kernel/sched_autogroup_enabled), every
 * session shares one CPU share: a sentinel started in the bench's session competes with the
 * farm the bench runs there, as one task among all other sessions of the machine. In a
 * session of its own it gets a share of its own, as a service in its own cgroup does. setsid(1)
 * execs (the bench's children are not group leaders): the pid stays the sentinel's.
 */
export const OWN_SESSION_LAUNCHER: readonly string[] = ["setsid"];

/** --sentinel-policy of bench:scale. */
export type SentinelPolicy = "normal" | "session" | "rt";

/**
 * The command prefix every sentinel starts through: at normal priority beside a farm under
 * SCHED_IDLE (`farmIdle`) or at nice 10 (`farmNice`), in a session of its own, or real-time.
 */
export function sentinelLauncher(
  policy: SentinelPolicy,
  farmIdle: boolean,
  farmNice: boolean,
): readonly string[] | undefined {
  if (policy === "rt") return REALTIME_LAUNCHER;
  const base = farmIdle ? NORMAL_POLICY_LAUNCHER : farmNice ? UNNICE_LAUNCHER : undefined;
  if (policy !== "session") return base;
  return [...OWN_SESSION_LAUNCHER, ...(base ?? [])];
}

/**
 * rt measures one sentinel at a time: three real-time sentinels discovering 1000 masters took
 * both CPUs, the farm starved, its masters stopped answering, redis-sentinel went into TILT and
 * Vigil did not answer INFO within 15 s.
 */
export function checkSentinelPolicy(policy: SentinelPolicy, maxSentinels: number): void {
  if (policy === "rt" && maxSentinels > 1) {
    throw new Error("--sentinel-policy rt measures one sentinel at a time (--sentinels 1)");
  }
}

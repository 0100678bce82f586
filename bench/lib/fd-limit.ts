// The scale benchmark's open-file budget: the soft limit this process (and so its children)
// has, and the check that fails early when a farm and its sentinels would run out.
import fs from "node:fs";

/** Soft RLIMIT_NOFILE of this process (children inherit it), from /proc/self/limits. */
export function softFdLimit(): number {
  const line = fs
    .readFileSync("/proc/self/limits", "utf8")
    .split("\n")
    .find((l) => l.startsWith("Max open files"));
  const soft = line?.split(/\s+/)[3];
  return soft === undefined || soft === "unlimited" ? Infinity : Number(soft);
}

/**
 * Fails early when file descriptors would run out. This process holds, per FakeReplica, its
 * listening socket, its replication link and 2 links from each sentinel (fake masters live in
 * workers, as many as their descriptors need: scale-farm.ts); a sentinel holds 2 links to each
 * master and each replica, plus its peers and clients.
 */
export function checkFdLimit(
  maxSize: number,
  maxSentinels: number,
  fakes: boolean,
  fakeReplicas: boolean,
): void {
  const limit = softFdLimit();
  const bench = fakes ? 256 : maxSize * (2 + 2 * maxSentinels) + 256;
  const instances = fakes && !fakeReplicas ? maxSize + 1 : maxSize * 2;
  const sentinel = instances * 2 + maxSentinels * 4 + 128;
  if (Math.max(bench, sentinel) > limit)
    throw new Error(
      `open-file limit ${limit} is too low for ${maxSize} masters × ${maxSentinels} sentinels (needs ~${Math.max(bench, sentinel)}): raise ulimit -n`,
    );
}

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

/** Descriptors a sentinel holds besides its links: Vigil 22 of its own (epoll, eventfds, pipes,
 * stdio, log; redis-sentinel 10), the bench's clients (≤ 8 at once) and a config rewrite's 2. */
const SENTINEL_OWN_FDS = 34;

/** Instances (masters and replicas) a sentinel links to: with fake masters and no fake replicas,
 * every master and master-0's real replica. */
function instancesOf(size: number, fakes: boolean, fakeReplicas: boolean): number {
  return fakes && !fakeReplicas ? size + 1 : size * 2;
}

/** Descriptors one of `sentinels` sentinels holds: 2 links per instance, peers, its own. */
export function sentinelFds(
  size: number,
  sentinels: number,
  fakes: boolean,
  fakeReplicas: boolean,
): number {
  return instancesOf(size, fakes, fakeReplicas) * 2 + sentinels * 4 + SENTINEL_OWN_FDS;
}

/**
 * Fails early when file descriptors would run out. This process holds, per FakeReplica, its
 * listening socket, its replication link and 2 links from each sentinel (fake masters live in
 * workers, as many as their descriptors need: scale-farm.ts); a sentinel holds 2 links to each
 * master and each replica, plus its peers, its own descriptors and clients (sentinelFds). Under
 * a hard limit of 20,000 that allows 9,980 masters with --fake-replicas no and one sentinel.
 */
export function checkFdLimit(
  maxSize: number,
  maxSentinels: number,
  fakes: boolean,
  fakeReplicas: boolean,
): void {
  const limit = softFdLimit();
  const bench = fakes ? 256 : maxSize * (2 + 2 * maxSentinels) + 256;
  const sentinel = sentinelFds(maxSize, maxSentinels, fakes, fakeReplicas);
  if (Math.max(bench, sentinel) > limit)
    throw new Error(
      `open-file limit ${limit} is too low for ${maxSize} masters × ${maxSentinels} sentinels (needs ~${Math.max(bench, sentinel)}): raise ulimit -n`,
    );
}

/**
 * `maxclients` for redis-sentinel (scale.ts --redis-maxclients; null: none). Its event loop takes descriptors below maxclients + 128 only (server.c:
 * CONFIG_FDSET_INCR), and maxclients defaults to 10,000: a link on a higher descriptor is never
 * polled. auto: where a sentinel needs more, `maxclients` as high as the open-file limit allows (the
 * limit less the 32 descriptors Redis reserves, what Redis itself lowers it to); null: none
 * needed.
 */
export function redisMaxClients(
  option: "auto" | "default" | number,
  size: number,
  sentinels: number,
  fakes: boolean,
  fakeReplicas: boolean,
): number | null {
  if (typeof option === "number") return option;
  if (option === "default" || sentinelFds(size, sentinels, fakes, fakeReplicas) < 10_000 + 128)
    return null;
  const limit = softFdLimit();
  return Number.isFinite(limit) ? limit - 32 : 65_536;
}

/** scale.ts --redis-maxclients: auto (redisMaxClients), default (none set) or a number. */
export function maxClientsOption(value: string): "auto" | "default" | number {
  if (value === "auto" || value === "default") return value;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--redis-maxclients: ${value}`);
  return n;
}

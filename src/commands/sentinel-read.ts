/**
 * The read-only SENTINEL subcommands: answered from the state at once, never through the core.
 * `args` is the whole SENTINEL argument list (args[0] is the subcommand); arity is already checked.
 */
import type { MasterState } from "../core/index.js";
import { announceHost, currentMasterAddress, infoTextBytes, quorumReach } from "../core/index.js";
import type { Reply } from "../protocol/reply.js";
import { R } from "../protocol/reply.js";
import { masterFields, peerFields, replicaFields } from "./instance-fields.js";
import { NO_SUCH_MASTER } from "./sentinel-parse.js";
import type {
  PendingScriptView,
  SentinelCommandEnv,
  SentinelCommandOutcome,
} from "./sentinel-types.js";
import { replyOutcome } from "./sentinel-types.js";

/** Looks up args[1] as a master name, or answers Redis's error. */
export function withMaster(
  args: readonly string[],
  env: SentinelCommandEnv,
  then: (master: MasterState) => SentinelCommandOutcome,
): SentinelCommandOutcome {
  const master = env.state.masters.get(args[1] ?? "");
  return master === undefined ? replyOutcome(R.error(NO_SUCH_MASTER)) : then(master);
}

export function mastersCommand(
  _args: readonly string[],
  env: SentinelCommandEnv,
): SentinelCommandOutcome {
  const maps = [...env.state.masters.values()].map((m) =>
    R.bulkMap(masterFields(env.state, m, env.now)),
  );
  return replyOutcome(R.array(maps));
}

export function masterCommand(
  args: readonly string[],
  env: SentinelCommandEnv,
): SentinelCommandOutcome {
  return withMaster(args, env, (m) => replyOutcome(R.bulkMap(masterFields(env.state, m, env.now))));
}

/** Replicas whose INFO says replica_announced:0 are managed but not listed (addReplyDictOfRedisInstances). */
export function replicasCommand(
  args: readonly string[],
  env: SentinelCommandEnv,
): SentinelCommandOutcome {
  return withMaster(args, env, (m) => {
    const listed = [...m.replicas.values()].filter((r) => r.replicaAnnounced);
    return replyOutcome(
      R.array(listed.map((r) => R.bulkMap(replicaFields(env.state, r, m, env.now)))),
    );
  });
}

export function sentinelsCommand(
  args: readonly string[],
  env: SentinelCommandEnv,
): SentinelCommandOutcome {
  return withMaster(args, env, (m) => {
    const peers = [...m.sentinels.values()];
    return replyOutcome(R.array(peers.map((p) => R.bulkMap(peerFields(env.state, p, m, env.now)))));
  });
}

export function getMasterAddrCommand(
  args: readonly string[],
  env: SentinelCommandEnv,
): SentinelCommandOutcome {
  const master = env.state.masters.get(args[1] ?? "");
  if (master === undefined) return replyOutcome(R.nullArray());
  const addr = currentMasterAddress(master);
  const host = announceHost(env.state, addr);
  return replyOutcome(R.array([R.bulk(host), R.bulk(String(addr.port))]));
}

export function myIdCommand(
  _args: readonly string[],
  env: SentinelCommandEnv,
): SentinelCommandOutcome {
  return replyOutcome(R.bulk(env.state.myId));
}

/** sentinel.c: sentinelIsQuorumReachable — usable = 1 + peers not SDOWN/ODOWN (core: quorumReach). */
export function ckquorumCommand(
  args: readonly string[],
  env: SentinelCommandEnv,
): SentinelCommandOutcome {
  return withMaster(args, env, (m) => {
    const { usable, quorum, majority } = quorumReach(m);
    const noQuorum = usable < quorum;
    const noAuth = usable < majority;
    if (!noQuorum && !noAuth) {
      return replyOutcome(
        R.simple(`OK ${usable} usable Sentinels. Quorum and failover authorization can be reached`),
      );
    }
    const reasons: string[] = [];
    if (noQuorum)
      reasons.push("Not enough available Sentinels to reach the specified quorum for this master");
    if (noAuth)
      reasons.push("Not enough available Sentinels to reach the majority and authorize a failover");
    return replyOutcome(R.error(`NOQUORUM ${usable} usable Sentinels. ${reasons.join(". ")}`));
  });
}

function infoEntry(age: number, text: Uint8Array | null): Reply {
  return R.array([R.integer(age), text === null ? R.null() : R.bulk(text)]);
}

/**
 * `[name, [[age, info|null] master first, replicas…], …]`; unknown and repeated names skipped.
 * Quirk kept from sentinel.c: a replica's age is 0 while the master never answered INFO.
 */
export function infoCacheCommand(
  args: readonly string[],
  env: SentinelCommandEnv,
): SentinelCommandOutcome {
  const names = [...new Set(args.slice(1))];
  const items: Reply[] = [];
  for (const name of names) {
    const m = env.state.masters.get(name);
    if (m === undefined) continue;
    const masterSeen = m.infoRefresh !== 0;
    const entries = [infoEntry(masterSeen ? env.now - m.infoRefresh : 0, infoTextBytes(m))];
    for (const r of m.replicas.values())
      entries.push(infoEntry(masterSeen ? env.now - r.infoRefresh : 0, infoTextBytes(r)));
    items.push(R.bulk(m.name), R.array(entries));
  }
  return replyOutcome(R.array(items));
}

function pendingScriptMap(job: PendingScriptView): Reply {
  const timing: readonly [string, number] = job.running
    ? ["run-time", job.runTimeMs]
    : ["run-delay", job.runDelayMs];
  return R.map([
    [R.bulk("argv"), R.array(job.argv.map((a) => R.bulk(a)))],
    [R.bulk("flags"), R.bulk(job.running ? "running" : "scheduled")],
    [R.bulk("pid"), R.bulk(String(job.pid))],
    [R.bulk(timing[0]), R.bulk(String(timing[1]))],
    [R.bulk("retry-num"), R.bulk(String(job.retryNum))],
  ]);
}

export function pendingScriptsCommand(
  _args: readonly string[],
  env: SentinelCommandEnv,
): SentinelCommandOutcome {
  return replyOutcome(R.array(env.pendingScripts.map(pendingScriptMap)));
}

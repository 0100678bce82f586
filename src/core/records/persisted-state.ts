/**
 * What survives a restart (docs/PROTOCOL.md §10.1, §10.3; sentinel.c: sentinelHandleConfiguration
 * for loading, rewriteConfigSentinelOption for the flush). The snapshot is the whole
 * PersistedState; the shell's rewriter turns it into `sentinel …` lines.
 *
 * During our failover, from reconf_slaves on, the promoted replica's address is the one
 * monitored and the old master's address takes its place in the known-replica list, so a crash
 * at that point restarts with the new topology.
 */
import { addrEquals } from "../basics/addr.js";
import type { Addr } from "../basics/addr.js";
import type { CoreContext } from "../model/context.js";
import type { MasterConfig, PersistedState, SentinelConfig } from "../model/config.js";
import { createMaster, createPeer, createReplica } from "./instances.js";
import { addrKey } from "../basics/addr.js";
import { currentMasterAddress } from "./instance-text.js";
import type { MasterState, SentinelState } from "../model/state.js";

/**
 * The MasterConfig last built for each master. A flush (before every vote reply) snapshots every
 * master, and the rewriter renders each MasterConfig it has not rendered yet (conf-rewriter.ts):
 * at a thousand masters, building and rendering them all again took 40-70 ms of the voter's
 * reply on a loaded 2-core machine, for the one or two masters a vote or a failover changes
 * (issue #18). So an unchanged master's config is the same object as at the last snapshot.
 * Every field a MasterConfig holds is compared: settings by identity (SENTINEL SET replaces
 * the object, admin/set.ts), addresses and ids by value.
 */
const lastConfigs = new WeakMap<MasterState, MasterConfig>();

function masterConfig(master: MasterState): MasterConfig {
  const last = lastConfigs.get(master);
  if (last !== undefined && unchanged(last, master)) return last;
  const built = buildMasterConfig(master);
  lastConfigs.set(master, built);
  return built;
}

function buildMasterConfig(master: MasterState): MasterConfig {
  const addr = currentMasterAddress(master);
  const knownReplicas: Addr[] = [];
  for (const replica of master.replicas.values()) {
    knownReplicas.push(addrEquals(replica.addr, addr) ? master.addr : replica.addr);
  }
  const knownSentinels = [...master.sentinels.values()]
    .filter((peer) => peer.runId !== "")
    .map((peer) => ({ addr: peer.addr, runId: peer.runId }));
  return {
    name: master.name,
    addr,
    settings: master.settings,
    configEpoch: master.configEpoch,
    leaderEpoch: master.leaderEpoch,
    knownReplicas,
    knownSentinels,
  };
}

/** Whether buildMasterConfig(master) would give a config equal to `last`, field by field. */
function unchanged(last: MasterConfig, master: MasterState): boolean {
  const addr = currentMasterAddress(master);
  if (
    last.name !== master.name ||
    last.settings !== master.settings ||
    last.configEpoch !== master.configEpoch ||
    last.leaderEpoch !== master.leaderEpoch ||
    !identical(last.addr, addr) ||
    last.knownReplicas.length !== master.replicas.size
  ) {
    return false;
  }
  let i = 0;
  for (const replica of master.replicas.values()) {
    const known = addrEquals(replica.addr, addr) ? master.addr : replica.addr;
    if (!identical(last.knownReplicas[i++]!, known)) return false;
  }
  i = 0;
  for (const peer of master.sentinels.values()) {
    if (peer.runId === "") continue;
    const known = last.knownSentinels[i++];
    if (known?.runId !== peer.runId || !identical(known.addr, peer.addr)) return false;
  }
  return i === last.knownSentinels.length;
}

/** The same text: addrEquals ignores the case, the file would not. */
function identical(a: Addr, b: Addr): boolean {
  return a.ip === b.ip && a.port === b.port;
}

export function snapshotState(state: SentinelState): PersistedState {
  return {
    myId: state.myId,
    currentEpoch: state.currentEpoch,
    global: state.global,
    masters: [...state.masters.values()].map(masterConfig),
  };
}

/**
 * Builds the masters of a loaded configuration with their known replicas and peers (no events,
 * no flush). A master's config epoch also raises the current epoch.
 */
export function restoreMasters(ctx: CoreContext, config: SentinelConfig): void {
  const state = ctx.state;
  for (const mc of config.masters) {
    if (state.masters.has(mc.name)) continue;
    const master = createMaster(ctx.now, mc.name, mc.addr, mc.settings);
    master.configEpoch = mc.configEpoch;
    master.leaderEpoch = mc.leaderEpoch;
    if (mc.configEpoch > state.currentEpoch) state.currentEpoch = mc.configEpoch;
    state.masters.set(mc.name, master);
    for (const addr of mc.knownReplicas) {
      if (!master.replicas.has(addrKey(addr))) createReplica(ctx, master, addr);
    }
    for (const known of mc.knownSentinels) {
      if (!master.sentinels.has(known.runId)) createPeer(ctx, master, known.addr, known.runId);
    }
  }
}

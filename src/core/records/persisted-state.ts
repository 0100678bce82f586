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
import type {
  KnownSentinel,
  MasterConfig,
  PersistedState,
  SentinelConfig,
} from "../model/config.js";
import { createMaster, createPeer, createReplica } from "./instances.js";
import { addrKey } from "../basics/addr.js";
import { assertNever } from "../basics/assert.js";
import { currentMasterAddress } from "./instance-text.js";
import type { InstanceState, MasterState, SentinelState } from "../model/state.js";

/**
 * The MasterConfig last built for each master. A flush (before every vote reply) snapshots every
 * master, and the rewriter renders each MasterConfig it has not rendered yet (conf-rewriter.ts):
 * at a thousand masters, building and rendering them all again took 40-70 ms of the voter's
 * reply on a loaded 2-core machine, for the one or two masters a vote or a failover changes
 * (issue #18). So an unchanged master's config is the same object as at the last snapshot.
 */
const lastConfigs = new WeakMap<MasterState, MasterConfig>();

function masterConfig(master: MasterState): MasterConfig {
  const addr = currentMasterAddress(master);
  const last = lastConfigs.get(master);
  if (last !== undefined && unchanged(last, master, addr)) return last;
  const built = buildMasterConfig(master, addr);
  lastConfigs.set(master, built);
  return built;
}

function buildMasterConfig(master: MasterState, addr: Addr): MasterConfig {
  return {
    name: master.name,
    addr,
    settings: master.settings,
    configEpoch: master.configEpoch,
    leaderEpoch: master.leaderEpoch,
    knownReplicas: knownReplicas(master, addr),
    knownSentinels: knownSentinels(master),
  };
}

/**
 * Every MasterConfig field, once: the type fails to compile when MasterConfig gains a field this
 * does not name, and sameField's switch when it names one that switch does not compare.
 */
const FIELDS = Object.keys({
  name: true,
  addr: true,
  settings: true,
  configEpoch: true,
  leaderEpoch: true,
  knownReplicas: true,
  knownSentinels: true,
} satisfies Record<keyof MasterConfig, true>) as readonly (keyof MasterConfig)[];

/** Whether buildMasterConfig(master, addr) would give a config equal to `last`. */
function unchanged(last: MasterConfig, master: MasterState, addr: Addr): boolean {
  for (const field of FIELDS) if (!sameField(field, last, master, addr)) return false;
  return true;
}

/** Whether buildMasterConfig would give `field` the value `last` has, without building it. */
function sameField(
  field: keyof MasterConfig,
  last: MasterConfig,
  master: MasterState,
  addr: Addr,
): boolean {
  switch (field) {
    case "name":
      return last.name === master.name;
    case "addr":
      return identical(last.addr, addr);
    case "settings":
      // SENTINEL SET replaces the object (admin/set.ts).
      return last.settings === master.settings;
    case "configEpoch":
      return last.configEpoch === master.configEpoch;
    case "leaderEpoch":
      return last.leaderEpoch === master.leaderEpoch;
    case "knownReplicas":
      return sameKnownReplicas(last.knownReplicas, master, addr);
    case "knownSentinels":
      return sameKnownSentinels(last.knownSentinels, master);
    default:
      return assertNever(field, "MasterConfig field");
  }
}

/** The promoted replica, monitored from reconf_slaves on, is listed at the old master's address. */
function knownReplicas(master: MasterState, addr: Addr): Addr[] {
  const known: Addr[] = [];
  for (const replica of master.replicas.values()) known.push(knownReplica(master, addr, replica));
  return known;
}

function sameKnownReplicas(last: readonly Addr[], master: MasterState, addr: Addr): boolean {
  if (last.length !== master.replicas.size) return false;
  let i = 0;
  for (const replica of master.replicas.values()) {
    if (!identical(last[i++]!, knownReplica(master, addr, replica))) return false;
  }
  return true;
}

function knownReplica(master: MasterState, addr: Addr, replica: InstanceState): Addr {
  return addrEquals(replica.addr, addr) ? master.addr : replica.addr;
}

/** The peers whose run id we know. */
function knownSentinels(master: MasterState): KnownSentinel[] {
  const known: KnownSentinel[] = [];
  for (const peer of master.sentinels.values()) {
    if (peer.runId !== "") known.push({ addr: peer.addr, runId: peer.runId });
  }
  return known;
}

function sameKnownSentinels(last: readonly KnownSentinel[], master: MasterState): boolean {
  let i = 0;
  for (const peer of master.sentinels.values()) {
    if (peer.runId === "") continue;
    const known = last[i++];
    if (known?.runId !== peer.runId || !identical(known.addr, peer.addr)) return false;
  }
  return i === last.length;
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

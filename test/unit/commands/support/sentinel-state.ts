// Test support: hand-built SentinelState records (through src/core/records/instances.ts, as the core
// builds them) and a SentinelCommandEnv around them, for the SENTINEL command tests.
import type { MasterSettings } from "../../../../src/core/model/config.js";
import {
  DEFAULT_GLOBAL_SETTINGS,
  defaultMasterSettings,
} from "../../../../src/core/model/config.js";
import type { CoreContext } from "../../../../src/core/model/context.js";
import { ReadyBuilder } from "../../../../src/core/model/context.js";
import { createMaster, createPeer, createReplica } from "../../../../src/core/records/instances.js";
import type { Random } from "../../../../src/core/basics/random.js";
import type {
  LinkState,
  MasterState,
  PeerState,
  ReplicaState,
  SentinelState,
} from "../../../../src/core/model/state.js";
import { DEFAULT_TIMING } from "../../../../src/core/model/timing.js";
import type { PendingScriptView, SentinelCommandEnv } from "../../../../src/commands/sentinel.js";

export const MY_ID = "5e1f".padEnd(40, "a");

const fixedRandom: Random = { int: () => 0 };

export function newState(): SentinelState {
  return {
    myId: MY_ID,
    currentEpoch: 0n,
    global: { ...DEFAULT_GLOBAL_SETTINGS },
    timing: { ...DEFAULT_TIMING },
    masters: new Map(),
    tilt: false,
    tiltStartTime: 0,
    totalTilt: 0,
    previousTime: 0,
    previousWallTime: 0,
    simulateFailureFlags: 0,
    linkGen: 0,
    gateClock: 0,
    gateReset: 0,
    hosts: new Map(),
  };
}

export function contextAt(state: SentinelState, now: number): CoreContext {
  return { now, state, random: fixedRandom, out: new ReadyBuilder() };
}

/** Both connections up; no PING pending; last valid reply at `now`. */
export function healthyLink(link: LinkState, now: number): void {
  link.cmdConnected = true;
  link.pubsubConnected = link.needsPubsub;
  link.actPingTime = 0;
  link.lastAvailTime = now;
  link.lastPongTime = now;
}

export function addMaster(
  state: SentinelState,
  now: number,
  name: string,
  addr: { ip: string; port: number },
  settings: Partial<MasterSettings> = {},
): MasterState {
  const master = createMaster(now, name, addr, { ...defaultMasterSettings(2), ...settings });
  healthyLink(master.link, now);
  master.runId = "1".repeat(40);
  master.infoRefresh = now;
  state.masters.set(name, master);
  return master;
}

export function addReplica(
  state: SentinelState,
  now: number,
  master: MasterState,
  addr: { ip: string; port: number },
): ReplicaState {
  const replica = createReplica(contextAt(state, now), master, addr);
  healthyLink(replica.link, now);
  replica.runId = "2".repeat(40);
  replica.infoRefresh = now;
  replica.slaveMasterHost = master.addr.ip;
  replica.slaveMasterPort = master.addr.port;
  replica.slaveMasterLinkStatusUp = true;
  replica.slaveReplOffset = 1234n;
  return replica;
}

export function addPeer(
  state: SentinelState,
  now: number,
  master: MasterState,
  addr: { ip: string; port: number },
  runId: string,
): PeerState {
  const peer = createPeer(contextAt(state, now), master, addr, runId);
  healthyLink(peer.link, now);
  peer.lastHelloTime = now;
  return peer;
}

export function envFor(
  state: SentinelState,
  now: number,
  extra: {
    isExecutable?: (path: string) => boolean;
    pendingScripts?: readonly PendingScriptView[];
    protocol?: 2 | 3;
  } = {},
): SentinelCommandEnv {
  return {
    now,
    state,
    protocol: extra.protocol ?? 2,
    isExecutable: extra.isExecutable ?? (() => false),
    pendingScripts: extra.pendingScripts ?? [],
  };
}

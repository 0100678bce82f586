// The one builder of hand-made SentinelState for the tests: an empty state (newSentinelState,
// the core's own), and records added through src/core/records/instances.ts as the core adds
// them, each healthy as of `now` (both connections up, no PING pending, just heard from).
import type { Addr, MasterSettings, SentinelState } from "../../src/core/index.js";
import { defaultMasterSettings, newSentinelState } from "../../src/core/index.js";
import { ReadyBuilder } from "../../src/core/model/context.js";
import type { CoreContext } from "../../src/core/model/context.js";
import type {
  LinkState,
  MasterState,
  PeerState,
  ReplicaState,
} from "../../src/core/model/state.js";
import { createMaster, createPeer, createReplica } from "../../src/core/records/instances.js";
import type { Random } from "../../src/core/basics/random.js";
import { CyclingRandom } from "./fake-random.js";
import { MY_ID } from "./ids.js";

export function newState(myId = MY_ID): SentinelState {
  return newSentinelState({ myId });
}

/** The context of one core step at `now`. */
export function contextAt(
  state: SentinelState,
  now: number,
  random: Random = new CyclingRandom(),
  out: ReadyBuilder = new ReadyBuilder(),
): CoreContext {
  return { now, state, random, out };
}

export function connect(link: LinkState): void {
  link.cmdConnected = true;
  link.pubsubConnected = link.needsPubsub;
}

export function disconnect(link: LinkState): void {
  link.cmdConnected = false;
  link.pubsubConnected = false;
}

/** Both connections up; no PING pending; last valid reply at `now`. */
export function healthyLink(link: LinkState, now: number): void {
  connect(link);
  link.actPingTime = 0;
  link.lastAvailTime = now;
  link.lastPongTime = now;
}

/** A monitored master, healthy, INFO just read, run id 1111…. */
export function addMaster(
  state: SentinelState,
  now: number,
  name = "mymaster",
  addr: Addr = { ip: "10.0.0.1", port: 6379 },
  settings: Partial<MasterSettings> = {},
): MasterState {
  const master = createMaster(now, name, addr, { ...defaultMasterSettings(2), ...settings });
  healthyLink(master.link, now);
  master.runId = "1".repeat(40);
  master.infoRefresh = now;
  state.masters.set(name, master);
  return master;
}

export type ReplicaFields = Partial<
  Pick<ReplicaState, "runId" | "slavePriority" | "slaveReplOffset">
>;

/**
 * A replica of `master`, healthy, INFO just read and reporting the master with its link up; its
 * run id is made of its address unless given.
 */
export function addReplica(
  state: SentinelState,
  now: number,
  master: MasterState,
  addr: Addr,
  fields: ReplicaFields = {},
): ReplicaState {
  const replica = createReplica(contextAt(state, now), master, addr);
  healthyLink(replica.link, now);
  replica.infoRefresh = now;
  replica.runId = fields.runId ?? `${addr.ip.replaceAll(".", "")}${addr.port}`.padEnd(40, "0");
  replica.slaveMasterHost = master.addr.ip;
  replica.slaveMasterPort = master.addr.port;
  replica.slaveMasterLinkStatusUp = true;
  if (fields.slavePriority !== undefined) replica.slavePriority = fields.slavePriority;
  if (fields.slaveReplOffset !== undefined) replica.slaveReplOffset = fields.slaveReplOffset;
  return replica;
}

/** A peer sentinel of `master`, healthy, its hello just heard. */
export function addPeer(
  state: SentinelState,
  now: number,
  master: MasterState,
  addr: Addr,
  runId: string,
): PeerState {
  const peer = createPeer(contextAt(state, now), master, addr, runId);
  healthyLink(peer.link, now);
  peer.lastHelloTime = now;
  return peer;
}

// Shared fixture of the failover unit tests: builds SentinelState and records by hand (through
// instances.ts), runs decision functions at explicit `now` values and takes the Ready they built.
import { ReadyBuilder } from "../../../src/core/model/context.js";
import type { CoreContext } from "../../../src/core/model/context.js";
import { DEFAULT_GLOBAL_SETTINGS, defaultMasterSettings } from "../../../src/core/model/config.js";
import type { MasterSettings } from "../../../src/core/model/config.js";
import { createMaster, createPeer, createReplica } from "../../../src/core/records/instances.js";
import type { Random } from "../../../src/core/basics/random.js";
import type { Ready } from "../../../src/core/model/ready.js";
import type {
  LinkState,
  MasterState,
  PeerState,
  ReplicaState,
  SentinelState,
} from "../../../src/core/model/state.js";
import { DEFAULT_TIMING } from "../../../src/core/model/timing.js";

export const MY_ID = "a".repeat(40);
export const PEER_B = "b".repeat(40);
export const PEER_C = "c".repeat(40);
export const PEER_D = "d".repeat(40);
export const PEER_E = "e".repeat(40);

/** Returns the queued values in turn (then the last one again); draws are recorded. */
export class ScriptedRandom implements Random {
  readonly draws: number[] = [];
  private readonly values: readonly number[];
  constructor(values: readonly number[] = [0]) {
    this.values = values;
  }
  int(n: number): number {
    const value = this.values[Math.min(this.draws.length, this.values.length - 1)] ?? 0;
    this.draws.push(n);
    return value % n;
  }
}

export function newState(myId = MY_ID): SentinelState {
  return {
    myId,
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

export class Harness {
  readonly state: SentinelState;
  readonly out = new ReadyBuilder();
  random: Random;

  constructor(state: SentinelState = newState(), random: Random = new ScriptedRandom()) {
    this.state = state;
    this.random = random;
  }

  /** The context of one step at time `now` (all steps share the Ready being built). */
  at(now: number): CoreContext {
    return { now, state: this.state, random: this.random, out: this.out };
  }

  take(): Ready {
    return this.out.take(() => ({
      myId: this.state.myId,
      currentEpoch: this.state.currentEpoch,
      global: this.state.global,
      masters: [],
    }));
  }

  addMaster(
    now: number,
    settings: Partial<MasterSettings> = {},
    name = "mymaster",
    ip = "10.0.0.1",
    port = 6379,
  ): MasterState {
    const master = createMaster(
      now,
      name,
      { ip, port },
      { ...defaultMasterSettings(2), ...settings },
    );
    this.state.masters.set(name, master);
    return master;
  }

  /** A healthy replica as of `now`: connected, just answered PING and INFO, run id set. */
  addReplica(
    now: number,
    master: MasterState,
    ip: string,
    port: number,
    fields: Partial<Pick<ReplicaState, "runId" | "slavePriority" | "slaveReplOffset">> = {},
  ): ReplicaState {
    const replica = createReplica(this.at(now), master, { ip, port });
    connect(replica.link);
    replica.link.lastAvailTime = now;
    replica.infoRefresh = now;
    replica.runId = fields.runId ?? `${ip.replaceAll(".", "")}${port}`.padEnd(40, "0");
    if (fields.slavePriority !== undefined) replica.slavePriority = fields.slavePriority;
    if (fields.slaveReplOffset !== undefined) replica.slaveReplOffset = fields.slaveReplOffset;
    return replica;
  }

  addPeer(now: number, master: MasterState, runId: string, port: number): PeerState {
    const peer = createPeer(this.at(now), master, { ip: "10.0.1.1", port }, runId);
    connect(peer.link);
    return peer;
  }
}

export function connect(link: LinkState): void {
  link.cmdConnected = true;
  link.pubsubConnected = link.needsPubsub;
}

export function disconnect(link: LinkState): void {
  link.cmdConnected = false;
  link.pubsubConnected = false;
}

/** Events as Redis logs them: `<type> <payload>`. */
export function eventLines(ready: Ready): string[] {
  return ready.events.map((e) => `${e.type} ${e.text}`);
}

export function eventTypes(ready: Ready): string[] {
  return ready.events.map((e) => e.type);
}

/** A master that is ODOWN with a failover in the given state, as the tests need it. */
export function markOdown(master: MasterState, now: number): void {
  master.flags.add("s_down");
  master.flags.add("o_down");
  master.sDownSinceTime = now;
  master.oDownSinceTime = now;
}

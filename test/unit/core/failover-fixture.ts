// Shared fixture of the failover unit tests: a Harness over a state made by the tests' one
// builder (test/support/state-builder.ts) that runs decision functions at explicit `now` values
// and takes the Ready they built.
import { ReadyBuilder } from "../../../src/core/model/context.js";
import type { CoreContext } from "../../../src/core/model/context.js";
import type { MasterSettings } from "../../../src/core/model/config.js";
import type { Random } from "../../../src/core/basics/random.js";
import type { Ready } from "../../../src/core/model/ready.js";
import type {
  MasterState,
  PeerState,
  ReplicaState,
  SentinelState,
} from "../../../src/core/model/state.js";
import { CyclingRandom } from "../../support/fake-random.js";
import {
  addMaster,
  addPeer,
  addReplica,
  contextAt,
  newState,
} from "../../support/state-builder.js";
import type { ReplicaFields } from "../../support/state-builder.js";

export { MY_ID, PEER_B, PEER_C, PEER_D, PEER_E } from "../../support/ids.js";
export { CyclingRandom } from "../../support/fake-random.js";
export { connect, disconnect } from "../../support/state-builder.js";

export class Harness {
  readonly state: SentinelState;
  readonly out = new ReadyBuilder();
  random: Random;

  constructor(state: SentinelState = newState(), random: Random = new CyclingRandom()) {
    this.state = state;
    this.random = random;
  }

  /** The context of one step at time `now` (all steps share the Ready being built). */
  at(now: number): CoreContext {
    return contextAt(this.state, now, this.random, this.out);
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
    return addMaster(this.state, now, name, { ip, port }, settings);
  }

  addReplica(
    now: number,
    master: MasterState,
    ip: string,
    port: number,
    fields: ReplicaFields = {},
  ): ReplicaState {
    return addReplica(this.state, now, master, { ip, port }, fields);
  }

  addPeer(now: number, master: MasterState, runId: string, port: number): PeerState {
    return addPeer(this.state, now, master, { ip: "10.0.1.1", port }, runId);
  }
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

/**
 * A stand-in for SentinelCore used only by the harness self-tests: its state is set by the test
 * and its Ready batches are queued by the test, so checker rules can be exercised in isolation.
 */
import { DEFAULT_GLOBAL_SETTINGS, defaultMasterSettings } from "../../../src/core/model/config.js";
import type { PersistedState, SentinelConfig } from "../../../src/core/model/config.js";
import type { SentinelEvent, SentinelEventType } from "../../../src/core/model/events.js";
import { EVENT_LEVELS } from "../../../src/core/model/events.js";
import { createMaster } from "../../../src/core/records/instances.js";
import type { Command, CoreReply, Ready } from "../../../src/core/model/ready.js";
import { newSentinelState } from "../../../src/core/model/state.js";
import type { SentinelState } from "../../../src/core/model/state.js";
import type { SimCore } from "../harness/sim-sentinel.js";

export class StubCore implements SimCore {
  readonly state: SentinelState;
  queued: Ready[] = [];

  constructor(config: SentinelConfig) {
    this.state = newSentinelState({
      myId: config.myId,
      currentEpoch: config.currentEpoch,
      global: DEFAULT_GLOBAL_SETTINGS,
    });
    for (const m of config.masters) {
      const master = createMaster(1, m.name, m.addr, m.settings);
      master.configEpoch = m.configEpoch;
      master.leaderEpoch = m.leaderEpoch;
      this.state.masters.set(m.name, master);
    }
  }

  step(): void {
    // Inputs are ignored: tests queue the Ready they want.
  }

  takeReady(): Ready {
    return this.queued.shift() ?? ready({});
  }

  snapshot(): PersistedState {
    return stubConfig(this.state.myId, this.state.currentEpoch);
  }
}

export function stubConfig(myId: string, currentEpoch = 0n, leaderEpoch = 0n): SentinelConfig {
  return {
    myId,
    currentEpoch,
    global: DEFAULT_GLOBAL_SETTINGS,
    masters: [
      {
        name: "mymaster",
        addr: { ip: "10.0.1.1", port: 6379 },
        settings: defaultMasterSettings(2),
        configEpoch: 0n,
        leaderEpoch,
        knownReplicas: [],
        knownSentinels: [],
      },
    ],
  };
}

export function event(
  type: SentinelEventType,
  text: string,
  master: string | null = "mymaster",
): SentinelEvent {
  return { type, level: EVENT_LEVELS[type], text, master };
}

export function ready(parts: {
  persist?: PersistedState;
  events?: SentinelEvent[];
  commands?: Command[];
  replies?: CoreReply[];
}): Ready {
  return {
    persist: parts.persist ?? null,
    persistSoon: false,
    replies: parts.replies ?? [],
    commands: parts.commands ?? [],
    events: parts.events ?? [],
    logs: [],
    notifications: [],
    scripts: [],
    exitCode: null,
    wakeAt: null,
    tickRecords: 0,
  };
}

// A SentinelHost over a fixed state, without a core: what the host answers from the state alone
// (sentinel-host.test.ts, read-cache.test.ts). With a clock (now, the core's step count, running
// scripts; read at each call, so a test may move it) the host caches its reads as the daemon's
// does; without one it is at 1000 ms, runs no script and caches nothing.
import type { SentinelState } from "../../../src/core/model/state.js";
import { SentinelHost } from "../../../src/shell/sentinel-host.js";

export interface HostClock {
  now: number;
  generation: number;
  running: number;
}

export function hostOver(state: SentinelState, given?: HostClock): SentinelHost {
  const clock = given ?? { now: 1000, generation: 0, running: 0 };
  return new SentinelHost({
    runtime: {
      request: () => {
        throw new Error("no core in this test");
      },
      push: () => undefined,
    },
    state: () => state,
    scripts: {
      pending: () => [],
      get runningCount() {
        return clock.running;
      },
      queueLength: 0,
    },
    now: () => clock.now,
    isExecutable: () => false,
    shutdown: () => undefined,
    ...(given === undefined ? {} : { generation: () => given.generation }),
  });
}

/**
 * The real core behind the simulator's CoreFactory (kept apart so the harness itself builds and
 * self-tests without it).
 *
 * `realCore` checks the tick's quiet gate: each record the gate would pass over is handled anyway
 * and must change nothing (src/core/gate/verify.ts). That check makes a seed about three
 * times slower, so the swarm runs it on every eighth seed (`swarmCore`); the scenario and
 * golden-trace tests and a replayed seed always run it.
 */
import { SentinelCore } from "../../../src/core/sentinel-core.js";
import type { CoreFactory } from "./sim-sentinel.js";

export const realCore: CoreFactory = (config, options) =>
  new SentinelCore(config, { ...options, quietGate: "verify" });

const uncheckedCore: CoreFactory = (config, options) => new SentinelCore(config, options);

/** The swarm's core for `seed`: the checked one on every eighth seed. */
export function swarmCore(seed: number): CoreFactory {
  return seed % 8 === 1 ? realCore : uncheckedCore;
}

/**
 * The real core behind the simulator's CoreFactory (kept apart so the harness itself builds and
 * self-tests without it).
 */
import { SentinelCore } from "../../../src/core/sentinel-core.js";
import type { CoreFactory } from "./sim-sentinel.js";

export const realCore: CoreFactory = (config, options) => new SentinelCore(config, options);

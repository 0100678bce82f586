// Test support: a SentinelCommandEnv around a state made by the tests' one builder
// (test/support/state-builder.ts), for the SENTINEL command tests.
import type { SentinelState } from "../../../../src/core/model/state.js";
import type { PendingScriptView, SentinelCommandEnv } from "../../../../src/commands/sentinel.js";

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

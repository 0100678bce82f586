// The SENTINEL admin command tests' common set-up: a state with one master ("mymaster" at
// 10.0.0.1:6379), a runner, and the outcomes the dispatcher returns.
import type { SentinelCommandOutcome } from "../../../../src/commands/sentinel.js";
import { sentinelCommand } from "../../../../src/commands/sentinel.js";
import type { AdminOp } from "../../../../src/core/model/inputs.js";
import type { SentinelState } from "../../../../src/core/model/state.js";
import type { Reply } from "../../../../src/protocol/reply.js";
import { R } from "../../../../src/protocol/reply.js";
import { addMaster, newState } from "../../../support/state-builder.js";
import { envFor } from "./command-env.js";

export const NOW = 1_000_000;

export function sampleState(): SentinelState {
  const state = newState();
  addMaster(state, NOW, "mymaster", { ip: "10.0.0.1", port: 6379 });
  return state;
}

export function run(
  args: string[],
  state = sampleState(),
  isExecutable: (p: string) => boolean = () => false,
) {
  return sentinelCommand(args, envFor(state, NOW, { isExecutable }));
}

export function admin(op: AdminOp, overrideReply?: Reply): SentinelCommandOutcome {
  const input = { type: "admin", op } as const;
  return overrideReply === undefined
    ? { kind: "core", input }
    : { kind: "core", input, overrideReply };
}

export function error(text: string): SentinelCommandOutcome {
  return { kind: "reply", reply: R.error(text) };
}

/**
 * SENTINEL WHY <master-name> (Vigil's extension, docs/COMPATIBILITY.md): the core's
 * explanation of why a master is down or its failover is not progressing (explainMaster), as a
 * RESP reply redis-cli prints readably: objects are maps (RESP3) or flat field/value arrays
 * (RESP2) like SENTINEL MASTER's, lists are nested arrays, numbers integers, booleans 1/0,
 * missing values nil. The JSON of `GET /v1/masters/<name>/why` is the same object.
 */
import { explainMaster } from "../core/index.js";
import type { Reply } from "../protocol/reply.js";
import { R } from "../protocol/reply.js";
import { NO_SUCH_MASTER } from "./sentinel-parse.js";
import type { SentinelCommandEnv, SentinelCommandOutcome } from "./sentinel-types.js";
import { replyOutcome } from "./sentinel-types.js";

/** A JSON value (what JSON.stringify would write) as a RESP reply; anything else is nil. */
export function jsonReply(value: unknown): Reply {
  if (typeof value === "string") return R.bulk(value);
  if (typeof value === "number")
    return Number.isInteger(value) ? R.integer(value) : R.double(value);
  if (typeof value === "boolean") return R.integer(value ? 1 : 0);
  if (Array.isArray(value)) return R.array(value.map((v: unknown) => jsonReply(v)));
  if (typeof value === "object" && value !== null) {
    return R.map(Object.entries(value).map(([k, v]) => [R.bulk(k), jsonReply(v)] as const));
  }
  return R.null();
}

export function whyCommand(
  args: readonly string[],
  env: SentinelCommandEnv,
): SentinelCommandOutcome {
  const why = explainMaster(env.state, args[1] ?? "", env.now);
  return replyOutcome(why === null ? R.error(NO_SUCH_MASTER) : jsonReply(why));
}

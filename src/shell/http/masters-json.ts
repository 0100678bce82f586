/**
 * GET /v1/masters[/<name>]: the replies of SENTINEL MASTERS, MASTER, REPLICAS and SENTINELS
 * as JSON objects with the same field names and order; integer fields are JSON numbers (exact:
 * json-text.ts), every other field stays a string.
 */
import type { Reply } from "../../protocol/reply.js";
import { JsonNumber } from "./json-text.js";
import type { JsonValue } from "./json-text.js";
import type { SentinelReadout } from "./readout.js";
import { sentinelReply } from "./readout.js";

/** The integer fields of commands/instance-fields.ts. */
const INTEGER_FIELDS: ReadonlySet<string> = new Set([
  "port",
  "link-pending-commands",
  "link-refcount",
  "last-ping-sent",
  "last-ok-ping-reply",
  "last-ping-reply",
  "s-down-time",
  "o-down-time",
  "down-after-milliseconds",
  "info-refresh",
  "role-reported-time",
  "config-epoch",
  "num-slaves",
  "num-other-sentinels",
  "quorum",
  "failover-timeout",
  "parallel-syncs",
  "master-link-down-time",
  "master-port",
  "slave-priority",
  "slave-repl-offset",
  "replica-announced",
  "last-hello-message",
  "voted-leader-epoch",
]);

const INTEGER = /^-?\d+$/;

function fieldsObject(pairs: readonly (readonly [string, string])[]): JsonValue {
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of pairs) {
    out[key] = INTEGER_FIELDS.has(key) && INTEGER.test(value) ? new JsonNumber(value) : value;
  }
  return out;
}

/** A reply of instance field maps (one map, or an array of them) as JSON. */
function replyJson(reply: Reply): JsonValue {
  if (reply.type === "bulk-map") return fieldsObject(reply.pairs);
  if (reply.type === "array") return reply.items.map(replyJson);
  return null;
}

export function mastersJson(readout: SentinelReadout): JsonValue {
  return replyJson(sentinelReply(readout, ["masters"]));
}

/** The master with its listed replicas and its peers; null for an unknown name. */
export function masterJson(readout: SentinelReadout, name: string): JsonValue | null {
  const master = sentinelReply(readout, ["master", name]);
  if (master.type === "error") return null;
  return {
    master: replyJson(master),
    replicas: replyJson(sentinelReply(readout, ["replicas", name])),
    sentinels: replyJson(sentinelReply(readout, ["sentinels", name])),
  };
}

/**
 * The quiet gate's check (quiet-gate.ts), used by the simulation: a record the gate would pass
 * over is handled anyway, and the handling must produce no output and leave the record, its
 * link, its master's peers' votes and the epoch as they were. A difference is a
 * gate that would have skipped real work: an AssertionError naming the record and what changed.
 */
import { assert } from "../basics/assert.js";
import type { CoreContext } from "../model/context.js";
import type { InstanceState, MasterState } from "../model/state.js";

/** Fields that are the gate itself, and the group's maps (walked apart, see below). */
const SKIPPED_KEYS = new Set([
  "quietUntil",
  "quietStamp",
  "groupReset",
  "groupQuietUntil",
  "groupStamp",
  "replicas",
  "sentinels",
]);

const decoder = new TextDecoder();

/** A text of a record or link that changes when any field does (nested objects and Sets too). */
function fingerprint(value: unknown): string {
  switch (typeof value) {
    case "string":
      return `"${value}`;
    case "number":
    case "boolean":
      return String(value);
    case "bigint":
      return `${value.toString()}n`;
    case "undefined":
      return "u";
    case "symbol":
    case "function":
      return typeof value;
    case "object":
      break;
  }
  if (value === null) return "null";
  // A kept INFO text's bytes (records/info-copy.ts): read as text, not walked index by index
  // (a few thousand keys each, which made the simulation three times slower).
  if (value instanceof Uint8Array) return `bytes"${decoder.decode(value)}`;
  if (value instanceof Set) {
    let text = "Set{";
    for (const v of value as Set<unknown>) text += `${fingerprint(v)},`;
    return `${text}}`;
  }
  if (Array.isArray(value)) {
    let text = "[";
    for (const v of value as unknown[]) text += `${fingerprint(v)},`;
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  let text = "{";
  for (const k in record) {
    if (!SKIPPED_KEYS.has(k)) text += `${k}:${fingerprint(record[k])},`;
  }
  return `${text}}`;
}

/**
 * What a record's handling can change outside a failover: the record and its link, and for a
 * master its peers' flags and reported votes (ask-peers.ts ages them); the epoch. The rest of
 * the group only changes in a failover, when no gate holds.
 */
function groupFingerprint(ctx: CoreContext, instance: InstanceState, master: MasterState): string {
  let text = `${String(ctx.state.currentEpoch)}|${fingerprint(instance)}`;
  if (instance.kind === "master") {
    for (const peer of master.sentinels.values()) {
      text += `|${peer.name}:${fingerprint(peer.flags)}:${peer.leader}:${String(peer.leaderEpoch)}`;
    }
  }
  return text;
}

export function verifyQuiet(
  ctx: CoreContext,
  instance: InstanceState,
  master: MasterState,
  handle: (ctx: CoreContext, instance: InstanceState, master: MasterState) => void,
): void {
  const before = groupFingerprint(ctx, instance, master);
  const written = ctx.out.writeCount;
  handle(ctx, instance, master);
  const after = groupFingerprint(ctx, instance, master);
  const what = `${instance.kind} ${instance.name} of ${master.name} at ${String(ctx.now)}`;
  assert(ctx.out.writeCount === written, `quiet gate skipped output: ${what}`);
  assert(after === before, `quiet gate skipped a state change: ${what}\n${before}\n${after}`);
}

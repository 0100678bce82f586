/**
 * The quiet gate's check (quiet-gate.ts), used by the simulation: a record the gate would pass
 * over is handled anyway, and the handling must produce no output and leave the record, its
 * link, its master's peers' votes and the epoch as they were. A difference is a
 * gate that would have skipped real work: an AssertionError naming the record and what changed.
 */
import { assert } from "./assert.js";
import type { CoreContext } from "./context.js";
import type { InstanceState, MasterState } from "./state.js";

/** Fields that are the gate itself, and the group's maps (walked apart, see below). */
const SKIPPED_KEYS = new Set(["quietUntil", "quietStamp", "groupReset", "replicas", "sentinels"]);

/** A canonical text of a record or link: nested plain objects, Sets and bigints included. */
function fingerprint(value: unknown): string {
  if (value instanceof Set) return `Set{${[...value].map((v) => fingerprint(v)).join(",")}}`;
  if (typeof value === "bigint") return `${value.toString()}n`;
  if (Array.isArray(value)) return `[${value.map((v) => fingerprint(v)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (!SKIPPED_KEYS.has(k)) parts.push(`${k}:${fingerprint(v)}`);
    }
    return `{${parts.join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
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

/**
 * What a scenario file observes, as text: the deployment, the events the sentinels emitted, each
 * sentinel's view of its masters, the Redis nodes' roles, a sentinel's in-memory and on-disk
 * state. Only events and state: nothing about how the executor schedules steps, so the files
 * survive changes to it. Addresses of simulated nodes print as their names (r1.2, s3).
 */
import type { Addr } from "../../../src/core/basics/addr.js";
import { addrEquals, addrKey } from "../../../src/core/basics/addr.js";
import { FLAG_ORDER } from "../../../src/core/model/state.js";
import type { RecordedEvent, SimCluster } from "./sim-cluster.js";

/** The name of the simulated node at `addr`, or the address itself. */
export function nameOf(c: SimCluster, addr: Addr): string {
  const node = c.redis.find((n) => addrEquals(n.addr, addr));
  if (node !== undefined) return node.name;
  const sentinel = c.sentinels.find((s) => addrEquals(s.addr, addr));
  return sentinel?.name ?? addrKey(addr);
}

export function topologyText(c: SimCluster): string {
  const quorum = c.topology.quorum ?? Math.floor(c.topology.sentinels / 2) + 1;
  const lines = c.masterNames.map((master) => {
    const nodes = c.group(master).map((n, i) => {
      const role = i === 0 ? " (master)" : n.priority === 100 ? "" : ` priority ${n.priority}`;
      return `${n.name} ${addrKey(n.addr)}${role}`;
    });
    return `${master} quorum ${quorum}: ${nodes.join(", ")}`;
  });
  lines.push(`sentinels: ${c.sentinels.map((s) => `${s.name} ${addrKey(s.addr)}`).join(", ")}`);
  return lines.join("\n");
}

export interface EventFilter {
  readonly sentinels?: readonly string[] | undefined;
  readonly types?: readonly string[] | undefined;
  readonly masters?: readonly string[] | undefined;
}

export function matches(e: RecordedEvent, f: EventFilter): boolean {
  return (
    e.level !== "debug" &&
    (f.sentinels === undefined || f.sentinels.includes(e.sentinel)) &&
    (f.types === undefined || f.types.includes(e.type)) &&
    (f.masters === undefined || (e.master !== null && f.masters.includes(e.master)))
  );
}

/** `<sentinel> <type> <text>` for each matching event from index `from` on, or `(none)`. */
export function eventsText(c: SimCluster, from: number, filter: EventFilter): string {
  const lines = c.events
    .slice(from)
    .filter((e) => matches(e, filter))
    .map((e) => `${e.sentinel} ${e.type} ${c.trace.substitute(e.text)}`);
  return lines.length === 0 ? "(none)" : lines.join("\n");
}

/** One line per master: the master each sentinel reports (`down` for a stopped process). */
export function masterAddrText(c: SimCluster, masters: readonly string[]): string {
  return masters
    .map((master) => {
      const views = c.sentinels.map((s) => {
        if (!s.up || s.state === null) return `${s.name} down`;
        const m = s.state.masters.get(master);
        return `${s.name} ${m === undefined ? "none" : nameOf(c, m.addr)}`;
      });
      return `${master}: ${views.join(", ")}`;
    })
    .join("\n");
}

/** One line per Redis node: `master`, `slave of <node>`, `down`, with `(paused)` if frozen. */
export function rolesText(c: SimCluster, masters: readonly string[]): string {
  return masters
    .flatMap((master) => c.group(master))
    .map((n) => {
      if (!n.up) return `${n.name} down`;
      const role =
        n.role === "master"
          ? "master"
          : `slave of ${n.masterAddr === null ? "none" : nameOf(c, n.masterAddr)}`;
      return `${n.name} ${role}${n.paused ? " (paused)" : ""}`;
    })
    .join("\n");
}

/** A sentinel's in-memory state: epochs, TILT, and per master its address, flags and vote. */
export function stateText(c: SimCluster, name: string): string {
  const s = c.sentinel(name);
  const state = s.state;
  if (!s.up || state === null) return `${name} down`;
  const lines = [`${name} current-epoch ${state.currentEpoch} tilt ${state.tilt ? "yes" : "no"}`];
  for (const m of state.masters.values()) {
    const flags = FLAG_ORDER.filter((f) => m.flags.has(f)).join(",") || "none";
    const leader = m.leader === "" ? "none" : c.trace.substitute(m.leader);
    lines.push(
      `${m.name} ${nameOf(c, m.addr)} flags ${flags} config-epoch ${m.configEpoch} ` +
        `leader ${leader} leader-epoch ${m.leaderEpoch} failover-state ${m.failoverState}`,
    );
  }
  return lines.join("\n");
}

/** What a sentinel last persisted: epochs per master (its config file after a rewrite). */
export function diskText(c: SimCluster, name: string): string {
  const disk = c.sentinel(name).disk;
  const lines = [`${name} current-epoch ${disk.currentEpoch}`];
  for (const m of disk.masters)
    lines.push(
      `${m.name} ${nameOf(c, m.addr)} config-epoch ${m.configEpoch} leader-epoch ${m.leaderEpoch}`,
    );
  return lines.join("\n");
}

/**
 * The `%@` prefix of events (docs/PROTOCOL.md §8.1) for any record, and the address a master
 * is currently advertised under. A replica or peer prints its master's *record* address, never
 * the promoted one (sentinel.c: sentinelEvent).
 */
import type { Addr } from "../basics/addr.js";
import { addrKey } from "../basics/addr.js";
import { formatInstance } from "../model/events.js";
import { announceHost, announcedAddr } from "./hosts.js";
import type { InstanceState, MasterState, SentinelState } from "../model/state.js";

/**
 * Hosts are printed as announced (hosts.ts: announceHost): the IP, or the name with
 * announce-hostnames. A replica's name is its announced `ip:port`, as sentinel.c names it.
 */
export function instanceText(
  state: SentinelState,
  instance: InstanceState,
  master: MasterState,
): string {
  const ip = announceHost(state, instance.addr);
  if (instance.kind === "master") {
    return formatInstance("master", instance.name, ip, instance.addr.port);
  }
  return formatInstance(instance.kind, instanceName(state, instance), ip, instance.addr.port, {
    name: master.name,
    ip: announceHost(state, master.addr),
    port: master.addr.port,
  });
}

/** The `name` of a record as Redis shows it: a replica's is its announced address. */
export function instanceName(state: SentinelState, instance: InstanceState): string {
  return instance.kind === "slave" ? addrKey(announcedAddr(state, instance.addr)) : instance.name;
}

/**
 * sentinel.c: sentinelGetCurrentMasterAddress. Once our failover reached reconf_slaves the
 * promoted replica's address is the one we advertise (hellos, GET-MASTER-ADDR-BY-NAME, flush).
 */
export function currentMasterAddress(master: MasterState): Addr {
  if (
    master.flags.has("failover_in_progress") &&
    master.promotedReplica !== null &&
    (master.failoverState === "reconf_slaves" || master.failoverState === "update_config")
  ) {
    const promoted = master.replicas.get(master.promotedReplica);
    if (promoted !== undefined) return promoted.addr;
  }
  return master.addr;
}

/** Host comparison of sentinel.c: sentinelAddrEqualsHostname (IP text or name, any case). */
export function hostEquals(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

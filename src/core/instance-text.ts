/**
 * The `%@` prefix of events (sentinel-protocol §8.1) for any record, and the address a master
 * is currently advertised under. A replica or peer prints its master's *record* address, never
 * the promoted one (sentinel.c: sentinelEvent).
 */
import type { Addr } from "./addr.js";
import { formatInstance } from "./events.js";
import type { InstanceState, MasterState } from "./state.js";

export function instanceText(instance: InstanceState, master: MasterState): string {
  if (instance.kind === "master") {
    return formatInstance("master", instance.name, instance.addr.ip, instance.addr.port);
  }
  return formatInstance(instance.kind, instance.name, instance.addr.ip, instance.addr.port, {
    name: master.name,
    ip: master.addr.ip,
    port: master.addr.port,
  });
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

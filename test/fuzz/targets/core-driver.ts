// A core watching one master with two replicas and two peers, links up, for the hello and INFO
// fuzz targets; and the invariants they check on it after each input: epochs never go back,
// every known instance has a port and a host it could connect to, every event is a known one.
import { isSentinelEventType } from "../../../src/core/model/events.js";
import { isAcceptableHost, isValidPort } from "../../../src/core/basics/ip-literal.js";
import type { Ready } from "../../../src/core/model/ready.js";
import {
  Driver,
  PEER_A,
  PEER_B,
  masterConfig,
  sentinelConfig,
} from "../../unit/core/core-driver.js";
import type { Rng } from "../rng.js";
import { violation } from "../runner.js";

export const MASTER = "mymaster";

export function watchingCore(rng: Rng): Driver {
  const resolveHostnames = rng.chance(0.2);
  const d = new Driver(
    sentinelConfig(
      [
        masterConfig(MASTER, "127.0.0.1", 6379, {
          configEpoch: 3n,
          leaderEpoch: 2n,
          knownReplicas: [
            { ip: "127.0.0.1", port: 6380 },
            { ip: "127.0.0.1", port: 6381 },
          ],
          knownSentinels: [
            { addr: { ip: "127.0.0.1", port: 26380 }, runId: PEER_A },
            { addr: { ip: "127.0.0.1", port: 26381 }, runId: PEER_B },
          ],
        }),
      ],
      { currentEpoch: 5n, global: { resolveHostnames } },
    ),
  );
  d.tickAndConnect();
  d.tickAndConnect();
  return d;
}

export function checkCore(d: Driver, readies: readonly Ready[], epochBefore: bigint): void {
  const state = d.state;
  if (state.currentEpoch < epochBefore) {
    violation(`current epoch went back from ${epochBefore} to ${state.currentEpoch}`);
  }
  const resolve = state.global.resolveHostnames;
  for (const master of state.masters.values()) {
    for (const inst of [master, ...master.replicas.values(), ...master.sentinels.values()]) {
      if (!isValidPort(inst.addr.port) && inst.addr.port !== 0) {
        violation(`${inst.name} has port ${inst.addr.port}`);
      }
      if (!isAcceptableHost(inst.addr.ip, resolve))
        violation(`${inst.name} has host ${JSON.stringify(inst.addr.ip)}`);
    }
    if (master.configEpoch < 0n || master.leaderEpoch < 0n) violation("a negative epoch");
  }
  for (const ready of readies) {
    for (const e of ready.events) {
      if (!isSentinelEventType(e.type)) violation(`unknown event ${String(e.type)}`);
    }
  }
}

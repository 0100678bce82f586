// Proves that SENTINEL SET rename-command reaches the connections already open (sentinel.c maps
// every command name when it sends it): the core gives the new map to the links of the master,
// its replicas and the peers it connects, at once.
import { expect } from "chai";
import type { AdminOp } from "../../../../src/core/model/inputs.js";
import type { Ready } from "../../../../src/core/model/ready.js";
import {
  Driver,
  PEER_A,
  PEER_B,
  commandsOf,
  masterConfig,
  sentinelConfig,
} from "../core-driver.js";

const PEER_A_AT = { addr: { ip: "10.0.1.1", port: 26379 }, runId: PEER_A };
const PEER_B_AT = { addr: { ip: "10.0.1.2", port: 26379 }, runId: PEER_B };

function twoMasters(): Driver {
  const d = new Driver(
    sentinelConfig([
      // "a" comes first in the table: it connects the peer both masters know.
      masterConfig("a", "10.0.0.1", 6379, {
        knownReplicas: [{ ip: "10.0.0.2", port: 6379 }],
        knownSentinels: [PEER_A_AT, PEER_B_AT],
      }),
      masterConfig("b", "10.0.0.3", 6379, { knownSentinels: [PEER_A_AT] }),
    ]),
  );
  d.take();
  d.tickAndConnect();
  d.take();
  return d;
}

function set(d: Driver, name: string, pairs: readonly (readonly string[])[]): Ready {
  const op: AdminOp = { op: "set", name, pairs };
  d.step({ type: "admin", requestId: 1, op });
  return d.take();
}

describe("rename-command on open links", () => {
  it("gives the new map to the links of the master, its replicas and the peers it connects", () => {
    const d = twoMasters();
    const ready = set(d, "a", [["rename-command", "PING", "PONG"]]);
    const renamedCommands = { ping: "PONG" };
    expect(commandsOf(ready, "rename-commands")).to.deep.equal([
      { type: "rename-commands", link: "master:a", renamedCommands },
      { type: "rename-commands", link: "slave:a:10.0.0.2:6379", renamedCommands },
      { type: "rename-commands", link: `sentinel:${PEER_A}`, renamedCommands },
      { type: "rename-commands", link: `sentinel:${PEER_B}`, renamedCommands },
    ]);
    // "b" shares PEER_A's link with "a", which connects it: only b's own link follows b's map.
    expect(
      commandsOf(set(d, "b", [["rename-command", "INFO", "xinfo"]]), "rename-commands"),
    ).to.deep.equal([
      { type: "rename-commands", link: "master:b", renamedCommands: { info: "xinfo" } },
    ]);
  });

  it("gives the map without the entry when a command is renamed back to itself", () => {
    const d = twoMasters();
    set(d, "b", [["rename-command", "PING", "PONG"]]);
    const ready = set(d, "b", [
      ["rename-command", "CONFIG", "xconfig"],
      ["rename-command", "PING", "PING"],
    ]);
    expect(commandsOf(ready, "rename-commands").map((c) => c.renamedCommands)).to.deep.equal([
      { ping: "PONG", config: "xconfig" },
      { config: "xconfig" },
    ]);
  });
});

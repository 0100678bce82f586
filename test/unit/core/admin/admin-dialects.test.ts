// Proves the admin ops' newer dialects: Redis 7.2's CONFIG SET of several pairs (checked
// all before any applies, one flush) and Valkey 8's name for master-reboot-down-after-period.
import { expect } from "chai";
import type { AdminOp } from "../../../../src/core/model/inputs.js";
import type { Ready } from "../../../../src/core/model/ready.js";
import { Driver, eventLines, masterConfig, sentinelConfig } from "../core-driver.js";

function admin(d: Driver, op: AdminOp): Ready {
  d.step({ type: "admin", requestId: 7, op });
  return d.take();
}

function errorOf(ready: Ready): string {
  const reply = ready.replies[0];
  if (reply?.kind !== "admin") throw new Error("no admin reply");
  return reply.result.kind === "error"
    ? reply.result.message
    : `not an error: ${reply.result.kind}`;
}

function fresh(): Driver {
  const d = new Driver(sentinelConfig([masterConfig("mymaster", "10.0.0.1", 6379)]));
  d.take();
  return d;
}

describe("admin: CONFIG SET with several pairs (Redis 7.2)", () => {
  it("applies several pairs at once with one flush (Redis 7.2)", () => {
    const d = fresh();
    const ready = admin(d, {
      op: "config-set",
      pairs: [
        ["announce-ip", "10.1.2.3"],
        ["Announce-Port", "4321"],
        ["announce-hostnames", "yes"],
      ],
    });
    expect(ready.replies).to.have.length(1);
    expect(ready.replies[0]).to.include({ afterPersist: true });
    expect(ready.persist?.global).to.include({
      announceIp: "10.1.2.3",
      announcePort: 4321,
      announceHostnames: true,
    });
  });

  for (const [pairs, message] of [
    [
      [
        ["announce-ip", "10.1.2.3"],
        ["announce-port", "70000"],
      ],
      "ERR Invalid value '70000' to SENTINEL CONFIG SET 'announce-port'",
    ],
    [
      [
        ["announce-ip", "10.1.2.3"],
        ["ANNOUNCE-IP", "10.9.9.9"],
      ],
      "ERR Duplicate argument 'ANNOUNCE-IP' to SENTINEL CONFIG SET",
    ],
    [
      [
        ["announce-ip", "10.1.2.3"],
        ["bogus", "1"],
      ],
      "ERR Invalid argument 'bogus' to SENTINEL CONFIG SET",
    ],
  ] as const) {
    it(`applies none of the pairs when one fails: "${message}"`, () => {
      const d = fresh();
      const before = d.state.global;
      const ready = admin(d, { op: "config-set", pairs });
      expect(errorOf(ready)).to.equal(message);
      expect(ready.persist).to.equal(null);
      expect(d.state.global).to.deep.equal(before);
    });
  }
});

describe("admin: SET with Valkey 8's option names", () => {
  it("sets master-reboot-down-after-period under Valkey 8's name, the event showing it as typed", () => {
    const d = fresh();
    const ready = admin(d, {
      op: "set",
      name: "mymaster",
      pairs: [["PRIMARY-reboot-down-after-period", "2500"]],
    });
    expect(eventLines(ready)).to.deep.equal([
      "+set master mymaster 10.0.0.1 6379 PRIMARY-reboot-down-after-period 2500",
    ]);
    expect(d.master().settings.masterRebootDownAfterPeriod).to.equal(2500);
    expect(ready.persist?.masters[0]?.settings.masterRebootDownAfterPeriod).to.equal(2500);
  });
});

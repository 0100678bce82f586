// Proves when the runtime asks for a follow-up tick or a timed wake-up: after peers' replies and
// requests and failover steps that act at once, not after ordinary replies; when a connected
// master's command link drops (not on a refused reconnect); and at the candidate time of a master gone ODOWN.
import { expect } from "chai";
import { EVENT_LEVELS } from "../../../src/core/model/events.js";
import type { SentinelEvent } from "../../../src/core/model/events.js";
import type { Input } from "../../../src/core/model/inputs.js";
import {
  candidateWakeup,
  droppedMasters,
  wantsFollowUp,
} from "../../../src/shell/follow-up-tick.js";
import { Driver, masterConfig, pong, sentinelConfig } from "../core/core-driver.js";

const M = "master:mymaster";

function event(type: keyof typeof EVENT_LEVELS, master: string | null = "mymaster"): SentinelEvent {
  return { type, level: EVENT_LEVELS[type], text: "", master };
}

const CLOSED: Input = { type: "link-closed", link: M, conn: "cmd", reason: "connection closed" };

describe("follow-up ticks: when", () => {
  it("follows up a peer's is-master-down-by-addr reply and the failover steps that act at once", () => {
    const reply: Input = {
      type: "is-master-down-reply",
      link: "sentinel:x",
      master: "m",
      reply: null,
    };
    expect(wantsFollowUp([reply], [])).to.equal(true);
    const request: Input = {
      type: "is-master-down-request",
      requestId: 1,
      ip: "10.0.0.1",
      port: 6379,
      epoch: 0n,
      runId: "*",
    };
    expect(wantsFollowUp([request], []), "a peer SDOWN: ask again at once").to.equal(true);
    for (const type of ["+elected-leader", "+promoted-slave", "+slave-reconf-done"] as const) {
      expect(wantsFollowUp([], [event(type)])).to.equal(true);
    }
  });

  it("does not follow up ordinary replies or events", () => {
    const ping: Input = { type: "ping-reply", link: M, reply: { kind: "ok", text: "PONG" } };
    expect(wantsFollowUp([ping], [event("+sdown"), event("+reboot")])).to.equal(false);
  });
});

describe("follow-up ticks: dropped masters", () => {
  it("reports the down-after of a master whose connected command link closed", () => {
    const d = new Driver(
      sentinelConfig([
        masterConfig("mymaster", "10.0.0.1", 6379, { settings: { downAfterPeriod: 1500 } }),
      ]),
    );
    d.take();
    d.tickAndConnect();
    d.step(pong(M));
    d.take();
    expect(droppedMasters([CLOSED], d.state)).to.deep.equal([1500]);
    d.step(CLOSED);
    // Now disconnected: a refused reconnect is no drop.
    expect(droppedMasters([CLOSED], d.state)).to.deep.equal([]);
  });
});

describe("follow-up ticks: candidate wake-up", () => {
  it("returns the candidate time of a master that just went ODOWN, if still ahead", () => {
    const d = new Driver(sentinelConfig([masterConfig()]));
    d.master().candidateTime = d.now + 120;
    expect(candidateWakeup([event("+odown")], d.state, d.now)).to.equal(d.now + 120);
    expect(candidateWakeup([event("+sdown")], d.state, d.now)).to.equal(null);
    expect(candidateWakeup([event("+odown")], d.state, d.now + 200)).to.equal(null);
  });
});

// Proves the tick's carry pass (src/core/monitor/periodic.ts: carryPeriodicCommands): records
// whose PINGs start at different phases send them in one tick after a cycle, records with
// another ping period are not dragged along; and that a PING or PUBLISH reply moves
// SentinelCore.quietUntil() on to the next useful tick (sentinel-core.ts: refreshAfterReply),
// so that an idle sentinel is not woken for ticks that find nothing to do (issue #18).
import { expect } from "chai";
import type { Ready } from "../../../../src/core/model/ready.js";
import {
  Driver,
  commandsOf,
  info,
  masterConfig,
  masterInfo,
  pong,
  sentinelConfig,
} from "../core-driver.js";

/** Answers connects, INFO and hellos of a Ready at once, and the PINGs not in `holdPings`. */
function answer(d: Driver, ready: Ready, holdPings: ReadonlySet<string> = new Set()): void {
  for (const c of ready.commands) {
    if (c.type === "connect") {
      d.step({ type: "link-connected", link: c.link, conn: c.conn, localIp: "127.0.0.1" });
    } else if (c.type === "ping" && !holdPings.has(c.link)) {
      d.step(pong(c.link));
    } else if (c.type === "info") {
      d.step(info(c.link, masterInfo(c.link.endsWith("a") ? "a".repeat(40) : "b".repeat(40))));
    } else if (c.type === "publish-hello") {
      d.step({ type: "publish-reply", link: c.link, ok: true });
    }
  }
}

/** Which links got a PING in each tick from `from` on, as "time link link …". */
function pingTicks(d: Driver, from: number, until: number): string[][] {
  const ticks: string[][] = [];
  while (d.now < until) {
    const ready = d.tick();
    answer(d, ready);
    d.take();
    const links = commandsOf(ready, "ping").map((c) => c.link);
    if (d.now >= from && links.length > 0) ticks.push(links.sort());
  }
  return ticks;
}

describe("periodic: one tick for the PINGs of every record (carry pass)", () => {
  it("sends the PINGs of records that started at other phases in one tick after a cycle", () => {
    const d = new Driver(
      sentinelConfig([
        masterConfig("a", "10.0.0.1"),
        masterConfig("b", "10.0.0.2"),
        // A ping period of 250 ms (a quarter of down-after): pinged on its own cadence.
        masterConfig("fast", "10.0.0.3", 6379, { settings: { downAfterPeriod: 1000 } }),
      ]),
    );
    d.take();
    answer(d, d.tick());
    d.take();
    // b answers its first PING 400 ms after a: its PINGs start 400 ms later.
    const first = d.tick();
    answer(d, first, new Set(["master:b"]));
    d.take();
    for (let i = 0; i < 4; i++) answer(d, d.tick(), new Set(["master:b"]));
    d.step(pong("master:b"));
    d.take();
    const ticks = pingTicks(d, d.now + 5_000, d.now + 15_000);
    const slow = ticks.filter((links) => links.includes("master:a") || links.includes("master:b"));
    // Every PING of a goes out in the tick of one of b, about once a second.
    expect(slow.length).to.be.within(9, 11);
    for (const links of slow) expect(links).to.include.members(["master:a", "master:b"]);
    // fast keeps its 250 ms period, and a and b are not pinged along with it.
    expect(ticks.filter((links) => links.includes("master:fast")).length).to.be.within(30, 40);
  });

  it("leaves the phases of a deployment of more than 64 records as they are", () => {
    const names = Array.from({ length: 70 }, (_, i) => `m${i}`);
    const d = new Driver(
      sentinelConfig(names.map((n, i) => masterConfig(n, `10.0.${i >> 8}.${i & 255}`))),
    );
    d.take();
    answer(d, d.tick());
    d.take();
    // The odd masters answer their first PING 400 ms after the even ones.
    const odd = new Set(names.filter((_, i) => i % 2 === 1).map((n) => `master:${n}`));
    answer(d, d.tick(), odd);
    d.take();
    for (let i = 0; i < 4; i++) answer(d, d.tick(), odd);
    for (const link of odd) d.step(pong(link));
    d.take();
    const ticks = pingTicks(d, d.now + 5_000, d.now + 8_000);
    for (const links of ticks) {
      const odds = links.filter((l) => odd.has(l)).length;
      expect(odds === 0 || odds === links.length, "odd and even masters in one tick").to.equal(
        true,
      );
    }
    expect(ticks.length).to.be.at.least(4);
  });

  it("moves quietUntil past the re-send time once the PING is answered, and at once past a hello's reply", () => {
    const d = new Driver(sentinelConfig([masterConfig("a")]));
    d.take();
    for (let i = 0; i < 40; i++) {
      answer(d, d.tick());
      d.take();
    }
    // A tick that sends the PING (and the hello every other time), left unanswered for now.
    let ready = d.tick();
    for (let i = 0; i < 20 && commandsOf(ready, "ping").length === 0; i++) {
      answer(d, ready);
      d.take();
      ready = d.tick();
    }
    expect(commandsOf(ready, "ping")).to.have.length(1);
    const held = d.core.quietUntil();
    // Without a reply the PING is due again in half a ping period (or the hello at once).
    expect(held).to.be.at.most(d.now + 501);
    answer(d, ready);
    d.take();
    // Answered: nothing is due before the next PING, about a second from now.
    expect(d.core.quietUntil()).to.be.above(d.now + 800);
  });
});

// Proves the tick's quiet gate (src/core/gate/quiet-gate.ts): a core that passes over quiet records
// sends exactly what a core handling every record at every tick sends, in healthy traffic and
// when the master stops answering; the gate does pass over most visits; it holds for no record
// with something under way; INFO voids the gates of the group while a PONG does not, and an idle
// sentinel computes them again at once after an INFO that writes nothing; a tick passes over a
// whole group while every gate in it holds; and the simulation's check catches a gate that
// would skip real work.
import { expect } from "chai";
import { AssertionError } from "../../../../src/core/basics/assert.js";
import { ReadyBuilder } from "../../../../src/core/model/context.js";
import {
  isGroupQuiet,
  isQuiet,
  quietUntil,
  wakeAfterInput,
} from "../../../../src/core/gate/quiet-gate.js";
import type { QuietGateMode } from "../../../../src/core/gate/quiet-gate.js";
import { verifyQuiet } from "../../../../src/core/gate/verify.js";
import type { Ready } from "../../../../src/core/model/ready.js";
import {
  Driver,
  CyclingRandom,
  info,
  masterInfo,
  pong,
  replicaInfo,
  sentinelConfig,
} from "../core-driver.js";

const M = "master:mymaster";
const R = "slave:mymaster:10.0.0.2:6380";

/** What a Ready carried, as comparable lines. */
function lines(ready: Ready): string[] {
  return [
    ...ready.commands.map((c) => JSON.stringify(c)),
    ...ready.events.map((e) => `${e.type} ${e.text}`),
  ];
}

/**
 * Answers the commands of one Ready at once: every connect, and PING, INFO and hello only while
 * `replying`.
 */
function answer(d: Driver, ready: Ready, replying: boolean): void {
  for (const c of ready.commands) {
    if (c.type === "connect") {
      d.step({ type: "link-connected", link: c.link, conn: c.conn, localIp: "127.0.0.1" });
    } else if (replying && c.type === "ping") {
      d.step(pong(c.link));
    } else if (replying && c.type === "info") {
      const text =
        c.link === M
          ? masterInfo("1".repeat(40), [["10.0.0.2", 6380]])
          : replicaInfo("2".repeat(40), "10.0.0.1", 6379);
      d.step(info(c.link, text));
    } else if (replying && c.type === "publish-hello") {
      d.step({ type: "publish-reply", link: c.link, ok: true });
      d.step({ type: "hello-received", via: c.link, payload: c.payload });
    }
  }
}

/** The regular ticks the last stretched run() skipped. */
let skippedTicks = 0;

/**
 * Runs a master with one replica for `ms`, answering every command at once while `answering`
 * says so; returns each tick's lines, prefixed by its time. `stretch`: skip the regular ticks
 * before SentinelCore.quietUntil(), at most a second apart, as the shell's scheduler does.
 */
function run(
  mode: QuietGateMode,
  ms: number,
  answering: (now: number) => boolean,
  stretch = false,
): string[][] {
  const d = new Driver(sentinelConfig(), { quietGate: mode });
  d.take();
  const out: string[][] = [];
  const end = d.now + ms;
  let pending: Ready = d.tick();
  let lastTick = d.now;
  out.push([String(d.now), ...lines(pending)]);
  let skipped = 0;
  while (d.now < end) {
    answer(d, pending, answering(d.now));
    out.push(lines(d.take()));
    if (stretch && d.now + 100 < d.core.quietUntil() && d.now + 100 - lastTick < 1000) {
      d.now += 100;
      pending = { ...pending, commands: [] };
      skipped++;
      continue;
    }
    pending = d.tick();
    lastTick = d.now;
    out.push([String(d.now), ...lines(pending)]);
  }
  skippedTicks = skipped;
  return out.filter((l) => l.length > 1 || (l.length === 1 && !/^\d+$/.test(l[0]!)));
}

/** Ticks `n` times, answering every PING, INFO and hello at once. */
function healthy(d: Driver, n: number): void {
  for (let i = 0; i < n; i++) {
    answer(d, d.tick(), true);
    d.take();
  }
}

describe("quiet gate", () => {
  it("sends exactly what handling every record at every tick sends, healthy for 60 s", () => {
    const always = (): boolean => true;
    const gated = run("on", 60_000, always);
    expect(gated).to.deep.equal(run("off", 60_000, always));
    expect(gated.flat().filter((l) => l.includes('"type":"ping"')).length).to.be.above(100);
  });

  it("sends exactly the same when the master stops answering (same +sdown, same reconnects)", () => {
    const until = (stop: number) => (now: number) => now < stop;
    // down-after-milliseconds is 30 s here.
    const gated = run("on", 60_000, until(15_000));
    expect(gated).to.deep.equal(run("off", 60_000, until(15_000)));
    expect(gated.flat().some((l) => l.startsWith("+sdown master mymaster"))).to.equal(true);
  });

  it("names when the next tick may come: skipping the ticks before sends the same at the same times", () => {
    const always = (): boolean => true;
    const healthyRun = run("on", 60_000, always, true);
    expect(skippedTicks, "regular ticks skipped").to.be.above(200);
    expect(healthyRun).to.deep.equal(run("on", 60_000, always));
    const until = (now: number): boolean => now < 15_000;
    const stretched = run("on", 60_000, until, true);
    expect(stretched).to.deep.equal(run("on", 60_000, until));
    expect(stretched.flat().some((l) => l.startsWith("+sdown master mymaster"))).to.equal(true);
  });

  it("quietUntil is 0 after an input that voids a gate, in TILT, and with a record not quiet", () => {
    const d = new Driver(sentinelConfig());
    d.take();
    healthy(d, 50);
    for (let i = 0; i < 20 && d.core.quietUntil() <= d.now; i++) healthy(d, 1);
    const until = d.core.quietUntil();
    expect(until).to.be.above(d.now);
    // The earliest gate end among the records.
    const master = d.master();
    const replica = master.replicas.get("10.0.0.2:6380")!;
    expect(until).to.equal(Math.min(master.quietUntil, replica.quietUntil));
    d.step(pong(R));
    expect(d.core.quietUntil()).to.equal(until);
    // An INFO that discovers a replica (+slave) voids every gate.
    d.step(
      info(
        M,
        masterInfo("1".repeat(40), [
          ["10.0.0.2", 6380],
          ["10.0.0.3", 6381],
        ]),
      ),
    );
    expect(d.core.quietUntil()).to.equal(0);
    d.take();
    // The next tick handles the group again, and finds it quiet again.
    healthy(d, 1);
    for (let i = 0; i < 20 && d.core.quietUntil() <= d.now; i++) healthy(d, 1);
    expect(d.core.quietUntil()).to.be.above(d.now);
    // TILT: a tick 3 s late.
    answer(d, d.tick(3000), true);
    d.take();
    expect(d.state.tilt).to.equal(true);
    expect(d.core.quietUntil()).to.equal(0);
    // A record whose link is down keeps every tick until it is connected again.
    const e = new Driver(sentinelConfig());
    e.take();
    healthy(e, 50);
    e.step({ type: "link-closed", link: R, conn: "cmd", reason: "#Connection refused" });
    expect(e.core.quietUntil()).to.equal(0);
    e.tick();
    expect(e.core.quietUntil()).to.equal(0);
  });

  it("passes over most visits of a healthy record", () => {
    const d = new Driver(sentinelConfig());
    d.take();
    healthy(d, 50);
    let quietTicks = 0;
    for (let i = 0; i < 300; i++) {
      healthy(d, 1);
      if (isQuiet(d.state, d.master(), d.master(), d.now + 1)) quietTicks++;
    }
    expect(quietTicks / 300).to.be.above(0.7);
  });

  it("holds for no record with a flag, a link not up, or a failover under way", () => {
    const d = new Driver(sentinelConfig());
    d.take();
    const connecting = d.tick();
    // Connecting: not quiet.
    expect(d.master().quietUntil).to.equal(0);
    d.acceptConnects(connecting);
    healthy(d, 50);
    expect(d.master().quietUntil).to.be.above(d.now);
    const ctx = {
      now: d.now,
      state: d.state,
      random: new CyclingRandom(),
      out: new ReadyBuilder(),
    };
    const master = d.master();
    expect(quietUntil(ctx, master, master)).to.be.above(d.now);
    master.flags.add("s_down");
    expect(quietUntil(ctx, master, master)).to.equal(0);
    master.flags.delete("s_down");
    master.failoverState = "wait_start";
    expect(quietUntil(ctx, master, master)).to.equal(0);
    master.failoverState = "none";
    master.candidateTime = d.now + 100;
    expect(quietUntil(ctx, master, master)).to.equal(0);
    master.candidateTime = 0;
    master.roleReported = "slave";
    expect(quietUntil(ctx, master, master)).to.equal(0);
    master.roleReported = "master";
    master.link.cmdConnected = false;
    expect(quietUntil(ctx, master, master)).to.equal(0);
  });

  it("an INFO reply that writes nothing does not void an idle sentinel's gates (no tick for nothing)", () => {
    const d = new Driver(sentinelConfig());
    d.take();
    healthy(d, 50);
    for (let i = 0; i < 20 && d.core.quietUntil() <= d.now + 1; i++) healthy(d, 1);
    expect(d.core.quietUntil()).to.be.above(d.now + 1);
    const master = d.master();
    const replica = master.replicas.get("10.0.0.2:6380")!;
    d.now += 1;
    for (const [link, text] of [
      [M, masterInfo("1".repeat(40), [["10.0.0.2", 6380]])],
      [R, replicaInfo("2".repeat(40), "10.0.0.1", 6379)],
    ] as const) {
      d.step(info(link, text));
      expect(d.take().commands).to.deep.equal([]);
      // The gates are computed again from the state the reply left, not voided.
      const until = d.core.quietUntil();
      expect(until).to.be.above(d.now);
      expect(until).to.equal(Math.min(master.quietUntil, replica.quietUntil));
      expect(isQuiet(d.state, master, master, d.now + 1)).to.equal(true);
      expect(isQuiet(d.state, replica, master, d.now + 1)).to.equal(true);
      // The INFO just answered counts from now: its record's gate ends no earlier.
      const record = link === M ? master : replica;
      expect(record.infoRefresh).to.equal(d.now);
    }
  });

  it("voids the group's gates on INFO, and keeps them on a PONG", () => {
    const d = new Driver(sentinelConfig());
    d.take();
    healthy(d, 50);
    const master = d.master();
    const replica = master.replicas.get("10.0.0.2:6380")!;
    // A tick at which the replica's gate holds past the next instant.
    for (let i = 0; i < 20 && !isQuiet(d.state, replica, master, d.now + 1); i++) healthy(d, 1);
    const at = d.now + 1;
    expect(isQuiet(d.state, replica, master, at)).to.equal(true);
    d.step(pong(R));
    expect(isQuiet(d.state, replica, master, at)).to.equal(true);
    // The invalidation itself (what an INFO does above SMALL_RECORDS records, or while a
    // record is not quiet; an idle small sentinel computes the gates again at once).
    wakeAfterInput(
      d.state,
      info(M, masterInfo("1".repeat(40), [["10.0.0.2", 6380]])),
      false,
      false,
      null,
    );
    expect(isQuiet(d.state, replica, master, at)).to.equal(false);
  });

  it("passes over a whole group while every gate in it holds, until the earliest ends or an INFO voids them", () => {
    const d = new Driver(sentinelConfig());
    d.take();
    healthy(d, 50);
    const master = d.master();
    const replica = master.replicas.get("10.0.0.2:6380")!;
    let groupTicks = 0;
    for (let i = 0; i < 300; i++) {
      healthy(d, 1);
      if (!isGroupQuiet(d.state, master, d.now + 1)) continue;
      groupTicks++;
      // The group's gate is its records' earliest, each of which holds.
      expect(master.groupQuietUntil).to.equal(Math.min(master.quietUntil, replica.quietUntil));
      expect(isQuiet(d.state, master, master, d.now + 1)).to.equal(true);
      expect(isQuiet(d.state, replica, master, d.now + 1)).to.equal(true);
    }
    expect(groupTicks / 300).to.be.above(0.5);
    for (let i = 0; i < 20 && !isGroupQuiet(d.state, master, d.now + 1); i++) healthy(d, 1);
    expect(isGroupQuiet(d.state, master, d.now + 1)).to.equal(true);
    expect(isGroupQuiet(d.state, master, master.groupQuietUntil)).to.equal(false);
    wakeAfterInput(
      d.state,
      info(R, replicaInfo("2".repeat(40), "10.0.0.1", 6379)),
      false,
      false,
      null,
    );
    expect(isGroupQuiet(d.state, master, d.now + 1)).to.equal(false);
  });

  it("in verify mode, throws when a group's gate would pass over a record not quiet", () => {
    const d = new Driver(sentinelConfig(), { quietGate: "verify" });
    d.take();
    healthy(d, 50);
    // A group gate far ahead while the master must be handled, as a stale one would be.
    const master = d.master();
    master.quietUntil = 0;
    master.groupQuietUntil = d.now + 1_000_000;
    master.groupStamp = d.state.gateClock;
    expect(() => d.run(d.now + 3000)).to.throw(AssertionError, /passed over a record not quiet/);
  });

  it("in verify mode, throws when a gate would pass over work", () => {
    const d = new Driver(sentinelConfig(), { quietGate: "verify" });
    d.take();
    healthy(d, 50);
    // A gate far beyond the next PING, as a wrong quietUntil would set it.
    d.master().quietUntil = d.now + 1_000_000;
    expect(() => d.run(d.now + 3000)).to.throw(AssertionError, /quiet gate skipped/);
  });

  it("in verify mode, sees a kept INFO text rewritten in place, byte for byte", () => {
    const d = new Driver(sentinelConfig(), { quietGate: "verify" });
    d.take();
    healthy(d, 50);
    const master = d.master();
    const bytes = master.infoBytes;
    expect(bytes).to.not.equal(null);
    const ctx = {
      now: d.now,
      state: d.state,
      random: new CyclingRandom(),
      out: new ReadyBuilder(),
    };
    expect(() => {
      verifyQuiet(ctx, master, master, () => undefined);
    }).to.not.throw();
    // The same length, one byte changed: only the bytes themselves tell the texts apart.
    const at = master.infoLength - 1;
    expect(() => {
      verifyQuiet(ctx, master, master, () => {
        bytes![at] = bytes![at] === 0x41 ? 0x42 : 0x41;
      });
    }).to.throw(AssertionError, /quiet gate skipped a state change/);
  });
});

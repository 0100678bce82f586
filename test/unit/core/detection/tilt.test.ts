// Proves TILT (docs/PROTOCOL.md §12) on a virtual clock: entered on a late tick (monotonic),
// not counting what a stretched idle tick waited on purpose, a wall-clock jump either way, left 30 s later when an instance is handled; while in TILT the
// monitoring half goes on (PINGs, connects) and the acting half (SDOWN, ODOWN) is frozen.
import { expect } from "chai";
import { Driver, commandsOf, downAfter, eventLines } from "../core-driver.js";

describe("tilt: entering", () => {
  it("does not tilt on regular ticks, nor on the first tick", () => {
    const d = new Driver();
    d.take();
    expect(eventLines(d.tick(5000)).filter((l) => l.includes("tilt"))).to.deep.equal([]);
    expect(eventLines(d.run(d.now + 10_000, 100)).filter((l) => l.includes("tilt"))).to.deep.equal(
      [],
    );
  });

  it("enters TILT when a tick comes more than 2 s after the previous one", () => {
    const d = new Driver();
    d.take();
    d.tick();
    expect(eventLines(d.tick(2001))).to.deep.equal(["+tilt #tilt mode entered"]);
    expect(d.state.tilt).to.equal(true);
    expect(d.state.tiltStartTime).to.equal(d.now);
  });

  it("does not count the part of a delta the shell waited on purpose (idleMs), on both clocks", () => {
    const d = new Driver();
    d.take();
    d.tick();
    // 2500 ms after the previous tick, 900 of them a stretched idle tick's: 1600 ms late.
    d.now += 2500;
    d.step({ type: "tick", wallNow: d.now + d.wallOffset, idleMs: 900 });
    expect(eventLines(d.take())).to.deep.equal([]);
    // The same delta with 400 ms waited on purpose: 2100 ms late.
    d.now += 2500;
    d.step({ type: "tick", wallNow: d.now + d.wallOffset, idleMs: 400 });
    expect(eventLines(d.take())).to.deep.equal(["+tilt #tilt mode entered"]);
    // A wall clock that jumps forward is not hidden by it either, nor one going back.
    const w = new Driver();
    w.take();
    w.tick();
    w.wallOffset += 3000;
    w.now += 900;
    w.step({ type: "tick", wallNow: w.now + w.wallOffset, idleMs: 800 });
    expect(eventLines(w.take())).to.deep.equal(["+tilt #tilt mode entered"]);
    const back = new Driver();
    back.take();
    back.tick();
    back.wallOffset -= 1000;
    back.now += 900;
    back.step({ type: "tick", wallNow: back.now + back.wallOffset, idleMs: 800 });
    expect(eventLines(back.take())).to.deep.equal(["+tilt #tilt mode entered"]);
  });

  it("enters TILT when the wall clock jumps forward or backwards", () => {
    const d = new Driver();
    d.take();
    d.tick();
    d.wallOffset += 5000;
    expect(eventLines(d.tick())).to.deep.equal(["+tilt #tilt mode entered"]);
    const back = new Driver();
    back.take();
    back.tick();
    back.wallOffset -= 300;
    expect(eventLines(back.tick())).to.deep.equal(["+tilt #tilt mode entered"]);
  });

  it("restarts the TILT period on another jump", () => {
    const d = new Driver();
    d.take();
    d.tick();
    d.tick(3000);
    d.run(d.now + 10_000);
    const lines = eventLines(d.tick(3000));
    expect(lines).to.deep.equal(["+tilt #tilt mode entered"]);
    expect(d.state.tiltStartTime).to.equal(d.now);
  });

  it("counts every +tilt since the start, re-entries while in TILT too (sentinel_total_tilt)", () => {
    const d = new Driver();
    d.take();
    d.tick();
    expect(d.state.totalTilt).to.equal(0);
    d.tick(3000);
    d.tick(3000);
    expect(d.state.totalTilt).to.equal(2);
    d.run(d.now + 40_000);
    expect(d.state.tilt).to.equal(false);
    d.wallOffset -= 300;
    d.tick();
    expect(d.state.totalTilt).to.equal(3);
  });
});

describe("tilt: while in TILT", () => {
  it("keeps connecting and pinging but freezes SDOWN, then acts again after 30 s", () => {
    const d = downAfter(1000);
    d.tick();
    d.step({ type: "link-closed", link: "master:mymaster", conn: "cmd", reason: "" });
    d.step({ type: "link-closed", link: "master:mymaster", conn: "pubsub", reason: "" });
    d.take();
    const entered = d.tick(2500);
    expect(eventLines(entered)).to.deep.equal(["+tilt #tilt mode entered"]);
    expect(commandsOf(entered, "connect")).to.have.length(2);
    d.acceptConnects(entered);
    const during = d.run(d.now + 29_900);
    expect(commandsOf(during, "ping").length).to.be.greaterThan(0);
    expect(eventLines(during)).to.deep.equal([]);
    expect(d.master().flags.has("s_down")).to.equal(false);
    const after = eventLines(d.run(d.now + 200));
    expect(after.slice(0, 2)).to.deep.equal([
      "-tilt #tilt mode exited",
      "+sdown master mymaster 10.0.0.1 6379",
    ]);
  });

  it("keeps flags as they were when TILT started", () => {
    const d = downAfter(1000);
    d.run(3000);
    expect(d.master().flags.has("s_down")).to.equal(true);
    d.tick(2500);
    d.acceptConnects(d.tick());
    d.step({ type: "ping-reply", link: "master:mymaster", reply: { kind: "ok", text: "PONG" } });
    d.run(d.now + 5000);
    expect(d.master().flags.has("s_down")).to.equal(true);
  });
});

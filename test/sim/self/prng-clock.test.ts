// Proves the simulator's foundations are deterministic: the seeded PRNG repeats bit for bit and
// forks independently of use, and the virtual clock runs callbacks in (time, sequence) order.
import { expect } from "chai";
import { Prng } from "../harness/prng.js";
import { VirtualClock } from "../harness/virtual-clock.js";

describe("sim prng", () => {
  it("repeats the same sequence for the same seed", () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const xs = Array.from({ length: 50 }, () => a.next());
    const ys = Array.from({ length: 50 }, () => b.next());
    expect(xs).to.deep.equal(ys);
    expect(new Prng(43).next()).to.not.equal(new Prng(42).next());
  });

  it("forks streams that depend only on seed and label", () => {
    const used = new Prng(7);
    for (let i = 0; i < 100; i++) used.next();
    expect(used.fork("net").next()).to.equal(new Prng(7).fork("net").next());
    expect(new Prng(7).fork("net").next()).to.not.equal(new Prng(7).fork("redis").next());
  });

  it("draws integers inside the bound with every value reachable", () => {
    const p = new Prng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const v = p.int(10);
      expect(v).to.be.within(0, 9);
      seen.add(v);
    }
    expect(seen.size).to.equal(10);
    expect(() => p.int(0)).to.throw(RangeError);
  });

  it("makes 40-character lowercase hex ids", () => {
    expect(new Prng(3).hexId()).to.match(/^[0-9a-f]{40}$/);
  });
});

describe("sim virtual clock", () => {
  it("runs callbacks by time, then by scheduling order", () => {
    const clock = new VirtualClock();
    const order: string[] = [];
    clock.at(20, () => order.push("b"));
    clock.at(10, () => order.push("a"));
    clock.at(20, () => order.push("c"));
    clock.runUntil(100);
    expect(order).to.deep.equal(["a", "b", "c"]);
    expect(clock.now()).to.equal(100);
  });

  it("skips cancelled timers and runs callbacks scheduled by callbacks", () => {
    const clock = new VirtualClock();
    const order: number[] = [];
    const t = clock.at(5, () => order.push(5));
    clock.at(1, () => {
      order.push(1);
      clock.after(1, () => order.push(2));
    });
    clock.cancel(t);
    clock.runUntil(10);
    expect(order).to.deep.equal([1, 2]);
  });

  it("stops at the requested time and leaves later callbacks queued", () => {
    const clock = new VirtualClock();
    let ran = false;
    clock.at(50, () => (ran = true));
    clock.runUntil(49);
    expect(ran).to.equal(false);
    expect(clock.pending).to.equal(1);
    clock.runFor(1);
    expect(ran).to.equal(true);
  });
});

// Proves the event ring of GET /v1/events: numbered events with ISO and ms times, bounded
// capacity (oldest dropped, `truncated` told), and long polls woken by the next event or
// answered empty at their timeout.
import { expect } from "chai";
import type { SentinelEvent } from "../../../../src/core/index.js";
import { EventRing, MAX_WAITERS } from "../../../../src/shell/http/event-ring.js";

function event(text: string): SentinelEvent {
  return { type: "+sdown", level: "warning", text, master: "m" };
}

describe("EventRing", () => {
  it("numbers events from 1 and stamps them with the wall clock", () => {
    const ring = new EventRing(10, () => Date.UTC(2026, 11, 6, 12, 0, 0, 5));
    ring.push(event("a"));
    ring.push(event("b"));
    const slice = ring.since(0);
    expect(slice.events.map((e) => [e.seq, e.text])).to.deep.equal([
      [1, "a"],
      [2, "b"],
    ]);
    expect(slice.events[0]).to.deep.include({
      type: "+sdown",
      level: "warning",
      master: "m",
      time: "2026-12-06T12:00:00.005Z",
      ms: Date.UTC(2026, 11, 6, 12, 0, 0, 5),
    });
    expect(ring.since(1).events.map((e) => e.text)).to.deep.equal(["b"]);
    expect(ring.since(2)).to.deep.equal({ events: [], last: 2, truncated: false });
  });

  it("keeps the last `capacity` events and says when some after `since` were dropped", () => {
    const ring = new EventRing(3);
    for (let i = 1; i <= 7; i++) ring.push(event(String(i)));
    const all = ring.since(0);
    expect(all.events.map((e) => e.seq)).to.deep.equal([5, 6, 7]);
    expect(all.truncated).to.equal(true);
    expect(ring.since(4)).to.deep.include({ truncated: false, last: 7 });
    expect(ring.since(5).events.map((e) => e.seq)).to.deep.equal([6, 7]);
  });

  it("wakes a long poll with the next event", async () => {
    const ring = new EventRing(10);
    ring.push(event("old"));
    const waiting = ring.wait(1, 10_000);
    ring.push(event("new"));
    const slice = await waiting;
    expect(slice.events.map((e) => e.text)).to.deep.equal(["new"]);
  });

  it("answers a long poll empty at its timeout, and at once when events are there", async () => {
    const ring = new EventRing(10);
    const started = performance.now();
    expect((await ring.wait(0, 30)).events).to.deep.equal([]);
    expect(performance.now() - started).to.be.at.least(25);
    ring.push(event("x"));
    expect((await ring.wait(0, 10_000)).events).to.have.length(1);
  });

  it("bounds the number of long polls waiting, and release() answers them", async () => {
    const ring = new EventRing(10);
    const waits = Array.from({ length: MAX_WAITERS }, () => ring.wait(0, 10_000));
    // One more is answered at once rather than queued.
    expect((await ring.wait(0, 10_000)).events).to.deep.equal([]);
    ring.release();
    const answered = await Promise.all(waits);
    expect(answered.every((s) => s.events.length === 0)).to.equal(true);
  });
});

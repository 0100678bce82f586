// Proves the failover record builder: the four phases measured between the events that bound
// them, on the leader (sdown → odown → elected → promoted → switch) and on a follower (detection,
// then the leader's +switch-master), aborts counted with their reason, a later switch in the
// same episode turning the record to `switched`, and -sdown ending an episode with no record.
import { expect } from "chai";
import type { SentinelEvent, SentinelEventType } from "../../../../src/core/index.js";
import { EVENT_LEVELS } from "../../../../src/core/index.js";
import { FailoverTracker } from "../../../../src/shell/http/failover-tracker.js";
import type { TrackerOutput } from "../../../../src/shell/http/failover-tracker.js";

const ME = "a".repeat(40);
const PEER = "b".repeat(40);
const WALL0 = Date.UTC(2026, 11, 6, 12, 0, 0);

function ev(type: SentinelEventType, text: string, master: string | null = "m"): SentinelEvent {
  return { type, level: EVENT_LEVELS[type], text, master };
}

class Feed {
  readonly tracker: FailoverTracker;
  readonly outputs: TrackerOutput[] = [];
  epoch = "7";

  constructor() {
    this.tracker = new FailoverTracker({
      myId: () => ME,
      configEpochOf: () => this.epoch,
      firstId: 5,
    });
  }

  at(ms: number, event: SentinelEvent): TrackerOutput {
    const out = this.tracker.observe(event, 1_000_000 + ms, WALL0 + ms);
    this.outputs.push(out);
    return out;
  }

  phases(): [string, number][] {
    return this.outputs.flatMap((o) =>
      o.phases.map((p) => [p.phase, p.seconds] as [string, number]),
    );
  }

  results(): string[] {
    return this.outputs.flatMap((o) => (o.result === null ? [] : [o.result.result]));
  }
}

const M = "master m 10.0.0.1 6379";

describe("FailoverTracker", () => {
  it("times every phase of a failover it leads and builds its record", () => {
    const f = new Feed();
    f.at(0, ev("+sdown", M));
    f.at(1000, ev("+odown", `${M} #quorum 2/2`));
    f.at(1000, ev("+new-epoch", "7"));
    f.at(1100, ev("+try-failover", M));
    f.at(1100, ev("+vote-for-leader", `${ME} 7`));
    f.at(1300, ev("+elected-leader", M));
    f.at(1310, ev("+selected-slave", `slave 10.0.0.2:6379 10.0.0.2 6379 @ m 10.0.0.1 6379`));
    f.at(1800, ev("+promoted-slave", `slave 10.0.0.2:6379 10.0.0.2 6379 @ m 10.0.0.1 6379`));
    const last = f.at(2500, ev("+switch-master", "m 10.0.0.1 6379 10.0.0.2 6379"));
    expect(f.phases()).to.deep.equal([
      ["detection", 1],
      ["election", 0.3],
      ["promotion", 0.5],
      ["reconfiguration", 0.7],
    ]);
    expect(f.results()).to.deep.equal(["switched"]);
    const record = last.record;
    expect(record).to.deep.include({
      id: 5,
      master: "m",
      epoch: "7",
      leader: ME,
      ledByUs: true,
      selectedReplica: "10.0.0.2:6379",
      from: "10.0.0.1:6379",
      to: "10.0.0.2:6379",
      result: "switched",
      started: new Date(WALL0).toISOString(),
      ended: new Date(WALL0 + 2500).toISOString(),
      aborts: [],
      excluded: [],
    });
    expect(record?.phases.map((p) => [p.phase, p.start, p.end])).to.deep.equal([
      ["detection", new Date(WALL0).toISOString(), new Date(WALL0 + 1000).toISOString()],
      ["election", new Date(WALL0 + 1000).toISOString(), new Date(WALL0 + 1300).toISOString()],
      ["promotion", new Date(WALL0 + 1300).toISOString(), new Date(WALL0 + 1800).toISOString()],
      [
        "reconfiguration",
        new Date(WALL0 + 1800).toISOString(),
        new Date(WALL0 + 2500).toISOString(),
      ],
    ]);
  });

  it("on a follower: detection, then the record of the leader's +switch-master", () => {
    const f = new Feed();
    f.epoch = "3";
    f.at(0, ev("+sdown", M));
    expect(f.at(400, ev("+odown", `${M} #quorum 2/2`)).record).to.equal(null);
    f.at(500, ev("+new-epoch", "3"));
    f.at(500, ev("+vote-for-leader", `${PEER} 3`));
    f.at(1500, ev("+config-update-from", `sentinel ${PEER} 10.0.0.9 26379 @ m 10.0.0.1 6379`));
    const last = f.at(1500, ev("+switch-master", "m 10.0.0.1 6379 10.0.0.3 6379"));
    expect(f.phases()).to.deep.equal([["detection", 0.4]]);
    expect(f.results()).to.deep.equal(["switched"]);
    expect(last.record).to.deep.include({
      epoch: "3",
      leader: PEER,
      ledByUs: false,
      to: "10.0.0.3:6379",
      result: "switched",
    });
    expect(last.record?.phases.map((p) => p.phase)).to.deep.equal(["detection"]);
  });

  it("counts an abort with its reason, and a later switch in the episode as switched", () => {
    const f = new Feed();
    f.at(0, ev("+sdown", M));
    f.at(100, ev("+odown", `${M} #quorum 2/2`));
    f.at(100, ev("+new-epoch", "7"));
    f.at(150, ev("+try-failover", M));
    const aborted = f.at(10_150, ev("-failover-abort-not-elected", M));
    expect(aborted.record).to.deep.include({ result: "not-elected", ledByUs: false });
    expect(aborted.record?.aborts).to.deep.equal([
      { reason: "not-elected", epoch: "7", time: new Date(WALL0 + 10_150).toISOString() },
    ]);
    const switched = f.at(12_000, ev("+switch-master", "m 10.0.0.1 6379 10.0.0.3 6379"));
    expect(switched.record?.id).to.equal(aborted.record?.id);
    expect(switched.record?.result).to.equal("switched");
    expect(f.results()).to.deep.equal(["not-elected", "switched"]);
  });

  it("times the election of SENTINEL FAILOVER from +try-failover (no ODOWN)", () => {
    const f = new Feed();
    f.at(0, ev("+new-epoch", "8"));
    f.at(0, ev("+try-failover", M));
    f.at(40, ev("+elected-leader", M));
    expect(f.phases()).to.deep.equal([["election", 0.04]]);
  });

  it("forgets an episode when the master comes back with no record open", () => {
    const f = new Feed();
    f.at(0, ev("+sdown", M));
    f.at(500, ev("-sdown", M));
    f.at(10_000, ev("+sdown", M));
    f.at(11_000, ev("+odown", `${M} #quorum 2/2`));
    expect(f.phases()).to.deep.equal([["detection", 1]]);
  });

  it("ignores replicas' and peers' +sdown and events without a master", () => {
    const f = new Feed();
    f.at(0, ev("+sdown", "slave 10.0.0.2:6379 10.0.0.2 6379 @ m 10.0.0.1 6379"));
    f.at(0, ev("+tilt", "#tilt mode entered", null));
    f.at(1000, ev("+odown", `${M} #quorum 2/2`));
    expect(f.phases()).to.deep.equal([]);
  });
});

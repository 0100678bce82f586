// Proves the crash trials' vote check (test/crash/vote-check.ts) reads both kinds of vote lines
// (a sentinel's own +vote-for-leader, a candidate's "<voter> voted for") in redis-sentinel's log
// format, ties own votes to the id the log announced, and flags two leaders in one epoch.
import { expect } from "chai";
import { doubleVotes, votesInLog } from "../../crash/vote-check.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);

describe("crash trials vote check", () => {
  it("reads own and reported votes, across a restart of the same sentinel", () => {
    const log = [
      `1:X 06 Dec 2026 13:00:00.000 # Sentinel ID is ${A}`,
      `1:X 06 Dec 2026 13:00:01.000 # +vote-for-leader ${B} 3`,
      `1:X 06 Dec 2026 13:00:01.100 # ${C} voted for ${A} 4`,
      `2:X 06 Dec 2026 13:00:05.000 # Sentinel ID is ${A}`,
      `2:X 06 Dec 2026 13:00:06.000 # +vote-for-leader ${A} 4`,
    ].join("\n");
    const { votes, ids } = votesInLog("s", log);
    expect([...ids]).to.deep.equal([A]);
    expect(votes.map((v) => [v.voter, v.leader, v.epoch])).to.deep.equal([
      [A, B, 3n],
      [C, A, 4n],
      [A, A, 4n],
    ]);
    expect(doubleVotes(votes)).to.deep.equal([]);
  });

  it("flags a voter with two leaders in one epoch, whichever log told of each", () => {
    const own = votesInLog("s1", `x # Sentinel ID is ${A}\nx # +vote-for-leader ${B} 7`).votes;
    const seen = votesInLog("s2", `x # Sentinel ID is ${B}\nx # ${A} voted for ${C} 7`).votes;
    const problems = doubleVotes([...own, ...seen]);
    expect(problems).to.have.length(1);
    expect(problems[0]).to.include(`${A} voted for ${B} (s1:2) and ${C} (s2:2) in epoch 7`);
    expect(
      doubleVotes([...own, ...votesInLog("s3", `x # ${A} voted for ${B} 7`).votes]),
    ).to.deep.equal([]);
  });
});

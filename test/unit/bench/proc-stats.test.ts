// Proves bench/lib/proc-stats.ts reads CPU time finer than the kernel's 10 ms clock ticks (the
// A/B windows of bench/ab.ts at a few hundred masters hold a few tenths of a second of CPU),
// and that it reads the same time as the clock ticks of /proc/<pid>/stat.
import { expect } from "chai";
import { cpuSeconds, cpuTimes } from "../../../bench/lib/proc-stats.js";

/** Whether `seconds` is a whole number of 10 ms clock ticks. */
function onTickGrid(seconds: number): boolean {
  const ticks = seconds * 100;
  return Math.abs(ticks - Math.round(ticks)) < 1e-6;
}

/** Burns CPU until this process's reading moved. */
function spinUntilMoved(): number {
  const start = cpuSeconds(process.pid);
  let now = start;
  for (let spins = 0; now === start && spins < 1e6; spins++) now = cpuSeconds(process.pid);
  return now;
}

describe("bench proc-stats cpuSeconds", () => {
  it("reads CPU time in nanoseconds, not in 10 ms clock ticks", () => {
    const readings = [spinUntilMoved(), spinUntilMoved(), spinUntilMoved()];
    // A reading in ns falls on the 10 ms grid once in about 10^6.
    expect(readings.filter(onTickGrid)).to.deep.equal([]);
  });

  it("reads the time /proc/<pid>/stat counts in clock ticks", () => {
    const { user, system } = cpuTimes(process.pid);
    const precise = cpuSeconds(process.pid);
    // The ticks are the same run time, rounded down (and counting threads that ended).
    expect(precise).to.be.within(user + system - 0.25, user + system + 0.25);
  });
});

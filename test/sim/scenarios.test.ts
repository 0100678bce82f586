// Named failover scenarios run on the deterministic simulator against the real SentinelCore: each
// one scripts faults on a simulated deployment, asserts the outcome Redis Sentinel would reach,
// and runs the safety checker after every step (a violation throws out of the run).
import { expect } from "chai";
import { addrKey } from "../../src/core/basics/addr.js";
import { realCore } from "./harness/core-factory.js";
import type { Topology } from "./harness/sim-cluster.js";
import { SimCluster } from "./harness/sim-cluster.js";

function cluster(topology: Topology, seed = 1): SimCluster {
  const c = new SimCluster({ seed, topology, factory: realCore });
  c.start();
  c.run(10_000);
  return c;
}

/** Every live sentinel reports an address other than `old` for `master`. */
function allSwitched(c: SimCluster, master: string, old: string): boolean {
  return c.sentinels.every((s) => {
    if (!s.up || s.state === null) return true;
    const m = s.state.masters.get(master);
    return m !== undefined && addrKey(m.addr) !== old;
  });
}

function converge(c: SimCluster, timeout = 90_000): void {
  const ok = c.runUntilTrue(() => c.convergedAll() === null, timeout, 500);
  expect(ok, `${c.convergedAll() ?? ""}\n${c.trace.tail(40).join("\n")}`).to.equal(true);
}

function promotions(c: SimCluster): string[] {
  return c.eventsOf("+promoted-slave").map((e) => e.text.split(" ")[1] ?? "");
}

describe("sim scenarios", function () {
  this.timeout(60_000);

  it("fails over to a replica when the master dies (basic failover)", () => {
    const c = cluster({ sentinels: 3, masters: 1, replicas: 2 });
    c.kill("r1.0");
    expect(c.runUntilTrue(() => allSwitched(c, "mymaster", "10.0.1.1:6379"), 30_000)).to.equal(
      true,
    );
    expect(c.eventsOf("+elected-leader")).to.have.length(1);
    expect(promotions(c)).to.have.length(1);
    expect(c.eventsOf("+switch-master")).to.have.length(3);
    const promoted = c.currentMaster("mymaster");
    expect(promoted?.name).to.be.oneOf(["r1.1", "r1.2"]);
    converge(c);
  });

  it("converts the old master to a replica when it comes back", () => {
    const c = cluster({ sentinels: 3, masters: 1, replicas: 2 });
    c.kill("r1.0");
    c.runUntilTrue(() => allSwitched(c, "mymaster", "10.0.1.1:6379"), 30_000);
    const newMaster = c.currentMaster("mymaster");
    c.restart("r1.0");
    c.run(20_000);
    expect(c.eventsOf("+convert-to-slave").map((e) => e.text)).to.satisfy((texts: string[]) =>
      texts.some((t) => t.startsWith("slave 10.0.1.1:6379")),
    );
    expect(c.node("r1.0").role).to.equal("slave");
    expect(c.node("r1.0").masterAddr).to.deep.equal(newMaster?.addr);
    converge(c);
  });

  it("lets the majority fail over while the master and one sentinel sit in a minority partition", () => {
    const c = cluster({ sentinels: 3, masters: 1, replicas: 2 });
    const heal = c.partition(["r1.0", "s1"]);
    expect(c.runUntilTrue(() => c.eventsOf("+switch-master", "s2").length > 0, 40_000)).to.equal(
      true,
    );
    c.run(10_000);
    // The minority sentinel saw the replicas go away but could never gather a majority.
    expect(c.eventsOf("+elected-leader", "s1")).to.have.length(0);
    expect(c.eventsOf("+promoted-slave", "s1")).to.have.length(0);
    expect(c.node("r1.0").role).to.equal("master");
    heal();
    converge(c);
    expect(c.node("r1.0").role).to.equal("slave");
    expect(c.eventsOf("+switch-master", "s1")).to.have.length(1);
  });

  it("recovers from split votes among 5 sentinels in a later epoch", () => {
    const c = cluster({
      sentinels: 5,
      masters: 1,
      replicas: 2,
      quorum: 2,
      failoverTimeout: 10_000,
    });
    // Three camps: no candidate can reach 3 of 5 votes.
    const cut1 = c.partition(["s1", "s2"], ["s3", "s4", "s5"]);
    const cut2 = c.partition(["s3", "s4"], ["s5"]);
    c.kill("r1.0");
    c.run(25_000);
    expect(c.eventsOf("+try-failover").length).to.be.greaterThan(0);
    expect(c.eventsOf("-failover-abort-not-elected").length).to.be.greaterThan(0);
    expect(c.eventsOf("+elected-leader")).to.have.length(0);
    cut1();
    cut2();
    expect(c.runUntilTrue(() => allSwitched(c, "mymaster", "10.0.1.1:6379"), 60_000)).to.equal(
      true,
    );
    const epochs = new Set(
      c
        .eventsOf("+try-failover")
        .map((e) => c.checker?.tryLog.find((t) => t.time === e.time)?.epoch),
    );
    expect(epochs.size).to.be.greaterThan(1);
    expect(promotions(c)).to.have.length(1);
    converge(c);
  });

  it("aborts with -failover-abort-no-good-slave when no replica can be promoted", () => {
    const c = cluster({ sentinels: 3, masters: 1, replicas: 1 });
    c.kill("r1.1");
    c.run(8000);
    c.kill("r1.0");
    expect(
      c.runUntilTrue(() => c.eventsOf("-failover-abort-no-good-slave").length > 0, 30_000),
    ).to.equal(true);
    expect(promotions(c)).to.have.length(0);
    c.restart("r1.0");
    c.restart("r1.1");
    converge(c);
    expect(c.currentMaster("mymaster")?.name).to.equal("r1.0");
  });

  it("never promotes a replica with priority 0", () => {
    const c = cluster({ sentinels: 3, masters: 1, replicas: 2, priorities: [[0, 100]] });
    c.kill("r1.0");
    expect(c.runUntilTrue(() => allSwitched(c, "mymaster", "10.0.1.1:6379"), 30_000)).to.equal(
      true,
    );
    expect(promotions(c)).to.deep.equal(["10.0.1.3:6379"]);
    expect(c.node("r1.1").role).to.equal("slave");
    converge(c);
  });

  it("enters TILT on a wall-clock jump, stays passive for 30 s and leaves it", () => {
    const c = cluster({ sentinels: 3, masters: 1, replicas: 2 });
    c.clockJump("s1", 10_000);
    c.run(500);
    expect(c.eventsOf("+tilt", "s1")).to.have.length(1);
    const tiltAt = c.now();
    c.kill("r1.0");
    expect(c.runUntilTrue(() => c.eventsOf("+switch-master", "s2").length > 0, 30_000)).to.equal(
      true,
    );
    // While in TILT, s1 neither judged the master down nor led anything.
    const s1Acts = c.events.filter(
      (e) =>
        e.sentinel === "s1" &&
        e.time < tiltAt + 29_000 &&
        ["+sdown", "+odown", "+try-failover"].includes(e.type),
    );
    expect(s1Acts).to.have.length(0);
    c.runUntilTrue(() => c.eventsOf("-tilt", "s1").length > 0, 40_000);
    expect(c.eventsOf("-tilt", "s1")[0]?.time).to.be.greaterThanOrEqual(tiltAt + 29_000);
    converge(c);
  });

  it("enters TILT after being paused for 3 s", () => {
    const c = cluster({ sentinels: 3, masters: 1, replicas: 1 });
    c.pause("s2");
    c.run(3000);
    c.resume("s2");
    c.run(500);
    expect(c.eventsOf("+tilt", "s2")).to.have.length(1);
    expect(c.eventsOf("+tilt", "s1")).to.have.length(0);
    converge(c, 40_000);
  });

  it("keeps its vote after crashing right after persisting it", () => {
    const c = cluster({ sentinels: 3, masters: 1, replicas: 2, preseed: true });
    const s2 = c.sentinel("s2");
    s2.crashAfterPersistWhen = (ready) => ready.events.some((e) => e.type === "+vote-for-leader");
    c.kill("r1.0");
    expect(c.runUntilTrue(() => !s2.up, 30_000)).to.equal(true);
    s2.crashAfterPersistWhen = null;
    const votedEpoch = s2.disk.masters[0]?.leaderEpoch ?? 0n;
    expect(votedEpoch > 0n, "s2 voted").to.equal(true);
    c.run(1000);
    c.restart("s2");
    expect(s2.state?.masters.get("mymaster")?.leaderEpoch).to.equal(votedEpoch);
    expect(c.runUntilTrue(() => allSwitched(c, "mymaster", "10.0.1.1:6379"), 60_000)).to.equal(
      true,
    );
    converge(c);
  });

  it("rides out flapping, lossy links without a failover", () => {
    const c = cluster({ sentinels: 3, masters: 1, replicas: 2, downAfter: 5000 });
    for (const s of ["s1", "s2", "s3"])
      c.degrade(s, "r1.0", { maxDelay: 30, loss: 0.2, duplicate: 0.1, reorder: 0.2 });
    for (let i = 0; i < 10; i++) {
      const heal = c.isolate("r1.0");
      c.run(1500);
      heal();
      c.run(2500);
    }
    c.restorePaths();
    expect(c.eventsOf("+try-failover")).to.have.length(0);
    expect(promotions(c)).to.have.length(0);
    converge(c);
    expect(c.currentMaster("mymaster")?.name).to.equal("r1.0");
  });

  it("fails over many masters at once", () => {
    const c = cluster({ sentinels: 5, masters: 4, replicas: 2 });
    for (let g = 1; g <= 4; g++) c.kill(`r${g}.0`);
    const done = (): boolean =>
      [1, 2, 3, 4].every((g) => allSwitched(c, `m${g}`, `10.0.${g}.1:6379`));
    expect(c.runUntilTrue(done, 60_000)).to.equal(true);
    expect(promotions(c)).to.have.length(4);
    for (let g = 1; g <= 4; g++)
      expect(c.currentMaster(`m${g}`)?.name).to.be.oneOf([`r${g}.1`, `r${g}.2`]);
    for (let g = 1; g <= 4; g++) c.restart(`r${g}.0`);
    converge(c);
  });

  it("replays bit for bit from the same seed", () => {
    const run = (): string => {
      const c = cluster({ sentinels: 3, masters: 1, replicas: 2 }, 77);
      c.kill("r1.0");
      c.run(30_000);
      return c.trace.text();
    };
    expect(run()).to.equal(run());
  });
});

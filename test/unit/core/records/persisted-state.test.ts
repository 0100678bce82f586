// Proves what a flush writes (docs/PROTOCOL.md §10.3): myid, epochs, per-master settings, the
// monitored address (the promoted replica's from reconf_slaves on, with the old master written
// as a known replica in its place), known replicas and known sentinels; and that a snapshot
// restores to the same state.
import { expect } from "chai";
import { SentinelCore } from "../../../../src/core/sentinel-core.js";
import {
  Driver,
  CyclingRandom,
  MY_ID,
  PEER_A,
  masterConfig,
  sentinelConfig,
} from "../core-driver.js";

function withTopology(): Driver {
  const d = new Driver(
    sentinelConfig(
      [
        masterConfig("mymaster", "10.0.0.1", 6379, {
          configEpoch: 3n,
          leaderEpoch: 2n,
          knownReplicas: [
            { ip: "10.0.0.2", port: 6379 },
            { ip: "10.0.0.3", port: 6379 },
          ],
          knownSentinels: [{ addr: { ip: "10.0.1.1", port: 26379 }, runId: PEER_A }],
          settings: { quorum: 3, downAfterPeriod: 5000, authPass: "pw" },
        }),
      ],
      { currentEpoch: 4n, global: { announceIp: "1.2.3.4" } },
    ),
  );
  d.take();
  return d;
}

describe("persisted-state: snapshot", () => {
  it("writes myid, epochs, settings, known replicas and known sentinels", () => {
    const snap = withTopology().core.snapshot();
    expect(snap.myId).to.equal(MY_ID);
    expect(snap.currentEpoch).to.equal(4n);
    expect(snap.global.announceIp).to.equal("1.2.3.4");
    const m = snap.masters[0];
    expect(m?.addr).to.deep.equal({ ip: "10.0.0.1", port: 6379 });
    expect([
      m?.configEpoch,
      m?.leaderEpoch,
      m?.settings.quorum,
      m?.settings.authPass,
    ]).to.deep.equal([3n, 2n, 3, "pw"]);
    expect(m?.knownReplicas).to.deep.equal([
      { ip: "10.0.0.2", port: 6379 },
      { ip: "10.0.0.3", port: 6379 },
    ]);
    expect(m?.knownSentinels).to.deep.equal([
      { addr: { ip: "10.0.1.1", port: 26379 }, runId: PEER_A },
    ]);
  });

  it("writes the promoted address once our failover reached reconf_slaves, the old master as a replica", () => {
    const d = withTopology();
    const m = d.master();
    m.flags.add("failover_in_progress");
    m.promotedReplica = "10.0.0.3:6379";
    m.failoverState = "wait_promotion";
    expect(d.core.snapshot().masters[0]?.addr).to.deep.equal({ ip: "10.0.0.1", port: 6379 });
    m.failoverState = "reconf_slaves";
    const snap = d.core.snapshot().masters[0];
    expect(snap?.addr).to.deep.equal({ ip: "10.0.0.3", port: 6379 });
    expect(snap?.knownReplicas).to.deep.equal([
      { ip: "10.0.0.2", port: 6379 },
      { ip: "10.0.0.1", port: 6379 },
    ]);
  });

  it("restores a snapshot to an equal snapshot", () => {
    const snap = withTopology().core.snapshot();
    const again = new SentinelCore(snap, { random: new CyclingRandom(), now: 99 });
    expect(again.snapshot()).to.deep.equal(snap);
  });
});

describe("persisted-state: an unchanged master's config is the last one", () => {
  it("hands out the same config while nothing in it changed, a new one with each change", () => {
    const d = withTopology();
    const m = d.master();
    let last = d.core.snapshot().masters[0]!;
    /** The next snapshot's config of the master: a new object exactly when `changed`. */
    const next = (changed: boolean): NonNullable<typeof last> => {
      const config = d.core.snapshot().masters[0]!;
      expect(config === last, changed ? "a new config" : "the same config").to.equal(!changed);
      last = config;
      return config;
    };
    next(false);
    m.leaderEpoch = 5n;
    expect(next(true).leaderEpoch).to.equal(5n);
    m.configEpoch = 6n;
    expect(next(true).configEpoch).to.equal(6n);
    m.settings = { ...m.settings, quorum: 2 };
    expect(next(true).settings.quorum).to.equal(2);
    const peer = [...m.sentinels.values()][0]!;
    peer.addr = { ip: "10.0.1.9", port: 26379 };
    expect(next(true).knownSentinels[0]?.addr).to.deep.equal({ ip: "10.0.1.9", port: 26379 });
    const replica = [...m.replicas.values()][0]!;
    replica.addr = { ip: "10.0.0.7", port: 6379 };
    expect(next(true).knownReplicas[0]).to.deep.equal({ ip: "10.0.0.7", port: 6379 });
    m.flags.add("failover_in_progress");
    m.promotedReplica = "10.0.0.3:6379";
    m.failoverState = "reconf_slaves";
    expect(next(true).addr).to.deep.equal({ ip: "10.0.0.3", port: 6379 });
    next(false);
    m.failoverState = "wait_promotion";
    m.addr = { ip: "Host.Example", port: 6379 };
    next(true);
    // The same name in another case is another line in the file.
    m.addr = { ip: "host.example", port: 6379 };
    next(true);
    m.replicas.delete([...m.replicas.keys()][0]!);
    expect(next(true).knownReplicas).to.have.length(1);
  });
});

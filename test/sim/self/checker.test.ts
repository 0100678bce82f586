// Proves the safety checker catches each violation it exists for (double votes on the wire or in
// events, two leaders in one epoch, an election without votes, a promotion without election, epochs
// going down, a restart forgetting a vote, two addresses of a master in one config epoch) and stays
// quiet on a legal history; and that liveness
// accepts a split of sentinels at one config epoch only between the two promotions of an epoch a
// forced failover reused, with the nodes following one of them.
import { expect } from "chai";
import { Checker, convergence, SafetyViolation } from "../harness/checker.js";
import { FakeNetwork } from "../harness/fake-network.js";
import { FakeRedis } from "../harness/fake-redis.js";
import { Prng } from "../harness/prng.js";
import type { SentVote, SimObserver } from "../harness/sim-sentinel.js";
import { SimSentinel } from "../harness/sim-sentinel.js";
import { VirtualClock } from "../harness/virtual-clock.js";
import { addReplica } from "../../support/state-builder.js";
import { event, ready, StubCore, stubConfig } from "./stub-core.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);

function sentinel(
  name: string,
  id: string,
  leaderEpoch = 0n,
): { s: SimSentinel; core: () => StubCore } {
  const clock = new VirtualClock();
  const random = new Prng(1);
  let last: StubCore | null = null;
  const observer: SimObserver = { onStep: () => undefined, onLifecycle: () => undefined };
  const s = new SimSentinel(
    {
      clock,
      network: new FakeNetwork(clock, random),
      random,
      factory: (config) => (last = new StubCore(config)),
      timing: null,
      lookupServer: () => null,
      observer,
    },
    name,
    "10.0.0.1",
    26379,
    stubConfig(id, 0n, leaderEpoch),
  );
  s.start();
  return {
    s,
    core: () => {
      if (last === null) throw new Error("no core");
      return last;
    },
  };
}

function vote(leader: string, epoch: number): SentVote {
  return {
    request: { ip: "10.0.1.1", port: 6379, epoch: BigInt(epoch), runId: leader, from: "10.0.0.9" },
    reply: { down: true, leader, leaderEpoch: BigInt(epoch) },
  };
}

describe("sim checker", () => {
  it("rejects two votes of one sentinel for different leaders in one epoch", () => {
    const checker = new Checker();
    const { s } = sentinel("s1", A);
    checker.onStep(s, [], ready({ events: [event("+vote-for-leader", `${B} 3`)] }), []);
    expect(() => {
      checker.onStep(s, [], ready({}), [vote(C, 3)]);
    }).to.throw(SafetyViolation, /voted for two leaders/);
  });

  it("accepts the same vote repeated and votes in different epochs", () => {
    const checker = new Checker();
    const { s } = sentinel("s1", A);
    checker.onStep(s, [], ready({ events: [event("+vote-for-leader", `${B} 3`)] }), [vote(B, 3)]);
    checker.onStep(s, [], ready({}), [vote(B, 3), vote(C, 4)]);
    expect(checker.checks).to.equal(2);
  });

  it("rejects a second elected leader for the same master and epoch", () => {
    const checker = new Checker();
    const s1 = sentinel("s1", A);
    const s2 = sentinel("s2", B);
    const s3 = sentinel("s3", C);
    for (const x of [s1, s2]) {
      const m = x.core().state.masters.get("mymaster")!;
      m.failoverEpoch = 5n;
      x.core().state.currentEpoch = 5n;
    }
    // A is elected with votes from A and C; B's later election in the same epoch must be refused
    // (the uniqueness rule is checked before the vote count).
    checker.onStep(s1.s, [], ready({ events: [event("+vote-for-leader", `${A} 5`)] }), []);
    checker.onStep(s3.s, [], ready({}), [vote(A, 5)]);
    checker.onStep(
      s1.s,
      [],
      ready({ events: [event("+elected-leader", "master mymaster 10.0.1.1 6379")] }),
      [],
    );
    checker.onStep(s2.s, [], ready({ events: [event("+vote-for-leader", `${B} 5`)] }), []);
    expect(() => {
      checker.onStep(
        s2.s,
        [],
        ready({ events: [event("+elected-leader", "master mymaster 10.0.1.1 6379")] }),
        [],
      );
    }).to.throw(SafetyViolation, /second leader/);
  });

  it("tolerates a double election caused by the mixed-epoch tally only outside strict mode", () => {
    for (const strict of [false, true]) {
      const checker = new Checker({ strict });
      const s1 = sentinel("s1", A);
      const s2 = sentinel("s2", B);
      const s3 = sentinel("s3", C);
      s1.core().state.masters.get("mymaster")!.failoverEpoch = 4n;
      s1.core().state.currentEpoch = 4n;
      s2.core().state.masters.get("mymaster")!.failoverEpoch = 4n;
      s2.core().state.currentEpoch = 6n;
      checker.onStep(s1.s, [], ready({ events: [event("+vote-for-leader", `${A} 4`)] }), []);
      checker.onStep(s3.s, [], ready({}), [vote(A, 4), vote(B, 6)]);
      checker.onStep(
        s1.s,
        [],
        ready({ events: [event("+elected-leader", "master mymaster 10.0.1.1 6379")] }),
        [],
      );
      checker.onStep(s2.s, [], ready({ events: [event("+vote-for-leader", `${B} 4`)] }), []);
      const second = (): void => {
        checker.onStep(
          s2.s,
          [],
          ready({ events: [event("+elected-leader", "master mymaster 10.0.1.1 6379")] }),
          [],
        );
      };
      if (strict) {
        expect(second).to.throw(SafetyViolation, /second leader/);
      } else {
        second();
        expect(checker.quirks).to.have.length(1);
      }
    }
  });

  it("rejects an election without a majority of recorded votes", () => {
    const checker = new Checker();
    const { s, core } = sentinel("s1", A);
    const m = core().state.masters.get("mymaster")!;
    m.failoverEpoch = 2n;
    // Two known peers: 3 voters, majority 2; only the own vote is on record.
    m.sentinels.set(B, {} as never);
    m.sentinels.set(C, {} as never);
    checker.onStep(s, [], ready({ events: [event("+vote-for-leader", `${A} 2`)] }), []);
    expect(() => {
      checker.onStep(
        s,
        [],
        ready({ events: [event("+elected-leader", "master mymaster 10.0.1.1 6379")] }),
        [],
      );
    }).to.throw(SafetyViolation, /1 votes on record, needs 2/);
  });

  it("rejects SLAVEOF NO ONE from a sentinel that was not elected", () => {
    const checker = new Checker();
    const { s } = sentinel("s1", A);
    expect(() => {
      checker.onStep(
        s,
        [],
        ready({
          commands: [{ type: "replicaof", link: "slave:mymaster:10.0.1.2:6379", target: null }],
        }),
        [],
      );
    }).to.throw(SafetyViolation, /without being elected/);
  });

  it("rejects a current epoch that goes down within a process", () => {
    const checker = new Checker();
    const { s, core } = sentinel("s1", A);
    core().state.currentEpoch = 4n;
    checker.onStep(s, [], ready({}), []);
    core().state.currentEpoch = 3n;
    expect(() => {
      checker.onStep(s, [], ready({}), []);
    }).to.throw(SafetyViolation, /current epoch went down/);
  });

  it("rejects two addresses of a master held under one config epoch, the leader's advertised one included", () => {
    const checker = new Checker();
    const s1 = sentinel("s1", A);
    const s2 = sentinel("s2", B);
    const m1 = s1.core().state.masters.get("mymaster")!;
    const m2 = s2.core().state.masters.get("mymaster")!;
    m2.configEpoch = 2n;
    checker.onStep(s2.s, [], ready({}), []);
    // s1 leads a failover of epoch 2 past its promotion: it advertises its promoted replica.
    addReplica(s1.core().state, 1, m1, { ip: "10.0.1.3", port: 6379 });
    m1.flags.add("failover_in_progress");
    m1.failoverState = "reconf_slaves";
    m1.promotedReplica = "10.0.1.3:6379";
    m1.configEpoch = 2n;
    expect(() => {
      checker.onStep(s1.s, [], ready({}), []);
    }).to.throw(
      SafetyViolation,
      /holds 10.0.1.3:6379 for mymaster in config epoch 2, where s2 held 10.0.1.1:6379/,
    );
  });

  it("rejects a restart whose leader-epoch is below a vote already sent", () => {
    const checker = new Checker();
    const { s } = sentinel("s1", A);
    checker.onStep(s, [], ready({}), [vote(B, 6)]);
    s.crash();
    s.start();
    expect(() => {
      checker.onLifecycle(s);
    }).to.throw(SafetyViolation, /had voted in epoch 6/);
  });

  it("records the second node promoted in an epoch a forced failover reused", () => {
    const checker = new Checker();
    const s1 = sentinel("s1", A);
    const s2 = sentinel("s2", B);
    for (const x of [s1, s2]) {
      const m = x.core().state.masters.get("mymaster")!;
      m.failoverEpoch = 1n;
      m.flags.add("force_failover");
    }
    const elected = event("+elected-leader", "master mymaster 10.0.1.1 6379");
    const promoted = (ip: string) =>
      event("+promoted-slave", `slave ${ip}:6379 ${ip} 6379 @ mymaster 10.0.1.1 6379`);
    checker.onStep(s1.s, [], ready({ events: [elected, promoted("10.0.1.2")] }), []);
    expect(checker.collisions.size).to.equal(0);
    checker.onStep(s2.s, [], ready({ events: [elected, promoted("10.0.1.3")] }), []);
    expect([...(checker.collisions.get("mymaster|1") ?? [])]).to.deep.equal([
      "10.0.1.2:6379",
      "10.0.1.3:6379",
    ]);
    expect(checker.quirks).to.have.length(1);
    // Each holds its own promoted node under epoch 1: Redis's split, not a violation here.
    [s1, s2].forEach((x, i) => {
      const m = x.core().state.masters.get("mymaster")!;
      m.addr = { ip: `10.0.1.${i + 2}`, port: 6379 };
      m.configEpoch = 1n;
      checker.onStep(x.s, [], ready({}), []);
    });
  });

  it("accepts sentinels split at one epoch only between its reused promotions, the nodes on one", () => {
    const clock = new VirtualClock();
    const random = new Prng(2);
    const nodes: FakeRedis[] = [];
    const env = {
      clock,
      network: new FakeNetwork(clock, random.fork("net")),
      lookup: (addr: { ip: string; port: number }) =>
        nodes.find((n) => n.host === addr.ip && n.port === addr.port) ?? null,
      note: () => undefined,
    };
    const node = (i: number, replicaOf: FakeRedis | null): FakeRedis =>
      new FakeRedis(
        { ...env, random: random.fork(`r${i}`) },
        {
          name: `r1.${i}`,
          host: `10.0.1.${i + 1}`,
          port: 6379,
          replicaOf: replicaOf?.addr ?? null,
        },
      );
    const r1 = node(1, null);
    nodes.push(node(0, r1), r1, node(2, r1));
    for (const n of nodes) n.peers = () => nodes;
    clock.runUntil(3000);
    const views = [sentinel("s1", A), sentinel("s2", B), sentinel("s3", C)];
    views.forEach((x, i) => {
      const m = x.core().state.masters.get("mymaster")!;
      m.addr = { ip: i === 1 ? "10.0.1.3" : "10.0.1.2", port: 6379 };
      m.configEpoch = 1n;
    });
    const sentinels = views.map((x) => x.s);
    const reused = new Map([["mymaster|1", new Set(["10.0.1.2:6379", "10.0.1.3:6379"])]]);
    const split = "s2 reports 10.0.1.3:6379 epoch 1, others 10.0.1.2:6379 epoch 1";
    expect(convergence("mymaster", sentinels, nodes)).to.equal(split);
    expect(convergence("mymaster", sentinels, nodes, reused)).to.equal(null);
    const otherEpoch = new Map([["mymaster|2", reused.get("mymaster|1")!]]);
    expect(convergence("mymaster", sentinels, nodes, otherEpoch)).to.equal(split);
    const otherNodes = new Map([["mymaster|1", new Set(["10.0.1.2:6379", "10.0.1.1:6379"])]]);
    expect(convergence("mymaster", sentinels, nodes, otherNodes)).to.equal(split);
    nodes[2]!.slaveOf(null);
    expect(convergence("mymaster", sentinels, nodes, reused)).to.match(/no node converged/);
  });
});

// Proves the fake Redis keeps replication ids as redis-server 7.0.15 does, step for step as a
// loopback run of three servers printed them (docs/COMPATIBILITY.md, "Replica identity before
// promotion"): SLAVEOF NO ONE keeps the old id as master_replid2 up to second_repl_offset =
// offset + 1; a replica re-pointed at the promoted node continues (PSYNC) and keeps its old id as
// master_replid2; a node that wrote past the promotion, re-pointed, resyncs in full and clears
// master_replid2; a chained replica follows its upstream's continuation; a master restarted with
// its data takes a new id, the old one as master_replid2.
import { expect } from "chai";
import { FakeNetwork } from "../harness/fake-network.js";
import { FakeRedis } from "../harness/fake-redis.js";
import { Prng } from "../harness/prng.js";
import { VirtualClock } from "../harness/virtual-clock.js";

const ZERO = "0".repeat(40);

interface Ids {
  readonly role: string;
  readonly replid: string;
  readonly replid2: string;
  readonly offset: number;
  readonly second: number;
}

/** The INFO fields Sentinel reads for replication ids. */
function ids(node: FakeRedis): Ids {
  const field = (name: string): string => {
    const line = node
      .infoText()
      .split("\r\n")
      .find((l) => l.startsWith(`${name}:`));
    if (line === undefined) throw new Error(`${node.name}: no ${name} in INFO`);
    return line.slice(name.length + 1);
  };
  return {
    role: field("role"),
    replid: field("master_replid"),
    replid2: field("master_replid2"),
    offset: Number(field("master_repl_offset")),
    second: Number(field("second_repl_offset")),
  };
}

/** Master a, replicas b and c, synced, with a's writes stopped (offsets equal). */
function threeNodes(): { clock: VirtualClock; a: FakeRedis; b: FakeRedis; c: FakeRedis } {
  const clock = new VirtualClock();
  const random = new Prng(3);
  const net = new FakeNetwork(clock, random.fork("net"));
  const nodes: FakeRedis[] = [];
  const env = {
    clock,
    network: net,
    lookup: (addr: { ip: string; port: number }) =>
      nodes.find((n) => n.host === addr.ip && n.port === addr.port) ?? null,
    note: () => undefined,
  };
  const node = (name: string, host: string, replicaOf: FakeRedis | null): FakeRedis =>
    new FakeRedis(
      { ...env, random: random.fork(name) },
      { name, host, port: 6379, replicaOf: replicaOf?.addr ?? null },
    );
  const a = node("a", "10.0.1.1", null);
  const b = node("b", "10.0.1.2", a);
  const c = node("c", "10.0.1.3", a);
  nodes.push(a, b, c);
  for (const n of nodes) n.peers = () => nodes;
  clock.runUntil(2000);
  a.writeRate = 0;
  clock.runFor(2000);
  return { clock, a, b, c };
}

describe("sim fake redis replication ids", () => {
  it("keeps the old id as master_replid2 up to offset + 1 on SLAVEOF NO ONE, however far it writes", () => {
    const { clock, a, b } = threeNodes();
    const before = ids(b);
    expect(before).to.include({ role: "slave", replid: ids(a).replid, replid2: ZERO, second: -1 });
    b.slaveOf(null);
    b.writeRate = 200;
    clock.runFor(3000);
    const after = ids(b);
    expect(after.replid).to.not.equal(before.replid);
    expect(after).to.include({ role: "master", replid2: before.replid, second: before.offset + 1 });
    expect(after.offset).to.be.greaterThan(before.offset);
  });

  it("continues a replica re-pointed at the promoted node: its old id becomes master_replid2", () => {
    const { clock, a, b, c } = threeNodes();
    const old = ids(c);
    b.slaveOf(null);
    c.slaveOf(b.addr);
    clock.runFor(3000);
    expect(ids(c)).to.include({
      role: "slave",
      replid: ids(b).replid,
      replid2: ids(a).replid,
      second: old.offset + 1,
    });
  });

  it("clears master_replid2 on a full resync (the promoted node re-pointed at an old master that wrote on)", () => {
    const { clock, a, b } = threeNodes();
    b.slaveOf(null);
    expect(ids(b).replid2).to.equal(ids(a).replid);
    a.writeRate = 200;
    clock.runFor(1000);
    b.slaveOf(a.addr);
    clock.runFor(3000);
    expect(ids(b)).to.include({ role: "slave", replid: ids(a).replid, replid2: ZERO, second: -1 });
  });

  it("lets a chained replica follow its upstream's new id, as the old master re-pointed continues", () => {
    const { clock, a, b, c } = threeNodes();
    c.slaveOf(b.addr);
    clock.runFor(3000);
    const old = ids(c);
    expect(old.replid).to.equal(ids(a).replid);
    // b promoted (c stays under it), then a, with no writes since, re-pointed under b.
    b.slaveOf(null);
    a.slaveOf(b.addr);
    clock.runFor(3000);
    expect(ids(a)).to.include({ replid: ids(b).replid, replid2: old.replid });
    expect(ids(c)).to.include({
      replid: ids(b).replid,
      replid2: old.replid,
      second: old.offset + 1,
    });
  });

  it("gives a master restarted with its data a new id, the old one as master_replid2", () => {
    const { clock, a } = threeNodes();
    const before = ids(a);
    a.crash();
    clock.runFor(1000);
    a.restart();
    const after = ids(a);
    expect(after.replid).to.not.equal(before.replid);
    expect(after).to.include({ role: "master", replid2: before.replid, second: before.offset + 1 });
  });
});

// Proves the fake network keeps TCP order and holds data across partitions, that gossip can be
// lost or duplicated, and that the fake Redis answers like redis-server 7.0 as Sentinel sees it:
// INFO fields, replication with lag, SLAVEOF with CLIENT KILL, -LOADING after restart.
import { expect } from "chai";
import { Connection } from "../harness/connection.js";
import type { ClientEnd, Response } from "../harness/connection.js";
import { FakeNetwork } from "../harness/fake-network.js";
import { FakeRedis } from "../harness/fake-redis.js";
import { Prng } from "../harness/prng.js";
import { VirtualClock } from "../harness/virtual-clock.js";

function world(seed = 1): { clock: VirtualClock; net: FakeNetwork; random: Prng } {
  const clock = new VirtualClock();
  const random = new Prng(seed);
  return { clock, net: new FakeNetwork(clock, random.fork("net")), random };
}

describe("sim fake network", () => {
  it("delivers stream data in order even with loss", () => {
    const { clock, net } = world();
    net.setPath("a", "b", { minDelay: 1, maxDelay: 50, loss: 0.3 });
    const stream = net.openStream("a", "b");
    const got: number[] = [];
    for (let i = 0; i < 100; i++) net.send(stream, "forward", () => got.push(i));
    clock.runUntil(100_000);
    expect(got).to.deep.equal(Array.from({ length: 100 }, (_, i) => i));
  });

  it("holds stream data while partitioned and delivers it after the heal", () => {
    const { clock, net } = world();
    const stream = net.openStream("a", "b");
    net.partition(["a"], ["b"]);
    let got = false;
    net.send(stream, "forward", () => (got = true));
    clock.runUntil(10_000);
    expect(got).to.equal(false);
    net.heal();
    clock.runUntil(20_000);
    expect(got).to.equal(true);
  });

  it("drops stream data once the stream is closed", () => {
    const { clock, net } = world();
    const stream = net.openStream("a", "b");
    let got = false;
    net.send(stream, "forward", () => (got = true));
    stream.closed = true;
    clock.runUntil(1000);
    expect(got).to.equal(false);
  });

  it("cuts only one direction with a one-way partition", () => {
    const { net } = world();
    net.partitionOneWay(["a"], ["b"]);
    expect(net.canReach("a", "b")).to.equal(false);
    expect(net.canReach("b", "a")).to.equal(true);
    expect(net.connected("a", "b")).to.equal(false);
  });

  it("loses and duplicates gossip at the configured rates", () => {
    const { clock, net } = world(5);
    net.setPath("a", "b", { loss: 0.2, duplicate: 0.2, reorder: 0.5 });
    let got = 0;
    for (let i = 0; i < 1000; i++) net.sendLoose("a", "b", () => got++);
    clock.runUntil(10_000);
    expect(net.stats.looseDropped).to.be.within(150, 250);
    expect(net.stats.looseDuplicated).to.be.within(100, 220);
    expect(got).to.equal(1000 - net.stats.looseDropped + net.stats.looseDuplicated);
  });
});

describe("sim fake redis", () => {
  function setup(): {
    clock: VirtualClock;
    net: FakeNetwork;
    master: FakeRedis;
    replica: FakeRedis;
    client: ClientEnd;
    notes: string[];
  } {
    const { clock, net, random } = world(9);
    const nodes: FakeRedis[] = [];
    const notes: string[] = [];
    const env = {
      clock,
      network: net,
      lookup: (addr: { ip: string; port: number }) =>
        nodes.find((n) => n.host === addr.ip && n.port === addr.port) ?? null,
      note: (n: FakeRedis, text: string) => notes.push(`${n.name} ${text}`),
    };
    const master = new FakeRedis(
      { ...env, random: random.fork("m") },
      { name: "m", host: "10.0.1.1", port: 6379, replicaOf: null, loadingTime: 500 },
    );
    const replica = new FakeRedis(
      { ...env, random: random.fork("r") },
      { name: "r", host: "10.0.1.2", port: 6379, replicaOf: master.addr, priority: 7 },
    );
    nodes.push(master, replica);
    master.peers = () => nodes;
    replica.peers = () => nodes;
    const client: ClientEnd = {
      host: "10.0.0.1",
      deliver: (run) => {
        run();
      },
    };
    return { clock, net, master, replica, client, notes };
  }

  function ask(
    clock: VirtualClock,
    conn: Connection,
    request: Parameters<Connection["request"]>[0],
  ): Response | null {
    let out: Response | null = null;
    conn.request(request, (r) => (out = r));
    clock.runFor(100);
    return out;
  }

  it("reports INFO in redis-server's format with replication fields", () => {
    const { clock, net, master, replica, client } = setup();
    clock.runUntil(2000);
    const conn = new Connection(net, client, replica, "cmd");
    replica.accept(conn);
    const info = ask(clock, conn, { kind: "info" });
    expect(info?.kind).to.equal("ok");
    const text = info !== null && info.kind === "ok" ? info.text : "";
    expect(text).to.include(`run_id:${replica.runId}\r\n`);
    expect(text).to.include(
      "role:slave\r\nmaster_host:10.0.1.1\r\nmaster_port:6379\r\nmaster_link_status:up\r\n",
    );
    expect(text).to.include("slave_priority:7\r\n");
    expect(text).to.match(/slave_repl_offset:\d+\r\n/);
    const mconn = new Connection(net, client, master, "cmd");
    master.accept(mconn);
    const minfo = ask(clock, mconn, { kind: "info" });
    expect(minfo !== null && minfo.kind === "ok" ? minfo.text : "").to.match(
      /role:master\r\nconnected_slaves:1\r\nslave0:ip=10\.0\.1\.2,port=6379,state=online,offset=\d+,lag=0\r\n/,
    );
    expect(replica.offset).to.be.greaterThan(0);
    expect(replica.offset).to.be.at.most(master.offset);
  });

  it("reports the replica link down at once when the master process dies", () => {
    const { clock, master, replica } = setup();
    clock.runUntil(1000);
    master.crash();
    clock.runFor(300);
    expect(replica.linkUp).to.equal(false);
    expect(replica.infoText()).to.include("master_link_status:down\r\n");
    expect(replica.infoText()).to.match(/master_link_down_since_seconds:0\r\n/);
  });

  it("keeps the replica link up until repl-timeout when the master is unreachable", () => {
    const { clock, net, master, replica } = setup();
    clock.runUntil(1000);
    net.partition([master.host], [replica.host]);
    clock.runFor(30_000);
    expect(replica.linkUp).to.equal(true);
    clock.runFor(31_000);
    expect(replica.linkUp).to.equal(false);
  });

  it("promotes on SLAVEOF NO ONE and kills the other clients", () => {
    const { clock, net, replica, client } = setup();
    clock.runUntil(1000);
    const mine = new Connection(net, client, replica, "cmd");
    const other = new Connection(
      net,
      {
        host: "10.0.0.2",
        deliver: (run) => {
          run();
        },
      },
      replica,
      "cmd",
    );
    const pubsub = new Connection(net, client, replica, "pubsub");
    for (const c of [mine, other, pubsub]) replica.accept(c);
    let otherClosed = "";
    other.onServerClose = (reason) => (otherClosed = reason);
    const reply = ask(clock, mine, { kind: "replicaof", target: null });
    expect(reply).to.deep.equal({ kind: "ok", text: "OK" });
    expect(replica.role).to.equal("master");
    expect(replica.infoText()).to.include("role:master\r\n");
    expect(otherClosed).to.include("CLIENT KILL");
    expect(pubsub.open).to.equal(false);
    expect(mine.open).to.equal(true);
  });

  it("comes back from a crash with a new run id, its saved role, and -LOADING for a while", () => {
    const { clock, net, master, client } = setup();
    const before = master.runId;
    master.crash();
    master.restart();
    expect(master.runId).to.not.equal(before);
    expect(master.role).to.equal("master");
    const conn = new Connection(net, client, master, "cmd");
    master.accept(conn);
    expect(ask(clock, conn, { kind: "ping" })?.kind).to.equal("error");
    clock.runFor(500);
    expect(ask(clock, conn, { kind: "ping" })).to.deep.equal({ kind: "ok", text: "PONG" });
  });

  it("delivers hellos to subscribers and propagates PUBLISH to replicas", () => {
    const { clock, net, master, replica, client } = setup();
    clock.runUntil(1000);
    const sub = new Connection(net, client, replica, "pubsub");
    replica.accept(sub);
    const got: string[] = [];
    sub.onMessage = (p) => got.push(p);
    const pub = new Connection(net, client, master, "cmd");
    master.accept(pub);
    ask(clock, pub, { kind: "publish", payload: "hello-1" });
    clock.runFor(100);
    expect(got).to.deep.equal(["hello-1"]);
  });

  it("queues requests while paused and answers them on resume", () => {
    const { clock, net, master, client } = setup();
    const conn = new Connection(net, client, master, "cmd");
    master.accept(conn);
    master.pause();
    let out: Response | null = null;
    conn.request({ kind: "ping" }, (r) => (out = r));
    clock.runFor(5000);
    expect(out).to.equal(null);
    master.resume();
    clock.runFor(100);
    expect(out).to.deep.equal({ kind: "ok", text: "PONG" });
  });
});

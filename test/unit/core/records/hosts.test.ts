// Proves hostnames with resolve-hostnames yes (core/records/hosts.ts; sentinel.c: createSentinelAddr,
// sentinelAddrEqualsHostname, sentinelAddrOrHostnameEqual, announceSentinelAddr): a record keeps
// its name and the IP the shell looked up; comparisons (a replica's master_host, a hello's master
// address, is-master-down-by-addr) accept either; a name never looked up is asked for and the
// decision waits; texts carry the IP, or the name with announce-hostnames.
import { expect } from "chai";
import type { GlobalSettings } from "../../../../src/core/model/config.js";
import {
  Driver,
  PEER_A,
  commandsOf,
  eventLines,
  hello,
  info,
  masterConfig,
  masterInfo,
  replicaInfo,
  sentinelConfig,
  connectWithReplica,
} from "../core-driver.js";

const M = "master:mymaster";
const R2 = "slave:mymaster:10.0.0.2:6379";
const RUN_M = "1".repeat(40);
const RUN_R = "2".repeat(40);
const NAME = "db.example";

/** A master monitored as db.example (looked up as 10.0.0.1 before start), one known replica. */
function byName(global: Partial<GlobalSettings> = {}, ip: string | null = "10.0.0.1"): Driver {
  const d = new Driver(
    sentinelConfig(
      [
        masterConfig("mymaster", NAME, 6379, {
          knownReplicas: [{ ip: "10.0.0.2", port: 6379 }],
          settings: { failoverTimeout: 1000 },
        }),
      ],
      { global: { resolveHostnames: true, ...global } },
    ),
    { hosts: new Map([[NAME, ip]]) },
  );
  return d;
}

function connected(d: Driver): Driver {
  return connectWithReplica(d, RUN_M);
}

describe("hosts: a master monitored by name", () => {
  it("prints its IP in events (its name with announce-hostnames) and connects to that IP", () => {
    const announced = byName({ announceHostnames: true });
    expect(eventLines(announced.take())).to.deep.equal([
      `+monitor master mymaster ${NAME} 6379 quorum 2`,
    ]);
    const d = byName();
    expect(eventLines(d.take())).to.deep.equal(["+monitor master mymaster 10.0.0.1 6379 quorum 2"]);
    const connects = commandsOf(d.tick(), "connect").filter((c) => c.link === M);
    expect(connects.map((c) => c.addr)).to.deep.equal([
      { ip: "10.0.0.1", port: 6379 },
      { ip: "10.0.0.1", port: 6379 },
    ]);
    // The name is what the record (and so the config) keeps.
    expect(d.master().addr).to.deep.equal({ ip: NAME, port: 6379 });
  });

  it("accepts a replica reporting the master's IP as master_host (no +fix-slave-config)", () => {
    const d = connected(byName());
    d.now += 5000;
    d.step(info(M, masterInfo(RUN_M, [["10.0.0.2", 6379]])));
    d.step(info(R2, replicaInfo(RUN_R, "10.0.0.1", 6379)));
    d.now += 5000;
    d.step(info(M, masterInfo(RUN_M, [["10.0.0.2", 6379]])));
    d.step(info(R2, replicaInfo(RUN_R, "10.0.0.1", 6379)));
    const ready = d.take();
    expect(commandsOf(ready, "replicaof")).to.deep.equal([]);
    expect(eventLines(ready)).to.deep.equal([]);
  });

  it("still points back a replica following another IP: SLAVEOF <IP>, <name> if announced", () => {
    for (const announceHostnames of [false, true]) {
      const host = announceHostnames ? NAME : "10.0.0.1";
      const d = connected(byName({ announceHostnames }));
      d.now += 5000;
      d.step(info(M, masterInfo(RUN_M, [["10.0.0.2", 6379]])));
      d.step(info(R2, replicaInfo(RUN_R, "10.0.0.9", 6379)));
      d.now += 5000;
      d.step(info(M, masterInfo(RUN_M, [["10.0.0.2", 6379]])));
      d.step(info(R2, replicaInfo(RUN_R, "10.0.0.9", 6379)));
      const ready = d.take();
      expect(eventLines(ready)).to.deep.equal([
        `+fix-slave-config slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster ${host} 6379`,
      ]);
      expect(commandsOf(ready, "replicaof")[0]?.target).to.deep.equal({ ip: host, port: 6379 });
    }
  });

  it("keeps a hello naming the master by its IP from switching it", () => {
    const d = connected(byName());
    d.step({
      type: "hello-received",
      via: M,
      payload: hello(PEER_A, "10.0.1.1", 26379, 1, "mymaster", "10.0.0.1", 6379, 1),
    });
    const ready = d.take();
    expect(eventLines(ready)).to.deep.equal([
      "+sentinel sentinel aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 10.0.1.1 26379 @ mymaster 10.0.0.1 6379",
      "+new-epoch 1",
    ]);
    expect(d.master().configEpoch).to.equal(1n);
    expect(d.master().addr).to.deep.equal({ ip: NAME, port: 6379 });
  });

  it("answers is-master-down-by-addr asked by its IP or by its name", () => {
    const d = connected(byName());
    d.master().flags.add("s_down");
    for (const [id, ip] of [
      [1, "10.0.0.1"],
      [2, "DB.example"],
      [3, "10.0.0.9"],
    ] as const) {
      d.step({
        type: "is-master-down-request",
        requestId: id,
        ip,
        port: 6379,
        epoch: 0n,
        runId: "*",
      });
    }
    const downs = d.take().replies.map((r) => (r.kind === "is-master-down" ? r.down : null));
    expect(downs).to.deep.equal([true, true, false]);
  });
});

describe("hosts: names met at run time", () => {
  it("asks for a replica's master_host name and decides once it is answered", () => {
    // Never with resolve-hostnames off (anetResolve with ANET_IP_ONLY).
    const off = connected(
      new Driver(
        sentinelConfig([
          masterConfig("mymaster", "10.0.0.1", 6379, {
            knownReplicas: [{ ip: "10.0.0.2", port: 6379 }],
          }),
        ]),
      ),
    );
    off.step(info(R2, replicaInfo(RUN_R, "local.example", 6379)));
    expect(commandsOf(off.take(), "resolve")).to.deep.equal([]);

    const d = new Driver(
      sentinelConfig(
        [
          masterConfig("mymaster", "10.0.0.1", 6379, {
            knownReplicas: [{ ip: "10.0.0.2", port: 6379 }],
            settings: { failoverTimeout: 1000 },
          }),
        ],
        { global: { resolveHostnames: true } },
      ),
    );
    connected(d);
    d.now += 5000;
    d.step(info(M, masterInfo(RUN_M, [["10.0.0.2", 6379]])));
    d.step(info(R2, replicaInfo(RUN_R, "Local.Example", 6379)));
    let ready = d.take();
    expect(commandsOf(ready, "resolve")).to.deep.equal([
      { type: "resolve", host: "Local.Example" },
    ]);
    expect(commandsOf(ready, "replicaof")).to.deep.equal([]);

    d.step({ type: "host-resolved", host: "Local.Example", ip: "10.0.0.1" });
    d.step(info(R2, replicaInfo(RUN_R, "Local.Example", 6379)));
    ready = d.take();
    expect(commandsOf(ready, "replicaof")).to.deep.equal([]);
    expect(commandsOf(ready, "resolve")).to.deep.equal([]);

    // An answer older than a second is asked for again; a failed lookup matches nothing.
    d.now += 1500;
    d.step(info(R2, replicaInfo(RUN_R, "local.example", 6379)));
    // master_host keeps the text first seen (it only changes case-insensitively).
    expect(commandsOf(d.take(), "resolve")).to.deep.equal([
      { type: "resolve", host: "Local.Example" },
    ]);
    d.step({ type: "host-resolved", host: "Local.Example", ip: null });
    d.step(info(M, masterInfo(RUN_M, [["10.0.0.2", 6379]])));
    d.step(info(R2, replicaInfo(RUN_R, "local.example", 6379)));
    expect(eventLines(d.take())).to.deep.equal([
      "+fix-slave-config slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379",
    ]);
  });

  it("discovers a replica announced by name once looked up, and not twice by its IP", () => {
    const d = new Driver(sentinelConfig([masterConfig()], { global: { resolveHostnames: true } }));
    d.take();
    d.step(info(M, masterInfo(RUN_M, [["replica.example", 6380]])));
    let ready = d.take();
    expect(eventLines(ready)).to.deep.equal([]);
    expect(commandsOf(ready, "resolve")).to.deep.equal([
      { type: "resolve", host: "replica.example" },
    ]);
    d.step({ type: "host-resolved", host: "replica.example", ip: "10.0.0.5" });
    d.step(info(M, masterInfo(RUN_M, [["replica.example", 6380]])));
    d.step(info(M, masterInfo(RUN_M, [["10.0.0.5", 6380]])));
    ready = d.take();
    expect(eventLines(ready)).to.deep.equal([
      "+slave slave 10.0.0.5:6380 10.0.0.5 6380 @ mymaster 10.0.0.1 6379",
    ]);
    expect([...d.master().replicas.keys()]).to.deep.equal(["replica.example:6380"]);
  });

  it("waits with a hello naming an unknown host, then switches to it by name", () => {
    const d = new Driver(sentinelConfig([masterConfig()], { global: { resolveHostnames: true } }));
    d.take();
    const payload = hello(PEER_A, "10.0.1.1", 26379, 1, "mymaster", "new.example", 6379, 1);
    d.step({ type: "hello-received", via: M, payload });
    let ready = d.take();
    expect(eventLines(ready)).to.deep.equal([]);
    expect(commandsOf(ready, "resolve")).to.deep.equal([{ type: "resolve", host: "new.example" }]);
    d.step({ type: "host-resolved", host: "new.example", ip: "10.0.0.7" });
    d.step({ type: "hello-received", via: M, payload });
    ready = d.take();
    expect(eventLines(ready)).to.include("+switch-master mymaster 10.0.0.1 6379 new.example 6379");
    expect(d.master().addr).to.deep.equal({ ip: "new.example", port: 6379 });
    expect(eventLines(ready)).to.include(
      "+slave slave 10.0.0.1:6379 10.0.0.1 6379 @ mymaster 10.0.0.7 6379",
    );
  });

  it("leaves a name that did not resolve at load without IP and unconnected", () => {
    const d = byName({}, null);
    expect(eventLines(d.take())).to.deep.equal(["+monitor master mymaster  6379 quorum 2"]);
    const ready = d.tick();
    expect(commandsOf(ready, "connect").filter((c) => c.link === M)).to.deep.equal([]);
    expect(commandsOf(ready, "resolve")).to.deep.equal([]);
    d.now += 1000;
    expect(commandsOf(d.tick(), "resolve")).to.deep.equal([{ type: "resolve", host: NAME }]);
    d.step({ type: "host-resolved", host: NAME, ip: "10.0.0.1" });
    d.now += 1000;
    const connects = commandsOf(d.tick(), "connect").filter((c) => c.link === M);
    expect(connects[0]?.addr).to.deep.equal({ ip: "10.0.0.1", port: 6379 });
  });
});

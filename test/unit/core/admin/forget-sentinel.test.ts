// Proves SENTINEL FORGET-SENTINEL in the core (forget-sentinel.ts): one peer of one master goes
// (-sentinel, flushed before the +OK, the persisted peers lose it, the other master keeps it),
// an unknown run id is refused, and the peer comes back only with a hello of its own. Also the
// report of one run id heard from two addresses in turn (hello.ts: +sentinel-duplicate-runid and
// a log line, at most once a minute), which a single address switch does not raise.
import { expect } from "chai";
import {
  Driver,
  PEER_A,
  PEER_B,
  eventLines,
  hello,
  masterConfig,
  sentinelConfig,
} from "../core-driver.js";

const known = {
  knownSentinels: [
    { addr: { ip: "10.0.1.1", port: 26379 }, runId: PEER_A },
    { addr: { ip: "10.0.1.2", port: 26379 }, runId: PEER_B },
  ],
};

function driver(): Driver {
  const d = new Driver(
    sentinelConfig([
      masterConfig("mymaster", "10.0.0.1", 6379, known),
      masterConfig("m2", "10.0.0.5", 6379, known),
    ]),
  );
  d.take();
  return d;
}

function forget(d: Driver, name: string, runId: string) {
  d.step({ type: "admin", requestId: 7, op: { op: "forget-sentinel", name, runId } });
  return d.take();
}

describe("SENTINEL FORGET-SENTINEL (core)", () => {
  it("forgets one peer of one master, flushed before the reply", () => {
    const d = driver();
    const ready = forget(d, "mymaster", PEER_A);
    expect(eventLines(ready)).to.deep.equal([
      `-sentinel sentinel ${PEER_A} 10.0.1.1 26379 @ mymaster 10.0.0.1 6379`,
    ]);
    expect(ready.replies).to.deep.equal([
      { kind: "admin", requestId: 7, result: { kind: "ok" }, afterPersist: true },
    ]);
    const persisted = ready.persist?.masters.find((m) => m.name === "mymaster");
    expect(persisted?.knownSentinels.map((s) => s.runId)).to.deep.equal([PEER_B]);
    expect([...d.master().sentinels.keys()]).to.deep.equal([PEER_B]);
    expect([...d.master("m2").sentinels.keys()]).to.deep.equal([PEER_A, PEER_B]);
  });

  it("refuses a run id the master does not know", () => {
    const d = driver();
    forget(d, "mymaster", PEER_A);
    expect(forget(d, "mymaster", PEER_A).replies[0]).to.deep.equal({
      kind: "admin",
      requestId: 7,
      result: { kind: "error", message: `ERR No sentinel with run id '${PEER_A}' for this master` },
      afterPersist: false,
    });
  });

  it("learns the peer again from its next hello", () => {
    const d = driver();
    forget(d, "mymaster", PEER_A);
    d.step({
      type: "hello-received",
      via: "master:mymaster",
      payload: hello(PEER_A, "10.0.1.1", 26379, 0),
    });
    expect(eventLines(d.take())).to.deep.equal([
      `+sentinel sentinel ${PEER_A} 10.0.1.1 26379 @ mymaster 10.0.0.1 6379`,
    ]);
  });
});

describe("one run id from two addresses", () => {
  function from(d: Driver, ip: string) {
    d.step({
      type: "hello-received",
      via: "master:mymaster",
      payload: hello(PEER_A, ip, 26379, 0),
    });
    return d.take();
  }

  it("is reported when the run id returns to the address it just left, once a minute", () => {
    const d = driver();
    expect(eventLines(from(d, "10.0.1.9"))[0]).to.match(/^\+sentinel-address-switch /);
    d.now += 1_000;
    const back = from(d, "10.0.1.1");
    expect(eventLines(back)).to.include(
      `+sentinel-duplicate-runid master mymaster 10.0.0.1 6379 ip 10.0.1.9 port 26379 and ip 10.0.1.1 port 26379 for ${PEER_A}`,
    );
    expect(back.logs.map((l) => (l.kind === "text" ? l.text : ""))).to.deep.equal([
      `Two sentinels announce the same run id ${PEER_A} (10.0.1.9:26379 and 10.0.1.1:26379): give one of them a new 'sentinel myid'`,
    ]);
    d.now += 1_000;
    expect(from(d, "10.0.1.9").events.map((e) => e.type)).to.not.include(
      "+sentinel-duplicate-runid",
    );
    d.now += 60_000;
    from(d, "10.0.1.1");
    d.now += 1_000;
    expect(eventLines(from(d, "10.0.1.9"))).to.include(
      `+sentinel-duplicate-runid master mymaster 10.0.0.1 6379 ip 10.0.1.1 port 26379 and ip 10.0.1.9 port 26379 for ${PEER_A}`,
    );
  });

  it("is not reported for a peer that moved once, or came back long after", () => {
    const d = driver();
    from(d, "10.0.1.9");
    d.now += 60_000;
    const ready = from(d, "10.0.1.1");
    expect(ready.events.map((e) => e.type)).to.not.include("+sentinel-duplicate-runid");
  });
});

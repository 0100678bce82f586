// Proves SDOWN and ODOWN timelines (docs/PROTOCOL.md §5.1, §5.2) on a virtual clock: silence
// beyond down-after, a master reporting role slave beyond down-after + 2 INFO periods, a master
// reboot beyond master-reboot-down-after-period, and the quorum count of peers' master_down
// flags, with Redis's exact event payloads.
import { expect } from "chai";
import {
  Driver,
  PEER_A,
  PEER_B,
  commandsOf,
  eventLines,
  info,
  masterConfig,
  masterInfo,
  pong,
  sentinelConfig,
  withTwoPeers,
  downAfter,
} from "../core-driver.js";

const M = "master:mymaster";

/** Ticks, answering every PING and INFO through `answer`, until `until`. */
function runAnswering(d: Driver, until: number, answerInfo: (() => string) | null): string[] {
  const lines: string[] = [];
  while (d.now < until) {
    const r = d.tick();
    lines.push(...eventLines(r));
    for (const c of commandsOf(r, "connect"))
      d.step({ type: "link-connected", link: c.link, conn: c.conn, localIp: "127.0.0.1" });
    for (const c of commandsOf(r, "ping")) if (c.link === M) d.step(pong(M));
    for (const c of commandsOf(r, "info"))
      if (c.link === M && answerInfo !== null) d.step(info(M, answerInfo()));
    for (const c of commandsOf(r, "publish-hello")) {
      d.step({ type: "publish-reply", link: c.link, ok: true });
      d.step({ type: "hello-received", via: c.link, payload: c.payload });
    }
    const after = d.take();
    for (const c of commandsOf(after, "ping")) d.step(pong(c.link));
    lines.push(...eventLines(after), ...eventLines(d.take()));
  }
  return lines;
}

describe("down-detection: SDOWN", () => {
  it("marks an unreachable master SDOWN once down-after has passed since the record's creation", () => {
    const d = downAfter(5000);
    const times: number[] = [];
    for (let i = 0; i < 60; i++)
      if (eventLines(d.tick()).includes("+sdown master mymaster 10.0.0.1 6379")) times.push(d.now);
    // Created at 1000; elapsed must exceed 5000.
    expect(times).to.deep.equal([6100]);
    expect(d.master().sDownSinceTime).to.equal(6100);
  });

  it("leaves SDOWN on the first valid reply and keeps s_down_since_time", () => {
    const d = downAfter(1000);
    d.run(3000);
    expect(d.master().flags.has("s_down")).to.equal(true);
    d.acceptConnects(d.tick());
    d.step(pong(M));
    expect(eventLines(d.tick())).to.deep.equal(["-sdown master mymaster 10.0.0.1 6379"]);
    expect(d.master().sDownSinceTime).to.be.greaterThan(0);
  });

  it("stays up while PINGs are answered", () => {
    const d = downAfter(1000);
    const lines = runAnswering(d, 20_000, () => masterInfo("1".repeat(40)));
    expect(lines.filter((l) => l.includes("sdown"))).to.deep.equal([]);
  });

  it("marks a master reporting role slave SDOWN after down-after + 20 s", () => {
    const d = downAfter(5000);
    const lines = runAnswering(
      d,
      40_000,
      () => "role:slave\r\nmaster_host:10.0.0.9\r\nmaster_port:6379\r\n",
    );
    expect(lines.filter((l) => !l.startsWith("+role") && !l.startsWith("-role"))).to.deep.equal([
      "+sdown master mymaster 10.0.0.1 6379",
    ]);
    expect(lines[0]).to.equal(
      "-role-change master mymaster 10.0.0.1 6379 new reported role is slave",
    );
    // Reported at 1200 (first INFO); SDOWN when more than 25 s later.
    expect(d.master().sDownSinceTime).to.equal(26_300);
  });

  it("marks a rebooted master SDOWN after master-reboot-down-after-period unless a PONG arrives", () => {
    const d = new Driver(
      sentinelConfig([
        masterConfig("mymaster", "10.0.0.1", 6379, {
          settings: { masterRebootDownAfterPeriod: 3000 },
        }),
      ]),
    );
    d.take();
    d.acceptConnects(d.tick());
    d.step(info(M, masterInfo("1".repeat(40))));
    d.step(info(M, masterInfo("2".repeat(40))));
    const ready = d.take();
    expect(eventLines(ready)).to.deep.equal(["+reboot master mymaster 10.0.0.1 6379"]);
    expect(d.master().flags.has("master_reboot")).to.equal(true);
    d.step({ type: "ping-reply", link: M, reply: { kind: "error", text: "LOADING" } });
    const lines = eventLines(d.run(d.now + 3200));
    expect(lines).to.deep.equal(["+sdown master mymaster 10.0.0.1 6379"]);
    d.step(pong(M));
    expect(eventLines(d.tick())).to.deep.equal(["-sdown master mymaster 10.0.0.1 6379"]);
  });

  it("does not set master_reboot when the period is 0", () => {
    const d = new Driver();
    d.take();
    d.acceptConnects(d.tick());
    d.step(info(M, masterInfo("1".repeat(40)))).step(info(M, masterInfo("2".repeat(40))));
    expect(d.master().flags.has("master_reboot")).to.equal(false);
  });

  it("marks replicas and peers SDOWN with their %@ including the master", () => {
    const d = new Driver(
      sentinelConfig([
        masterConfig("mymaster", "10.0.0.1", 6379, {
          settings: { downAfterPeriod: 1000 },
          knownReplicas: [{ ip: "10.0.0.2", port: 6380 }],
          knownSentinels: [{ addr: { ip: "10.0.1.1", port: 26379 }, runId: PEER_A }],
        }),
      ]),
    );
    d.take();
    expect(eventLines(d.run(2200))).to.deep.equal([
      "+sdown master mymaster 10.0.0.1 6379",
      "+sdown slave 10.0.0.2:6380 10.0.0.2 6380 @ mymaster 10.0.0.1 6379",
      `+sdown sentinel ${PEER_A} 10.0.1.1 26379 @ mymaster 10.0.0.1 6379`,
    ]);
  });
});

describe("down-detection: ODOWN", () => {
  it("enters ODOWN with quorum 1 on our own SDOWN", () => {
    const d = withTwoPeers(1);
    const lines = eventLines(d.run(2200)).filter((l) => l.includes("odown"));
    expect(lines).to.deep.equal(["+odown master mymaster 10.0.0.1 6379 #quorum 1/1"]);
  });

  it("counts peers flagged master_down towards the quorum and leaves ODOWN when they stop", () => {
    const d = withTwoPeers(3);
    d.run(2200);
    const m = d.master();
    expect(m.flags.has("o_down")).to.equal(false);
    m.sentinels.get(PEER_A)?.flags.add("master_down");
    m.sentinels.get(PEER_B)?.flags.add("master_down");
    // Keep the replies fresh so ask-peers does not expire the flags.
    m.sentinels.get(PEER_A)!.lastMasterDownReplyTime = d.now;
    m.sentinels.get(PEER_B)!.lastMasterDownReplyTime = d.now;
    const lines = eventLines(d.tick());
    expect(lines).to.include("+odown master mymaster 10.0.0.1 6379 #quorum 3/3");
    expect(m.oDownSinceTime).to.equal(d.now);
    m.sentinels.get(PEER_B)?.flags.delete("master_down");
    expect(eventLines(d.tick())).to.include("-odown master mymaster 10.0.0.1 6379");
  });

  it("leaves ODOWN when our own SDOWN clears", () => {
    const d = withTwoPeers(1);
    d.run(2200);
    d.acceptConnects(d.tick());
    d.step(pong(M));
    const lines = eventLines(d.tick());
    expect(lines.slice(0, 2)).to.deep.equal([
      "-sdown master mymaster 10.0.0.1 6379",
      "-odown master mymaster 10.0.0.1 6379",
    ]);
  });
});

// Proves that the core drops inputs of connections it no longer listens to (link-generation.ts):
// every connect carries a new generation; an input tagged with an older one, or any input but
// link-closed from a connection we are closing, changes nothing, while untagged inputs (tests,
// simulation) and inputs of the current connection are taken as before.
import { expect } from "chai";
import { Driver, commandsOf, masterConfig, sentinelConfig } from "../core-driver.js";
import type { Ready } from "../../../../src/core/model/ready.js";

const M = "master:mymaster";

function connectGens(ready: Ready): { cmd: number; pubsub: number } {
  const gens = { cmd: 0, pubsub: 0 };
  for (const c of commandsOf(ready, "connect")) gens[c.conn] = c.gen;
  return gens;
}

/** One master, connected through the connects of the first tick (answered with their gens). */
function connected(): { d: Driver; gens: { cmd: number; pubsub: number } } {
  const d = new Driver(
    sentinelConfig([
      masterConfig("mymaster", "10.0.0.1", 6379, { settings: { downAfterPeriod: 5000 } }),
    ]),
  );
  d.take();
  const first = d.tick();
  const gens = connectGens(first);
  for (const c of commandsOf(first, "connect")) {
    d.step({
      type: "link-connected",
      link: c.link,
      conn: c.conn,
      localIp: "127.0.0.1",
      gen: c.gen,
    });
  }
  d.take();
  return { d, gens };
}

describe("link generations", () => {
  it("gives every connect a new generation, and a reconnect a newer one", () => {
    const { d, gens } = connected();
    expect(gens.cmd).to.be.greaterThan(0);
    expect(gens.pubsub).to.be.greaterThan(gens.cmd);
    d.step({ type: "link-closed", link: M, conn: "cmd", reason: "reset", gen: gens.cmd });
    const again = connectGens(d.tick(1000));
    expect(again.cmd).to.be.greaterThan(gens.pubsub);
  });

  it("takes the replies of the current connection", () => {
    const { d, gens } = connected();
    const link = d.master().link;
    d.now += 20;
    d.step({ type: "ping-reply", link: M, reply: { kind: "ok", text: "PONG" }, gen: gens.cmd });
    expect(link.actPingTime).to.equal(0);
    expect(link.lastPongTime).to.equal(d.now);
  });

  it("drops every input of a connection replaced by a newer connect", () => {
    const { d, gens } = connected();
    const link = d.master().link;
    d.step({ type: "link-closed", link: M, conn: "cmd", reason: "reset", gen: gens.cmd });
    d.tick(1000);
    expect(link.cmdConnecting).to.equal(true);
    const pingedAt = link.actPingTime;
    // Left in the queue by the old connection: a PONG, a late connect, its close.
    d.step({ type: "ping-reply", link: M, reply: { kind: "ok", text: "PONG" }, gen: gens.cmd });
    d.step({ type: "link-connected", link: M, conn: "cmd", localIp: "10.9.9.9", gen: gens.cmd });
    d.step({ type: "link-closed", link: M, conn: "cmd", reason: "old", gen: gens.cmd });
    expect(link.actPingTime).to.equal(pingedAt);
    expect(link.cmdConnecting).to.equal(true);
    expect(link.cmdConnected).to.equal(false);
    expect(link.localIp).to.equal("127.0.0.1");
  });

  it("drops the replies of a connection being closed, and takes the close's answer", () => {
    const { d, gens } = connected();
    const m = d.master();
    // A reset closes both connections (sentinel.c frees them: no callback runs after).
    d.step({ type: "admin", requestId: 1, op: { op: "reset", pattern: "mymaster" } });
    expect(commandsOf(d.take(), "close").map((c) => c.conn)).to.deep.equal(["cmd", "pubsub"]);
    const info = "# Replication\r\nrole:slave\r\nmaster_host:10.0.0.7\r\nmaster_port:6379\r\n";
    d.step({ type: "info-reply", link: M, reply: { kind: "ok", text: info }, gen: gens.cmd });
    d.step({ type: "hello-received", via: M, payload: "x", gen: gens.pubsub });
    expect(m.roleReported).to.equal("master");
    expect(m.infoRefresh).to.equal(0);
    d.step({
      type: "link-closed",
      link: M,
      conn: "cmd",
      reason: "closed by sentinel",
      gen: gens.cmd,
    });
    d.step({
      type: "link-closed",
      link: M,
      conn: "pubsub",
      reason: "closed by sentinel",
      gen: gens.pubsub,
    });
    expect(m.link.cmdClosing || m.link.pubsubClosing).to.equal(false);
    expect(connectGens(d.tick(1000)).cmd).to.be.greaterThan(gens.pubsub);
  });

  it("does not take a connect of a replaced replica record for the new one with the same link id", () => {
    const { d } = connected();
    const info =
      "# Replication\r\nrole:master\r\nconnected_slaves:1\r\n" +
      "slave0:ip=10.0.0.2,port=6379,state=online,offset=1,lag=0\r\n";
    d.step({ type: "info-reply", link: M, reply: { kind: "ok", text: info } });
    d.take();
    const old = connectGens(d.tick());
    const R = "slave:mymaster:10.0.0.2:6379";
    expect(old.cmd).to.be.greaterThan(0);
    // The record goes (SENTINEL RESET) and comes back from the next INFO, with the same link id.
    d.step({ type: "admin", requestId: 1, op: { op: "reset", pattern: "mymaster" } });
    d.step({ type: "info-reply", link: M, reply: { kind: "ok", text: info } });
    const replica = d.master().replicas.get("10.0.0.2:6379");
    expect(replica?.link.id).to.equal(R);
    // Before its own connect, and while it is being made: the old record's connect is not it.
    d.step({ type: "link-connected", link: R, conn: "cmd", localIp: "127.0.0.1", gen: old.cmd });
    expect(replica?.link.cmdConnected).to.equal(false);
    const fresh = connectGens(d.tick(1000));
    expect(fresh.cmd).to.be.greaterThan(old.pubsub);
    d.step({ type: "link-connected", link: R, conn: "cmd", localIp: "127.0.0.1", gen: old.cmd });
    expect(replica?.link.cmdConnected).to.equal(false);
    d.step({ type: "link-connected", link: R, conn: "cmd", localIp: "127.0.0.1", gen: fresh.cmd });
    expect(replica?.link.cmdConnected).to.equal(true);
  });

  it("takes inputs without a generation as coming from the current connection", () => {
    const { d } = connected();
    const link = d.master().link;
    d.now += 20;
    d.step({ type: "ping-reply", link: M, reply: { kind: "ok", text: "PONG" } });
    expect(link.actPingTime).to.equal(0);
  });
});

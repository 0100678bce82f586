// Proves the tick drives both halves end to end: one sentinel (quorum 1) over a scripted
// topology (a master and two replicas that answer PING, INFO, PUBLISH and SLAVEOF like Redis)
// sees the master die and runs the whole failover with Redis's event sequence, ending with the
// switch, the new address persisted, and the returning old master converted to a replica.
import { expect } from "chai";
import type { Ready } from "../../../src/core/model/ready.js";
import { Driver, MY_ID, masterConfig, sentinelConfig } from "./core-driver.js";

interface FakeNode {
  alive: boolean;
  runId: string;
  role: "master" | "slave";
  master: { ip: string; port: number } | null;
  offset: number;
}

class World {
  readonly nodes = new Map<string, FakeNode>();
  readonly events: string[] = [];
  readonly d: Driver;

  constructor(d: Driver) {
    this.d = d;
  }

  add(key: string, node: FakeNode): void {
    this.nodes.set(key, node);
  }

  private nodeOf(link: string): FakeNode | undefined {
    const key = link.startsWith("master:")
      ? `${this.d.master().addr.ip}:${this.d.master().addr.port}`
      : link.split(":").slice(2).join(":");
    return this.nodes.get(key);
  }

  private info(node: FakeNode): string {
    const lines = [`run_id:${node.runId}`, `role:${node.role}`];
    if (node.role === "master") {
      let i = 0;
      for (const [key, other] of this.nodes) {
        const self = [...this.nodes.entries()].find(([, n]) => n === node)?.[0] ?? "";
        if (
          other.alive &&
          other.role === "slave" &&
          other.master !== null &&
          `${other.master.ip}:${other.master.port}` === self
        ) {
          const [ip, port] = key.split(":");
          lines.push(`slave${i++}:ip=${ip},port=${port},state=online,offset=${other.offset},lag=0`);
        }
      }
    } else if (node.master !== null) {
      const up = this.nodes.get(`${node.master.ip}:${node.master.port}`)?.alive === true;
      lines.push(
        `master_host:${node.master.ip}`,
        `master_port:${node.master.port}`,
        `master_link_status:${up ? "up" : "down"}`,
      );
      lines.push(`slave_repl_offset:${node.offset}`, "slave_priority:100");
    }
    return lines.join("\r\n") + "\r\n";
  }

  private answer(ready: Ready): Ready[] {
    const d = this.d;
    this.events.push(...ready.events.map((e) => `${e.type} ${e.text}`));
    for (const c of ready.commands) {
      const node = c.type === "forget" || c.type === "resolve" ? undefined : this.nodeOf(c.link);
      switch (c.type) {
        case "connect":
          if (node?.alive === true)
            d.step({ type: "link-connected", link: c.link, conn: c.conn, localIp: "127.0.0.1" });
          else
            d.step({
              type: "link-closed",
              link: c.link,
              conn: c.conn,
              reason: "Connection refused",
            });
          break;
        case "ping":
          if (node?.alive === true)
            d.step({ type: "ping-reply", link: c.link, reply: { kind: "ok", text: "PONG" } });
          break;
        case "info":
          if (node?.alive === true)
            d.step({
              type: "info-reply",
              link: c.link,
              reply: { kind: "ok", text: this.info(node) },
            });
          break;
        case "publish-hello":
          if (node?.alive === true) {
            d.step({ type: "publish-reply", link: c.link, ok: true });
            d.step({ type: "hello-received", via: c.link, payload: c.payload });
          }
          break;
        case "replicaof":
          if (node?.alive === true) {
            node.role = c.target === null ? "master" : "slave";
            node.master = c.target;
            d.step({ type: "command-done", link: c.link });
          }
          break;
        case "close":
          d.step({
            type: "link-closed",
            link: c.link,
            conn: c.conn === "both" ? "cmd" : c.conn,
            reason: "",
          });
          if (c.conn === "both")
            d.step({ type: "link-closed", link: c.link, conn: "pubsub", reason: "" });
          break;
        case "ask-master-down":
        case "forget":
        case "rename-commands":
        case "script-kill":
        case "client-pause":
        case "client-unpause":
        case "transaction":
        case "resolve":
          break;
      }
    }
    const next = d.take();
    return next.commands.length + next.events.length > 0 || next.persist !== null ? [next] : [];
  }

  /** Ticks to `until`, answering everything; returns the Readies that carried a persist. */
  run(until: number): Ready[] {
    const persisted: Ready[] = [];
    while (this.d.now < until) {
      let pending = [this.d.tick()];
      while (pending.length > 0) {
        const ready = pending.shift()!;
        if (ready.persist !== null) persisted.push(ready);
        pending = pending.concat(this.answer(ready));
      }
    }
    return persisted;
  }
}

describe("core scenario: one sentinel fails a dead master over", () => {
  it("emits Redis's leader sequence and ends on the promoted replica", () => {
    const d = new Driver(
      sentinelConfig([
        masterConfig("mymaster", "10.0.0.1", 6379, {
          settings: { quorum: 1, downAfterPeriod: 2000, failoverTimeout: 20_000 },
        }),
      ]),
    );
    const w = new World(d);
    w.add("10.0.0.1:6379", {
      alive: true,
      runId: "1".repeat(40),
      role: "master",
      master: null,
      offset: 100,
    });
    w.add("10.0.0.2:6379", {
      alive: true,
      runId: "2".repeat(40),
      role: "slave",
      master: { ip: "10.0.0.1", port: 6379 },
      offset: 100,
    });
    w.add("10.0.0.3:6379", {
      alive: true,
      runId: "3".repeat(40),
      role: "slave",
      master: { ip: "10.0.0.1", port: 6379 },
      offset: 90,
    });
    w.events.push(...d.take().events.map((e) => `${e.type} ${e.text}`));
    w.run(15_000);
    expect(w.events.filter((e) => e.startsWith("+slave "))).to.have.length(2);

    w.nodes.get("10.0.0.1:6379")!.alive = false;
    // The shell would see the sockets close.
    d.step({
      type: "link-closed",
      link: "master:mymaster",
      conn: "cmd",
      reason: "Connection reset by peer",
    });
    d.step({
      type: "link-closed",
      link: "master:mymaster",
      conn: "pubsub",
      reason: "Connection reset by peer",
    });
    w.events.length = 0;
    const persisted = w.run(40_000);

    const types = w.events
      .map((e) => e.split(" ")[0])
      .filter((t) => !t?.includes("link-reconnection"));
    const expected = [
      "+sdown",
      "+odown",
      "+new-epoch",
      "+try-failover",
      "+vote-for-leader",
      "+elected-leader",
      "+failover-state-select-slave",
      "+selected-slave",
      "+failover-state-send-slaveof-noone",
      "+failover-state-wait-promotion",
      "-role-change",
      "+promoted-slave",
      "+failover-state-reconf-slaves",
      "+slave-reconf-sent",
      "+slave-reconf-inprog",
      "+slave-reconf-done",
      "+failover-end",
      "+switch-master",
      "+slave",
      "+slave",
    ];
    expect(types.slice(0, expected.length)).to.deep.equal(expected);
    expect(w.events).to.include("+odown master mymaster 10.0.0.1 6379 #quorum 1/1");
    expect(w.events).to.include(`+vote-for-leader ${MY_ID} 1`);
    expect(w.events).to.include(
      "+selected-slave slave 10.0.0.2:6379 10.0.0.2 6379 @ mymaster 10.0.0.1 6379",
    );
    expect(w.events).to.include("+switch-master mymaster 10.0.0.1 6379 10.0.0.2 6379");
    expect(d.master().addr).to.deep.equal({ ip: "10.0.0.2", port: 6379 });
    expect(d.master().configEpoch).to.equal(1n);
    expect(persisted.at(-1)?.persist?.masters[0]?.addr).to.deep.equal({
      ip: "10.0.0.2",
      port: 6379,
    });
    expect(d.state.currentEpoch).to.equal(1n);

    // The old master comes back as a master and is demoted after the 8 s grace period.
    const old = w.nodes.get("10.0.0.1:6379")!;
    old.alive = true;
    old.runId = "4".repeat(40);
    w.events.length = 0;
    w.run(d.now + 15_000);
    expect(w.events).to.include(
      "+convert-to-slave slave 10.0.0.1:6379 10.0.0.1 6379 @ mymaster 10.0.0.2 6379",
    );
    expect(old.role).to.equal("slave");
    expect(old.master).to.deep.equal({ ip: "10.0.0.2", port: 6379 });
  });
});

// Proves the self-fencing of an isolated master (src/core/detection/fence.ts) on a virtual clock:
// a sentinel that reaches its master but hears from neither a majority of the sentinels nor a
// replica acknowledging replication for down-after pauses the master's writes, renews the pause,
// and lifts it only once a majority of the peers sent a hello after the isolation ended; a master
// switched away meanwhile stays paused until it reports role slave. Never with a majority or a
// replica in sync, never when the option is off.
import { expect } from "chai";
import type { Command, Ready } from "../../../../src/core/index.js";
import {
  Driver,
  PEER_A,
  PEER_B,
  eventLines,
  hello,
  info,
  masterConfig,
  pong,
  replicaInfo,
  sentinelConfig,
} from "../core-driver.js";

const M = "master:mymaster";
const RUN_ID = "1".repeat(40);

interface World {
  /** Peers answer PINGs and send hellos. */
  peersUp: boolean;
  /** The lag the master reports for its replica (seconds); null = no replica listed. */
  replicaLag: () => number | null;
  /** The hello config the peers announce (master address and config epoch). */
  peerMaster: { ip: string; port: number; configEpoch: number };
  /** What the old master at 10.0.0.1:6379 reports once it is a replica record. */
  oldMasterRole: "master" | "slave";
  /** What the master at 10.0.0.2:6379 reports once we switched to it. */
  newMasterRole: "master" | "slave";
}

function masterInfoWithLag(lag: number | null): string {
  const lines = ["# Server", `run_id:${RUN_ID}`, "", "# Replication", "role:master"];
  if (lag !== null) {
    lines.push(
      "connected_slaves:1",
      `slave0:ip=10.0.0.2,port=6379,state=online,offset=0,lag=${lag}`,
    );
  } else {
    lines.push("connected_slaves:0");
  }
  return lines.join("\r\n") + "\r\n";
}

function newDriver(fence: boolean, downAfter = 2000): Driver {
  const d = new Driver(
    sentinelConfig([
      masterConfig("mymaster", "10.0.0.1", 6379, {
        settings: { downAfterPeriod: downAfter, fenceIsolatedMaster: fence },
        knownSentinels: [
          { addr: { ip: "10.0.0.11", port: 26379 }, runId: PEER_A },
          { addr: { ip: "10.0.0.12", port: 26379 }, runId: PEER_B },
        ],
      }),
    ]),
  );
  d.take();
  return d;
}

function answer(d: Driver, ready: Ready, world: World, out: Command[], lines: string[]): void {
  out.push(...ready.commands);
  lines.push(...eventLines(ready));
  const next: Ready[] = [];
  for (const c of ready.commands) {
    if (c.type === "connect") {
      const peerLink = c.link.startsWith("sentinel:");
      if (peerLink && !world.peersUp) {
        d.step({ type: "link-closed", link: c.link, conn: c.conn, reason: "timeout" });
      } else d.step({ type: "link-connected", link: c.link, conn: c.conn, localIp: "10.0.0.10" });
    } else if (c.type === "ping") {
      if (!c.link.startsWith("sentinel:") || world.peersUp) d.step(pong(c.link));
    } else if (c.type === "info") {
      if (c.link === M && d.master().addr.ip === "10.0.0.2" && world.newMasterRole === "slave") {
        d.step(info(M, replicaInfo("2".repeat(40), "10.0.0.1", 6379)));
      } else if (c.link === M) d.step(info(M, masterInfoWithLag(world.replicaLag())));
      else if (c.link.endsWith(":10.0.0.1:6379") && world.oldMasterRole === "master") {
        d.step(info(c.link, masterInfoWithLag(null)));
      } else if (c.link.endsWith(":10.0.0.1:6379")) {
        d.step(info(c.link, replicaInfo(RUN_ID, "10.0.0.2", 6379)));
      }
    } else if (c.type === "publish-hello") {
      // A hello published on an instance comes back on our subscription to it.
      d.step({ type: "publish-reply", link: c.link, ok: true });
      d.step({ type: "hello-received", via: c.link, payload: c.payload });
    } else if (c.type === "close") {
      d.step({
        type: "link-closed",
        link: c.link,
        conn: c.conn === "both" ? "cmd" : c.conn,
        reason: "",
      });
    } else if (c.type === "client-pause" || c.type === "client-unpause") {
      d.step({ type: "command-done", link: c.link });
    }
    next.push(d.take());
  }
  for (const r of next)
    if (r.commands.length > 0 || r.events.length > 0) answer(d, r, world, out, lines);
}

/** Runs to `until`, answering as `world` says; peers send a hello every 2 s while up. */
function run(
  d: Driver,
  until: number,
  world: World,
): { commands: Command[]; lines: string[]; at: Map<string, number> } {
  const commands: Command[] = [];
  const lines: string[] = [];
  const at = new Map<string, number>();
  while (d.now < until) {
    const r = d.tick();
    const before = lines.length;
    answer(d, r, world, commands, lines);
    if (world.peersUp && d.now % 2000 === 0) {
      const p = world.peerMaster;
      for (const [runId, ip] of [
        [PEER_A, "10.0.0.11"],
        [PEER_B, "10.0.0.12"],
      ] as const) {
        d.step({
          type: "hello-received",
          via: null,
          payload: hello(runId, ip, 26379, p.configEpoch, "mymaster", p.ip, p.port, p.configEpoch),
        });
        answer(d, d.take(), world, commands, lines);
      }
    }
    for (const line of lines.slice(before)) {
      const type = line.split(" ")[0]!;
      if (!at.has(type)) at.set(type, d.now);
    }
  }
  return { commands, lines, at };
}

function pausesOf(commands: readonly Command[], link = M): Command[] {
  return commands.filter((c) => c.type === "client-pause" && c.link === link);
}

/**
 * Runs healthy to 5 s, then cuts the master off from the peers and the replicas (their lag grows
 * from then on); returns the time of the cut.
 */
function cutOffAt5s(d: Driver, world: World): number {
  run(d, 5000, world);
  const cut = d.now;
  world.peersUp = false;
  world.replicaLag = () => Math.floor((d.now - cut) / 1000);
  return cut;
}

const healthy = (): World => ({
  peersUp: true,
  replicaLag: () => 0,
  peerMaster: { ip: "10.0.0.1", port: 6379, configEpoch: 0 },
  oldMasterRole: "master",
  newMasterRole: "master",
});

/** Cut off at 5 s with down-after 2000: fenced at 10 s. */
function fencedAt10s(): { d: ReturnType<typeof newDriver>; world: World } {
  const d = newDriver(true, 2000);
  const world = healthy();
  cutOffAt5s(d, world);
  run(d, 10_000, world);
  expect(d.master().fence.fenced).to.equal(true);
  return { d, world };
}

const OLD_MASTER = "slave:mymaster:10.0.0.1:6379";

/**
 * Fenced at 10 s (cut off at 5 s); then the majority's hellos announce 10.0.0.2, promoted in
 * epoch 1, and `adjust` sets the rest of the world; `during` is what 10–16 s carried out.
 */
function fencedThenSwitched(adjust: (world: World) => void): {
  d: ReturnType<typeof newDriver>;
  world: World;
  during: ReturnType<typeof run>;
} {
  const { d, world } = fencedAt10s();
  world.peersUp = true;
  world.peerMaster = { ip: "10.0.0.2", port: 6379, configEpoch: 1 };
  adjust(world);
  const during = run(d, 16_000, world);
  expect(during.lines).to.include("+switch-master mymaster 10.0.0.1 6379 10.0.0.2 6379");
  return { d, world, during };
}

describe("self-fencing of an isolated master", () => {
  it("never fences while the peers answer", () => {
    const d = newDriver(true);
    const world = healthy();
    world.replicaLag = () => null;
    const { commands, lines } = run(d, 20_000, world);
    expect(pausesOf(commands)).to.deep.equal([]);
    expect(lines.filter((l) => l.includes("fence"))).to.deep.equal([]);
  });

  it("never fences while a replica acknowledges replication, even without the peers", () => {
    const d = newDriver(true);
    const world = healthy();
    run(d, 5000, world);
    world.peersUp = false;
    const { commands, lines } = run(d, 20_000, world);
    expect(pausesOf(commands)).to.deep.equal([]);
    expect(lines.filter((l) => l.includes("fence"))).to.deep.equal([]);
  });

  it("pauses the master's writes down-after past the last contact, and renews the pause", () => {
    const d = newDriver(true, 2000);
    const world = healthy();
    const cut = cutOffAt5s(d, world);
    const { commands, lines, at } = run(d, 12_000, world);
    expect(lines).to.include("+fence master mymaster 10.0.0.1 6379");
    const fencedAt = at.get("+fence")!;
    // down-after past the later of the last PING reply of a peer (within a ping period before
    // the cut) and the replica's last ack (INFO's lag, whole seconds, taken at mid-second).
    expect(fencedAt - cut).to.be.within(1000, 2000 + 500 + 100);
    const pauses = pausesOf(commands);
    expect(pauses[0]).to.deep.equal({ type: "client-pause", link: M, ms: 3000 });
    // Renewed every second until 12 s.
    expect(pauses.length).to.be.within(
      Math.floor((12_000 - fencedAt) / 1000),
      Math.ceil((12_000 - fencedAt) / 1000) + 1,
    );
  });

  it("does nothing of the kind with fence-isolated-master off", () => {
    const d = newDriver(false);
    const world = healthy();
    cutOffAt5s(d, world);
    const { commands, lines } = run(d, 15_000, world);
    expect(pausesOf(commands)).to.deep.equal([]);
    expect(lines.filter((l) => l.includes("fence"))).to.deep.equal([]);
  });

  it("lifts the fence only after a majority of the peers sent a hello since the heal", () => {
    const { d, world } = fencedAt10s();
    world.peersUp = true;
    const { commands, lines, at } = run(d, 16_000, world);
    const unpause = commands.filter((c) => c.type === "client-unpause");
    expect(unpause).to.deep.equal([{ type: "client-unpause", link: M }]);
    expect(lines).to.include("-fence master mymaster 10.0.0.1 6379");
    // The peers' first hello after the heal comes at 12 s (every 2 s in this test); the next
    // tick lifts the fence.
    expect(at.get("-fence")).to.equal(12_100);
    expect(d.master().fence.fenced).to.equal(false);
  });

  it("keeps the old master paused after a switch until it reports role slave", () => {
    const { d, world, during } = fencedThenSwitched((w) => {
      w.replicaLag = () => 0;
    });
    expect(during.commands.filter((c) => c.type === "client-unpause")).to.deep.equal([]);
    expect(pausesOf(during.commands, OLD_MASTER).length).to.be.greaterThan(0);
    world.oldMasterRole = "slave";
    const after = run(d, 30_000, world);
    expect(after.commands.filter((c) => c.type === "client-unpause")).to.deep.equal([
      { type: "client-unpause", link: OLD_MASTER },
    ]);
    expect(after.lines).to.include(
      "-fence slave 10.0.0.1:6379 10.0.0.1 6379 @ mymaster 10.0.0.2 6379 demoted",
    );
    expect(d.master().fence.heldAddr).to.equal(null);
  });

  it("demotes the held old master only under a new master whose own INFO reports role master (never into a replication cycle)", () => {
    // The hellos name 10.0.0.2 master, but it has been re-pointed at 10.0.0.1 since.
    const { d, world, during } = fencedThenSwitched((w) => {
      w.newMasterRole = "slave";
    });
    expect(during.lines).to.include(
      "-role-change master mymaster 10.0.0.2 6379 new reported role is slave",
    );
    expect(during.commands.filter((c) => c.type === "replicaof")).to.deep.equal([]);
    expect(pausesOf(during.commands, OLD_MASTER).length).to.be.greaterThan(0);
    world.newMasterRole = "master";
    const after = run(d, 22_000, world);
    expect(after.commands.filter((c) => c.type === "replicaof")).to.deep.include({
      type: "replicaof",
      link: OLD_MASTER,
      target: { ip: "10.0.0.2", port: 6379 },
    });
  });
});

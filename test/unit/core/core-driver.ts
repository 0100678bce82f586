// Shared driver of the monitoring-half unit tests: a SentinelCore on a virtual clock (plain
// numbers), helpers to build configs, answer connects, and read what each Ready carried.
import { SentinelCore } from "../../../src/core/sentinel-core.js";
import type { SentinelCoreOptions } from "../../../src/core/sentinel-core.js";
import { DEFAULT_GLOBAL_SETTINGS, defaultMasterSettings } from "../../../src/core/model/config.js";
import type {
  GlobalSettings,
  MasterConfig,
  MasterSettings,
  SentinelConfig,
} from "../../../src/core/model/config.js";
import type { Input } from "../../../src/core/model/inputs.js";
import type { Addr } from "../../../src/core/basics/addr.js";
import type { Random } from "../../../src/core/basics/random.js";
import { CyclingRandom } from "../../support/fake-random.js";
import { MY_ID, PEER_A, PEER_B } from "../../support/ids.js";
import type { Command, Ready } from "../../../src/core/model/ready.js";
import type { MasterState } from "../../../src/core/model/state.js";

export { MY_ID, PEER_A, PEER_B, PEER_C } from "../../support/ids.js";
export { CyclingRandom } from "../../support/fake-random.js";

export function masterConfig(
  name = "mymaster",
  ip = "10.0.0.1",
  port = 6379,
  extra: Partial<Omit<MasterConfig, "settings">> & { settings?: Partial<MasterSettings> } = {},
): MasterConfig {
  return {
    name,
    addr: { ip, port },
    configEpoch: 0n,
    leaderEpoch: 0n,
    knownReplicas: [],
    knownSentinels: [],
    ...extra,
    settings: { ...defaultMasterSettings(2), ...extra.settings },
  };
}

export function sentinelConfig(
  masters: readonly MasterConfig[] = [masterConfig()],
  extra: Partial<Omit<SentinelConfig, "global">> & { global?: Partial<GlobalSettings> } = {},
): SentinelConfig {
  return {
    myId: MY_ID,
    currentEpoch: 0n,
    masters,
    ...extra,
    global: { ...DEFAULT_GLOBAL_SETTINGS, ...extra.global },
  };
}

/** Two known replicas (a master's `knownReplicas`): 10.0.0.2:6379 and 10.0.0.3:6379. */
export function twoReplicas(): Addr[] {
  return [
    { ip: "10.0.0.2", port: 6379 },
    { ip: "10.0.0.3", port: 6379 },
  ];
}

/** Masters `first` (10.0.0.1) and m2 (10.0.0.5), both knowing peer A at 10.0.1.1:26379. */
export function sharingPeerA(first = "mymaster"): SentinelConfig {
  const known = { knownSentinels: [{ addr: { ip: "10.0.1.1", port: 26379 }, runId: PEER_A }] };
  return sentinelConfig([
    masterConfig(first, "10.0.0.1", 6379, known),
    masterConfig("m2", "10.0.0.5", 6379, known),
  ]);
}

export type DriverOptions = Partial<Omit<SentinelCoreOptions, "random">> & { random?: Random };

export class Driver {
  readonly core: SentinelCore;
  now: number;
  /** Added to `now` to make the wall clock of ticks. */
  wallOffset = 1_700_000_000_000;

  constructor(config: SentinelConfig = sentinelConfig(), options: DriverOptions = {}) {
    this.now = options.now ?? 1000;
    this.core = new SentinelCore(config, {
      ...options,
      random: options.random ?? new CyclingRandom(),
      now: this.now,
    });
  }

  get state() {
    return this.core.state;
  }

  master(name = "mymaster"): MasterState {
    const m = this.core.state.masters.get(name);
    if (m === undefined) throw new Error(`no master ${name}`);
    return m;
  }

  step(input: Input): this {
    this.core.step(this.now, input);
    return this;
  }

  take(): Ready {
    return this.core.takeReady();
  }

  /** Advances the clock by `dt` and runs one tick; returns the Ready of that tick. */
  tick(dt = 100): Ready {
    this.now += dt;
    this.core.step(this.now, { type: "tick", wallNow: this.now + this.wallOffset });
    return this.take();
  }

  /** Ticks every `dt` ms until `until` (inclusive), concatenating the Readies. */
  run(until: number, dt = 100): Ready[] {
    const readies: Ready[] = [];
    while (this.now + dt <= until) readies.push(this.tick(dt));
    return readies;
  }

  /** Answers every `connect` command of a Ready with link-connected. */
  acceptConnects(ready: Ready, localIp = "127.0.0.1"): Ready {
    for (const c of ready.commands) {
      if (c.type === "connect")
        this.step({ type: "link-connected", link: c.link, conn: c.conn, localIp });
    }
    return this.take();
  }

  /** Tick and connect everything that asked to connect; returns the Ready of the connects. */
  tickAndConnect(dt = 100): Ready {
    return this.acceptConnects(this.tick(dt));
  }
}

/** mymaster (10.0.0.1) with down-after `ms` and no known replica or peer, its first Ready taken. */
export function downAfter(ms: number): Driver {
  const d = new Driver(
    sentinelConfig([
      masterConfig("mymaster", "10.0.0.1", 6379, { settings: { downAfterPeriod: ms } }),
    ]),
  );
  d.take();
  return d;
}

/**
 * mymaster (10.0.0.1, down-after 1 s, `quorum`) with peers A (10.0.1.1) and B (10.0.1.2) known,
 * its first Ready taken.
 */
export function withTwoPeers(quorum = 2): Driver {
  const d = new Driver(
    sentinelConfig([
      masterConfig("mymaster", "10.0.0.1", 6379, {
        settings: { downAfterPeriod: 1000, quorum },
        knownSentinels: [
          { addr: { ip: "10.0.1.1", port: 26379 }, runId: PEER_A },
          { addr: { ip: "10.0.1.2", port: 26379 }, runId: PEER_B },
        ],
      }),
    ]),
  );
  d.take();
  return d;
}

export function commandsOf<T extends Command["type"]>(
  ready: Ready | readonly Ready[],
  type: T,
): Extract<Command, { type: T }>[] {
  const all = Array.isArray(ready) ? (ready as readonly Ready[]) : [ready as Ready];
  return all.flatMap((r) =>
    r.commands.filter((c): c is Extract<Command, { type: T }> => c.type === type),
  );
}

export function eventLines(ready: Ready | readonly Ready[]): string[] {
  const all = Array.isArray(ready) ? (ready as readonly Ready[]) : [ready as Ready];
  return all.flatMap((r) => r.events.map((e) => `${e.type} ${e.text}`));
}

export function eventTypes(ready: Ready | readonly Ready[]): string[] {
  const all = Array.isArray(ready) ? (ready as readonly Ready[]) : [ready as Ready];
  return all.flatMap((r) => r.events.map((e) => e.type));
}

export function pong(link: string): Input {
  return { type: "ping-reply", link, reply: { kind: "ok", text: "PONG" } };
}

export function info(link: string, text: string): Input {
  return { type: "info-reply", link, reply: { kind: "ok", text } };
}

/** INFO text of a master with the given replicas (new `ip=` form). */
export function masterInfo(
  runId: string,
  replicas: readonly (readonly [string, number])[] = [],
): string {
  const lines = [
    "# Server",
    `run_id:${runId}`,
    "",
    "# Replication",
    "role:master",
    `connected_slaves:${replicas.length}`,
  ];
  replicas.forEach(([ip, port], i) =>
    lines.push(`slave${i}:ip=${ip},port=${port},state=online,offset=0,lag=0`),
  );
  lines.push("master_repl_offset:0");
  return lines.join("\r\n") + "\r\n";
}

/** INFO text of a replica following host:port. */
export function replicaInfo(
  runId: string,
  host: string,
  port: number,
  extra: { linkUp?: boolean; priority?: number; offset?: number; downSince?: number } = {},
): string {
  const lines = [
    "# Server",
    `run_id:${runId}`,
    "",
    "# Replication",
    "role:slave",
    `master_host:${host}`,
    `master_port:${port}`,
    `master_link_status:${extra.linkUp === false ? "down" : "up"}`,
    `slave_repl_offset:${extra.offset ?? 100}`,
  ];
  if (extra.downSince !== undefined)
    lines.push(`master_link_down_since_seconds:${extra.downSince}`);
  lines.push(`slave_priority:${extra.priority ?? 100}`, "replica_announced:1");
  return lines.join("\r\n") + "\r\n";
}

export function hello(
  runId: string,
  ip: string,
  port: number,
  epoch: number | bigint | string,
  master = "mymaster",
  masterIp = "10.0.0.1",
  masterPort = 6379,
  configEpoch: number | bigint | string = 0,
): string {
  return [ip, port, runId, epoch, master, masterIp, masterPort, configEpoch].join(",");
}

/** Steps a hello received on `via`'s channel (the master's by default) and takes the Ready. */
export function receiveHello(
  d: Driver,
  payload: string,
  via: string | null = "master:mymaster",
): Ready {
  d.step({ type: "hello-received", via, payload });
  return d.take();
}

/**
 * Connects mymaster and its replica 10.0.0.2:6379: both answer PING, and the master's INFO (run
 * id `runId`) lists the replica. The Readies up to then are dropped.
 */
export function connectWithReplica(d: Driver, runId: string): Driver {
  d.take();
  d.tickAndConnect();
  d.step(pong("master:mymaster")).step(pong("slave:mymaster:10.0.0.2:6379"));
  d.step(info("master:mymaster", masterInfo(runId, [["10.0.0.2", 6379]])));
  d.take();
  return d;
}

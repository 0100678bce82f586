// Proves that operators see the same thing from Vigil as from the real redis-sentinel 7.0.15
// around a failover, measured side by side: the same scenario (1 master + 2 replicas, 3
// sentinels, quorum 2, down-after 1000 ms, kill -9 of the master, then a restart of the old
// master) runs once with three redis-sentinel and once with three Vigil, and for each role (the
// leader = the sentinel that published +elected-leader, the observers = the others):
// 1. the ordered event sequence (names and role-normalised payloads) equals docs/PROTOCOL.md
//    §8.2's leader / observer sequence on both sides, and every payload has its §8.2 format;
// 2. the `sentinel …` lines of every config file after the failover are the same directives in
//    the same order (monitor at the new address, config-epoch, leader-epoch, current-epoch,
//    known-replica incl. the old master, known-sentinel);
// 3. SENTINEL MASTER / REPLICAS / SENTINELS have the same fields in the same order and the same
//    flags (the old master `s_down,slave,disconnected` while down, `slave` once back);
// 4. the INFO sentinel section is the same.
// Timing-dependent events and values are set aside in support/parity-normalize.ts, each with its
// reason. Differences accepted on purpose (not asserted; see parity-normalize.ts):
// - Vigil observers do not stand as candidates at once on ODOWN (randomized candidate delay), so
//   redis-sentinel observers show +try-failover / a self vote more often;
// - a restarted instance: Vigil sends INFO one tick after the reconnect PING (redis-sentinel
//   pipelines both), so -sdown may precede -role-change;
// - link-pending-commands of a disconnected instance is 0 in Vigil, 1–3 in redis-sentinel
//   (hiredis drops the failed commands' callbacks without decrementing);
// - redis-sentinel may show the new master SDOWN for a few ms right after a switch (it keeps the
//   link's reconnect throttle); Vigil clears the throttle at a switch;
// - non-`sentinel` config lines: redis-sentinel 7.0 also writes
//   `latency-tracking-info-percentiles 50 99 99.9`; blank-line placement between known-* entries.
import { expect } from "chai";
import type { EventRecorder, SentinelImpl } from "./harness/sentinel-process.js";
import type { Topology } from "./harness/topology.js";
import { eventLog, sentinelLogs } from "./support/cluster.js";
import {
  failoverEpoch,
  formatViolations,
  formatsByChannel,
  infoLines,
  entryShape,
  listShape,
  roleSequence,
  roleText,
  sentinelLines,
} from "./support/parity-normalize.js";
import {
  runFailoverScenario,
  type ScenarioCapture,
  type SentinelSnapshot,
} from "./support/parity-scenario.js";

const M_OLD = "master mymaster 127.0.0.1 OLD";
const slave = (who: string, master: string): string =>
  `slave 127.0.0.1:${who} 127.0.0.1 ${who} @ mymaster 127.0.0.1 ${master}`;

/** docs/PROTOCOL.md §8.2 (v), leader, role-normalised (parity-normalize.ts: roleSequence). */
const LEADER_SEQUENCE = [
  `+sdown ${M_OLD}`,
  `+odown ${M_OLD} #quorum <n>/2`,
  "+new-epoch <epoch>",
  `+try-failover ${M_OLD}`,
  "+vote-for-leader SELF <epoch>",
  `+elected-leader ${M_OLD}`,
  `+failover-state-select-slave ${M_OLD}`,
  `+selected-slave ${slave("NEW", "OLD")}`,
  `+failover-state-send-slaveof-noone ${slave("NEW", "OLD")}`,
  `+failover-state-wait-promotion ${slave("NEW", "OLD")}`,
  `+promoted-slave ${slave("NEW", "OLD")}`,
  `+failover-state-reconf-slaves ${M_OLD}`,
  `+slave-reconf-sent ${slave("OTHER", "OLD")}`,
  `+slave-reconf-inprog ${slave("OTHER", "OLD")}`,
  `+slave-reconf-done ${slave("OTHER", "OLD")}`,
  `+failover-end ${M_OLD}`,
  "+switch-master mymaster 127.0.0.1 OLD 127.0.0.1 NEW",
  `+slave ${slave("OLD", "NEW")}`,
  `+slave ${slave("OTHER", "NEW")}`,
  `+sdown ${slave("OLD", "NEW")}`,
  `-sdown ${slave("OLD", "NEW")}`,
];

/**
 * docs/PROTOCOL.md §8.2 (v), observer; the part before +config-update-from sorted, its own
 * +sdown / +odown of the old master optional (parity-normalize.ts).
 */
const OBSERVER_SEQUENCE = [
  "+new-epoch <epoch>",
  "+vote-for-leader <first asking> <epoch>",
  "+config-update-from sentinel <sentinel> 127.0.0.1 <port> @ mymaster 127.0.0.1 OLD",
  "+switch-master mymaster 127.0.0.1 OLD 127.0.0.1 NEW",
  `+slave ${slave("OLD", "NEW")}`,
  `+slave ${slave("OTHER", "NEW")}`,
  `+sdown ${slave("OLD", "NEW")}`,
  `-sdown ${slave("OLD", "NEW")}`,
];

/** The `sentinel` lines of a config file (parity-normalize.ts: sentinelLines); `peers` as seen. */
function configLines(peers: readonly string[]): string[] {
  return [
    "sentinel monitor mymaster 127.0.0.1 NEW 2",
    "sentinel down-after-milliseconds mymaster 1000",
    "sentinel failover-timeout mymaster 10000",
    "sentinel myid <myid>",
    "sentinel config-epoch mymaster <epoch>",
    "sentinel leader-epoch mymaster <epoch>",
    "sentinel current-epoch <epoch>",
    "sentinel known-replica mymaster 127.0.0.1 OLD",
    "sentinel known-replica mymaster 127.0.0.1 OTHER",
    ...peers.map((p) => `sentinel known-sentinel mymaster 127.0.0.1 ${p} ${p}`),
  ];
}

const INFO_SENTINEL = [
  "# Sentinel",
  "sentinel_masters:1",
  "sentinel_tilt:0",
  "sentinel_tilt_since_seconds:-1",
  "sentinel_running_scripts:0",
  "sentinel_scripts_queue_length:0",
  "sentinel_simulate_failure_flags:0",
  "master0:name=mymaster,status=ok,address=127.0.0.1:NEW,slaves=2,sentinels=3",
];

/**
 * Vigil's adds Redis 8's and Valkey 9's sentinel_total_tilt after the TILT seconds: its place
 * and form are compared, not the count (a loaded machine may TILT).
 */
const INFO_SENTINEL_VIGIL = [
  ...INFO_SENTINEL.slice(0, 4),
  "sentinel_total_tilt:<count>",
  ...INFO_SENTINEL.slice(4),
];

type Phase = "down" | "restarted";
const IMPLS = ["redis", "vigil"] as const satisfies readonly SentinelImpl[];

function isLeader(cap: ScenarioCapture, s: SentinelSnapshot): boolean {
  return s.port === cap.leaderPort;
}

/** `f` applied to the leader's and to each observer's snapshot of one phase. */
function byRole<T>(
  cap: ScenarioCapture,
  phase: Phase,
  f: (s: SentinelSnapshot) => T,
): { leader: T[]; observers: T[] } {
  const snaps = cap[phase];
  return {
    leader: snaps.filter((s) => isLeader(cap, s)).map(f),
    observers: snaps.filter((s) => !isLeader(cap, s)).map(f),
  };
}

/** Per implementation, `f` by role: the value compared between redis-sentinel and Vigil. */
function sideBySide<T>(
  captures: ReadonlyMap<SentinelImpl, ScenarioCapture>,
  phase: Phase,
  f: (cap: ScenarioCapture, s: SentinelSnapshot) => T,
): Record<SentinelImpl, { leader: T[]; observers: T[] }> {
  const get = (impl: SentinelImpl): { leader: T[]; observers: T[] } => {
    const cap = captures.get(impl);
    if (cap === undefined) throw new Error(`no ${impl} capture`);
    return byRole(cap, phase, (s) => f(cap, s));
  };
  return { redis: get("redis"), vigil: get("vigil") };
}

/**
 * Whether the sentinels started a failover of the master they had just switched to. On a loaded
 * machine redis-sentinel sometimes takes that master for +sdown about down-after past the
 * switch (the new link's ping clock starts at the switch, and the reconnect waits for its
 * throttle) and fails over a second time (seen twice in CI, here and in harness.e2e.test.ts).
 * That is a fault of the reference, not a difference to assert, so its scenario runs again.
 */
function failedOverAgain(recorder: EventRecorder | undefined): boolean {
  const switched = recorder?.first("+switch-master");
  if (recorder === undefined || switched === undefined) return false;
  const [, , , newHost, newPort] = switched.message.split(" ");
  const master = ` ${newHost} ${newPort}`;
  return recorder.all("+try-failover").some((e) => e.message.endsWith(master));
}

/** Whether to run the scenario again: only redis-sentinel's, once, after failedOverAgain. */
function rerunReference(
  impl: SentinelImpl,
  attempt: number,
  recorder: EventRecorder | undefined,
): boolean {
  if (impl !== "redis" || attempt > 1 || !failedOverAgain(recorder)) return false;
  console.log("redis-sentinel failed over the master it had just switched to; its run again");
  return true;
}

describe("parity with redis-sentinel 7.0.15: what operators see around a failover", function () {
  this.timeout(420_000);
  const captures = new Map<SentinelImpl, ScenarioCapture>();
  let topology: Topology | undefined;
  let recorder: EventRecorder | undefined;

  async function teardown(): Promise<void> {
    recorder?.stop();
    recorder = undefined;
    await topology?.teardown();
    topology = undefined;
  }

  before(async function () {
    for (const impl of IMPLS) {
      // The reference may be run twice, Vigil never (rerunReference).
      for (let attempt = 1; ; attempt++) {
        try {
          const cap = await runFailoverScenario(impl, (t, r) => {
            topology = t;
            recorder = r;
          });
          if (!rerunReference(impl, attempt, recorder)) {
            captures.set(impl, cap);
            break;
          }
        } catch (error: unknown) {
          if (topology !== undefined) console.log(sentinelLogs(topology.sentinels));
          console.log(eventLog(recorder));
          if (!rerunReference(impl, attempt, recorder)) throw error;
        } finally {
          await teardown();
        }
      }
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed") {
      for (const cap of captures.values()) {
        const t0 = cap.events[0]?.at ?? 0;
        const who = (port: number): string => (port === cap.leaderPort ? "L" : "o");
        console.log(`=== ${cap.impl} events (leader :${cap.leaderPort})`);
        for (const e of cap.events) {
          const text = roleText(cap, e.sentinelPort, e.message);
          console.log(
            `${(e.at - t0).toFixed(0)} ${who(e.sentinelPort)}:${e.sentinelPort} ${e.channel} ${text}`,
          );
        }
      }
    }
    await teardown();
  });
  after(teardown);

  function capture(impl: SentinelImpl): ScenarioCapture {
    const cap = captures.get(impl);
    if (cap === undefined) throw new Error(`no ${impl} capture`);
    return cap;
  }

  function sequences(impl: SentinelImpl): { leader: string[][]; observers: string[][] } {
    const cap = capture(impl);
    const observers = cap.sentinelPorts.filter((p) => p !== cap.leaderPort);
    return {
      leader: [roleSequence(cap, cap.leaderPort)],
      observers: observers.map((p) => roleSequence(cap, p)),
    };
  }

  it("publishes the PROTOCOL.md §8.2 event sequence on the leader and on each observer, on both sides", () => {
    const expected = {
      leader: [LEADER_SEQUENCE],
      observers: [OBSERVER_SEQUENCE, OBSERVER_SEQUENCE],
    };
    expect({ redis: sequences("redis"), vigil: sequences("vigil") }).to.deep.equal({
      redis: expected,
      vigil: expected,
    });
  });

  it("has one +elected-leader and turns the old master into a replica with +convert-to-slave, on both sides", () => {
    const summary = (impl: SentinelImpl): { leaders: number; converts: string[] } => {
      const cap = capture(impl);
      return {
        leaders: cap.events.filter((e) => e.channel === "+elected-leader").length,
        converts: [
          ...new Set(
            cap.events
              .filter((e) => e.channel === "+convert-to-slave")
              .map((e) => roleText(cap, e.sentinelPort, e.message)),
          ),
        ],
      };
    };
    const expected = { leaders: 1, converts: [slave("OLD", "NEW")] };
    expect({ redis: summary("redis"), vigil: summary("vigil") }).to.deep.equal({
      redis: expected,
      vigil: expected,
    });
  });

  it("gives every event payload its PROTOCOL.md §8.2 format, the same per channel on both sides", () => {
    const redis = capture("redis");
    const vigil = capture("vigil");
    expect({
      redis: formatViolations(redis.events),
      vigil: formatViolations(vigil.events),
    }).to.deep.equal({ redis: [], vigil: [] });
    const redisFormats = formatsByChannel(redis);
    const vigilFormats = formatsByChannel(vigil);
    const shared = [...vigilFormats.keys()].filter((c) => redisFormats.has(c)).sort();
    // The core failover channels are always published by both.
    expect(shared).to.include.members([
      "+sdown",
      "+odown",
      "+switch-master",
      "+slave",
      "+vote-for-leader",
    ]);
    for (const channel of shared) {
      expect(vigilFormats.get(channel), channel).to.deep.equal(redisFormats.get(channel));
    }
  });

  for (const phase of ["down", "restarted"] as const) {
    const when = phase === "down" ? "while the old master is down" : "once the old master is back";

    it(`writes the same sentinel config lines in the same order ${when}`, () => {
      const lines = sideBySide(captures, phase, (cap, s) =>
        sentinelLines(cap, s, failoverEpoch(cap)),
      );
      const observer = configLines(["LEADER", "PEER"]);
      const expected = { leader: [configLines(["PEER", "PEER"])], observers: [observer, observer] };
      expect(lines).to.deep.equal({ redis: expected, vigil: expected });
    });

    it(`answers SENTINEL MASTER / REPLICAS / SENTINELS with the same fields and flags ${when}`, () => {
      const shapes = (key: "master" | "replicas" | "peers") =>
        sideBySide(captures, phase, (cap, s) =>
          key === "master" ? [entryShape(cap, s.port, s.master)] : listShape(cap, s.port, s[key]),
        );
      for (const key of ["master", "replicas", "peers"] as const) {
        const { redis, vigil } = shapes(key);
        expect(vigil, key).to.deep.equal(redis);
      }
      // The old master's flags, explicitly (OLD sorts first among the replicas).
      const oldFlags = phase === "down" ? "flags=s_down,slave,disconnected" : "flags=slave";
      for (const impl of IMPLS) {
        const cap = capture(impl);
        for (const s of cap[phase]) {
          const old = listShape(cap, s.port, s.replicas)[0] ?? [];
          expect(old, `${impl} :${s.port}`).to.include.members(["port=OLD", oldFlags]);
          expect(entryShape(cap, s.port, s.master), `${impl} :${s.port}`).to.include.members([
            "port=NEW",
            "flags=master",
            "config-epoch=<epoch>",
          ]);
        }
      }
    });

    it(`reports the same INFO sentinel section ${when}`, () => {
      const info = sideBySide(captures, phase, (cap, s) =>
        infoLines(cap, s).map((l) => l.replace(/^(sentinel_total_tilt:)\d+$/, "$1<count>")),
      );
      const expected = (lines: string[]) => ({ leader: [lines], observers: [lines, lines] });
      expect(info).to.deep.equal({
        redis: expected(INFO_SENTINEL),
        vigil: expected(INFO_SENTINEL_VIGIL),
      });
    });
  }
});

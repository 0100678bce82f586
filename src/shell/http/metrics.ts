/**
 * GET /metrics: the Prometheus text format, from a private prom-client Registry. Gauges are
 * computed at scrape time from the in-memory state (collect callbacks); counters and phase
 * histograms are fed by the events (telemetry.ts). The `redis_sentinel_*` names and labels
 * are redis_exporter's (exporter/sentinels.go), so its dashboards and alerts keep working;
 * `vigil_*` are Vigil's own (docs/COMPATIBILITY.md, "HTTP endpoint").
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { masterSummary } from "../../commands/info-sentinel.js";
import { LAG_BOUNDS_MS } from "../../commands/lag-histogram.js";
import type { LagSnapshot } from "../../commands/lag-histogram.js";
import { linkDisconnected } from "../../core/index.js";
import type { InstanceState, MasterState, SentinelState } from "../../core/index.js";
import type { Phase } from "./failover-tracker.js";
import type { SentinelReadout } from "./readout.js";
import { sentinelReply } from "./readout.js";

/** Seconds; failover phases run from milliseconds (a vote) to minutes (failover-timeout). */
const PHASE_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const SAVE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

const MASTER = ["master_name", "master_address"] as const;

function notDown(instance: InstanceState): boolean {
  return !instance.flags.has("s_down") && !instance.flags.has("o_down");
}

type Value = (m: MasterState, now: number) => number;

/** redis_exporter's per-master gauges, labelled master_name and master_address. */
const PER_MASTER: readonly (readonly [string, string, Value])[] = [
  ["redis_sentinel_master_slaves", "Replicas known", (m) => m.replicas.size],
  ["redis_sentinel_master_sentinels", "Sentinels, this one included", (m) => m.sentinels.size + 1],
  ["redis_sentinel_master_setting_ckquorum", "quorum", (m) => m.settings.quorum],
  [
    "redis_sentinel_master_setting_failover_timeout",
    "failover-timeout",
    (m) => m.settings.failoverTimeout,
  ],
  [
    "redis_sentinel_master_setting_parallel_syncs",
    "parallel-syncs",
    (m) => m.settings.parallelSyncs,
  ],
  [
    "redis_sentinel_master_setting_down_after_milliseconds",
    "down-after-milliseconds",
    (m) => m.settings.downAfterPeriod,
  ],
  ["redis_sentinel_master_config_epoch", "config-epoch", (m) => Number(m.configEpoch)],
  [
    "redis_sentinel_master_last_ok_ping_reply_seconds",
    "last-ok-ping-reply, in seconds",
    (m, now) => (now - m.link.lastAvailTime) / 1000,
  ],
  [
    "redis_sentinel_master_ok_slaves",
    "Listed replicas neither s_down nor o_down",
    (m) => [...m.replicas.values()].filter((r) => r.replicaAnnounced && notDown(r)).length,
  ],
  [
    "redis_sentinel_master_ok_sentinels",
    "Sentinels neither s_down nor o_down, this one included",
    (m) => 1 + [...m.sentinels.values()].filter(notDown).length,
  ],
];

interface SampleValue {
  readonly metricName: string;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
}

/**
 * The event-loop lag histogram as it is (lag-histogram.ts keeps Prometheus's cumulative shape):
 * read at each scrape, never observed into (no timer of its own). prom-client's Histogram only
 * counts what is observed into it, so this is a metric of its own, with the shape the
 * Registry reads (name, help, type, get()).
 */
class SnapshotHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum";
  readonly name: string;
  readonly help: string;
  private readonly read: () => LagSnapshot | null;

  constructor(name: string, help: string, read: () => LagSnapshot | null) {
    this.name = name;
    this.help = help;
    this.read = read;
  }

  get(): Promise<{ name: string; help: string; type: string; values: SampleValue[] }> {
    const snap = this.read() ?? { le: LAG_BOUNDS_MS.map(() => 0), count: 0, sumMs: 0 };
    const bucket = `${this.name}_bucket`;
    const values: SampleValue[] = LAG_BOUNDS_MS.map((ms, i) => ({
      metricName: bucket,
      labels: { le: ms / 1000 },
      value: snap.le[i] ?? 0,
    }));
    values.push(
      { metricName: bucket, labels: { le: "+Inf" }, value: snap.count },
      { metricName: `${this.name}_sum`, labels: {}, value: snap.sumMs / 1000 },
      { metricName: `${this.name}_count`, labels: {}, value: snap.count },
    );
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values });
  }
}

export class SentinelMetrics {
  readonly registry = new Registry();
  private readonly failovers: Counter<"master" | "result">;
  private readonly phases: Histogram<"master" | "phase">;
  private readonly tilts: Counter;
  private readonly saves: Counter<"result">;
  private readonly saveSeconds: Histogram;

  constructor(readout: SentinelReadout) {
    const registers = [this.registry];
    const state = (): SentinelState => readout.state();
    this.globalGauges(readout, registers);
    this.masterGauges(readout, registers);
    new Gauge({
      name: "vigil_current_epoch",
      help: "The current epoch (rounded above 2^53).",
      registers,
      collect() {
        this.set(Number(state().currentEpoch));
      },
    });
    new Gauge({
      name: "vigil_link_up",
      help: "1 when the command link to the instance or peer is connected.",
      labelNames: ["master", "role", "addr"],
      registers,
      collect() {
        this.reset();
        for (const master of state().masters.values()) {
          const up = (i: InstanceState): void => {
            this.set(
              { master: master.name, role: i.kind, addr: `${i.addr.ip}:${i.addr.port}` },
              linkDisconnected(i.link) ? 0 : 1,
            );
          };
          up(master);
          for (const replica of master.replicas.values()) up(replica);
          for (const peer of master.sentinels.values()) up(peer);
        }
      },
    });
    this.failovers = new Counter({
      name: "vigil_failovers_total",
      help: "Failover outcomes seen: switched, or the -failover-abort-* reason.",
      labelNames: ["master", "result"],
      registers,
    });
    this.phases = new Histogram({
      name: "vigil_failover_phase_seconds",
      help: "Failover phases: detection (+sdown to +odown), election (to +elected-leader), promotion (to +promoted-slave), reconfiguration (to +switch-master).",
      labelNames: ["master", "phase"],
      buckets: PHASE_BUCKETS,
      registers,
    });
    this.tilts = new Counter({
      name: "vigil_tilt_entries_total",
      help: "Times TILT mode was entered since the start.",
      registers,
    });
    this.saves = new Counter({
      name: "vigil_config_saves_total",
      help: "Config rewrites (flushes), by result.",
      labelNames: ["result"],
      registers,
    });
    this.saveSeconds = new Histogram({
      name: "vigil_config_save_seconds",
      help: "Time to rewrite the config (render, write, fsync, rename, fsync of the directory).",
      buckets: SAVE_BUCKETS,
      registers,
    });
    const lag = new SnapshotHistogram(
      "vigil_event_loop_lag_seconds",
      "How late a 10 ms timer fired (INFO all's event_loop_lag_histogram).",
      readout.lag,
    );
    // The Registry reads only name, help, type and get() (see SnapshotHistogram).
    this.registry.registerMetric(lag as unknown as Histogram);
  }

  failoverResult(master: string, result: string): void {
    this.failovers.inc({ master, result });
  }

  phase(master: string, phase: Phase, seconds: number): void {
    this.phases.observe({ master, phase }, seconds);
  }

  tiltEntered(): void {
    this.tilts.inc();
  }

  configSaved(seconds: number, ok: boolean): void {
    this.saves.inc({ result: ok ? "ok" : "failed" });
    this.saveSeconds.observe(seconds);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** INFO's Sentinel section fields, under redis_exporter's names. */
  private globalGauges(readout: SentinelReadout, registers: Registry[]): void {
    const gauge = (name: string, help: string, value: () => number): void => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(value());
        },
      });
    };
    gauge("redis_sentinel_masters", "sentinel_masters", () => readout.state().masters.size);
    gauge("redis_sentinel_tilt", "sentinel_tilt", () => (readout.state().tilt ? 1 : 0));
    gauge("redis_sentinel_running_scripts", "sentinel_running_scripts", () => {
      return readout.scripts().running;
    });
    gauge("redis_sentinel_scripts_queue_length", "sentinel_scripts_queue_length", () => {
      return readout.scripts().queueLength;
    });
    gauge("redis_sentinel_simulate_failure_flags", "sentinel_simulate_failure_flags", () => {
      return readout.state().simulateFailureFlags;
    });
  }

  /** Per master, as redis_exporter derives them from INFO and SENTINEL MASTERS/SLAVES/…. */
  private masterGauges(readout: SentinelReadout, registers: Registry[]): void {
    for (const [name, help, value] of PER_MASTER) {
      new Gauge({
        name,
        help,
        labelNames: MASTER,
        registers,
        collect() {
          this.reset();
          const state = readout.state();
          const now = readout.now();
          for (const master of state.masters.values()) {
            const address = masterSummary(state, master).address;
            this.set({ master_name: master.name, master_address: address }, value(master, now));
          }
        },
      });
    }
    new Gauge({
      name: "redis_sentinel_master_status",
      help: "1 when the master's status is ok",
      labelNames: [...MASTER, "master_status"],
      registers,
      collect() {
        this.reset();
        const state = readout.state();
        for (const master of state.masters.values()) {
          const m = masterSummary(state, master);
          this.set(
            { master_name: m.name, master_address: m.address, master_status: m.status },
            m.status === "ok" ? 1 : 0,
          );
        }
      },
    });
    new Gauge({
      name: "redis_sentinel_master_ckquorum_status",
      help: "1 when SENTINEL CKQUORUM answers OK; message is its text",
      labelNames: ["master_name", "message"],
      registers,
      collect() {
        this.reset();
        for (const name of readout.state().masters.keys()) {
          const reply = sentinelReply(readout, ["ckquorum", name]);
          const message = "value" in reply && typeof reply.value === "string" ? reply.value : "";
          this.set({ master_name: name, message }, reply.type === "error" ? 0 : 1);
        }
      },
    });
  }
}

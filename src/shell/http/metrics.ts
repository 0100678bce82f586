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
  readonly metricName?: string;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
}

/**
 * A metric whose samples are computed at scrape time straight from the state, with the shape
 * the Registry reads (name, help, type, get()). prom-client's Gauge would hash and validate
 * every label set it is given, at every scrape: with a thousand masters that was most of the
 * scrape's CPU. Also the event-loop lag histogram as lag-histogram.ts keeps it (Prometheus's
 * cumulative shape), which prom-client's Histogram cannot take (it counts what is observed).
 */
class ComputedMetric {
  readonly aggregator = "sum";
  readonly name: string;
  readonly help: string;
  readonly type: "gauge" | "histogram";
  private readonly samples: () => SampleValue[];

  constructor(
    name: string,
    help: string,
    type: "gauge" | "histogram",
    samples: () => SampleValue[],
  ) {
    this.name = name;
    this.help = help;
    this.type = type;
    this.samples = samples;
  }

  get(): Promise<{ name: string; help: string; type: string; values: SampleValue[] }> {
    const values = this.samples();
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values });
  }
}

function lagSamples(name: string, read: () => LagSnapshot | null): () => SampleValue[] {
  return () => {
    const snap = read() ?? { le: LAG_BOUNDS_MS.map(() => 0), count: 0, sumMs: 0 };
    const bucket = `${name}_bucket`;
    const values: SampleValue[] = LAG_BOUNDS_MS.map((ms, i) => ({
      metricName: bucket,
      labels: { le: ms / 1000 },
      value: snap.le[i] ?? 0,
    }));
    values.push(
      { metricName: bucket, labels: { le: "+Inf" }, value: snap.count },
      { metricName: `${name}_sum`, labels: {}, value: snap.sumMs / 1000 },
      { metricName: `${name}_count`, labels: {}, value: snap.count },
    );
    return values;
  };
}

/** One master's labels, computed once per scrape and shared by every per-master family. */
interface MasterRow {
  readonly master: MasterState;
  readonly labels: { readonly master_name: string; readonly master_address: string };
  readonly status: string;
}

export class SentinelMetrics {
  readonly registry = new Registry();
  private readonly failovers: Counter<"master" | "result">;
  private readonly phases: Histogram<"master" | "phase">;
  private readonly tilts: Counter;
  private readonly saves: Counter<"result">;
  private readonly saveSeconds: Histogram;
  /** Scrapes so far: the per-master rows are computed once per scrape. */
  private scrapes = 0;

  constructor(readout: SentinelReadout) {
    const registers = [this.registry];
    const state = (): SentinelState => readout.state();
    this.globalGauges(readout, registers);
    this.masterGauges(readout);
    this.computed("vigil_current_epoch", "The current epoch (rounded above 2^53).", () => [
      { labels: {}, value: Number(state().currentEpoch) },
    ]);
    this.computed(
      "vigil_link_up",
      "1 when the command link to the instance or peer is connected.",
      () => {
        const values: SampleValue[] = [];
        for (const master of state().masters.values()) {
          const up = (i: InstanceState): void => {
            values.push({
              labels: { master: master.name, role: i.kind, addr: `${i.addr.ip}:${i.addr.port}` },
              value: linkDisconnected(i.link) ? 0 : 1,
            });
          };
          up(master);
          for (const replica of master.replicas.values()) up(replica);
          for (const peer of master.sentinels.values()) up(peer);
        }
        return values;
      },
    );
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
    const lagName = "vigil_event_loop_lag_seconds";
    this.register(
      new ComputedMetric(
        lagName,
        "How late the tick timer fired (INFO all's event_loop_lag_histogram).",
        "histogram",
        lagSamples(lagName, readout.lag),
      ),
    );
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

  /**
   * The exposition, one family at a time with a turn of the event loop between them, so that
   * a scrape of a thousand masters never holds the sentinel's loop for more than one family.
   */
  async render(): Promise<string> {
    this.scrapes++;
    const parts: string[] = [];
    for (const metric of this.registry.getMetricsAsArray()) {
      parts.push(await this.registry.getSingleMetricAsString(metric.name));
      await new Promise((resolve) => setImmediate(resolve));
    }
    return `${parts.join("\n\n")}\n`;
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
  private masterGauges(readout: SentinelReadout): void {
    // The rows of the scrape in progress: built by the first family that asks.
    let cached: { at: number; rows: MasterRow[] } | null = null;
    const rows = (): MasterRow[] => {
      if (cached?.at === this.scrapes) return cached.rows;
      const state = readout.state();
      const list: MasterRow[] = [];
      for (const master of state.masters.values()) {
        const m = masterSummary(state, master);
        list.push({
          master,
          labels: { master_name: m.name, master_address: m.address },
          status: m.status,
        });
      }
      cached = { at: this.scrapes, rows: list };
      return list;
    };
    for (const [name, help, value] of PER_MASTER) {
      this.computed(name, help, () => {
        const now = readout.now();
        return rows().map((r) => ({ labels: r.labels, value: value(r.master, now) }));
      });
    }
    this.computed("redis_sentinel_master_status", "1 when the master's status is ok", () =>
      rows().map((r) => ({
        labels: { ...r.labels, master_status: r.status },
        value: r.status === "ok" ? 1 : 0,
      })),
    );
    this.computed(
      "redis_sentinel_master_ckquorum_status",
      "1 when SENTINEL CKQUORUM answers OK; message is its text",
      () =>
        rows().map((r) => {
          const reply = sentinelReply(readout, ["ckquorum", r.master.name]);
          const message = "value" in reply && typeof reply.value === "string" ? reply.value : "";
          return {
            labels: { master_name: r.master.name, message },
            value: reply.type === "error" ? 0 : 1,
          };
        }),
    );
  }

  private computed(name: string, help: string, samples: () => SampleValue[]): void {
    this.register(new ComputedMetric(name, help, "gauge", samples));
  }

  /** The Registry reads only name, help, type and get() (see ComputedMetric). */
  private register(metric: ComputedMetric): void {
    this.registry.registerMetric(metric as unknown as Gauge);
  }
}

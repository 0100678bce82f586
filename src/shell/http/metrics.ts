/**
 * GET /metrics: the Prometheus text format. The global gauges, the counters and histograms fed
 * by the events (telemetry.ts) and the event-loop lag live in a private prom-client Registry;
 * the families with a sample per master or per link are written straight to text at scrape
 * time (master-families.ts), in the same place of the exposition and with the same bytes. The
 * `redis_sentinel_*` names and labels are redis_exporter's (exporter/sentinels.go), so its
 * dashboards and alerts keep working; `vigil_*` are Vigil's own (docs/COMPATIBILITY.md, "HTTP
 * endpoint"). Nothing here runs between scrapes but the counters the events move.
 */
import { performance } from "node:perf_hooks";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { LAG_BOUNDS_MS } from "../../commands/lag-histogram.js";
import type { LagSnapshot } from "../../commands/lag-histogram.js";
import type { Phase } from "./failover-tracker.js";
import { MasterFamilies } from "./master-families.js";
import type { SentinelReadout } from "./readout.js";

/** Seconds; failover phases run from milliseconds (a vote) to minutes (failover-timeout). */
const PHASE_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** How long a scrape may hold the event loop before it lets the sentinel run (ms). */
const YIELD_AFTER_MS = 5;
const SAVE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

interface SampleValue {
  readonly metricName?: string;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
}

/**
 * A metric whose few samples are computed at scrape time, with the shape the Registry reads
 * (name, help, type, get()): the current epoch, and the event-loop lag histogram as
 * lag-histogram.ts keeps it (Prometheus's cumulative shape), which prom-client's Histogram
 * cannot take (it counts what is observed).
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

/** A family of the exposition: one of the Registry's, or one written to text here. */
type Family = () => Promise<Buffer> | Buffer;

const BLANK_LINE = Buffer.from("\n\n");
const NEWLINE = Buffer.from("\n");

export class SentinelMetrics {
  readonly registry = new Registry();
  private readonly failovers: Counter<"master" | "result">;
  private readonly phases: Histogram<"master" | "phase">;
  private readonly tilts: Counter;
  private readonly saves: Counter<"result">;
  private readonly saveSeconds: Histogram;
  private readonly masters: MasterFamilies;
  /** Every family in the order of the exposition. */
  private readonly families: Family[] = [];

  constructor(readout: SentinelReadout) {
    const registers = [this.registry];
    this.masters = new MasterFamilies(readout);
    this.globalGauges(readout, registers);
    for (const family of this.masters.perMaster()) this.families.push(() => family.render());
    this.computed("vigil_current_epoch", "The current epoch (rounded above 2^53).", () => [
      { labels: {}, value: Number(readout.state().currentEpoch) },
    ]);
    const linkUp = this.masters.linkUp();
    this.families.push(() => linkUp.render());
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
    for (const name of [
      "vigil_failovers_total",
      "vigil_failover_phase_seconds",
      "vigil_tilt_entries_total",
      "vigil_config_saves_total",
      "vigil_config_save_seconds",
    ]) {
      this.fromRegistry(name);
    }
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
   * The exposition (UTF-8, in chunks written as they are: a family unchanged since the scrape
   * before is the same Buffer again), one family at a time, with a turn of the event loop once the families
   * written so far took YIELD_AFTER_MS: the sentinel's loop is never held much longer than one
   * family, and a scrape does not wait a turn per family (on a loaded machine a turn of a
   * thousand-master sentinel took up to 0.4 s, and 22 of them kept scrapes past Prometheus's
   * 10 s timeout).
   */
  async render(): Promise<Buffer[]> {
    this.masters.snapshot();
    const parts: Buffer[] = [];
    let since = performance.now();
    for (const family of this.families) {
      if (parts.length > 0) parts.push(BLANK_LINE);
      parts.push(await family());
      if (performance.now() - since >= YIELD_AFTER_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        since = performance.now();
      }
    }
    parts.push(NEWLINE);
    return parts;
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
      this.fromRegistry(name);
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

  private computed(name: string, help: string, samples: () => SampleValue[]): void {
    this.register(new ComputedMetric(name, help, "gauge", samples));
  }

  /** The Registry reads only name, help, type and get() (see ComputedMetric). */
  private register(metric: ComputedMetric): void {
    this.registry.registerMetric(metric as unknown as Gauge);
    this.fromRegistry(metric.name);
  }

  private fromRegistry(name: string): void {
    this.families.push(async () =>
      Buffer.from(await this.registry.getSingleMetricAsString(name), "utf8"),
    );
  }
}

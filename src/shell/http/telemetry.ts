/**
 * What the HTTP endpoint learns from the running sentinel as it runs: every event goes to the
 * ring (/v1/events), the failover tracker (/v1/failovers, persisted) and the counters and phase
 * histogram (/metrics); every config save to its counter and histogram. Fed by the runtime's
 * and the config store's observers; it never feeds anything back.
 */
import type { SentinelEvent } from "../../core/index.js";
import { EventRing } from "./event-ring.js";
import { FailoverLog, failoverLogFile, readFailoverLog } from "./failover-log.js";
import { FailoverTracker } from "./failover-tracker.js";
import { SentinelMetrics } from "./metrics.js";
import type { SentinelReadout } from "./readout.js";

export interface TelemetryOptions {
  readonly readout: SentinelReadout;
  /** The config file; the failover records live beside it. */
  readonly configFile: string;
  readonly wallNow?: () => number;
  /** A problem with the failover file (logged at warning; never fatal). */
  readonly warn: (message: string) => void;
}

export class Telemetry {
  readonly ring: EventRing;
  readonly metrics: SentinelMetrics;
  readonly failovers: FailoverLog;
  private readonly tracker: FailoverTracker;
  private readonly readout: SentinelReadout;
  private readonly wallNow: () => number;

  constructor(options: TelemetryOptions) {
    this.readout = options.readout;
    this.wallNow = options.wallNow ?? Date.now;
    this.ring = new EventRing(undefined, this.wallNow);
    this.metrics = new SentinelMetrics(options.readout);
    const file = failoverLogFile(options.configFile);
    const { records, error } = readFailoverLog(file);
    if (error !== null) options.warn(`Failover records not read from ${file}: ${error}`);
    this.failovers = new FailoverLog(file, records, (message) => {
      options.warn(`Failover records not saved to ${file}: ${message}`);
    });
    const state = options.readout.state;
    this.tracker = new FailoverTracker({
      myId: () => state().myId,
      configEpochOf: (master) => state().masters.get(master)?.configEpoch.toString() ?? null,
      firstId: this.failovers.nextId,
    });
  }

  readonly observeEvent = (event: SentinelEvent): void => {
    this.ring.push(event);
    if (event.type === "+tilt") this.metrics.tiltEntered();
    const out = this.tracker.observe(event, this.readout.now(), this.wallNow());
    for (const p of out.phases) this.metrics.phase(p.master, p.phase, p.seconds);
    if (out.result !== null) this.metrics.failoverResult(out.result.master, out.result.result);
    if (out.record !== null) this.failovers.put(out.record);
  };

  readonly observeSave = (seconds: number, ok: boolean): void => {
    this.metrics.configSaved(seconds, ok);
  };
}

/**
 * The /metrics families with a sample per master (redis_exporter's `redis_sentinel_master_*`,
 * exporter/sentinels.go) and per link (`vigil_link_up`), read from the state at scrape time and
 * written straight to the text format (prom-text.ts). A thousand masters make some fifteen
 * thousand samples per scrape: each master's labels are escaped once and kept while its name
 * and address stay (a failover changes the address; a removed master is dropped at the next
 * scrape), each link's likewise, and a family whose labels and values are all those of the
 * scrape before is not written again (most are settings and counts that rarely move). Nothing
 * runs between scrapes.
 */
import { masterSummary } from "../../commands/info-sentinel.js";
import { linkShownDisconnected } from "../../core/index.js";
import type { InstanceState, MasterState } from "../../core/index.js";
import { familyHeader, labelPair, valueText } from "./prom-text.js";
import type { SentinelReadout } from "./readout.js";
import { sentinelReply } from "./readout.js";

/** One family of the exposition, rendered whole: the HELP and TYPE lines and its samples. */
export interface TextFamily {
  readonly name: string;
  /** UTF-8, without a final newline (families are joined by a blank line). */
  render(): Buffer;
}

/** Adds one sample: its labels as written between the braces, and its value. */
type Emit = (labels: string, value: number) => void;

/**
 * A gauge family written from the samples `fill` emits, its bytes kept for the next scrape: when
 * that one emits the same labels (the same cached strings) and values, they are reused.
 */
class GaugeFamily implements TextFamily {
  readonly name: string;
  private readonly header: string;
  private readonly open: string;
  private readonly fill: (emit: Emit) => void;
  private labels: string[] = [];
  private values: number[] = [];
  private bytes: Buffer | null = null;

  constructor(name: string, help: string, fill: (emit: Emit) => void) {
    this.name = name;
    this.header = familyHeader(name, help, "gauge");
    this.open = `\n${name}{`;
    this.fill = fill;
  }

  render(): Buffer {
    const labels: string[] = [];
    const values: number[] = [];
    this.fill((l, v) => {
      labels.push(l);
      values.push(v);
    });
    if (this.bytes !== null && sameSamples(labels, values, this.labels, this.values)) {
      return this.bytes;
    }
    const out = [this.header];
    for (let i = 0; i < labels.length; i++) {
      out.push(`${this.open}${labels[i] ?? ""}} ${valueText(values[i] ?? 0)}`);
    }
    this.labels = labels;
    this.values = values;
    this.bytes = Buffer.from(out.join(""), "utf8");
    return this.bytes;
  }
}

function sameSamples(
  labels: readonly string[],
  values: readonly number[],
  oldLabels: readonly string[],
  oldValues: readonly number[],
): boolean {
  if (labels.length !== oldLabels.length) return false;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== oldLabels[i] || !Object.is(values[i], oldValues[i])) return false;
  }
  return true;
}

function notDown(instance: InstanceState): boolean {
  return !instance.flags.has("s_down") && !instance.flags.has("o_down");
}

function okReplicas(m: MasterState): number {
  let ok = 0;
  for (const r of m.replicas.values()) if (r.replicaAnnounced && notDown(r)) ok++;
  return ok;
}

function okSentinels(m: MasterState): number {
  let ok = 1;
  for (const p of m.sentinels.values()) if (notDown(p)) ok++;
  return ok;
}

type Value = (m: MasterState, now: number) => number;

/** redis_exporter's per-master gauges, labelled master_name and master_address, in order. */
export const PER_MASTER: readonly (readonly [string, string, Value])[] = [
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
  ["redis_sentinel_master_ok_slaves", "Listed replicas neither s_down nor o_down", okReplicas],
  [
    "redis_sentinel_master_ok_sentinels",
    "Sentinels neither s_down nor o_down, this one included",
    okSentinels,
  ],
];

export const STATUS_HELP = "1 when the master's status is ok";
export const CKQUORUM_HELP = "1 when SENTINEL CKQUORUM answers OK; message is its text";
export const LINK_UP_HELP = "1 when the command link to the instance or peer is connected.";

/** A master's labels, escaped once for as long as its name and address stay. */
class MasterLabels {
  readonly address: string;
  /** `master_name="…",master_address="…"`. */
  readonly pair: string;
  private readonly namePair: string;
  private readonly statuses = new Map<string, string>();
  private quorumMessage: string | null = null;
  private quorumLabels = "";

  constructor(name: string, address: string) {
    this.address = address;
    this.namePair = labelPair("master_name", name);
    this.pair = `${this.namePair},${labelPair("master_address", address)}`;
  }

  /** `…,master_status="ok"` (ok, sdown or odown: three at most). */
  withStatus(status: string): string {
    let labels = this.statuses.get(status);
    if (labels === undefined) {
      labels = `${this.pair},${labelPair("master_status", status)}`;
      this.statuses.set(status, labels);
    }
    return labels;
  }

  /** `master_name="…",message="…"`, kept while CKQUORUM's text stays the same. */
  withQuorumMessage(message: string): string {
    if (message !== this.quorumMessage) {
      this.quorumMessage = message;
      this.quorumLabels = `${this.namePair},${labelPair("message", message)}`;
    }
    return this.quorumLabels;
  }
}

/** One master in the scrape in progress. */
interface Row {
  readonly master: MasterState;
  readonly labels: MasterLabels;
  readonly status: string;
}

/** A link's labels `master="…",role="…",addr="ip:port"`, with what they were made of. */
interface LinkLabels {
  readonly master: string;
  readonly role: string;
  readonly ip: string;
  readonly port: number;
  readonly text: string;
}

export class MasterFamilies {
  private readonly readout: SentinelReadout;
  /** By master name; rebuilt when the address changes, dropped with the master. */
  private labels = new Map<string, MasterLabels>();
  private readonly links = new WeakMap<InstanceState, LinkLabels>();
  private rows: readonly Row[] = [];

  constructor(readout: SentinelReadout) {
    this.readout = readout;
  }

  /** The masters of the scrape about to run, read once and shared by every family. */
  snapshot(): void {
    const state = this.readout.state();
    const labels = new Map<string, MasterLabels>();
    const rows: Row[] = [];
    for (const master of state.masters.values()) {
      const m = masterSummary(state, master);
      let l = this.labels.get(m.name);
      if (l?.address !== m.address) l = new MasterLabels(m.name, m.address);
      labels.set(m.name, l);
      rows.push({ master, labels: l, status: m.status });
    }
    this.labels = labels;
    this.rows = rows;
  }

  /** The per-master families in their order: PER_MASTER, status, then CKQUORUM's. */
  perMaster(): TextFamily[] {
    const families = PER_MASTER.map(
      ([name, help, value]) =>
        new GaugeFamily(name, help, (emit) => {
          const now = this.readout.now();
          for (const r of this.rows) emit(r.labels.pair, value(r.master, now));
        }),
    );
    families.push(
      new GaugeFamily("redis_sentinel_master_status", STATUS_HELP, (emit) => {
        for (const r of this.rows) emit(r.labels.withStatus(r.status), r.status === "ok" ? 1 : 0);
      }),
      new GaugeFamily("redis_sentinel_master_ckquorum_status", CKQUORUM_HELP, (emit) => {
        for (const r of this.rows) {
          const reply = sentinelReply(this.readout, ["ckquorum", r.master.name]);
          const message = "value" in reply && typeof reply.value === "string" ? reply.value : "";
          emit(r.labels.withQuorumMessage(message), reply.type === "error" ? 0 : 1);
        }
      }),
    );
    return families;
  }

  /** vigil_link_up: each master, then its replicas, then its peers, master by master. */
  linkUp(): TextFamily {
    return new GaugeFamily("vigil_link_up", LINK_UP_HELP, (emit) => {
      for (const master of this.readout.state().masters.values()) {
        const up = (i: InstanceState): void => {
          emit(this.linkLabels(master.name, i), linkShownDisconnected(i.link) ? 0 : 1);
        };
        up(master);
        for (const replica of master.replicas.values()) up(replica);
        for (const peer of master.sentinels.values()) up(peer);
      }
    });
  }

  private linkLabels(master: string, i: InstanceState): string {
    const known = this.links.get(i);
    const { ip, port } = i.addr;
    if (
      known?.master === master &&
      known.role === i.kind &&
      known.ip === ip &&
      known.port === port
    ) {
      return known.text;
    }
    const text = [
      labelPair("master", master),
      labelPair("role", i.kind),
      labelPair("addr", `${ip}:${port}`),
    ].join(",");
    this.links.set(i, { master, role: i.kind, ip, port, text });
    return text;
  }
}

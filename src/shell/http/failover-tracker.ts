/**
 * Builds the failover records of GET /v1/failovers and the phase timings of
 * vigil_failover_phase_seconds from the events the core emits (docs/EVENTS.md), without
 * deciding anything: the timeline of each master's episode is the events' arrival times.
 *
 * Phases, each measured between the two events that bound it:
 *   detection        first master +sdown → +odown
 *   election         +odown (or +try-failover without ODOWN: SENTINEL FAILOVER) → +elected-leader
 *   promotion        +elected-leader → +promoted-slave
 *   reconfiguration  +promoted-slave → +switch-master
 * A follower sees detection only, then +switch-master from the leader's hello.
 *
 * A record opens at our +try-failover or at a +switch-master we did not lead; it ends
 * `switched` at +switch-master, or with the abort's reason (`not-elected`, `no-good-slave`,
 * `slave-timeout`) at -failover-abort-*; a later +switch-master in the same episode (a peer
 * won) turns it to `switched`. The episode ends with +switch-master, or with -sdown of the
 * master while no record is open.
 */
import type { SentinelEvent } from "../../core/index.js";

export const PHASES = ["detection", "election", "promotion", "reconfiguration"] as const;
export type Phase = (typeof PHASES)[number];

export interface PhaseTime {
  readonly phase: Phase;
  /** ISO 8601 wall-clock times of the bounding events. */
  readonly start: string;
  readonly end: string;
  readonly seconds: number;
}

export interface FailoverAbort {
  readonly reason: string;
  readonly epoch: string | null;
  readonly time: string;
}

export interface FailoverRecord {
  /** Increasing over the life of the file. */
  readonly id: number;
  readonly master: string;
  /** Decimal (int64). */
  epoch: string | null;
  /** Run id of the sentinel that led it, when known. */
  leader: string | null;
  ledByUs: boolean;
  /** `ip:port` of +selected-slave. */
  selectedReplica: string | null;
  /** `ip:port` before and after (+switch-master). */
  from: string | null;
  to: string | null;
  result: string;
  readonly started: string;
  ended: string | null;
  phases: PhaseTime[];
  aborts: FailoverAbort[];
  /** Why replicas were not chosen; filled by the explanation of another module (SENTINEL WHY). */
  excluded: string[];
}

/** What one event changed. */
export interface TrackerOutput {
  /** Phases that ended with this event. */
  readonly phases: readonly {
    readonly master: string;
    readonly phase: Phase;
    readonly seconds: number;
  }[];
  /** An outcome to count (vigil_failovers_total). */
  readonly result: { readonly master: string; readonly result: string } | null;
  /** The record that changed (to persist), or null. */
  readonly record: FailoverRecord | null;
}

interface Mark {
  readonly mono: number;
  readonly wall: number;
}

interface Episode {
  sdown?: Mark;
  odown?: Mark;
  tryFailover?: Mark;
  elected?: Mark;
  promoted?: Mark;
  epoch?: string;
  vote?: { readonly leader: string; readonly epoch: string };
  configFrom?: string;
  /** The detection phase, kept until a record opens. */
  detection?: PhaseTime;
  record?: FailoverRecord;
}

export interface TrackerOptions {
  readonly myId: () => string;
  /** The master's config epoch now (after +switch-master: the failover's). */
  readonly configEpochOf: (master: string) => string | null;
  /** The id the first record gets (the failover log's next). */
  readonly firstId?: number;
}

const NOTHING: TrackerOutput = { phases: [], result: null, record: null };
const ABORT_PREFIX = "-failover-abort-";
const MAX_ABORTS = 20;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `slave <name> <ip> <port> @ …` → `ip:port` (the `%@` of a replica, docs/EVENTS.md). */
function instanceAddr(text: string): string | null {
  const words = text.split(" ");
  const ip = words[2];
  const port = words[3];
  return ip === undefined || port === undefined ? null : `${ip}:${port}`;
}

export class FailoverTracker {
  private readonly episodes = new Map<string, Episode>();
  private readonly options: TrackerOptions;
  private nextId: number;

  constructor(options: TrackerOptions) {
    this.options = options;
    this.nextId = options.firstId ?? 1;
  }

  /** Feeds one event seen at monotonic `mono` and wall-clock `wall` milliseconds. */
  observe(event: SentinelEvent, mono: number, wall: number): TrackerOutput {
    const master = event.master;
    if (master === null) return NOTHING;
    const at: Mark = { mono, wall };
    const text = event.text;
    // A string, not the union: only the events that bound a phase or name a part matter here.
    const type: string = event.type;
    if (type.startsWith(ABORT_PREFIX)) return this.aborted(master, type, at);
    switch (type) {
      case "+sdown":
        if (text.startsWith("master ")) this.episode(master).sdown ??= at;
        return NOTHING;
      case "-sdown":
        if (text.startsWith("master ") && this.episodes.get(master)?.record === undefined) {
          this.episodes.delete(master);
        }
        return NOTHING;
      case "+odown": {
        const ep = this.episode(master);
        if (ep.odown !== undefined) return NOTHING;
        ep.odown = at;
        return this.phaseOutput(master, "detection", ep.sdown, at);
      }
      case "+new-epoch":
        this.episode(master).epoch = text;
        return NOTHING;
      case "+vote-for-leader": {
        const [leader, epoch] = text.split(" ");
        if (leader !== undefined && epoch !== undefined) {
          this.episode(master).vote = { leader, epoch };
        }
        return NOTHING;
      }
      case "+config-update-from":
        // `sentinel <runid> <ip> <port> @ …`: the peer whose hello carried the new config.
        this.episode(master).configFrom = text.split(" ")[1] ?? "";
        return NOTHING;
      case "+try-failover":
        return this.tryFailover(master, at);
      case "+elected-leader": {
        const ep = this.episode(master);
        ep.elected = at;
        const record = this.open(master, ep, at);
        record.leader = this.options.myId();
        record.ledByUs = true;
        return this.phaseOutput(master, "election", ep.odown ?? ep.tryFailover, at, record);
      }
      case "+selected-slave": {
        const ep = this.episode(master);
        const record = this.open(master, ep, at);
        record.selectedReplica = instanceAddr(text);
        return { ...NOTHING, record };
      }
      case "+promoted-slave": {
        const ep = this.episode(master);
        ep.promoted = at;
        return this.phaseOutput(
          master,
          "promotion",
          ep.elected,
          at,
          this.episodes.get(master)?.record,
        );
      }
      case "+switch-master":
        return this.switched(master, text, at);
      default:
        return NOTHING;
    }
  }

  private episode(master: string): Episode {
    let ep = this.episodes.get(master);
    if (ep === undefined) {
      ep = {};
      this.episodes.set(master, ep);
    }
    return ep;
  }

  private open(master: string, ep: Episode, at: Mark): FailoverRecord {
    ep.record ??= {
      id: this.nextId++,
      master,
      epoch: ep.epoch ?? null,
      leader: null,
      ledByUs: false,
      selectedReplica: null,
      from: null,
      to: null,
      result: "in-progress",
      started: iso((ep.sdown ?? ep.odown ?? ep.tryFailover ?? at).wall),
      ended: null,
      phases: ep.detection === undefined ? [] : [ep.detection],
      aborts: [],
      excluded: [],
    };
    return ep.record;
  }

  private tryFailover(master: string, at: Mark): TrackerOutput {
    const ep = this.episode(master);
    // A new attempt after an abort: the timeline of the next attempt starts here.
    if (ep.record !== undefined && ep.record.result !== "in-progress") {
      ep.record.result = "in-progress";
      ep.record.ended = null;
      delete ep.elected;
      delete ep.promoted;
    }
    ep.tryFailover = at;
    const record = this.open(master, ep, at);
    if (ep.epoch !== undefined) record.epoch = ep.epoch;
    return { ...NOTHING, record };
  }

  private aborted(master: string, type: string, at: Mark): TrackerOutput {
    const ep = this.episode(master);
    const record = this.open(master, ep, at);
    const reason = type.slice(ABORT_PREFIX.length);
    record.result = reason;
    record.ended = iso(at.wall);
    record.aborts.push({ reason, epoch: ep.epoch ?? null, time: iso(at.wall) });
    // A master that stays down is retried every 2 × failover-timeout: keep the last ones.
    if (record.aborts.length > MAX_ABORTS)
      record.aborts.splice(0, record.aborts.length - MAX_ABORTS);
    return { phases: [], result: { master, result: reason }, record };
  }

  private switched(master: string, text: string, at: Mark): TrackerOutput {
    const ep = this.episode(master);
    const record = this.open(master, ep, at);
    const [, oldIp, oldPort, newIp, newPort] = text.split(" ");
    record.from = `${oldIp ?? ""}:${oldPort ?? ""}`;
    record.to = `${newIp ?? ""}:${newPort ?? ""}`;
    record.epoch = this.options.configEpochOf(master) ?? record.epoch;
    if (!record.ledByUs) {
      const vote = ep.vote?.epoch === record.epoch ? ep.vote.leader : undefined;
      record.leader = ep.configFrom ?? vote ?? record.leader;
    }
    record.result = "switched";
    record.ended = iso(at.wall);
    const output = this.phaseOutput(master, "reconfiguration", ep.promoted, at, record);
    this.episodes.delete(master);
    return { ...output, result: { master, result: "switched" } };
  }

  /** The phase `phase` ended at `end`; recorded in `record` when there is one. */
  private phaseOutput(
    master: string,
    phase: Phase,
    start: Mark | undefined,
    end: Mark,
    record?: FailoverRecord,
  ): TrackerOutput {
    if (start === undefined || end.mono < start.mono) return { ...NOTHING, record: record ?? null };
    const seconds = (end.mono - start.mono) / 1000;
    const time: PhaseTime = { phase, start: iso(start.wall), end: iso(end.wall), seconds };
    const ep = this.episodes.get(master);
    if (ep !== undefined && phase === "detection") ep.detection = time;
    const target = record ?? ep?.record;
    if (target !== undefined) {
      target.phases = target.phases.filter((p) => p.phase !== phase);
      target.phases.push(time);
    }
    return { phases: [{ master, phase, seconds }], result: null, record: target ?? null };
  }
}

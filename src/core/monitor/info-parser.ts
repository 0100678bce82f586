/**
 * INFO text → the facts a sentinel uses (docs/PROTOCOL.md §3.1; sentinel.c:
 * sentinelRefreshInstanceInfo, parsing part). Pure: no decision is taken here.
 *
 * Like Redis, the replication fields of a replica (master_host …) are only read after a
 * `role:slave` line; fields that are absent are null (the caller keeps what it knew), except
 * master_link_down_since_seconds whose absence means 0.
 */
import { atoi, strtoull } from "../basics/redis-int.js";

export interface InfoReplicaLine {
  readonly ip: string;
  readonly port: number;
  /** `state=online` (the old form's third field is the state too). */
  readonly online: boolean;
  /** `lag=<s>`: seconds since the replica's last REPLCONF ACK; null when absent. */
  readonly lag: number | null;
}

export interface InfoReport {
  /** The 40-char run id, null when absent. */
  readonly runId: string | null;
  readonly role: "master" | "slave" | null;
  /** `slave<N>:` lines, both the `ip=…,port=…` form and the old `<ip>,<port>,<state>` form. */
  readonly replicas: readonly InfoReplicaLine[];
  /** master_link_down_since_seconds × 1000; 0 when absent. */
  readonly masterLinkDownTime: number;
  readonly masterHost: string | null;
  readonly masterPort: number | null;
  readonly masterLinkStatusUp: boolean | null;
  readonly slavePriority: number | null;
  readonly slaveReplOffset: bigint | null;
  readonly replicaAnnounced: boolean | null;
  /** `master_failover_state:<state>` (Valkey reads it in any role), null when absent. */
  readonly failoverState: string | null;
  /** `master_replid`, `master_replid2`, `second_repl_offset` (any role), null when absent. */
  readonly replId: string | null;
  readonly replId2: string | null;
  readonly secondReplOffset: bigint | null;
}

function valueAfter(line: string, prefix: string): string | null {
  return line.startsWith(prefix) ? line.slice(prefix.length) : null;
}

/** `slave0:ip=10.0.0.2,port=6380,state=online,…` or `slave0:10.0.0.2,6380,online`. */
export function parseReplicaLine(line: string): InfoReplicaLine | null {
  if (line.length < 7 || !line.startsWith("slave") || !/\d/.test(line[5] ?? "")) return null;
  if (!line.includes("ip=")) {
    const colon = line.indexOf(":");
    if (colon === -1) return null;
    const fields = line.slice(colon + 1).split(",");
    // The old form needs the comma that ends the port.
    if (fields.length < 3) return null;
    return {
      ip: fields[0] ?? "",
      port: atoi(fields[1] ?? ""),
      online: fields[2] === "online",
      lag: null,
    };
  }
  const ipAt = line.indexOf("ip=");
  const portAt = line.indexOf("port=");
  if (portAt === -1) return null;
  const ip = line.slice(ipAt + 3).split(",")[0] ?? "";
  const port = line.slice(portAt + 5).split(",")[0] ?? "";
  return { ip, port: atoi(port), online: fieldOf(line, "state=") === "online", lag: lagOf(line) };
}

/** The value of `key` (e.g. "state=") among the line's comma-separated fields, null if absent. */
function fieldOf(line: string, key: string): string | null {
  const at = line.indexOf(key);
  if (at === -1) return null;
  const before = line.charCodeAt(at - 1);
  // At the start of a field: after "slaveN:" or ",".
  if (before !== 0x3a && before !== 0x2c) return null;
  return line.slice(at + key.length).split(",")[0] ?? "";
}

function lagOf(line: string): number | null {
  const text = fieldOf(line, "lag=");
  if (text === null || !/^\d{1,9}$/.test(text)) return null;
  return Number(text);
}

type MutableReport = { -readonly [K in keyof InfoReport]: InfoReport[K] };

function parseReplicationLine(report: MutableReport, line: string): void {
  const host = valueAfter(line, "master_host:");
  if (host !== null) report.masterHost = host;
  const port = valueAfter(line, "master_port:");
  if (port !== null) report.masterPort = atoi(port);
  const status = valueAfter(line, "master_link_status:");
  if (status !== null) report.masterLinkStatusUp = status.toLowerCase() === "up";
  const priority = valueAfter(line, "slave_priority:");
  if (priority !== null) report.slavePriority = atoi(priority);
  const offset = valueAfter(line, "slave_repl_offset:");
  if (offset !== null) report.slaveReplOffset = strtoull(offset);
  const announced = valueAfter(line, "replica_announced:");
  if (announced !== null) report.replicaAnnounced = atoi(announced) !== 0;
}

/** The lines of any role that say which replication history the server is on, and FAILOVER. */
function parseHistoryLine(report: MutableReport, text: string, at: number, end: number): void {
  if (startsAt(text, at, end, "master_failover_state:")) {
    report.failoverState = text.slice(at + 22, end);
  } else if (startsAt(text, at, end, "master_replid2:")) {
    report.replId2 = text.slice(at + 15, end);
  } else if (startsAt(text, at, end, "master_replid:")) {
    report.replId = text.slice(at + 14, end);
  } else if (startsAt(text, at, end, "second_repl_offset:")) {
    const value = text.slice(at + 19, end);
    // -1 when the server has no second history; anything that is not a number is ignored.
    if (/^-?\d{1,19}$/.test(value)) report.secondReplOffset = BigInt.asIntN(64, BigInt(value));
  }
}

/**
 * A fresh copy of a (short) string. V8 returns a slice of a long string as a view that keeps the
 * whole parent alive: a run id or host read out of an INFO text and stored in a record would pin
 * that INFO text for as long as the field lives, next to the current one.
 */
export function detached(text: string): string {
  return text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string);
}

function startsAt(text: string, at: number, end: number, prefix: string): boolean {
  return end - at >= prefix.length && text.startsWith(prefix, at);
}

/** `slave<digit>`: the start of a replica line (parseReplicaLine checks the rest). */
function isReplicaLineAt(text: string, at: number, end: number): boolean {
  if (end - at < 7 || !text.startsWith("slave", at)) return false;
  const digit = text.charCodeAt(at + 5);
  return digit >= 0x30 && digit <= 0x39;
}

/**
 * One pass over the text, line by line (lines end at `\n`, a `\r` before it is dropped, as a
 * split on /\r?\n/ would), without making a string of every line: only the lines whose fields
 * are kept are cut out.
 */
export function parseInfo(text: string): InfoReport {
  const report: MutableReport = {
    runId: null,
    role: null,
    replicas: [],
    masterLinkDownTime: 0,
    masterHost: null,
    masterPort: null,
    masterLinkStatusUp: null,
    slavePriority: null,
    slaveReplOffset: null,
    replicaAnnounced: null,
    failoverState: null,
    replId: null,
    replId2: null,
    secondReplOffset: null,
  };
  const replicas: InfoReplicaLine[] = [];
  const length = text.length;
  let at = 0;
  for (;;) {
    const newline = text.indexOf("\n", at);
    const next = newline === -1 ? length : newline;
    const end = next > at && text.charCodeAt(next - 1) === 13 ? next - 1 : next;
    const first = end > at ? text.charCodeAt(at) : 0;
    // Only lines starting with r (run_id, role, replica_announced), s (slave…) or m (master_…)
    // carry a field we read.
    if (first === 0x72 || first === 0x73 || first === 0x6d) {
      if (end - at >= 47 && text.startsWith("run_id:", at)) {
        report.runId = text.slice(at + 7, at + 47);
      }
      if (isReplicaLineAt(text, at, end)) {
        const replica = parseReplicaLine(text.slice(at, end));
        if (replica !== null) replicas.push(replica);
      }
      if (end - at >= 32 && text.startsWith("master_link_down_since_seconds", at)) {
        report.masterLinkDownTime = atoi(text.slice(at + 31, end)) * 1000;
      }
      if (startsAt(text, at, end, "role:master")) report.role = "master";
      else if (startsAt(text, at, end, "role:slave")) report.role = "slave";
      if (report.role === "slave") parseReplicationLine(report, text.slice(at, end));
      if (first !== 0x72) parseHistoryLine(report, text, at, end);
    }
    if (newline === -1) break;
    at = newline + 1;
  }
  report.replicas = replicas;
  return report;
}

/**
 * INFO text → the facts a sentinel uses (sentinel-protocol §3.1; sentinel.c:
 * sentinelRefreshInstanceInfo, parsing part). Pure: no decision is taken here.
 *
 * Like Redis, the replication fields of a replica (master_host …) are only read after a
 * `role:slave` line; fields that are absent are null (the caller keeps what it knew), except
 * master_link_down_since_seconds whose absence means 0.
 */
import { atoi, strtoull } from "./redis-int.js";

export interface InfoReplicaLine {
  readonly ip: string;
  readonly port: number;
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
    return { ip: fields[0] ?? "", port: atoi(fields[1] ?? "") };
  }
  const ipAt = line.indexOf("ip=");
  const portAt = line.indexOf("port=");
  if (portAt === -1) return null;
  const ip = line.slice(ipAt + 3).split(",")[0] ?? "";
  const port = line.slice(portAt + 5).split(",")[0] ?? "";
  return { ip, port: atoi(port) };
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
  };
  const replicas: InfoReplicaLine[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.length >= 47 && line.startsWith("run_id:")) report.runId = line.slice(7, 47);
    const replica = parseReplicaLine(line);
    if (replica !== null) replicas.push(replica);
    if (line.length >= 32 && line.startsWith("master_link_down_since_seconds")) {
      report.masterLinkDownTime = atoi(line.slice(31)) * 1000;
    }
    if (line.startsWith("role:master")) report.role = "master";
    else if (line.startsWith("role:slave")) report.role = "slave";
    if (report.role === "slave") parseReplicationLine(report, line);
  }
  report.replicas = replicas;
  return report;
}

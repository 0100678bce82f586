// The demo's screen as text lines, from one snapshot (observer.ts), the processes and the
// writer's counts. Pure: main.ts decides whether to redraw it in place (a TTY) or to print a
// status line (stdout piped).
import type { DemoEvent, Fields, Snapshot } from "./observer.js";
import type { WriteStats } from "./write-loop.js";

export interface ProcessRow {
  readonly kind: "redis-server" | "sentinel";
  readonly port: number;
  readonly pid: number | null;
  readonly running: boolean;
}

export interface ViewModel {
  readonly impl: string;
  readonly masterName: string;
  readonly snapshot: Snapshot;
  readonly processes: readonly ProcessRow[];
  readonly events: readonly DemoEvent[];
  readonly writes: WriteStats;
  readonly notice: string;
  readonly keys: boolean;
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

function num(text: string | undefined): number | null {
  const n = Number(text);
  return text === undefined || text === "" || !Number.isFinite(n) ? null : n;
}

function pidOf(rows: readonly ProcessRow[], port: number): string {
  const row = rows.find((r) => r.port === port);
  if (row === undefined) return "";
  return row.running ? `pid ${String(row.pid)}` : "killed";
}

/** The master as the sentinel reports it, with its own replication offset. */
function masterLines(m: ViewModel): string[] {
  const master = m.snapshot.master;
  if (master === null) return ["master     (no sentinel answered)"];
  const port = Number(master.get("port"));
  const info = m.snapshot.servers.get(port);
  return [
    `master     ${master.get("ip") ?? "?"}:${port}  ${pidOf(m.processes, port)}  ` +
      `flags=${master.get("flags") ?? "?"}  offset=${info?.get("master_repl_offset") ?? "-"}  ` +
      `quorum=${master.get("quorum") ?? "?"}  config-epoch=${master.get("config-epoch") ?? "?"}` +
      (master.get("failover-state") !== undefined
        ? `  failover-state=${master.get("failover-state") ?? ""}`
        : ""),
  ];
}

/** `slaveN:ip=…,port=…,state=…,offset=…,lag=…` of the master's INFO, for `port`. */
function masterSideOf(master: Fields | undefined, port: number): Map<string, string> {
  for (const [key, value] of master ?? []) {
    if (!/^slave\d+$/.test(key)) continue;
    const fields = new Map(value.split(",").map((kv) => kv.split("=", 2) as [string, string]));
    if (Number(fields.get("port")) === port) return fields;
  }
  return new Map();
}

/**
 * A replica as the sentinel lists it (address, flags), with the replication the servers report
 * now: its own role, link and offset, the bytes it is behind the master, and the master's lag.
 */
function replicaLine(m: ViewModel, r: Fields, master: Fields | undefined): string {
  const port = Number(r.get("port"));
  const own = m.snapshot.servers.get(port);
  const masterOffset = num(master?.get("master_repl_offset"));
  const offset = num(own?.get("slave_repl_offset") ?? own?.get("master_repl_offset"));
  const behind = masterOffset !== null && offset !== null ? `${masterOffset - offset} B` : "-";
  const lag = masterSideOf(master, port).get("lag");
  return (
    `replica    ${r.get("ip") ?? "?"}:${port}  ${pidOf(m.processes, port).padEnd(10)}  ` +
    `flags=${(r.get("flags") ?? "?").padEnd(16)} role=${(own?.get("role") ?? "down").padEnd(6)} ` +
    `link=${(own?.get("master_link_status") ?? "-").padEnd(4)} offset=${offset ?? "-"}  ` +
    `behind=${behind}  lag=${lag === undefined ? "-" : `${lag} s`}`
  );
}

function sentinelLines(m: ViewModel): string[] {
  const peers = new Map(m.snapshot.peers.map((p) => [Number(p.get("port")), p]));
  return m.processes
    .filter((p) => p.kind === "sentinel")
    .map((s) => {
      const peer = peers.get(s.port);
      const flags = s.port === m.snapshot.from ? "(this view)" : (peer?.get("flags") ?? "?");
      return (
        `sentinel   127.0.0.1:${s.port}  ${pidOf(m.processes, s.port).padEnd(10)}  ` +
        `master at ${(m.snapshot.masterAddr.get(s.port) ?? "?").padEnd(16)} flags=${flags}`
      );
    });
}

function writerLine(w: WriteStats): string {
  const last =
    w.lastOk === null
      ? "none yet"
      : `demo:counter=${w.lastOk.seq} at ${clock(w.lastOk.at)} by :${w.lastOk.port}`;
  return `writes     acknowledged=${w.acknowledged}  failed=${w.failed}  last ok: ${last}`;
}

/** The whole screen. */
export function render(m: ViewModel): string[] {
  const master = m.snapshot.servers.get(Number(m.snapshot.master?.get("port")));
  const lines = [
    `Vigil demo — ${m.impl} sentinels watching "${m.masterName}"  (${clock(Date.now())})`,
    "",
    ...masterLines(m),
    ...m.snapshot.replicas.map((r) => replicaLine(m, r, master)),
    ...sentinelLines(m),
    "",
    writerLine(m.writes),
    ...(m.writes.lastError === "" ? [] : [`           last error: ${m.writes.lastError}`]),
    "",
    "last events:",
    ...m.events.slice(-8).map(eventLine),
    "",
  ];
  if (m.notice !== "") lines.push(m.notice);
  if (m.keys)
    lines.push("keys: f = SENTINEL FAILOVER   k = kill -9 the master   r = restart it   q = quit");
  return lines;
}

export function eventLine(e: DemoEvent): string {
  return `  ${clock(e.at)} [:${e.sentinelPort}] ${e.channel} ${e.message}`;
}

/** One line for piped output. */
export function statusLine(m: ViewModel): string {
  const master = m.snapshot.master;
  const where = master === null ? "?" : `${master.get("ip") ?? "?"}:${master.get("port") ?? "?"}`;
  const w = m.writes;
  return `${clock(Date.now())} status: master ${where} (${master?.get("flags") ?? "?"}), replicas ${m.snapshot.replicas.length}, writes acknowledged=${w.acknowledged} failed=${w.failed}`;
}

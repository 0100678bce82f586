/**
 * INFO text for a sentinel (sentinel.c: sentinelInfoCommand over server.c genRedisInfoString):
 * sections server, clients, stats, cpu, sentinel in that order, each `# Title` then `field:value`
 * lines joined by CRLF, sections separated by a blank line. No argument, `default`, `all` and
 * `everything` select all five; other names match nothing (docs/PROTOCOL.md §9.3).
 * Field names and order follow `redis-sentinel` 7.0.15; fields a sentinel does not have
 * (replication traffic, keyspace, forks) keep Redis's constant values so parsers see them.
 * One addition: `INFO all` / `INFO everything` end the Stats section with Vigil's event-loop
 * lag fields (shell/event-loop-lag.ts; exporters skip unknown fields; plain `INFO` stays exactly
 * redis-sentinel's field list).
 */
import type { InfoFacts } from "./context.js";
import { formatLagHistogram } from "./lag-histogram.js";

export const REDIS_VERSION = "7.0.15";

const SECTION_ORDER = ["server", "clients", "stats", "cpu", "sentinel"] as const;
type Section = (typeof SECTION_ORDER)[number];
const ALL = new Set(["default", "all", "everything"]);
/** The selectors that also get Vigil's own fields. */
const EXTENDED = new Set(["all", "everything"]);

type Fields = readonly (readonly [string, string | number | bigint])[];

function serverFields(f: InfoFacts): Fields {
  return [
    ["redis_version", REDIS_VERSION],
    ["redis_git_sha1", "00000000"],
    ["redis_git_dirty", 0],
    ["redis_build_id", "0"],
    ["redis_mode", "sentinel"],
    ["os", f.os],
    ["arch_bits", f.archBits],
    ["monotonic_clock", "POSIX clock_gettime"],
    ["multiplexing_api", "epoll"],
    ["atomicvar_api", "c11-builtin"],
    ["gcc_version", "0.0.0"],
    ["process_id", f.processId],
    ["process_supervised", "no"],
    ["run_id", f.runId],
    ["tcp_port", f.tcpPort],
    ["server_time_usec", f.serverTimeUsec],
    ["uptime_in_seconds", f.uptimeSeconds],
    ["uptime_in_days", Math.floor(f.uptimeSeconds / 86400)],
    ["hz", f.hz],
    ["configured_hz", f.configuredHz],
    ["lru_clock", f.lruClock],
    ["executable", f.executable],
    ["config_file", f.configFile],
    ["io_threads_active", 0],
  ];
}

function clientsFields(f: InfoFacts): Fields {
  return [
    ["connected_clients", f.connectedClients],
    ["cluster_connections", 0],
    ["maxclients", f.maxClients],
    ["client_recent_max_input_buffer", 20480],
    ["client_recent_max_output_buffer", 0],
    ["blocked_clients", f.blockedClients ?? 0],
    ["tracking_clients", f.trackingClients ?? 0],
    ["clients_in_timeout_table", 0],
  ];
}

const ZERO_STATS = ["sync_full", "sync_partial_ok", "sync_partial_err", "expired_keys"] as const;
const ZERO_STATS_2 = [
  "expired_time_cap_reached_count",
  "expire_cycle_cpu_milliseconds",
  "evicted_keys",
  "evicted_clients",
  "total_eviction_exceeded_time",
  "current_eviction_exceeded_time",
  "keyspace_hits",
  "keyspace_misses",
] as const;
const ZERO_STATS_3 = [
  "pubsubshard_channels",
  "latest_fork_usec",
  "total_forks",
  "migrate_cached_sockets",
  "slave_expires_tracked_keys",
  "active_defrag_hits",
  "active_defrag_misses",
  "active_defrag_key_hits",
  "active_defrag_key_misses",
  "total_active_defrag_time",
  "current_active_defrag_time",
  "tracking_total_keys",
  "tracking_total_items",
  "tracking_total_prefixes",
  "unexpected_error_replies",
] as const;

function statsFields(f: InfoFacts, extended: boolean): Fields {
  const lag = f.eventLoopLag;
  const extra: Fields =
    extended && lag !== undefined
      ? [
          ["event_loop_lag_p99_ms", lag.p99Ms.toFixed(2)],
          ["event_loop_lag_histogram", formatLagHistogram(lag.histogram)],
          ["event_loop_lag_sum_ms", lag.histogram.sumMs.toFixed(2)],
        ]
      : [];
  return [
    ["total_connections_received", f.totalConnectionsReceived],
    ["total_commands_processed", f.totalCommandsProcessed],
    ["instantaneous_ops_per_sec", 0],
    ["total_net_input_bytes", f.totalNetInputBytes],
    ["total_net_output_bytes", f.totalNetOutputBytes],
    ["total_net_repl_input_bytes", 0],
    ["total_net_repl_output_bytes", 0],
    ["instantaneous_input_kbps", "0.00"],
    ["instantaneous_output_kbps", "0.00"],
    ["instantaneous_input_repl_kbps", "0.00"],
    ["instantaneous_output_repl_kbps", "0.00"],
    ["rejected_connections", f.rejectedConnections],
    ...ZERO_STATS.map((k) => [k, 0] as const),
    ["expired_stale_perc", "0.00"],
    ...ZERO_STATS_2.map((k) => [k, 0] as const),
    ["pubsub_channels", f.pubsubChannels],
    ["pubsub_patterns", f.pubsubPatterns],
    ...ZERO_STATS_3.map((k) => [k, 0] as const),
    ["total_error_replies", f.totalErrorReplies],
    ["dump_payload_sanitizations", 0],
    ["total_reads_processed", 0],
    ["total_writes_processed", 0],
    ["io_threaded_reads_processed", 0],
    ["io_threaded_writes_processed", 0],
    ["reply_buffer_shrinks", 0],
    ["reply_buffer_expands", 0],
    ...extra,
  ];
}

function cpuFields(f: InfoFacts): Fields {
  const six = (n: number): string => n.toFixed(6);
  return [
    ["used_cpu_sys", six(f.usedCpuSys)],
    ["used_cpu_user", six(f.usedCpuUser)],
    ["used_cpu_sys_children", six(0)],
    ["used_cpu_user_children", six(0)],
    ["used_cpu_sys_main_thread", six(f.usedCpuSys)],
    ["used_cpu_user_main_thread", six(f.usedCpuUser)],
  ];
}

function render(title: string, fields: Fields): string {
  return [`# ${title}`, ...fields.map(([k, v]) => `${k}:${String(v)}`)].join("\r\n");
}

/** Which sections INFO's arguments select, in output order. */
export function selectInfoSections(args: readonly string[]): Section[] {
  const wanted = new Set(args.map((a) => a.toLowerCase()));
  if (args.length === 0 || [...wanted].some((w) => ALL.has(w))) return [...SECTION_ORDER];
  return SECTION_ORDER.filter((s) => wanted.has(s));
}

/** The INFO payload; `sentinelSection` is ServerHost.infoSentinelSection(). */
export function buildInfo(
  args: readonly string[],
  facts: () => InfoFacts,
  sentinelSection: () => string,
): string {
  const sections = selectInfoSections(args);
  if (sections.length === 0) return "";
  // `INFO sentinel`, what monitoring tools poll, needs none of the process facts (uname, CPU
  // time, the lag histogram): they are gathered once, and only for a section that shows them.
  let gathered: InfoFacts | undefined;
  const f = (): InfoFacts => (gathered ??= facts());
  const extended = args.some((a) => EXTENDED.has(a.toLowerCase()));
  const parts = sections.map((s) => {
    switch (s) {
      case "server":
        return render("Server", serverFields(f()));
      case "clients":
        return render("Clients", clientsFields(f()));
      case "stats":
        return render("Stats", statsFields(f(), extended));
      case "cpu":
        return render("CPU", cpuFields(f()));
      case "sentinel":
        return normalizeSection(sentinelSection());
    }
  });
  // Each section ends with CRLF; sections are separated by an empty line.
  return parts.map((p) => `${p}\r\n`).join("\r\n");
}

/** A section's lines end with CRLF, and the last one with nothing (the caller adds it). */
function normalizeSection(text: string): string {
  return text.replace(/\r?\n/g, "\r\n").replace(/(\r\n)+$/, "");
}

/** The payload of `INFO sentinel` alone: buildInfo(["sentinel"], …) without the facts. */
export function infoSentinelPayload(sentinelSection: string): string {
  return `${normalizeSection(sentinelSection)}\r\n`;
}

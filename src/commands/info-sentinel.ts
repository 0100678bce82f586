/**
 * The `# Sentinel` section of INFO (sentinel.c: sentinelInfoCommand; docs/PROTOCOL.md §9.3),
 * read by redis_exporter and friends: exact field names, one `master<i>:` line per master.
 */
import type { MasterState, SentinelState } from "../core/index.js";
import { announceHost } from "../core/index.js";

/** What the shell's script runner knows. */
export interface ScriptCounters {
  /** Scripts running now. */
  readonly running: number;
  /** Jobs in the queue, running ones included (listLength(sentinel.scripts_queue)). */
  readonly queueLength: number;
}

/**
 * The section text: `# Sentinel\r\n` then one `\r\n`-terminated line per field. The INFO
 * handler separates it from the previous section with one more `\r\n`, as Redis does.
 */
export function infoSentinelSection(
  state: SentinelState,
  now: number,
  scripts: ScriptCounters,
): string {
  const tiltSeconds = state.tilt ? Math.trunc((now - state.tiltStartTime) / 1000) : -1;
  const lines = [
    "# Sentinel",
    `sentinel_masters:${state.masters.size}`,
    `sentinel_tilt:${state.tilt ? 1 : 0}`,
    `sentinel_tilt_since_seconds:${tiltSeconds}`,
    // Redis 8's and Valkey 9's (not in 7.0): every +tilt counts, re-entries too.
    `sentinel_total_tilt:${state.totalTilt}`,
    `sentinel_running_scripts:${scripts.running}`,
    `sentinel_scripts_queue_length:${scripts.queueLength}`,
    `sentinel_simulate_failure_flags:${state.simulateFailureFlags}`,
  ];
  let index = 0;
  for (const master of state.masters.values()) {
    const m = masterSummary(state, master);
    lines.push(
      `master${index}:name=${m.name},status=${m.status},address=${m.address},` +
        `slaves=${m.slaves},sentinels=${m.sentinels}`,
    );
    index++;
  }
  return lines.map((line) => `${line}\r\n`).join("");
}

/** One `master<i>:` line's fields (also redis_exporter's labels, shell/http/metrics.ts). */
export interface MasterSummary {
  readonly name: string;
  readonly status: "ok" | "sdown" | "odown";
  /** `ip:port` of the record, never bracketed (sentinel.c prints "%s:%d"). */
  readonly address: string;
  readonly slaves: number;
  /** Peers plus this sentinel. */
  readonly sentinels: number;
}

export function masterSummary(state: SentinelState, master: MasterState): MasterSummary {
  const status = master.flags.has("o_down") ? "odown" : master.flags.has("s_down") ? "sdown" : "ok";
  return {
    name: master.name,
    status,
    address: `${announceHost(state, master.addr)}:${master.addr.port}`,
    slaves: master.replicas.size,
    sentinels: master.sentinels.size + 1,
  };
}

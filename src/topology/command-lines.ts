// The command lines and config text of a local topology's processes, shared by the demo
// (src/demo) and the e2e harness (test/e2e/harness) so that both start Redis the same way.

/** redis-server on 127.0.0.1 without persistence, logging to `logfile`. */
export function redisServerArgs(options: {
  readonly port: number;
  readonly dir: string;
  readonly logfile: string;
  readonly replicaOf?: number | undefined;
}): string[] {
  const args = [
    "--port",
    String(options.port),
    "--bind",
    "127.0.0.1",
    "--dir",
    options.dir,
    "--logfile",
    options.logfile,
    "--daemonize",
    "no",
    "--save",
    "",
    "--appendonly",
    "no",
    // Full syncs start at once instead of after Redis 7's 5 s diskless delay.
    "--repl-diskless-sync-delay",
    "0",
  ];
  if (options.replicaOf !== undefined) {
    args.push("--replicaof", "127.0.0.1", String(options.replicaOf));
  }
  return args;
}

export interface MonitorSpec {
  readonly name: string;
  readonly host?: string;
  readonly port: number;
  readonly quorum: number;
  readonly downAfterMs?: number;
  readonly failoverTimeoutMs?: number;
  readonly parallelSyncs?: number;
}

/** `sentinel monitor` and the per-master lines for one master. */
export function monitorLines(m: MonitorSpec): string[] {
  const lines = [`sentinel monitor ${m.name} ${m.host ?? "127.0.0.1"} ${m.port} ${m.quorum}`];
  if (m.downAfterMs !== undefined)
    lines.push(`sentinel down-after-milliseconds ${m.name} ${m.downAfterMs}`);
  if (m.failoverTimeoutMs !== undefined)
    lines.push(`sentinel failover-timeout ${m.name} ${m.failoverTimeoutMs}`);
  if (m.parallelSyncs !== undefined)
    lines.push(`sentinel parallel-syncs ${m.name} ${m.parallelSyncs}`);
  return lines;
}

/** A sentinel.conf (understood by redis-sentinel and Vigil) after its listening lines. */
export function sentinelConfigText(
  listen: readonly string[],
  dir: string,
  logfile: string,
  monitors: readonly MonitorSpec[],
  extra: readonly string[] = [],
): string {
  const lines = [
    ...listen,
    "bind 127.0.0.1",
    "daemonize no",
    `dir "${dir}"`,
    `logfile "${logfile}"`,
    ...monitors.flatMap(monitorLines),
    ...extra,
  ];
  return lines.join("\n") + "\n";
}

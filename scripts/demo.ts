// `npm run demo`: a local Sentinel topology to play with — 1 master and 2 replicas (redis-server)
// watched by 3 sentinels (Vigil by default, `--impl redis` for Debian's redis-sentinel), quorum 2.
// Prints the ports and how to trigger a failover, streams every sentinel event, and on Ctrl-C or
// SIGTERM kills every process it started (by pid) and removes its work dir.
//
//   node --import tsx scripts/demo.ts [--impl vigil|redis] [--down-after 5000] [--for <seconds>]
import fs from "node:fs";
import {
  EventRecorder,
  type RecordedEvent,
  type SentinelImpl,
} from "../test/e2e/harness/sentinel-process.js";
import { killAllRegistered, startTopology, type Topology } from "../test/e2e/harness/topology.js";

interface DemoOptions {
  impl: SentinelImpl;
  downAfterMs: number;
  forSeconds: number | null;
}

function parseOptions(argv: readonly string[]): DemoOptions {
  const options: DemoOptions = { impl: "vigil", downAfterMs: 5_000, forSeconds: null };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] ?? "").split("=", 2);
    const value = inline ?? argv[++i] ?? "";
    if (flag === "--impl" && (value === "vigil" || value === "redis")) options.impl = value;
    else if (flag === "--down-after" && Number(value) > 0) options.downAfterMs = Number(value);
    else if (flag === "--for" && Number(value) > 0) options.forSeconds = Number(value);
    else
      throw new Error(
        `usage: npm run demo -- [--impl vigil|redis] [--down-after ms] [--for seconds] (bad ${flag ?? ""} ${value})`,
      );
  }
  return options;
}

function clock(): string {
  return new Date().toISOString().slice(11, 23);
}

function printTopology(topology: Topology, impl: SentinelImpl): void {
  const s = topology.sentinels[0]?.port ?? 0;
  const lines = [
    "",
    `Vigil demo (${impl === "vigil" ? "Vigil sentinels" : "redis-sentinel sentinels"}), work dir ${topology.dir}`,
    `  master    127.0.0.1:${topology.master.port}  pid ${String(topology.master.pid)}`,
    ...topology.replicas.map((r) => `  replica   127.0.0.1:${r.port}  pid ${String(r.pid)}`),
    ...topology.sentinels.map(
      (x) =>
        `  sentinel  127.0.0.1:${x.port}  pid ${String(x.pid)}  (${x.impl}, config ${x.configPath})`,
    ),
    "",
    "Try, in another terminal:",
    ...[
      [
        `redis-cli -p ${s} SENTINEL get-master-addr-by-name ${topology.masterName}`,
        "where is the master?",
      ],
      [`redis-cli -p ${s} SENTINEL FAILOVER ${topology.masterName}`, "failover on request"],
      [`kill -9 ${String(topology.master.pid)}`, "or kill the master: automatic failover"],
      [`redis-cli -p ${s} PSUBSCRIBE '*'`, "the events below, from one sentinel"],
    ].map(([command = "", why = ""]) => `  ${command.padEnd(58)} # ${why}`),
    "",
    "Streaming the sentinels' events; Ctrl-C stops everything.",
    "",
  ];
  console.log(lines.join("\n"));
}

function describeSwitch(topology: Topology, event: RecordedEvent): string | null {
  if (event.channel !== "+switch-master") return null;
  const port = Number(event.message.split(" ")[4]);
  const server = topology.servers.find((r) => r.port === port);
  return server === undefined
    ? null
    : `   → new master 127.0.0.1:${port} (pid ${String(server.pid)}); kill -9 ${String(server.pid)} to fail over again`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const started: { topology?: Topology } = {};
  // Runs before the harness's own safety net (registered at the first spawn): kill by pid,
  // remove the work dir, exit.
  const stop = (code: number): void => {
    killAllRegistered();
    const dir = started.topology?.dir;
    if (dir !== undefined && process.env["KEEP_TMP"] === undefined)
      fs.rmSync(dir, { recursive: true, force: true });
    console.log(`\n${clock()} stopped every process the demo started.`);
    process.exit(code);
  };
  process.once("SIGINT", () => {
    stop(0);
  });
  process.once("SIGTERM", () => {
    stop(0);
  });
  console.log(`${clock()} starting 1 master, 2 replicas and 3 ${options.impl} sentinels…`);
  const current = await startTopology({
    replicas: 2,
    sentinels: [options.impl, options.impl, options.impl],
    quorum: 2,
    downAfterMs: options.downAfterMs,
    failoverTimeoutMs: 60_000,
  });
  started.topology = current;
  const recorder = await EventRecorder.start(current.sentinels);
  printTopology(current, options.impl);
  recorder.onEvent((event) => {
    console.log(`${clock()} [sentinel :${event.sentinelPort}] ${event.channel} ${event.message}`);
    const hint = describeSwitch(current, event);
    if (hint !== null) console.log(hint);
  });
  if (options.forSeconds !== null) {
    setTimeout(() => {
      stop(0);
    }, options.forSeconds * 1_000);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  killAllRegistered();
  process.exit(1);
});

// INFO replies (core/info-parser.ts): parseInfo on real redis-server 7.0.15 INFO texts, mutated,
// compared with a plain line-by-line reading of the same rules (the parser makes one pass without
// cutting lines), and the core refreshing a master and a replica from them. Properties: no
// exception, the same report as the line-by-line reading, the core's invariants after the
// reply and a few ticks.
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import type { InfoReport, InfoReplicaLine } from "../../../src/core/monitor/info-parser.js";
import { parseInfo, parseReplicaLine } from "../../../src/core/monitor/info-parser.js";
import type { Ready } from "../../../src/core/model/ready.js";
import { atoi, strtoull } from "../../../src/core/basics/redis-int.js";
import type { Rng } from "../rng.js";
import type { FuzzTarget } from "../runner.js";
import { violation } from "../runner.js";
import { MASTER, checkCore, watchingCore } from "./core-driver.js";

function fixture(name: string): Buffer {
  return readFileSync(new URL(`../../unit/core/monitor/fixtures/${name}`, import.meta.url));
}

export const INFO_CORPUS: readonly Buffer[] = [
  fixture("info-master-7.0.15.txt"),
  fixture("info-replica-7.0.15.txt"),
  fixture("info-replica-link-down-7.0.15.txt"),
  fixture("info-replica-unannounced-7.0.15.txt"),
  Buffer.from(
    "run_id:0123456789abcdef0123456789abcdef01234567\r\nrole:master\r\nslave0:ip=127.0.0.1,port=6380,state=online,offset=1,lag=0\r\nslave1:127.0.0.1,6381,online\r\n",
  ),
  Buffer.from(
    "role:slave\nmaster_host:127.0.0.1\nmaster_port:6379\nmaster_link_status:down\nmaster_link_down_since_seconds:-1\nslave_priority:0\nslave_repl_offset:18446744073709551615\nreplica_announced:0\n",
  ),
];

const DICTIONARY = [
  "\r\n",
  "\n",
  "role:slave",
  "role:master",
  "run_id:",
  "slave0:",
  "ip=",
  "port=",
  ",",
  ":",
  "master_host:",
  "master_port:",
  "master_link_status:up",
  "master_link_down_since_seconds:",
  "slave_priority:",
  "slave_repl_offset:",
  "replica_announced:",
  "::1",
  "localhost",
].map((s) => Buffer.from(s));

/** The same rules, one line at a time (split on \n, a \r before it dropped). */
function lineByLine(text: string): InfoReport {
  const r = {
    runId: null as string | null,
    role: null as "master" | "slave" | null,
    replicas: [] as InfoReplicaLine[],
    masterLinkDownTime: 0,
    masterHost: null as string | null,
    masterPort: null as number | null,
    masterLinkStatusUp: null as boolean | null,
    slavePriority: null as number | null,
    slaveReplOffset: null as bigint | null,
    replicaAnnounced: null as boolean | null,
    failoverState: null as string | null,
    replId: null as string | null,
    replId2: null as string | null,
    secondReplOffset: null as bigint | null,
  };
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.length >= 47 && line.startsWith("run_id:")) r.runId = line.slice(7, 47);
    if (line.length >= 7 && line.startsWith("slave") && /\d/.test(line[5]!)) {
      const replica = parseReplicaLine(line);
      if (replica !== null) r.replicas.push(replica);
    }
    if (line.length >= 32 && line.startsWith("master_link_down_since_seconds")) {
      r.masterLinkDownTime = atoi(line.slice(31)) * 1000;
    }
    // Any role: Valkey's master_failover_state and the replication ids.
    if (line.startsWith("master_failover_state:")) r.failoverState = line.slice(22);
    else if (line.startsWith("master_replid2:")) r.replId2 = line.slice(15);
    else if (line.startsWith("master_replid:")) r.replId = line.slice(14);
    else if (line.startsWith("second_repl_offset:")) {
      const value = line.slice(19);
      if (/^-?\d{1,19}$/.test(value)) r.secondReplOffset = BigInt.asIntN(64, BigInt(value));
    }
    if (line.startsWith("role:master")) r.role = "master";
    else if (line.startsWith("role:slave")) r.role = "slave";
    if (r.role !== "slave") continue;
    const field = (prefix: string): string | null =>
      line.startsWith(prefix) ? line.slice(prefix.length) : null;
    const host = field("master_host:");
    if (host !== null) r.masterHost = host;
    const port = field("master_port:");
    if (port !== null) r.masterPort = atoi(port);
    const status = field("master_link_status:");
    if (status !== null) r.masterLinkStatusUp = status.toLowerCase() === "up";
    const priority = field("slave_priority:");
    if (priority !== null) r.slavePriority = atoi(priority);
    const offset = field("slave_repl_offset:");
    if (offset !== null) r.slaveReplOffset = strtoull(offset);
    const announced = field("replica_announced:");
    if (announced !== null) r.replicaAnnounced = atoi(announced) !== 0;
  }
  return r;
}

function show(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? `${x}n` : x));
}

export const infoTarget: FuzzTarget = {
  name: "info",
  description:
    "INFO parser against a line-by-line reading, and the core refreshing from INFO: no exception, core invariants",
  ciInputs: 3_000,
  corpus: INFO_CORPUS,
  dictionary: DICTIONARY,
  maxLength: 32 * 1024,
  check(input: Buffer, rng: Rng): void {
    const text = input.toString("utf8");
    const got = parseInfo(text);
    const want = lineByLine(text);
    if (!isDeepStrictEqual(got, want))
      violation(`parseInfo ${show(got)}\nline by line ${show(want)}`);
    const d = watchingCore(rng);
    const before = d.state.currentEpoch;
    const link = rng.chance(0.5) ? `master:${MASTER}` : `slave:${MASTER}:127.0.0.1:6380`;
    const kind = rng.chance(0.9) ? "bulk" : rng.pick(["ok", "error"] as const);
    d.step({ type: "info-reply", link, reply: { kind, text } });
    const readies: Ready[] = [d.take()];
    for (let i = 0; i < 3; i++) readies.push(d.tick(rng.range(1, 1500)));
    checkCore(d, readies, before);
  },
};

// The values of the Redis directives Vigil accepts without acting on them (maxmemory, appendonly,
// timeout, save, client-output-buffer-limit …) are checked as config.c checks them: each line below is loaded by Vigil's loader
// and by the real redis-sentinel 7.0.15, and both must take it or both refuse it with the same
// reason.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { REDIS_VALUE_RULES } from "../../../src/config/redis-value-table.js";
import { ConfigError } from "../../../src/errors.js";
import { MONITOR, load } from "./support/conf-load.js";

/** One directive of each rule kind and bound shape, each loaded with every value of VALUES. */
const REPRESENTATIVES = [
  "hz",
  "maxclients",
  "slowlog-log-slower-than",
  "maxmemory",
  "hash-max-listpack-value",
  "client-query-buffer-limit",
  "maxmemory-clients",
  "unixsocketperm",
  "notify-keyspace-events",
  "appendonly",
  "appendfsync",
];

const VALUES = [
  '""',
  "0",
  "-0",
  "+1",
  "01",
  '" 1"',
  "1kb",
  "1GB",
  "1.5",
  "kb",
  "99999999999999999999",
  "9223372036854775807",
  "9223372036854775808",
  "-9223372036854775808",
  "-9223372036854775809",
  "4294967296",
  "18446744073709551615",
  "18014398509481984kb",
  "8589934592gb",
  "100%",
  "101%",
  "-1%",
  "777",
  "1000",
  "+7",
  "YES",
  "Always",
  "KEA",
  "x",
];

/** Whole lines: the directives taking several arguments, and the strings config.c checks. */
const WHOLE_LINES = [
  "save 900",
  'save ""',
  "save 900 1 300 10",
  "save 0 1",
  "save 1 -1",
  "save 1x 1",
  'save " 5" +1',
  'save "" 1',
  "client-output-buffer-limit normal 0 0 0",
  "client-output-buffer-limit pubsub 32mb 8mb 60 Replica 1gb 1 0",
  "client-output-buffer-limit master 0 0 0",
  "client-output-buffer-limit normal 0 0",
  "client-output-buffer-limit normal 1x 0 0",
  "client-output-buffer-limit normal 0 0 -1",
  'client-output-buffer-limit normal 0 0 ""',
  "oom-score-adj-values 0 200 800",
  "oom-score-adj-values 0 200",
  "oom-score-adj-values -2000 +2000 2001",
  'oom-score-adj-values a "" 1',
  "latency-tracking-info-percentiles 50 99 99.9",
  "latency-tracking-info-percentiles 100.5",
  "latency-tracking-info-percentiles 1e2 .5 -0",
  "latency-tracking-info-percentiles abc",
  "latency-tracking-info-percentiles inf",
  'latency-tracking-info-percentiles ""',
  "shutdown-on-sigterm default",
  "shutdown-on-sigterm NOW force",
  "shutdown-on-sigint bogus",
  "shutdown-on-sigint save nosave",
  "replicaof no one",
  "replicaof NO ONE",
  "replicaof 1.2.3.4",
  "replicaof 1.2.3.4 abc",
  "slaveof 1.2.3.4 70000",
  "slaveof 1.2.3.4 6379",
  // One-argument strings config.c checks.
  "dbfilename dump.rdb",
  'dbfilename ""',
  'dbfilename "a\\\\b"',
  "appendfilename x/y",
  'appendfilename ""',
  'appenddirname ""',
  "appenddirname d/",
  'cluster-announce-hostname ""',
  "cluster-announce-hostname A-1.b",
  "cluster-announce-hostname a_b",
  `cluster-announce-hostname ${"a".repeat(255)}`,
  `cluster-announce-hostname ${"a".repeat(256)}`,
];

/** What redis-sentinel says of the line: null when it loads, else the reason under `>>>`. */
function redisVerdict(dir: string, index: number, line: string): Promise<string | null> {
  const file = join(dir, `${index}.conf`);
  writeFileSync(file, `${MONITOR}\n${line}\n`);
  return new Promise((resolve, reject) => {
    // --port 0: a config that loads exits 1 at once ("Configured to not listen anywhere").
    const child = spawn("redis-sentinel", [file, "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("error", reject);
    child.once("close", () => {
      clearTimeout(timer);
      if (!out.includes("FATAL CONFIG FILE ERROR")) resolve(null);
      else resolve(/^>>> .*\n(.*)$/m.exec(out)?.[1] ?? out);
    });
  });
}

function vigilVerdict(line: string): string | null {
  try {
    load(`${MONITOR}\n${line}`);
    return null;
  } catch (e) {
    if (e instanceof ConfigError) return e.reason;
    throw e;
  }
}

describe("values of the Redis directives Vigil ignores, beside redis-sentinel 7.0.15", function () {
  this.timeout(120_000);
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "vigil-values-"));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("takes or refuses each line as redis-sentinel does, with its reason", async () => {
    const lines = [
      ...[...REDIS_VALUE_RULES.keys()].map((name) => `${name} -1`),
      ...REPRESENTATIVES.flatMap((name) => VALUES.map((v) => `${name} ${v}`)),
      ...WHOLE_LINES,
    ];
    const differences: string[] = [];
    // Four redis-sentinel processes at a time: each exits within milliseconds.
    for (let i = 0; i < lines.length; i += 4) {
      const batch = lines.slice(i, i + 4);
      const verdicts = await Promise.all(batch.map((line, j) => redisVerdict(dir, i + j, line)));
      batch.forEach((line, j) => {
        const vigil = vigilVerdict(line);
        if (vigil !== verdicts[j]) {
          differences.push(`${line}: redis ${String(verdicts[j])}, vigil ${String(vigil)}`);
        }
      });
    }
    expect(differences).to.deep.equal([]);
    expect(lines.length).to.be.greaterThan(400);
  });
});

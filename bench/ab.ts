// A/B of two Vigil builds (or two sets of node flags) side by side: both monitor the same farm
// of masters (bench/lib/scale-farm.ts, stand-in masters by default) at the same time, and their
// CPU seconds per minute are read over the same windows (and, over all of them, split into user
// and system time). On this shared 2-core machine one window of bench:scale moves by ±0.2× from
// run to run, more than most changes worth trying; two processes measured over the same seconds
// see the same machine, so the per-window ratio B/A is far steadier than two runs one after the
// other.
//
// The two sentinels see each other (hellos) and each counts the other as a peer: that is the
// same extra work for both. The farm runs under SCHED_IDLE, the sentinels under SCHED_OTHER
// (bench/lib/farm-policy.ts), as in bench:scale with one sentinel.
//
// `--sentinels 3` runs three sentinels of A and three of B on the same farm, each side a
// deployment of its own: A's monitor the masters as `a-<i>`, B's as `b-<i>` (quorum 2), so each
// sentinel has its side's two others as peers, as in bench:scale's 200 × 3. The hello channel is
// the same on every master, so each sentinel also reads the other side's three hellos and drops
// them (a master name it does not monitor): the same extra reads for both sides. A side's CPU
// per window is the mean of its sentinels' (their sum / N); B/A is the ratio of those means.
// Peak RSS is the largest of a side's.
//
//   tsx bench/ab.ts --a <dist dir> --b <dist dir> [--a-flags="<node flags>"] [--b-flags="…"]
//                   [--a-env="NAME=value …"] [--b-env="…"] [--a-bin <bin/vigil>] [--b-bin …]
//                   [--size 1000] [--farm fake|real] [--sentinels 1] [--warmup 20]
//                   [--window 15] [--windows 6] [--metrics none|a|b] [--scrape 5]
//
// A dist dir is a copy of `dist/` from `npm run build` of the build to compare; it must sit
// inside the repo (for example .ab/dist-base/) so its imports find node_modules. Both default to
// ./dist, so `--b-flags=--single-threaded-gc` alone compares a V8 flag (flags need the `=` form);
// both sides run with bin/vigil's own flags first and its variables (test/e2e/harness/node-flags.ts);
// `--a-bin <file>` reads them from another build's bin/vigil instead (its first line).
// --a-env / --b-env add variables to a side's environment (`--b-env=MALLOC_ARENA_MAX=1`: glibc's
// tunables can only be set before the process starts).
// `--a redis` runs Debian's redis-sentinel as A: Vigil against it over the same seconds.
// `--metrics b` starts B with `metrics-port` and GETs its /metrics every --scrape seconds (as
// Prometheus would) from the warm-up on: the endpoint's cost, read over the same seconds as a
// Vigil without it (`--a dist --b dist --metrics b`).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { waitForExit } from "../test/e2e/harness/managed-process.js";
import { registerPid, unregisterPid } from "../test/e2e/harness/pid-registry.js";
import { freePort } from "../test/e2e/harness/ports.js";
import { VIGIL_BIN, launcherEnv, launcherFlags } from "../test/e2e/harness/node-flags.js";
import { REDIS_SENTINEL_BIN } from "../test/e2e/harness/sentinel-process.js";
import { delay } from "../test/e2e/harness/wait-for.js";
import { Args } from "./lib/args.js";
import { makeDir, removeDir } from "./lib/exit-cleanup.js";
import { NORMAL_POLICY_LAUNCHER, setPolicy } from "./lib/farm-policy.js";
import { cpuSeconds, cpuTimes, peakRssMiB } from "./lib/proc-stats.js";
import { startFarm, stopFarm, type Farm } from "./lib/scale-farm.js";
import { startScraperProcess } from "./lib/scale-metrics.js";
import { printTable, round, summarize } from "./lib/stats.js";

/** One sentinel process of a side. */
interface Member {
  /** The port of its HTTP endpoint (metrics-port), or null without one. */
  readonly metricsPort: number | null;
  child: ChildProcess | null;
  dir: string;
  port: number;
}

interface Side {
  readonly label: "A" | "B";
  readonly entry: string;
  readonly flags: readonly string[];
  /** Variables added to the side's environment, after its launcher's. */
  readonly env: Readonly<Record<string, string>>;
  /** The bin/vigil whose first line gives node's flags and variables. */
  readonly bin: string;
  readonly members: Member[];
}

async function sideOf(
  label: "A" | "B",
  dist: string,
  flags: string,
  env: string,
  bin: string,
  metrics: boolean,
  sentinels: number,
): Promise<Side> {
  const entry = dist === "redis" ? REDIS_SENTINEL_BIN : path.resolve(dist, "main.js");
  if (!fs.existsSync(entry)) throw new Error(`${label}: ${entry} is missing (npm run build?)`);
  if (metrics && entry === REDIS_SENTINEL_BIN) throw new Error(`${label}: redis has no metrics`);
  const members: Member[] = [];
  for (let i = 0; i < sentinels; i++) {
    const metricsPort = metrics ? await freePort() : null;
    members.push({ metricsPort, child: null, dir: "", port: 0 });
  }
  const split = flags.split(" ").filter((f) => f !== "");
  return { label, entry, flags: split, env: envOf(label, env), bin, members };
}

/** `NAME=value NAME2=value2` as an object. */
function envOf(label: string, text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of text.split(" ").filter((p) => p !== "")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new Error(`${label}: not NAME=value: ${pair}`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

/**
 * The command line: for a Vigil build node with bin/vigil's flags, then the side's (which win:
 * `--b-flags=--short-builtin-calls` undoes bin/vigil's `--no-short-builtin-calls`); the binary
 * itself for redis.
 */
function commandOf(side: Side, conf: string): string[] {
  return side.entry === REDIS_SENTINEL_BIN
    ? [side.entry, conf]
    : [process.execPath, ...launcherFlags(side.bin), ...side.flags, side.entry, conf];
}

/** With one sentinel a side both sides share the masters' names; with more, each has its own. */
function masterName(side: Side, i: number): string {
  return side.members.length === 1 ? `master-${i}` : `${side.label.toLowerCase()}-${i}`;
}

async function startMember(side: Side, member: Member, farm: Farm): Promise<void> {
  member.dir = makeDir(`ab-${side.label}-`);
  const port = await freePort();
  member.port = port;
  // Loopback only: freePort probes 127.0.0.1, and a port free there may be taken on another
  // address by another job (the default bind is every address).
  const lines = [`port ${port}`, "bind 127.0.0.1", `dir ${member.dir}`];
  if (member.metricsPort !== null) lines.push(`metrics-port ${member.metricsPort}`);
  const quorum = side.members.length === 1 ? 1 : 2;
  // Each master at its farm host: stand-in masters listen on 127.0.0.2… (scale-farm.ts), and
  // 127.0.0.1 with their ports would be a farm of refused connections.
  farm.masterPorts.forEach((p, i) => {
    const host = farm.hosts[i] ?? "127.0.0.1";
    lines.push(`sentinel monitor ${masterName(side, i)} ${host} ${p} ${quorum}`);
  });
  const conf = path.join(member.dir, "sentinel.conf");
  fs.writeFileSync(conf, `${lines.join("\n")}\n`);
  const log = fs.openSync(path.join(member.dir, "output.log"), "a");
  const [launcher, ...launcherArgs] = NORMAL_POLICY_LAUNCHER;
  const child = spawn(launcher ?? "chrt", [...launcherArgs, ...commandOf(side, conf)], {
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      ...(side.entry === REDIS_SENTINEL_BIN ? {} : launcherEnv(side.bin)),
      ...side.env,
    },
  });
  fs.closeSync(log);
  if (child.pid === undefined) throw new Error(`${side.label}: could not start`);
  const pid = child.pid;
  registerPid(pid, `ab sentinel ${side.label}`);
  child.once("exit", () => {
    unregisterPid(pid);
  });
  member.child = child;
}

async function stopMember(member: Member): Promise<void> {
  const child = member.child;
  if (child !== null && child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
    await waitForExit(child, 5_000);
  }
  if (member.dir !== "") removeDir(member.dir);
}

/**
 * Throws unless each sentinel of the side reports every master with status=ok, its replica and
 * its peers (INFO sentinel; with one sentinel a side, the other side's): a farm the sentinels
 * cannot reach costs far less than one they monitor, and a comparison over it measures nothing
 * of the monitoring path.
 */
function checkHealthy(side: Side, size: number): void {
  const sentinels = Math.max(2, side.members.length);
  for (const member of side.members) {
    const info = execFileSync("redis-cli", ["-p", String(member.port), "INFO", "sentinel"], {
      encoding: "utf8",
      timeout: 15_000,
    });
    const masters = info.split("\n").filter((line) => /^master\d+:/.test(line));
    const tail = new RegExp(`,slaves=1,sentinels=${sentinels}\\r?$`);
    const healthy = masters.filter((line) => line.includes(",status=ok,") && tail.test(line));
    if (healthy.length !== size) {
      throw new Error(
        `sentinel ${side.label} (port ${member.port}): ${healthy.length} of ${size} masters ok ` +
          `with a replica and ${sentinels - 1} peers after the warm-up; first: ${masters[0] ?? "(none)"}`,
      );
    }
  }
}

function pidOf(side: Side, member: Member): number {
  const pid = member.child?.pid;
  if (pid === undefined || member.child?.exitCode !== null) {
    const log = path.join(member.dir, "output.log");
    const tail = fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").slice(-5) : [];
    throw new Error(`sentinel ${side.label} is not running; its log ends:\n${tail.join("\n")}`);
  }
  return pid;
}

/** The side's CPU seconds so far, summed over its sentinels. */
function sideCpuSeconds(side: Side): number {
  return side.members.reduce((sum, m) => sum + cpuSeconds(pidOf(side, m)), 0);
}

/** The side's user and system CPU seconds so far, summed over its sentinels. */
function sideCpuTimes(side: Side): { user: number; system: number } {
  const times = side.members.map((m) => cpuTimes(pidOf(side, m)));
  return {
    user: times.reduce((sum, t) => sum + t.user, 0),
    system: times.reduce((sum, t) => sum + t.system, 0),
  };
}

function envText(side: Side): string {
  return Object.entries(side.env)
    .map(([name, value]) => `${name}=${value} `)
    .join("");
}

async function main(): Promise<void> {
  const args = new Args();
  const metrics = args.choice("metrics", ["none", "a", "b"]);
  const scrapeS = args.int("scrape", 5);
  const sentinels = args.int("sentinels", 1);
  if (sentinels < 1) throw new Error("--sentinels: at least 1");
  const a = await sideOf(
    "A",
    args.string("a", "dist"),
    args.string("a-flags", ""),
    args.string("a-env", ""),
    args.string("a-bin", VIGIL_BIN),
    metrics === "a",
    sentinels,
  );
  const b = await sideOf(
    "B",
    args.string("b", "dist"),
    args.string("b-flags", ""),
    args.string("b-env", ""),
    args.string("b-bin", VIGIL_BIN),
    metrics === "b",
    sentinels,
  );
  const size = args.int("size", 1000);
  const fake = args.choice("farm", ["fake", "real"]) === "fake";
  const warmupS = args.int("warmup", 20);
  const windowS = args.int("window", 15);
  const windows = args.int("windows", 6);
  console.error(`starting ${size} masters with one replica each…`);
  const farm = await startFarm(size, 2 * sentinels, fake);
  const sides = [a, b];
  let scraper: { stop(): Promise<number> } | null = null;
  try {
    setPolicy(process.pid, "idle");
    for (const side of sides) for (const m of side.members) await startMember(side, m, farm);
    const ports = sides.flatMap((s) =>
      s.members.flatMap((m) => (m.metricsPort === null ? [] : [m.metricsPort])),
    );
    scraper = ports.length > 0 ? startScraperProcess(ports, scrapeS) : null;
    console.error(`warming up ${warmupS} s…`);
    await delay(warmupS * 1000);
    for (const side of sides) checkHealthy(side, size);
    const rows: string[][] = [];
    const ratios: number[] = [];
    const perSide: Record<"A" | "B", number[]> = { A: [], B: [] };
    // User and system time over all windows: where each side's CPU goes (user space / kernel).
    const startTimes = sides.map((s) => sideCpuTimes(s));
    for (let w = 0; w < windows; w++) {
      const before = sides.map((s) => sideCpuSeconds(s));
      await delay(windowS * 1000);
      const perMin = sides.map(
        (s, i) => ((sideCpuSeconds(s) - (before[i] ?? 0)) * 60) / windowS / sentinels,
      );
      const [cpuA = 0, cpuB = 0] = perMin;
      perSide.A.push(cpuA);
      perSide.B.push(cpuB);
      ratios.push(cpuB / cpuA);
      rows.push([
        String(w + 1),
        String(round(cpuA, 2)),
        String(round(cpuB, 2)),
        String(round(cpuB / cpuA, 3)),
      ]);
      console.error(`window ${w + 1}: A ${round(cpuA, 2)} B ${round(cpuB, 2)} s/min`);
    }
    const r = summarize(ratios);
    const minutes = (windows * windowS) / 60;
    const split = sides.map((s, i) => {
      const end = sideCpuTimes(s);
      const start = startTimes[i] ?? { user: 0, system: 0 };
      return {
        user: round((end.user - start.user) / minutes / sentinels, 2),
        system: round((end.system - start.system) / minutes / sentinels, 2),
      };
    });
    const rss = sides.map((s) => Math.max(...s.members.map((m) => peakRssMiB(pidOf(s, m)))));
    rows.push([
      "median",
      String(round(summarize(perSide.A)?.median ?? 0, 2)),
      String(round(summarize(perSide.B)?.median ?? 0, 2)),
      `${round(r?.median ?? 0, 3)} (${round(r?.min ?? 0, 3)}–${round(r?.max ?? 0, 3)})`,
    ]);
    const scrapes = (await scraper?.stop()) ?? 0;
    scraper = null;
    const scraped = (s: Side): string =>
      s.members[0]?.metricsPort === null ? "" : ` (metrics-port, /metrics every ${scrapeS} s)`;
    const each = sentinels === 1 ? "both sentinels at once" : `${sentinels} sentinels a side`;
    console.log(
      `\nA: ${envText(a)}${a.entry} ${a.flags.join(" ")}${scraped(a)}\n` +
        `B: ${envText(b)}${b.entry} ${b.flags.join(" ")}${scraped(b)}\n` +
        `${size} masters, ${each}; ${windows} windows of ${windowS} s after ${warmupS} s`,
    );
    if (ports.length > 0) console.log(`/metrics answered ${scrapes} times`);
    const per = sentinels === 1 ? "" : " per sentinel";
    printTable(["window", `A CPU s/min${per}`, `B CPU s/min${per}`, "B/A"], rows);
    console.log(`peak RSS MiB: A ${rss[0]} B ${rss[1]}`);
    console.log(
      `user + system s/min${per} over all windows: A ${split[0]?.user} + ${split[0]?.system}, ` +
        `B ${split[1]?.user} + ${split[1]?.system}`,
    );
    console.log(
      JSON.stringify({
        bench: "ab",
        size,
        sentinels,
        metrics,
        a: {
          entry: a.entry,
          flags: a.flags,
          env: a.env,
          cpu: perSide.A,
          cpuSplit: split[0],
          peakRssMiB: rss[0],
        },
        b: {
          entry: b.entry,
          flags: b.flags,
          env: b.env,
          cpu: perSide.B,
          cpuSplit: split[1],
          peakRssMiB: rss[1],
        },
        ratio: { median: r?.median ?? null, min: r?.min ?? null, max: r?.max ?? null },
      }),
    );
  } finally {
    await scraper?.stop();
    setPolicy(process.pid, "other");
    for (const side of sides) for (const m of side.members) await stopMember(m);
    await stopFarm(farm);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

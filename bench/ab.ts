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
//   tsx bench/ab.ts --a <dist dir> --b <dist dir> [--a-flags="<node flags>"] [--b-flags="…"]
//                   [--size 1000] [--farm fake|real] [--warmup 20] [--window 15] [--windows 6]
//
// A dist dir is a copy of `dist/` from `npm run build` of the build to compare; it must sit
// inside the repo (for example .ab/dist-base/) so its imports find node_modules. Both default to
// ./dist, so `--b-flags=--single-threaded-gc` alone compares a V8 flag (flags need the `=` form).
// `--a redis` runs Debian's redis-sentinel as A: Vigil against it over the same seconds.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { waitForExit } from "../test/e2e/harness/managed-process.js";
import { registerPid, unregisterPid } from "../test/e2e/harness/pid-registry.js";
import { freePort } from "../test/e2e/harness/ports.js";
import { REDIS_SENTINEL_BIN } from "../test/e2e/harness/sentinel-process.js";
import { delay } from "../test/e2e/harness/wait-for.js";
import { Args } from "./lib/args.js";
import { makeDir, removeDir } from "./lib/exit-cleanup.js";
import { NORMAL_POLICY_LAUNCHER, setPolicy } from "./lib/farm-policy.js";
import { cpuSeconds, cpuTimes, peakRssMiB } from "./lib/proc-stats.js";
import { startFarm, stopFarm } from "./lib/scale-farm.js";
import { printTable, round, summarize } from "./lib/stats.js";

interface Side {
  readonly label: "A" | "B";
  readonly entry: string;
  readonly flags: readonly string[];
  child: ChildProcess | null;
  dir: string;
}

function sideOf(label: "A" | "B", dist: string, flags: string): Side {
  const entry = dist === "redis" ? REDIS_SENTINEL_BIN : path.resolve(dist, "main.js");
  if (!fs.existsSync(entry)) throw new Error(`${label}: ${entry} is missing (npm run build?)`);
  return { label, entry, flags: flags.split(" ").filter((f) => f !== ""), child: null, dir: "" };
}

/** The command line: node with the flags for a Vigil build, the binary itself for redis. */
function commandOf(side: Side, conf: string): string[] {
  return side.entry === REDIS_SENTINEL_BIN
    ? [side.entry, conf]
    : [process.execPath, ...side.flags, side.entry, conf];
}

async function startSide(side: Side, masterPorts: readonly number[]): Promise<void> {
  side.dir = makeDir(`ab-${side.label}-`);
  const port = await freePort();
  // Loopback only: a port free on 127.0.0.1 may be taken on another loopback address.
  const lines = [`port ${port}`, "bind 127.0.0.1", `dir ${side.dir}`];
  masterPorts.forEach((p, i) => lines.push(`sentinel monitor master-${i} 127.0.0.1 ${p} 1`));
  const conf = path.join(side.dir, "sentinel.conf");
  fs.writeFileSync(conf, `${lines.join("\n")}\n`);
  const log = fs.openSync(path.join(side.dir, "output.log"), "a");
  const [launcher, ...launcherArgs] = NORMAL_POLICY_LAUNCHER;
  const child = spawn(launcher ?? "chrt", [...launcherArgs, ...commandOf(side, conf)], {
    stdio: ["ignore", log, log],
  });
  fs.closeSync(log);
  if (child.pid === undefined) throw new Error(`${side.label}: could not start`);
  const pid = child.pid;
  registerPid(pid, `ab sentinel ${side.label}`);
  child.once("exit", () => {
    unregisterPid(pid);
  });
  side.child = child;
}

async function stopSide(side: Side): Promise<void> {
  const child = side.child;
  if (child !== null && child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
    await waitForExit(child, 5_000);
  }
  if (side.dir !== "") removeDir(side.dir);
}

function pidOf(side: Side): number {
  const pid = side.child?.pid;
  if (pid === undefined || side.child?.exitCode !== null) {
    throw new Error(`sentinel ${side.label} is not running (see ${side.dir}/output.log)`);
  }
  return pid;
}

async function main(): Promise<void> {
  const args = new Args();
  const a = sideOf("A", args.string("a", "dist"), args.string("a-flags", ""));
  const b = sideOf("B", args.string("b", "dist"), args.string("b-flags", ""));
  const size = args.int("size", 1000);
  const fake = args.choice("farm", ["fake", "real"]) === "fake";
  const warmupS = args.int("warmup", 20);
  const windowS = args.int("window", 15);
  const windows = args.int("windows", 6);
  console.error(`starting ${size} masters with one replica each…`);
  const farm = await startFarm(size, 2, fake);
  const sides = [a, b];
  try {
    setPolicy(process.pid, "idle");
    for (const side of sides) await startSide(side, farm.masterPorts);
    console.error(`warming up ${warmupS} s…`);
    await delay(warmupS * 1000);
    const rows: string[][] = [];
    const ratios: number[] = [];
    const perSide: Record<"A" | "B", number[]> = { A: [], B: [] };
    // User and system time over all windows: where each side's CPU goes (user space / kernel).
    const startTimes = sides.map((s) => cpuTimes(pidOf(s)));
    for (let w = 0; w < windows; w++) {
      const before = sides.map((s) => cpuSeconds(pidOf(s)));
      await delay(windowS * 1000);
      const perMin = sides.map(
        (s, i) => ((cpuSeconds(pidOf(s)) - (before[i] ?? 0)) * 60) / windowS,
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
      const end = cpuTimes(pidOf(s));
      const start = startTimes[i] ?? { user: 0, system: 0 };
      return {
        user: round((end.user - start.user) / minutes, 2),
        system: round((end.system - start.system) / minutes, 2),
      };
    });
    const rss = sides.map((s) => peakRssMiB(pidOf(s)));
    rows.push([
      "median",
      String(round(summarize(perSide.A)?.median ?? 0, 2)),
      String(round(summarize(perSide.B)?.median ?? 0, 2)),
      `${round(r?.median ?? 0, 3)} (${round(r?.min ?? 0, 3)}–${round(r?.max ?? 0, 3)})`,
    ]);
    console.log(
      `\nA: ${a.entry} ${a.flags.join(" ")}\nB: ${b.entry} ${b.flags.join(" ")}\n` +
        `${size} masters, both sentinels at once; ${windows} windows of ${windowS} s after ${warmupS} s`,
    );
    printTable(["window", "A CPU s/min", "B CPU s/min", "B/A"], rows);
    console.log(`peak RSS MiB: A ${rss[0]} B ${rss[1]}`);
    console.log(
      `user + system s/min over all windows: A ${split[0]?.user} + ${split[0]?.system}, ` +
        `B ${split[1]?.user} + ${split[1]?.system}`,
    );
    console.log(
      JSON.stringify({
        bench: "ab",
        size,
        a: {
          entry: a.entry,
          flags: a.flags,
          cpu: perSide.A,
          cpuSplit: split[0],
          peakRssMiB: rss[0],
        },
        b: {
          entry: b.entry,
          flags: b.flags,
          cpu: perSide.B,
          cpuSplit: split[1],
          peakRssMiB: rss[1],
        },
        ratio: { median: r?.median ?? null, min: r?.min ?? null, max: r?.max ?? null },
      }),
    );
  } finally {
    setPolicy(process.pid, "other");
    for (const side of sides) await stopSide(side);
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

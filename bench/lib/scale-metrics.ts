// The scale bench's --metrics option: Vigil measured with its HTTP endpoint on (metrics-port,
// /metrics scraped every --scrape seconds) and off, in the same run (scale.ts).
import { spawn } from "node:child_process";
import { registerPid, unregisterPid } from "../../test/e2e/harness/pid-registry.js";
import type { SentinelImpl } from "../../test/e2e/harness/sentinel-process.js";
import { NORMAL_POLICY_LAUNCHER } from "./farm-policy.js";
import type { ScaleResult } from "./scale-result.js";
import { ratio } from "./stats.js";

export type MetricsMode = "off" | "on" | "ab";

/** One measured configuration: an implementation, and for Vigil the HTTP endpoint on or off. */
export interface Variant {
  readonly impl: SentinelImpl;
  readonly metrics: boolean;
}

export function variantsOf(impls: readonly SentinelImpl[], metrics: MetricsMode): Variant[] {
  return impls.flatMap((impl): Variant[] => {
    if (impl !== "vigil" || metrics === "off") return [{ impl, metrics: false }];
    if (metrics === "on") return [{ impl, metrics: true }];
    return [
      { impl, metrics: false },
      { impl, metrics: true },
    ];
  });
}

/** GET /metrics of every port every `everyS` seconds until stopped; counts the answers. */
export function startScraper(ports: readonly number[], everyS: number): { stop(): number } {
  let answered = 0;
  const scrape = (): void => {
    for (const port of ports) {
      fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(4_000) })
        .then(async (res) => {
          await res.text();
          if (res.status === 200) answered++;
        })
        .catch(() => undefined);
    }
  };
  const timer = setInterval(scrape, everyS * 1_000);
  scrape();
  return {
    stop: () => {
      clearInterval(timer);
      return answered;
    },
  };
}

/** The scrape loop of startScraperProcess: one "ok" line on stdout per 200 answer. */
const SCRAPE_LOOP = `
const [everyS, ...ports] = process.argv.slice(1).map(Number);
const scrape = () => {
  for (const port of ports) {
    fetch("http://127.0.0.1:" + port + "/metrics", { signal: AbortSignal.timeout(10000) })
      .then(async (res) => {
        await res.text();
        process.stdout.write(res.status === 200 ? "ok\\n" : "status " + res.status + "\\n");
      })
      .catch((e) => process.stderr.write("scrape of " + port + " failed: " + e + " " + (e.cause ?? "") + "\\n"));
  }
};
setInterval(scrape, everyS * 1000);
scrape();
`;

/**
 * As startScraper, from a process of its own under SCHED_OTHER: a bench whose own process runs
 * under SCHED_IDLE (the farm's policy) would scrape late or time out on a loaded machine, and
 * the sentinel would then be measured with fewer scrapes than it should.
 */
export function startScraperProcess(
  ports: readonly number[],
  everyS: number,
): { stop(): Promise<number> } {
  const [launcher, ...launcherArgs] = NORMAL_POLICY_LAUNCHER;
  const args = [...launcherArgs, process.execPath, "-e", SCRAPE_LOOP, String(everyS)];
  const child = spawn(launcher ?? "chrt", [...args, ...ports.map(String)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("the scraper did not start");
  registerPid(pid, "metrics scraper");
  let answered = 0;
  child.stdout.on("data", (chunk: Buffer) => {
    answered += chunk.toString("latin1").split("ok").length - 1;
  });
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      unregisterPid(pid);
      resolve();
    });
  });
  return {
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
      return answered;
    },
  };
}

export function label(v: Variant): string {
  return v.metrics ? `${v.impl}+metrics` : v.impl;
}

/** `metrics/off` rows: Vigil with the endpoint scraped against without, same size and N. */
export function metricsRatioRows(
  results: readonly ScaleResult[],
  sizes: readonly number[],
  counts: readonly number[],
  rows: string[][],
  ratios: Record<string, Record<string, number | null>>,
): void {
  for (const size of sizes) {
    for (const count of counts) {
      const find = (metrics: boolean): ScaleResult | undefined =>
        results.find(
          (x) =>
            x.size === size &&
            x.sentinels === count &&
            x.impl === "vigil" &&
            (x.metrics ?? false) === metrics,
        );
      const on = find(true);
      const off = find(false);
      const cpu = ratio(on?.cpuSecondsPerMinute.median, off?.cpuSecondsPerMinute.median);
      const rss = ratio(on?.peakRssMiB.median, off?.peakRssMiB.median);
      ratios[`metrics:${size}x${count}`] = { cpuSecondsPerMinute: cpu, peakRssMiB: rss };
      const show = (x: number | null): string => (x === null ? "n/a" : String(x));
      const row = [String(size), String(count), "metrics/off", "", show(cpu), "", "", show(rss)];
      rows.push([...row, ...Array<string>(10).fill("")]);
    }
  }
}

/**
 * V8 heap sizing for a long-running daemon whose live data is small, set from inside the process
 * (the daemon is started as `node dist/main.js` too, not only through bin/vigil). A flag given
 * on the command line or in NODE_OPTIONS wins over each setting here.
 *
 * Old generation: collect when it grew by 30 % since the last full GC. V8's default factor (up
 * to 4×) suits throughput, not a daemon that allocates steadily (a reply per PING, the INFO
 * texts): the garbage promoted between collections made most of its resident memory. At 1000
 * masters (bench/scale.ts): peak RSS 166 → 132 MB, CPU unchanged within the noise.
 *
 * Young generation: it starts at V8's smallest size and, once the daemon runs, may only grow
 * while scavenges keep coming faster than two a second (the last 16 within 8 s), up to 4 MiB.
 * A burst does not count: the start's own, compiling the modules and opening the links, grew
 * it to 4–8 MiB for good. V8 grows it on its own past every megabyte that
 * survived, so a sentinel of one master reached the 16 MiB of a thousand over its first minutes
 * (issue #18: 66 MB peak RSS against redis-sentinel's 12). Held at the smallest size, a thousand
 * masters cost 15 % more CPU (bench/ab.ts, --max-semi-space-size=1): the allocation rate decides,
 * read from how often scavenges come. The limit itself can only be set before V8 starts
 * (`--max-semi-space-size`); here growth is switched off and on (`--semi-space-growth-factor`)
 * after each scavenge, which a GC observer reports: no timer wakes the process for it.
 */
import { PerformanceObserver, constants } from "node:perf_hooks";
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";

const HEAP_GROWING_PERCENT = 30;
/**
 * The young generation's cap, bytes (new_space's size as V8 reports it). 16 MiB
 * until the INFO texts left the JS heap (core/records/info-copy.ts): what survives a scavenge
 * is now little, and at 1,000 masters 4 MiB held peak RSS 113 → 101 MiB for +1.3 % CPU
 * (bench/ab.ts, same seconds); 16 MiB was reached from the start's burst and never given back.
 */
export const NEW_SPACE_CAP = 4 * 1024 * 1024;
/** Scavenges this far apart on average, over the last BUSY_SCAVENGES, allow growth. */
export const BUSY_SCAVENGE_MS = 500;
export const BUSY_SCAVENGES = 16;

/**
 * The growth factor to set after a scavenge: 2 (V8's default) lets V8 grow the space, 1 holds
 * it. `recent` holds the start times (ms) of the last scavenges, oldest first, this one last.
 */
export function growthFactor(recent: readonly number[], newSpaceBytes: number): 1 | 2 {
  if (newSpaceBytes >= NEW_SPACE_CAP || recent.length <= BUSY_SCAVENGES) return 1;
  const span = (recent[recent.length - 1] ?? 0) - (recent[recent.length - 1 - BUSY_SCAVENGES] ?? 0);
  return span < BUSY_SCAVENGES * BUSY_SCAVENGE_MS ? 2 : 1;
}

function newSpaceSize(): number {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
  return space?.space_size ?? 0;
}

export interface HeapTuning {
  /** The daemon runs: from now on the allocation rate may grow the young generation. */
  adapt(): void;
}

/** Sets the heap's flags; call first thing, before the modules a run needs are loaded. */
export function tuneHeap(): HeapTuning {
  const given = `${process.execArgv.join(" ")} ${process.env["NODE_OPTIONS"] ?? ""}`;
  if (!given.includes("heap-growing-percent")) {
    setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  }
  if (given.includes("semi-space")) return { adapt: () => undefined };
  setFlagsFromString("--semi-space-growth-factor=1");
  return {
    adapt: () => {
      adaptYoungGeneration();
    },
  };
}

function adaptYoungGeneration(): void {
  let factor = 1;
  watchScavenges(BUSY_SCAVENGES + 1, (recent) => {
    const next = growthFactor(recent, newSpaceSize());
    if (next === factor) return;
    factor = next;
    setFlagsFromString(`--semi-space-growth-factor=${factor}`);
  });
}

/**
 * Calls `onScavenge` after each scavenge (minor GC) with the start times (ms) of the last `keep`
 * of them, oldest first, this one last: how both the young generation's growth (here) and the
 * compilers' hold (compiler-hold.ts) read how busy the daemon is, without a timer.
 */
export function watchScavenges(
  keep: number,
  onScavenge: (recent: readonly number[]) => void,
): PerformanceObserver {
  const recent: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      // A gc entry's detail (NodeGCPerformanceDetail), which the PerformanceEntry type omits.
      const { detail } = entry as unknown as { detail?: { kind?: number } | null };
      if (detail?.kind !== constants.NODE_PERFORMANCE_GC_MINOR) continue;
      recent.push(entry.startTime);
      if (recent.length > keep) recent.shift();
      onScavenge(recent);
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  return observer;
}

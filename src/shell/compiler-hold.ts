/**
 * V8's compilers to machine code (Sparkplug, the baseline compiler, and TurboFan, the optimizing
 * one) are held off until the daemon has work enough to need them, set from inside the process
 * like heap-tuning.ts. The first function either compiles maps that compiler's own code, pages
 * of the node binary that then stay resident: ~1 MB for Sparkplug, ~4 MB for TurboFan. A start
 * alone triggered TurboFan (Node's ESM loader resolving the modules' imports, when installed a
 * few directories deeper than the repository), and one master's own ticks did after about a
 * minute: its peak RSS went 52 → 58 MB, for no CPU one could measure (bench/ab.ts at 1 master:
 * 0.15 s/min both ways). Issue #18 asks 45 MB of a sentinel of one master.
 *
 * Work is read from how often scavenges come, as heap-tuning.ts reads it: a thousand masters
 * allocate enough for one every few hundred milliseconds, one master for one every few minutes.
 * The compilers are let back for good once BUSY_SCAVENGES scavenges came within BUSY_WINDOW_MS;
 * no timer wakes the process for it. A flag about the compilers given on the command line or in
 * NODE_OPTIONS wins: then nothing is held.
 */
import type { PerformanceObserver } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { watchScavenges } from "./heap-tuning.js";

export const BUSY_SCAVENGES = 16;
export const BUSY_WINDOW_MS = 60_000;

/** Whether node's flags already say how to compile (then nothing is held). */
export function compilerFlagGiven(given: string): boolean {
  return /--(no-)?(opt|turbofan|maglev|max-opt|sparkplug|jitless|lite-mode)\b/.test(
    given.replace(/_/g, "-"),
  );
}

/**
 * Whether the daemon is busy enough for the compilers: `recent` holds the start times (ms) of
 * the last scavenges, oldest first, this one last.
 */
export function busy(recent: readonly number[]): boolean {
  if (recent.length < BUSY_SCAVENGES) return false;
  const span = (recent[recent.length - 1] ?? 0) - (recent[recent.length - BUSY_SCAVENGES] ?? 0);
  return span < BUSY_WINDOW_MS;
}

export interface CompilerHold {
  /** The daemon runs: the compilers come back once it is busy (see busy()). */
  releaseWhenBusy(): void;
  /** The compilers come back now. */
  release(): void;
}

/** Holds the compilers off; call first thing, before the daemon's modules load. */
export function holdCompilers(): CompilerHold {
  const given = `${process.execArgv.join(" ")} ${process.env["NODE_OPTIONS"] ?? ""}`;
  if (compilerFlagGiven(given))
    return { releaseWhenBusy: () => undefined, release: () => undefined };
  setFlagsFromString("--no-sparkplug");
  setFlagsFromString("--no-opt");
  let observer: PerformanceObserver | null = null;
  let held = true;
  const release = (): void => {
    observer?.disconnect();
    observer = null;
    if (!held) return;
    held = false;
    setFlagsFromString("--sparkplug");
    setFlagsFromString("--opt");
  };
  return {
    release,
    releaseWhenBusy: () => {
      if (!held || observer !== null) return;
      observer = watchScavenges(BUSY_SCAVENGES, (recent) => {
        if (busy(recent)) release();
      });
    },
  };
}

// Runs one fuzz target: input i of a run with seed S is makeInput(Rng.forInput(S, i)), checked by
// the target's properties. Anything the check throws is a failure, recorded with its index (replay:
// --seed S --replay i) and its bytes. The process's memory is sampled as the run goes: a parser
// that buffers without bound shows as a peak far above the start.
import type { MutationContext } from "./mutate.js";
import { makeInput } from "./mutate.js";
import { Rng } from "./rng.js";

export interface FuzzTarget extends MutationContext {
  readonly name: string;
  /** One line: what is driven and which properties are checked. */
  readonly description: string;
  /** Inputs the CI budget test runs (test/unit/fuzz): a few seconds. */
  readonly ciInputs: number;
  /** Checks one input; throws on a violated property. `rng` drives chunking and options. */
  check(input: Buffer, rng: Rng): void;
}

export interface FuzzFailure {
  readonly index: number;
  readonly message: string;
  /** The input, base64. */
  readonly input: string;
}

export interface FuzzResult {
  readonly target: string;
  readonly seed: number;
  readonly inputs: number;
  readonly ms: number;
  readonly failures: readonly FuzzFailure[];
  /** Peak resident set and JS heap + array buffers seen during the run (MiB). */
  readonly peakRssMiB: number;
  readonly peakHeapMiB: number;
  readonly startRssMiB: number;
}

export interface RunOptions {
  readonly inputs: number;
  readonly seed: number;
  /** Stop after this many failures (default 5). */
  readonly maxFailures?: number;
  /** Run only this input index (a replay). */
  readonly only?: number;
  /** Called every `progressEvery` inputs. */
  readonly progress?: (done: number) => void;
  readonly progressEvery?: number;
}

const MiB = 1024 * 1024;

function heapBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export function inputOf(target: FuzzTarget, seed: number, index: number): Buffer {
  return makeInput(Rng.forInput(seed, index), target);
}

export function runTarget(target: FuzzTarget, opts: RunOptions): FuzzResult {
  const failures: FuzzFailure[] = [];
  const maxFailures = opts.maxFailures ?? 5;
  const startRss = process.memoryUsage().rss;
  let peakRss = startRss;
  let peakHeap = heapBytes();
  const started = performance.now();
  const from = opts.only ?? 0;
  const to = opts.only !== undefined ? opts.only + 1 : opts.inputs;
  let done = 0;
  for (let i = from; i < to && failures.length < maxFailures; i++) {
    const rng = Rng.forInput(opts.seed, i);
    const input = makeInput(rng, target);
    try {
      target.check(input, rng);
    } catch (err) {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      failures.push({ index: i, message, input: input.toString("base64") });
    }
    done++;
    if ((i & 255) === 0) {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      peakHeap = Math.max(peakHeap, heapBytes());
    }
    if (opts.progress !== undefined && done % (opts.progressEvery ?? 100_000) === 0) {
      opts.progress(done);
    }
  }
  return {
    target: target.name,
    seed: opts.seed,
    inputs: done,
    ms: Math.round(performance.now() - started),
    failures,
    peakRssMiB: Math.round(peakRss / MiB),
    peakHeapMiB: Math.round(peakHeap / MiB),
    startRssMiB: Math.round(startRss / MiB),
  };
}

/** A violated property (as opposed to an exception the code under test threw). */
export class FuzzViolation extends Error {
  override readonly name = "FuzzViolation";
}

export function violation(message: string): never {
  throw new FuzzViolation(message);
}

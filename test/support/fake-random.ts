// The one Random fake of the tests: it returns the given values in turn, cycling (each taken
// modulo the n asked for), and records every n, so a run replays exactly and a test can check
// what the core drew. `new CyclingRandom()` always answers 0.
import type { Random } from "../../src/core/index.js";

export class CyclingRandom implements Random {
  /** The `n` of every draw, in order. */
  readonly draws: number[] = [];
  private readonly values: readonly number[];

  constructor(values: readonly number[] = [0]) {
    this.values = values;
  }

  int(n: number): number {
    const value = this.values[this.draws.length % this.values.length] ?? 0;
    this.draws.push(n);
    return value % n;
  }
}

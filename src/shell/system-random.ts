/**
 * The production Random: node:crypto's uniform integers. Tests and the simulator use a seeded
 * PRNG instead; nothing else in the shell draws random numbers.
 */
import { randomInt } from "node:crypto";
import type { Random } from "../core/index.js";

export const systemRandom: Random = {
  int(n: number): number {
    // randomInt needs max > min; a range of one value has one answer.
    if (n <= 1) return 0;
    return randomInt(n);
  },
};

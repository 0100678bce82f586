/**
 * The production Random: uniform integers from the kernel's random bytes (entropy.ts). Tests and
 * the simulator use a seeded PRNG instead; nothing else in the shell draws random numbers.
 */
import type { Random } from "../core/index.js";
import { RandomInts } from "./entropy.js";

const ints = new RandomInts();

export const systemRandom: Random = {
  int(n: number): number {
    return ints.int(n);
  },
};

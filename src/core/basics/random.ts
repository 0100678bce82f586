/**
 * Randomness enters the core only through this interface: the shell backs it with the kernel's
 * the simulator with a seeded PRNG, so every run of the core can be replayed.
 */
export interface Random {
  /** An integer in [0, n). */
  int(n: number): number;
}

const HEX = "0123456789abcdef";

/** A 40-character lowercase hex id, the form of `sentinel myid` and run ids. */
export function randomRunId(random: Random): string {
  let id = "";
  for (let i = 0; i < 40; i++) id += HEX[random.int(16)] ?? "0";
  return id;
}

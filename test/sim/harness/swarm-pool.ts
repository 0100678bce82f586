/**
 * Runs swarm seeds in child processes (one per core by default, at most the seed count), each
 * loading the TypeScript worker through tsx. Results come back over IPC and are sorted by seed.
 */
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { SeedResult } from "./swarm-run.js";

export interface PoolOptions {
  readonly workers?: number;
  readonly brokenVotes?: boolean;
  /** Each worker stops at its first failing seed. */
  readonly stopOnFailure?: boolean;
  readonly strict?: boolean;
  /** Every master with fence-isolated-master yes (swarm-run.ts). */
  readonly fence?: boolean;
}

export interface PoolResult {
  readonly results: SeedResult[];
  readonly wallMs: number;
}

function isSeedResult(value: unknown): value is SeedResult {
  return typeof value === "object" && value !== null && "seed" in value && "ok" in value;
}

export async function runSeedsInWorkers(
  seeds: readonly number[],
  options: PoolOptions = {},
): Promise<PoolResult> {
  const count = Math.max(1, Math.min(options.workers ?? availableParallelism(), seeds.length));
  const started = performance.now();
  const results: SeedResult[] = [];
  const jobs = Array.from({ length: count }, (_, w) => seeds.filter((_, i) => i % count === w));
  const entry = fileURLToPath(new URL("../swarm-worker.ts", import.meta.url));
  const children: ChildProcess[] = [];
  let stopping = false;
  await Promise.all(
    jobs.map(
      (mine) =>
        new Promise<void>((resolve, reject) => {
          const child = fork(entry, [], {
            execArgv: ["--import", "tsx"],
            stdio: ["ignore", "inherit", "inherit", "ipc"],
          });
          children.push(child);
          child.on("message", (message: unknown) => {
            if (!isSeedResult(message)) return;
            results.push(message);
            if (!message.ok && options.stopOnFailure === true && !stopping) {
              // One failure is all the caller wants: stop the other workers (ours, by pid).
              stopping = true;
              for (const other of children) if (other !== child) other.kill();
            }
          });
          child.on("error", reject);
          child.on("exit", (code) => {
            if (code === 0 || stopping) resolve();
            else
              reject(
                new Error(`swarm worker ${child.pid ?? "?"} exited with code ${code ?? "null"}`),
              );
          });
          child.send({
            seeds: mine,
            brokenVotes: options.brokenVotes ?? false,
            fence: options.fence ?? false,
            stopOnFailure: options.stopOnFailure ?? false,
            strict: options.strict ?? false,
          });
        }),
    ),
  );
  results.sort((a, b) => a.seed - b.seed);
  return { results, wallMs: performance.now() - started };
}

/**
 * Child process of the swarm pool: receives one job over IPC, runs its seeds and sends one result
 * per seed back (full details only for failures, to keep messages small), then exits.
 */
import { swarmCore } from "./harness/core-factory.js";
import { runSeed } from "./harness/swarm-run.js";

interface Job {
  readonly seeds: readonly number[];
  readonly brokenVotes: boolean;
  readonly fence: boolean;
  readonly stopOnFailure: boolean;
  readonly strict: boolean;
}

function send(message: unknown): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) resolve();
    else
      process.send(message, () => {
        resolve();
      });
  });
}

process.once("message", (message: unknown) => {
  const job = message as Job;
  void (async () => {
    for (const seed of job.seeds) {
      const result = runSeed(seed, {
        factory: swarmCore(seed),
        brokenVotes: job.brokenVotes,
        fence: job.fence,
        strict: job.strict,
      });
      await send(result.ok ? { ...result, tail: [], trace: "" } : { ...result, trace: "" });
      if (!result.ok && job.stopOnFailure) break;
    }
    process.disconnect();
  })();
});

// Switchover loss benchmark (issue #16, "Must show"): acknowledged writes lost in a planned
// switchover, plain `SENTINEL FAILOVER <name>` against `SENTINEL FAILOVER <name> COORDINATED`.
// Topology per run: 1 master + 2 replicas (redis-server), 3 Vigil sentinels, quorum 2. A client
// writes every 10 ms (`RPUSH vigil:writes <seq>`, test/e2e/support/write-loop.ts) to the master
// its sentinel names, asking again after an error or a dropped connection. The switchover is
// asked for once writes flow; the run ends when every sentinel names the new master, the old
// master replicates from it and the client has had 2 s of writes acknowledged by the new master.
// Lost = writes acknowledged by any master that the final master does not hold.
//
//   tsx bench/switchover-loss.ts [--runs 3] [--modes plain,coordinated]
import { EventRecorder } from "../test/e2e/harness/sentinel-process.js";
import { startTopology, type Topology } from "../test/e2e/harness/topology.js";
import { delay, waitFor } from "../test/e2e/harness/wait-for.js";
import { waitForConvergence, waitForReplicaOf } from "../test/e2e/support/cluster.js";
import { WriteLoop, type LossReport } from "../test/e2e/support/write-loop.js";
import { Args } from "./lib/args.js";
import { printTable, summarize } from "./lib/stats.js";

type Mode = "plain" | "coordinated";

interface RunResult extends LossReport {
  readonly mode: Mode;
  /** From the FAILOVER command to +switch-master on the asked sentinel (ms). */
  readonly switchMs: number;
}

async function oneRun(mode: Mode): Promise<RunResult> {
  const t: Topology = await startTopology({
    replicas: 2,
    sentinels: ["vigil", "vigil", "vigil"],
    quorum: 2,
    downAfterMs: 1_000,
    failoverTimeoutMs: 30_000,
    discoveryTimeoutMs: 30_000,
  });
  const rec = await EventRecorder.start(t.sentinels);
  try {
    const asked = t.sentinels[0];
    if (asked === undefined) throw new Error("no sentinel");
    const writes = WriteLoop.start(asked);
    await waitFor("writes to flow", () => writes.acknowledged > 100, { timeoutMs: 10_000 });
    const args = [
      "SENTINEL",
      "FAILOVER",
      t.masterName,
      ...(mode === "coordinated" ? ["COORDINATED"] : []),
    ];
    const at = performance.now();
    const reply = await asked.command(args);
    if (reply !== "OK") throw new Error(`${args.join(" ")}: ${JSON.stringify(reply)}`);
    const switched = await rec.waitForEvent(
      "+switch-master",
      { since: at, sentinelPort: asked.port },
      { timeoutMs: 60_000 },
    );
    const switchMs = switched.at - at;
    const { port } = await waitForConvergence(t.sentinels, t.master.port, 60_000);
    await waitForReplicaOf(t.master, port, 60_000);
    const base = writes.acknowledged;
    await waitFor("2 s of writes on the new master", () => writes.acknowledged > base + 150, {
      timeoutMs: 30_000,
    });
    await writes.stop();
    await delay(100);
    return { mode, switchMs, ...(await writes.report(port)) };
  } finally {
    rec.stop();
    await t.teardown();
  }
}

async function main(): Promise<void> {
  const args = new Args();
  const runs = args.int("runs", 3);
  const modes = args.string("modes", "plain,coordinated").split(",") as Mode[];
  const results: RunResult[] = [];
  for (let i = 0; i < runs; i++) {
    for (const mode of modes) {
      const r = await oneRun(mode);
      results.push(r);
      console.log(
        `${mode} run ${i + 1}: acknowledged ${r.acknowledged}, lost ${r.lost}, failed ${r.failed}, ` +
          `switch ${Math.round(r.switchMs)} ms, acknowledged by port ${JSON.stringify([...r.byPort])}`,
      );
    }
  }
  const rows = modes.map((mode) => {
    const mine = results.filter((r) => r.mode === mode);
    const lost = summarize(mine.map((r) => r.lost));
    const sw = summarize(mine.map((r) => r.switchMs));
    return [
      mode,
      String(mine.length),
      lost === null ? "-" : `${lost.median} (${lost.min}–${lost.max})`,
      String(mine.reduce((n, r) => n + r.acknowledged, 0)),
      sw === null ? "-" : `${Math.round(sw.median)} (${Math.round(sw.min)}–${Math.round(sw.max)})`,
    ];
  });
  printTable(["mode", "runs", "lost acknowledged writes", "acknowledged", "switch ms"], rows);
  console.log(
    JSON.stringify({ runs, results: results.map((r) => ({ ...r, byPort: [...r.byPort] })) }),
  );
}

await main();

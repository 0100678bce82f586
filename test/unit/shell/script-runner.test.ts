// Proves the script runner follows sentinel-protocol §11 with real tiny shell scripts in a temp
// dir and a hand-driven clock: argv and success, retries with doubling delay up to 10 runs on
// exit 1, no retry on exit ≥ 2, SIGKILL and -script-timeout past the maximum runtime, and the
// 256-job bound that drops the oldest job not running.
import { expect } from "chai";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SentinelEvent } from "../../../src/core/model/events.js";
import {
  SCRIPT_MAX_QUEUE,
  SCRIPT_MAX_RUNNING,
  ScriptRunner,
  scriptRetryDelay,
} from "../../../src/shell/script-runner.js";

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("script runner", () => {
  let dir: string;
  let now: number;
  let events: SentinelEvent[];
  let runner: ScriptRunner;
  const timing = { scriptMaxRuntime: 60_000, scriptRetryDelay: 30_000 };

  function script(name: string, body: string): string {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  function runs(file: string): string[] {
    return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n") : [];
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "vigil-scripts-"));
    now = 1_000_000;
    events = [];
    runner = new ScriptRunner({
      now: () => now,
      timing: () => timing,
      onEvent: (e) => events.push(e),
      // Jobs start at once here; the deferred start has a test of its own.
      defer: (run) => {
        run();
      },
    });
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts a queued job in a later turn of the event loop, not inside the caller's batch", async () => {
    const out = join(dir, "out");
    const path = script("later.sh", `echo ran >> ${out}`);
    const deferred = new ScriptRunner({
      now: () => now,
      timing: () => timing,
      onEvent: () => undefined,
    });
    deferred.enqueue(path, ["+new-epoch", "1"]);
    deferred.enqueue(path, ["+try-failover", "master mymaster 127.0.0.1 6379"]);
    expect(deferred.runningCount).to.equal(0);
    expect(deferred.pending().map((job) => job.running)).to.deep.equal([false, false]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(deferred.runningCount).to.equal(2);
    await waitFor("both scripts to finish", () => deferred.queueLength === 0);
    expect(runs(out)).to.deep.equal(["ran", "ran"]);
  });

  it("runs a script with its arguments and forgets it after exit 0", async () => {
    const out = join(dir, "out");
    const path = script("ok.sh", `echo "$0|$1|$2" >> ${out}`);
    runner.enqueue(path, ["+sdown", "master mymaster 127.0.0.1 6379"]);
    expect(runner.runningCount).to.equal(1);
    await waitFor("the script to finish", () => runner.queueLength === 0);
    expect(runs(out)).to.deep.equal([`${path}|+sdown|master mymaster 127.0.0.1 6379`]);
    expect(events.map((e) => e.type)).to.deep.equal(["+script-child", "-script-child"]);
  });

  it("retries exit 1 with a doubling delay and reports -script-error after the 10th run", async () => {
    const out = join(dir, "runs");
    const path = script("fail1.sh", `echo run >> ${out}\nexit 1`);
    runner.enqueue(path, ["+odown"]);
    for (let run = 1; run <= 10; run++) {
      await waitFor(`run ${run} to finish`, () => runner.runningCount === 0);
      expect(runs(out)).to.have.length(run);
      if (run === 10) break;
      const [job] = runner.pending();
      expect(job?.running).to.equal(false);
      expect(job?.retryNum).to.equal(run);
      expect(job?.runDelay).to.equal(scriptRetryDelay(30_000, run));
      runner.tick();
      expect(runner.runningCount, "not before the delay").to.equal(0);
      now += scriptRetryDelay(30_000, run);
      runner.tick();
      expect(runner.runningCount).to.equal(1);
    }
    expect(runner.queueLength).to.equal(0);
    const errors = events.filter((e) => e.type === "-script-error");
    expect(errors.map((e) => e.text)).to.deep.equal([`${path} 0 1`]);
    expect(errors[0]).to.include({ level: "warning", master: null });
  });

  it("does not retry an exit status of 2 or more", async () => {
    const path = script("fail3.sh", "exit 3");
    runner.enqueue(path, []);
    await waitFor("the script to finish", () => runner.queueLength === 0);
    expect(events.filter((e) => e.type === "-script-error").map((e) => e.text)).to.deep.equal([
      `${path} 0 3`,
    ]);
  });

  it("treats a script that cannot be executed as exit 2", async () => {
    const path = join(dir, "missing.sh");
    runner.enqueue(path, []);
    await waitFor("the job to fail", () => runner.queueLength === 0);
    expect(events.map((e) => e.text)).to.deep.equal([`${path} 0 2`]);
  });

  it("kills a script running past the maximum runtime and retries it as a signal death", async () => {
    const path = script("slow.sh", "exec sleep 30");
    runner.enqueue(path, []);
    const [running] = runner.pending();
    expect(running?.running).to.equal(true);
    const pid = running?.pid ?? 0;
    expect(pid).to.be.greaterThan(0);
    now += 60_001;
    runner.tick();
    expect(events.find((e) => e.type === "-script-timeout")?.text).to.equal(`${path} ${pid}`);
    await waitFor("the killed script to be reaped", () => runner.runningCount === 0);
    const [retry] = runner.pending();
    expect(retry).to.include({ running: false, pid: 0, retryNum: 1, runDelay: 30_000 });
    expect(events.find((e) => e.type === "-script-child")?.text).to.equal(`${pid} 0 9`);
  });

  it("keeps at most 16 running and 256 queued, dropping the oldest job not running", async function () {
    // 256 failed spawns, one after another: seconds on a loaded machine (a bound, not a figure).
    this.timeout(60_000);
    const path = join(dir, "never-runs");
    for (let i = 0; i < 300; i++) runner.enqueue(path, [String(i)]);
    expect(runner.runningCount).to.equal(SCRIPT_MAX_RUNNING);
    expect(runner.queueLength).to.equal(SCRIPT_MAX_QUEUE);
    const argv1 = runner.pending().map((job) => job.argv[1]);
    expect(argv1.slice(0, 17)).to.deep.equal([
      ...Array.from({ length: 16 }, (_, i) => String(i)),
      "60",
    ]);
    expect(argv1.at(-1)).to.equal("299");
    await waitFor("every job to fail", () => runner.queueLength === 0, 55_000);
    expect(events.filter((e) => e.type === "-script-error")).to.have.length(SCRIPT_MAX_QUEUE);
  });
});

describe("script retry delay", () => {
  it("doubles after every run", () => {
    expect([1, 2, 3, 10].map((n) => scriptRetryDelay(30_000, n))).to.deep.equal([
      30_000, 60_000, 120_000, 15_360_000,
    ]);
  });
});

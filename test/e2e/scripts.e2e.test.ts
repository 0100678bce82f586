// Proves that `sentinel notification-script` and `sentinel client-reconfig-script` receive Redis's
// documented arguments (docs/PROTOCOL.md §11), for Vigil and — as a check of the test itself —
// for redis-sentinel 7.0.15: the notification script gets `<event> <payload>` for warning events
// tied to the master (+monitor, +sdown, +odown, +switch-master …, never notice-level +slave); the
// client-reconfig script gets `<master> leader|observer start <from-ip> <from-port> <to-ip>
// <to-port>`, `leader` on the sentinel that led the failover and `observer` on the others. Also:
// SENTINEL PENDING-SCRIPTS has redis-sentinel's shape for a running and a scheduled (retry) job,
// and SENTINEL SET of a script path is refused while deny-scripts-reconfig is yes.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { RedisProcess } from "./harness/redis-process.js";
import { RespConnection, RespError, type RespValue } from "./harness/resp-client.js";
import { SENTINEL_IMPLS, SentinelProcess, type SentinelImpl } from "./harness/sentinel-process.js";
import { startTopology, type Topology } from "./harness/topology.js";
import { waitFor } from "./harness/wait-for.js";

const NAME = "mymaster";
const HOST = "127.0.0.1";

/** A script that appends one line per run: `<parent pid>\t<arg1>\t<arg2>…` (one write). */
function recorderScript(logFile: string): string {
  return [
    "#!/bin/sh",
    'line="$PPID"',
    'for a in "$@"; do line="$line\t$a"; done',
    `printf '%b\\n' "$line" >> '${logFile}'`,
    "",
  ].join("\n");
}

/** A script that waits (bounded, 30 s) for `releaseFile`, then fails with exit 1 (retried). */
function slowFailingScript(releaseFile: string): string {
  return [
    "#!/bin/sh",
    "i=0",
    `while [ ! -e '${releaseFile}' ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done`,
    "exit 1",
    "",
  ].join("\n");
}

function writeExecutable(file: string, text: string): string {
  fs.writeFileSync(file, text);
  fs.chmodSync(file, 0o755);
  return file;
}

interface ScriptRun {
  pid: number;
  args: string[];
}

function runsIn(file: string): ScriptRun[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const [pid, ...args] = line.split("\t");
      return { pid: Number(pid), args };
    });
}

/** Field names in order and the RESP type of each value, for a flat field/value array. */
function fieldShape(entry: RespValue): [string, string][] {
  if (!Array.isArray(entry)) return [];
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < entry.length; i += 2) {
    const value = entry[i + 1];
    out.push([String(entry[i]), Array.isArray(value) ? "array" : typeof value]);
  }
  return out;
}

function field(entry: RespValue, name: string): RespValue | undefined {
  if (!Array.isArray(entry)) return undefined;
  const at = entry.findIndex((v, i) => i % 2 === 0 && v === name);
  return at < 0 ? undefined : entry[at + 1];
}

for (const impl of SENTINEL_IMPLS) {
  describe(`scripts on a failover (${impl}: 3 sentinels, quorum 2, down-after 1000)`, function () {
    this.timeout(180_000);
    let dir: string;
    let topology: Topology | null = null;

    beforeEach(function () {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "vigil-scripts-"));
    });

    afterEach(async function () {
      if (this.currentTest?.state === "failed" && topology !== null) {
        for (const s of topology.sentinels) console.log(s.logs(40));
      }
      await topology?.teardown();
      topology = null;
      if (process.env["KEEP_TMP"] === undefined) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("runs the notification script with <event> <payload> and the client-reconfig script with leader/observer arguments", async function () {
      const notifyLog = path.join(dir, "notify.log");
      const reconfigLog = path.join(dir, "reconfig.log");
      const notify = writeExecutable(path.join(dir, "notify.sh"), recorderScript(notifyLog));
      const reconfig = writeExecutable(path.join(dir, "reconfig.sh"), recorderScript(reconfigLog));
      const sentinels: SentinelImpl[] = [impl, impl, impl];
      topology = await startTopology({
        sentinels,
        quorum: 2,
        downAfterMs: 1_000,
        sentinelConfig: [
          `sentinel notification-script ${NAME} ${notify}`,
          `sentinel client-reconfig-script ${NAME} ${reconfig}`,
        ],
        discoveryTimeoutMs: 30_000,
      });
      const t = topology;
      const pids = t.sentinels.map((s) => s.pid);
      const oldPort = t.master.port;

      // +monitor at startup, once per sentinel, with the quorum.
      await waitFor(
        "every sentinel to run the notification script for +monitor",
        () => pids.every((pid) => runsIn(notifyLog).some((r) => r.pid === pid)),
        { timeoutMs: 15_000 },
      );
      for (const pid of pids) {
        const monitor = runsIn(notifyLog).filter((r) => r.pid === pid && r.args[0] === "+monitor");
        expect(monitor.map((r) => r.args)).to.deep.equal([
          ["+monitor", `master ${NAME} ${HOST} ${oldPort} quorum 2`],
        ]);
      }

      await t.master.kill();
      const newPort = await waitFor(
        "every sentinel to run the client-reconfig script",
        () => {
          const runs = runsIn(reconfigLog);
          const done = pids.every((pid) => runs.some((r) => r.pid === pid));
          return done ? Number(runs[0]?.args[6]) : null;
        },
        { timeoutMs: 60_000 },
      );
      expect(t.replicas.map((r) => r.port)).to.include(newPort);
      // Scripts run as separate processes, up to 16 at once: the leader's +failover-end run may
      // write its line after the +switch-master runs (seen with redis-sentinel in CI).
      await waitFor(
        "every sentinel to run the notification script for +switch-master, and the leader for +failover-end",
        () =>
          pids.every((pid) =>
            runsIn(notifyLog).some((r) => r.pid === pid && r.args[0] === "+switch-master"),
          ) && runsIn(notifyLog).some((r) => r.args[0] === "+failover-end"),
        { timeoutMs: 20_000 },
      );

      const notifications = runsIn(notifyLog);
      const leaderRuns = notifications.filter((r) => r.args[0] === "+elected-leader");
      expect(leaderRuns, "exactly one leader").to.have.length(1);
      const leader = leaderRuns[0]?.pid;
      expect(pids).to.include(leader);

      const reconfigs = runsIn(reconfigLog);
      expect(reconfigs).to.have.length(3);
      for (const run of reconfigs) {
        const role = run.pid === leader ? "leader" : "observer";
        expect(run.args, `pid ${run.pid}`).to.deep.equal([
          NAME,
          role,
          "start",
          HOST,
          String(oldPort),
          HOST,
          String(newPort),
        ]);
      }

      const masterText = `master ${NAME} ${HOST} ${oldPort}`;
      for (const run of notifications) {
        expect(run.args, `notification argv ${JSON.stringify(run.args)}`).to.have.length(2);
      }
      const of = (pid: number | undefined, event: string): string[] =>
        notifications
          .filter((r) => r.pid === pid && r.args[0] === event)
          .map((r) => r.args[1] ?? "");
      // The leader's warning events, payloads as Redis formats them.
      expect(of(leader, "+sdown")).to.include(masterText);
      expect(of(leader, "+odown")).to.have.length(1);
      expect(of(leader, "+odown")[0]).to.match(
        new RegExp(`^${masterText} #quorum [23]/2$`.replaceAll(".", "\\.")),
      );
      // Usually one election in epoch 1. Three candidates that stand before they hear of each
      // other split the vote (each votes for itself; Vigil's randomized candidate delay makes it
      // rare, not impossible: 3 of 30 local runs while scripts were spawned inside the batch that
      // sends the vote requests, 0 of 30 since), and the next epoch elects: the leader then saw
      // rising epochs from 1 and tried at most once per epoch.
      const epochs = of(leader, "+new-epoch");
      expect(epochs[0]).to.equal("1");
      expect(epochs.every((e, i) => i === 0 || Number(e) > Number(epochs[i - 1]))).to.equal(true);
      const tries = of(leader, "+try-failover");
      expect(tries.length).to.be.within(1, epochs.length);
      expect(new Set(tries)).to.deep.equal(new Set([masterText]));
      expect(of(leader, "+elected-leader")).to.deep.equal([masterText]);
      expect(of(leader, "+failover-end")).to.deep.equal([masterText]);
      expect(of(leader, "+promoted-slave")).to.deep.equal([
        `slave ${HOST}:${newPort} ${HOST} ${newPort} @ ${NAME} ${HOST} ${oldPort}`,
      ]);
      for (const pid of pids) {
        expect(of(pid, "+switch-master"), `pid ${pid}`).to.deep.equal([
          `${NAME} ${HOST} ${oldPort} ${HOST} ${newPort}`,
        ]);
      }
      // Notice-level events never run the notification script.
      const levels = new Set(notifications.map((r) => r.args[0]));
      for (const notice of [
        "+slave",
        "+sentinel",
        "+failover-state-send-slaveof-noone",
        "+slave-reconf-sent",
      ]) {
        expect(levels.has(notice), notice).to.equal(false);
      }
    });
  });
}

describe("SENTINEL PENDING-SCRIPTS and SENTINEL SET of scripts (Vigil next to redis-sentinel)", function () {
  this.timeout(120_000);
  let dir: string;
  let redis: RedisProcess | null = null;
  const sentinels: SentinelProcess[] = [];
  const connections: RespConnection[] = [];

  beforeEach(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vigil-pending-"));
    redis = await RedisProcess.start();
  });

  afterEach(async function () {
    for (const c of connections.splice(0)) c.close();
    if (this.currentTest?.state === "failed") for (const s of sentinels) console.log(s.logs(30));
    await Promise.allSettled(sentinels.splice(0).map((s) => s.cleanup()));
    await redis?.cleanup();
    redis = null;
    if (process.env["KEEP_TMP"] === undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function startBoth(extraConfig: readonly string[]): Promise<SentinelProcess[]> {
    const port = redis?.port ?? 0;
    for (const impl of ["vigil", "redis"] as const) {
      sentinels.push(
        await SentinelProcess.start({
          impl,
          monitors: [{ name: NAME, port, quorum: 2, downAfterMs: 5_000 }],
          extraConfig,
        }),
      );
    }
    return sentinels;
  }

  async function connect(sentinel: SentinelProcess): Promise<RespConnection> {
    const connection = await RespConnection.connect(sentinel.port);
    connections.push(connection);
    return connection;
  }

  it("shows a running job and a scheduled retry exactly as redis-sentinel does", async function () {
    const release = path.join(dir, "release");
    const slow = writeExecutable(path.join(dir, "slow.sh"), slowFailingScript(release));
    const both = await startBoth([`sentinel notification-script ${NAME} ${slow}`]);
    const running: RespValue[][] = [];
    for (const sentinel of both) {
      const c = await connect(sentinel);
      // +monitor at startup queued the script; it is now waiting for the release file.
      const pending = await waitFor(
        `${sentinel.impl}: PENDING-SCRIPTS to show the running +monitor script`,
        async () => {
          const reply = await c.call(["SENTINEL", "PENDING-SCRIPTS"]);
          if (!Array.isArray(reply) || reply.length !== 1) throw new Error(JSON.stringify(reply));
          return field(reply[0] ?? null, "flags") === "running" ? reply : null;
        },
        { timeoutMs: 15_000 },
      );
      running.push(pending);
      const entry = pending[0] ?? null;
      expect(field(entry, "argv")).to.deep.equal([
        slow,
        "+monitor",
        `master ${NAME} ${HOST} ${redis?.port ?? 0} quorum 2`,
      ]);
      expect(Number(field(entry, "pid"))).to.be.greaterThan(0);
      // Redis counts the run when it starts it (sentinelRunPendingScripts: retry_num++).
      expect(field(entry, "retry-num"), `${sentinel.impl} ${JSON.stringify(entry)}`).to.equal("1");
    }
    expect(fieldShape(running[0]?.[0] ?? null)).to.deep.equal(fieldShape(running[1]?.[0] ?? null));

    // Exit 1 → the job stays queued for a retry after SCRIPT-RETRY-DELAY (30 s).
    fs.writeFileSync(release, "");
    const scheduled: RespValue[] = [];
    for (const sentinel of both) {
      const c = await connect(sentinel);
      const entry = await waitFor(
        `${sentinel.impl}: PENDING-SCRIPTS to show the failed script scheduled for a retry`,
        async () => {
          const reply = await c.call(["SENTINEL", "PENDING-SCRIPTS"]);
          if (!Array.isArray(reply) || reply.length !== 1) throw new Error(JSON.stringify(reply));
          return field(reply[0] ?? null, "flags") === "scheduled" ? (reply[0] ?? null) : null;
        },
        { timeoutMs: 15_000 },
      );
      scheduled.push(entry);
      expect(field(entry, "retry-num"), `${sentinel.impl} ${JSON.stringify(entry)}`).to.equal("1");
      expect(field(entry, "pid")).to.equal("0");
      const delay = Number(field(entry, "run-delay"));
      expect(delay).to.be.within(0, 30_000);
    }
    expect(fieldShape(scheduled[0] ?? null)).to.deep.equal(fieldShape(scheduled[1] ?? null));
  });

  it("refuses SENTINEL SET of either script path while deny-scripts-reconfig is yes (the default)", async function () {
    const ok = writeExecutable(path.join(dir, "ok.sh"), "#!/bin/sh\nexit 0\n");
    const both = await startBoth([]);
    const denied =
      "Reconfiguration of scripts path is denied for security reasons. Check the " +
      "deny-scripts-reconfig configuration directive in your Sentinel configuration";
    const replies: string[] = [];
    for (const sentinel of both) {
      for (const option of [
        "notification-script",
        "client-reconfig-script",
        "NOTIFICATION-SCRIPT",
      ]) {
        const reply = await sentinel.command(["SENTINEL", "SET", NAME, option, ok]);
        expect(reply, `${sentinel.impl} ${option}`).to.be.instanceOf(RespError);
        const text = reply instanceof RespError ? reply.message : "";
        expect(text).to.equal(`ERR ${denied}`);
        replies.push(text);
      }
      const master = await sentinel.master(NAME);
      expect(master.has("notification-script")).to.equal(false);
      expect(sentinel.readConfig()).to.not.include("notification-script");
    }
  });

  it("accepts SENTINEL SET of script paths with deny-scripts-reconfig no, and checks they are executable", async function () {
    const ok = writeExecutable(path.join(dir, "ok.sh"), "#!/bin/sh\nexit 0\n");
    const plain = path.join(dir, "plain.sh");
    fs.writeFileSync(plain, "#!/bin/sh\nexit 0\n");
    const both = await startBoth(["sentinel deny-scripts-reconfig no"]);
    for (const sentinel of both) {
      const label = sentinel.impl;
      expect(
        await sentinel.command(["SENTINEL", "SET", NAME, "notification-script", ok]),
        label,
      ).to.equal("OK");
      expect(
        await sentinel.command(["SENTINEL", "SET", NAME, "client-reconfig-script", ok]),
        label,
      ).to.equal("OK");
      const master = await sentinel.master(NAME);
      expect(master.get("notification-script"), label).to.equal(ok);
      expect(master.get("client-reconfig-script"), label).to.equal(ok);
      const notExec = await sentinel.command([
        "SENTINEL",
        "SET",
        NAME,
        "notification-script",
        plain,
      ]);
      expect(notExec instanceof RespError ? notExec.message : notExec, label).to.equal(
        "ERR Notification script seems non existing or non executable",
      );
      const missing = await sentinel.command([
        "SENTINEL",
        "SET",
        NAME,
        "client-reconfig-script",
        path.join(dir, "missing.sh"),
      ]);
      expect(missing instanceof RespError ? missing.message : missing, label).to.equal(
        "ERR Client reconfiguration script seems non existing or non executable",
      );
    }
  });
});

// Proves the process and its log behave like Debian's redis-sentinel 7.0.15, run side by side
// with the same config: the log lines (start-up, events, pidfile, shutdown) in Redis's own
// format, "Executing user requested FAILOVER" and "<peer> voted for <leader> <epoch>" around
// failovers, the log file recreated after logrotate renames it, SIGHUP ignored, `port 0` and a
// port in use refused with Redis's lines; Vigil's `daemonize yes` detaching with its pidfile,
// `SENTINEL CONFIG SET loglevel` (7.2) kept across a restart, and Valkey's `log-format logfmt`
// plus Vigil's `json`.
import { execFileSync } from "node:child_process";
import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  freePort,
  redisCli,
  spawnSentinelImpl,
  startRedis,
  waitFor,
} from "./shell-support/processes.js";
import type { CapturedProcess, RedisProcess, SentinelImpl } from "./shell-support/processes.js";
import { bounded as boundedBy } from "./support/clients.js";
import { waitForMasterAddr } from "./harness/sentinel-process.js";
import { startTopology } from "./harness/topology.js";
import { buildOnce } from "./harness/build-once.js";

type Impl = SentinelImpl;

type Proc = CapturedProcess;

function spawnSentinel(impl: Impl, args: readonly string[], cwd: string): Proc {
  return spawnSentinelImpl(impl, args, cwd);
}

/** Waits up to 15 s (the shared helper with this file's bound). */
function bounded<T>(what: string, promise: Promise<T>, ms = 15_000): Promise<T> {
  return boundedBy(what, promise, ms);
}

function read(path: string): string {
  return existsSync(path) ? readFileSync(path, "utf8") : "";
}

/** Masks what differs between two runs: pids, times, ports, run ids. */
function normalize(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) =>
      l
        .replace(/^\d+:X \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} /, "<pid>:X <time> ")
        .replace(/^\d+:signal-handler \(\d+\) /, "<pid>:signal-handler (<t>) ")
        .replace(/pid=\d+/g, "pid=<pid>")
        .replace(/[0-9a-f]{40}/g, "<id>")
        .replace(/\b\d{4,5}\b/g, "<port>"),
    );
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("process and logs, side by side with redis-sentinel", function () {
  this.timeout(90_000);
  let dir: string;
  let redis: RedisProcess | null;
  let procs: Proc[];
  /** Daemons started detached: killed by pid after each test. */
  let detached: number[];

  before(function () {
    this.timeout(120_000);
    buildOnce();
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "vigil-logs-"));
    redis = null;
    procs = [];
    detached = [];
  });

  afterEach(async () => {
    for (const p of procs) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill("SIGKILL");
        await p.exited;
      }
    }
    for (const pid of detached) if (pidAlive(pid)) process.kill(pid, "SIGKILL");
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts `impl` on a config in its own dir under `dir`; resolves once PING answers. */
  async function start(
    impl: Impl,
    lines: readonly string[],
    name: string = impl,
  ): Promise<{ proc: Proc; port: number; home: string; log: string; conf: string }> {
    const port = await freePort();
    const home = join(dir, name);
    execFileSync("mkdir", ["-p", home]);
    const log = join(home, "sentinel.log");
    const conf = join(home, "sentinel.conf");
    writeFileSync(
      conf,
      [`port ${port}`, "bind 127.0.0.1", `logfile "${log}"`, ...lines, ""].join("\n"),
    );
    const proc = spawnSentinel(impl, [conf], home);
    procs.push(proc);
    await waitFor(
      `${impl} PING`,
      async () => (await redisCli(port, ["PING"])).includes("PONG"),
      15_000,
    );
    return { proc, port, home, log, conf };
  }

  /** Starts `impl` on `config` in its own dir under `dir`; expects it to exit 1 (bounded). */
  async function refusedStart(impl: Impl, config: string): Promise<Proc> {
    const home = join(dir, impl);
    execFileSync("mkdir", ["-p", home]);
    const conf = join(home, "sentinel.conf");
    writeFileSync(conf, config);
    const proc = spawnSentinel(impl, [conf], home);
    procs.push(proc);
    expect(await bounded(`${impl} exit`, proc.exited), impl).to.equal(1);
    return proc;
  }

  it("writes redis-sentinel's start-up, event and shutdown lines, byte for byte once masked", async () => {
    redis = await startRedis();
    const logs: Record<Impl, string[]> = { vigil: [], redis: [] };
    for (const impl of ["redis", "vigil"] as const) {
      const s = await start(impl, [
        `pidfile "${join(dir, `${impl}.pid`)}"`,
        `sentinel monitor m 127.0.0.1 ${redis.port} 1`,
      ]);
      await waitFor(`${impl}: +monitor`, () => read(s.log).includes("+monitor"));
      expect(
        await redisCli(s.port, ["SENTINEL", "SET", "m", "down-after-milliseconds", "4000"]),
      ).to.equal("OK\n");
      await waitFor(`${impl}: +set`, () => read(s.log).includes("+set"));
      s.proc.child.kill("SIGTERM");
      expect(await bounded(`${impl} exit`, s.proc.exited)).to.equal(0);
      logs[impl] = normalize(read(s.log));
      expect(s.proc.output.join(""), `${impl} stdout`).to.equal("");
    }
    const expected = [
      "<pid>:X <time> # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
      "<pid>:X <time> # Redis version=7.0.15, bits=64, commit=00000000, modified=0, pid=<pid>, just started",
      "<pid>:X <time> # Configuration loaded",
      "<pid>:X <time> * monotonic clock: POSIX clock_gettime",
      "<pid>:X <time> * Running mode=sentinel, port=<port>.",
      "<pid>:X <time> * Sentinel new configuration saved on disk",
      "<pid>:X <time> # Sentinel ID is <id>",
      "<pid>:X <time> # +monitor master m 127.0.0.1 <port> quorum 1",
    ];
    const shutdown = [
      "<pid>:signal-handler (<t>) Received SIGTERM scheduling shutdown...",
      "<pid>:X <time> # User requested shutdown...",
      "<pid>:X <time> * Removing the pid file.",
      "<pid>:X <time> # Sentinel is now ready to exit, bye bye...",
    ];
    const setLine =
      "<pid>:X <time> # +set master m 127.0.0.1 <port> down-after-milliseconds <port>";
    for (const impl of ["redis", "vigil"] as const) {
      expect(logs[impl].slice(0, expected.length), impl).to.deep.equal(expected);
      expect(logs[impl].slice(-shutdown.length), impl).to.deep.equal(shutdown);
      expect(logs[impl], impl).to.include(setLine);
    }
  });

  for (const impl of ["redis", "vigil"] as const) {
    it(`${impl}: logs "Executing user requested FAILOVER of '<name>'" before +new-epoch`, async () => {
      redis = await startRedis();
      const replica = await startRedis(["--replicaof", "127.0.0.1", String(redis.port)]);
      try {
        await waitFor("the replica's link", async () =>
          (await redisCli(replica.port, ["INFO", "replication"])).includes("master_link_status:up"),
        );
        const s = await start(impl, [`sentinel monitor m 127.0.0.1 ${redis.port} 1`]);
        await waitFor("+slave", () => read(s.log).includes("+slave"));
        // The replica becomes promotable once its own INFO came in.
        await waitFor(
          "FAILOVER accepted",
          async () => (await redisCli(s.port, ["SENTINEL", "FAILOVER", "m"])) === "OK\n",
        );
        await waitFor("+new-epoch", () => read(s.log).includes("+new-epoch"));
        const lines = normalize(read(s.log));
        const at = lines.indexOf("<pid>:X <time> # Executing user requested FAILOVER of 'm'");
        expect(at, lines.join("\n")).to.be.above(-1);
        expect(lines[at + 1]).to.equal("<pid>:X <time> # +new-epoch 1");
      } finally {
        await replica.stop();
      }
    });
  }

  for (const impl of ["redis", "vigil"] as const) {
    it(`${impl}: the failover leader logs '<peer> voted for <leader> <epoch>'`, async () => {
      const topology = await startTopology({ replicas: 1, sentinels: [impl, impl, impl] });
      try {
        await topology.master.kill();
        const replica = topology.replicas[0]!;
        await waitForMasterAddr(topology.sentinels, replica.port, "mymaster", {
          timeoutMs: 60_000,
        });
        const logs = topology.sentinels.map((s) => read(s.logPath));
        const leader = logs.find((l) => l.includes("+elected-leader"));
        expect(leader, logs.join("\n----\n")).to.be.a("string");
        const myId = /Sentinel ID is ([0-9a-f]{40})/.exec(leader ?? "")?.[1] ?? "?";
        const epoch = /# \+new-epoch (\d+)/.exec(leader ?? "")?.[1] ?? "?";
        expect(leader).to.match(
          new RegExp(`^\\d+:X [^#]+ # [0-9a-f]{40} voted for ${myId} ${epoch}$`, "m"),
        );
      } finally {
        await topology.teardown();
      }
    });
  }

  it("refuses port 0 as redis-sentinel does: the same lines, exit 1", async () => {
    const outputs: Record<Impl, string[]> = { vigil: [], redis: [] };
    for (const impl of ["redis", "vigil"] as const) {
      const proc = await refusedStart(
        impl,
        "port 0\nbind 127.0.0.1\nsentinel monitor m 127.0.0.1 6379 1\n",
      );
      outputs[impl] = normalize(proc.output.join(""));
    }
    expect(outputs.vigil).to.deep.equal(outputs.redis);
    expect(outputs.vigil.at(-1)).to.equal(
      "<pid>:X <time> # Configured to not listen anywhere, exiting.",
    );
  });

  // Found by the config fuzzer: `bind ""` was read as a bind address, which Node takes for every
  // interface (Vigil listened on all of them), and rewritten as a bare `bind`, which no longer
  // loads. Redis 7 reads a lone "" as no address at all, and fails to resolve "" among others.
  for (const [bind, last] of [
    ['""', "<pid>:X <time> # Configured to not listen anywhere, exiting."],
    ['127.0.0.1 ""', "<pid>:X <time> # Failed listening on port <port> (TCP), aborting."],
  ] as const) {
    it(`refuses bind ${bind} as redis-sentinel does: the same lines, exit 1`, async () => {
      const outputs: Record<Impl, string[]> = { vigil: [], redis: [] };
      const port = await freePort();
      for (const impl of ["redis", "vigil"] as const) {
        const proc = await refusedStart(
          impl,
          `port ${port}\nbind ${bind}\nsentinel monitor m 127.0.0.1 6379 1\n`,
        );
        outputs[impl] = normalize(proc.output.join(""));
      }
      expect(outputs.vigil).to.deep.equal(outputs.redis);
      expect(outputs.vigil.at(-1)).to.equal(last);
    });
  }

  it("refuses a log file it cannot open as redis-sentinel does: the same stderr, exit 1", async () => {
    const stderr: Record<Impl, string> = { vigil: "", redis: "" };
    for (const impl of ["redis", "vigil"] as const) {
      const proc = await refusedStart(
        impl,
        'port 0\nlogfile "missing/s.log"\nsentinel monitor m 127.0.0.1 6379 1\n',
      );
      stderr[impl] = proc.stderr.join("");
      expect(proc.stdout.join(""), impl).to.equal("");
    }
    expect(stderr.vigil).to.equal(stderr.redis);
    expect(stderr.vigil).to.equal(
      "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nCan't open the log file: No such file or directory\n",
    );
  });

  it("refuses a port in use as redis-sentinel does: the same lines, exit 1", async () => {
    redis = await startRedis();
    const outputs: Record<Impl, string[]> = { vigil: [], redis: [] };
    for (const impl of ["redis", "vigil"] as const) {
      const proc = await refusedStart(impl, `port ${redis.port}\nbind 127.0.0.1\n`);
      outputs[impl] = normalize(proc.output.join(""));
    }
    expect(outputs.vigil).to.deep.equal(outputs.redis);
    expect(outputs.vigil.at(-1)).to.equal(
      "<pid>:X <time> # Failed listening on port <port> (TCP), aborting.",
    );
  });

  for (const impl of ["redis", "vigil"] as const) {
    it(`${impl}: ignores SIGHUP and writes to a new log file after logrotate renamed it away`, async () => {
      redis = await startRedis();
      const s = await start(impl, [`sentinel monitor m 127.0.0.1 ${redis.port} 1`]);
      await waitFor("+monitor", () => read(s.log).includes("+monitor"));
      s.proc.child.kill("SIGHUP");
      renameSync(s.log, `${s.log}.1`);
      // Past Vigil's 100 ms check interval: the next line must go to the new file.
      await new Promise((done) => setTimeout(done, 300));
      expect(await redisCli(s.port, ["PING"])).to.equal("PONG\n");
      await redisCli(s.port, ["SENTINEL", "SET", "m", "quorum", "1"]);
      await waitFor("the +set line in the new log file", () => read(s.log).includes("+set"));
      expect(read(`${s.log}.1`)).not.to.contain("+set");
      expect(read(`${s.log}.1`)).not.to.contain("SIGHUP");
      expect(s.proc.child.exitCode).to.equal(null);
    });
  }

  for (const impl of ["redis", "vigil"] as const) {
    it(`${impl}: SIGALRM changes nothing; SIGUSR1 ends the process by that signal, opening no inspector`, async () => {
      redis = await startRedis();
      const s = await start(impl, [`sentinel monitor m 127.0.0.1 ${redis.port} 1`]);
      await waitFor("+monitor", () => read(s.log).includes("+monitor"));
      s.proc.child.kill("SIGALRM");
      await new Promise((done) => setTimeout(done, 300));
      expect(await redisCli(s.port, ["PING"])).to.equal("PONG\n");
      s.proc.child.kill("SIGUSR1");
      expect(await bounded("the exit on SIGUSR1", s.proc.exited)).to.equal(null);
      expect(s.proc.child.signalCode).to.equal("SIGUSR1");
      // Node's default would have printed "Debugger listening on ws://127.0.0.1:9229/…".
      expect(s.proc.output.join("")).not.to.contain("Debugger");
      expect(read(s.log)).not.to.match(/SIGUSR1|SIGALRM|bye bye/);
    });
  }

  it("daemonize yes: the launcher exits 0 once the daemon serves; the pidfile has the daemon's pid", async () => {
    const port = await freePort();
    const conf = join(dir, "sentinel.conf");
    const pidfile = join(dir, "sentinel.pid");
    const log = join(dir, "sentinel.log");
    writeFileSync(
      conf,
      [
        `port ${port}`,
        "bind 127.0.0.1",
        "daemonize yes",
        `pidfile "${pidfile}"`,
        `logfile "${log}"`,
        "sentinel monitor m 127.0.0.1 6379 1",
        "",
      ].join("\n"),
    );
    const launcher = spawnSentinel("vigil", [conf], dir);
    procs.push(launcher);
    expect(await bounded("the launcher's exit", launcher.exited)).to.equal(0);
    expect(launcher.output.join("")).to.equal("");
    // Serving by the time the launcher is gone: no wait.
    expect(await redisCli(port, ["PING"])).to.equal("PONG\n");
    const pid = Number(read(pidfile).trim());
    detached.push(pid);
    expect(pid).to.be.above(0).and.not.equal(launcher.child.pid);
    expect(pidAlive(pid)).to.equal(true);
    expect(read(log)).to.contain(`pid=${pid}, just started`);
    process.kill(pid, "SIGTERM");
    await waitFor("the daemon's exit", () => !pidAlive(pid), 15_000);
    expect(existsSync(pidfile)).to.equal(false);
    expect(read(log)).to.contain("Sentinel is now ready to exit, bye bye...");
  });

  it("daemonize yes reports a daemon that cannot listen with its exit code", async () => {
    const busy = await startRedis();
    redis = busy;
    const conf = join(dir, "sentinel.conf");
    writeFileSync(
      conf,
      [
        `port ${busy.port}`,
        "bind 127.0.0.1",
        "daemonize yes",
        `pidfile "${join(dir, "p.pid")}"`,
        "",
      ].join("\n"),
    );
    const launcher = spawnSentinel("vigil", [conf], dir);
    procs.push(launcher);
    expect(await bounded("the launcher's exit", launcher.exited)).to.equal(1);
    // The daemon logged to stdout, which is /dev/null once detached (logfile "").
    expect(launcher.output.join("")).to.equal("");
  });

  it("SENTINEL CONFIG SET loglevel applies at once, is rewritten and survives a restart", async () => {
    // Nothing listens there: the link's reconnections are logged at debug level.
    const nowhere = await freePort();
    const s = await start("vigil", [`sentinel monitor m 127.0.0.1 ${nowhere} 1`]);
    const debugLine = " . -cmd-link-reconnection master m ";
    expect(await redisCli(s.port, ["SENTINEL", "CONFIG", "GET", "loglevel"])).to.equal(
      "loglevel\nnotice\n",
    );
    // A reconnection attempt every second or so: none logged at notice level.
    await new Promise((done) => setTimeout(done, 1500));
    expect(read(s.log)).not.to.contain(debugLine);
    expect(await redisCli(s.port, ["SENTINEL", "CONFIG", "SET", "loglevel", "debug"])).to.equal(
      "OK\n",
    );
    expect(read(s.conf)).to.match(/^loglevel debug$/m);
    await waitFor("a debug line", () => read(s.log).includes(debugLine));
    expect(await redisCli(s.port, ["SENTINEL", "CONFIG", "SET", "loglevel", "nothing"])).to.contain(
      "Invalid value 'nothing' to SENTINEL CONFIG SET 'loglevel'",
    );
    s.proc.child.kill("SIGTERM");
    expect(await bounded("exit", s.proc.exited)).to.equal(0);
    const again = spawnSentinel("vigil", [s.conf], s.home);
    procs.push(again);
    await waitFor("PING", async () => (await redisCli(s.port, ["PING"])).includes("PONG"));
    expect(await redisCli(s.port, ["SENTINEL", "CONFIG", "GET", "loglevel"])).to.equal(
      "loglevel\ndebug\n",
    );
  });

  it("log-format logfmt and json: Valkey's logfmt lines, pino JSON lines, kept by the rewrite", async () => {
    const fmt = await start("vigil", [
      "log-format logfmt",
      "log-timestamp-format milliseconds",
      "sentinel monitor m 127.0.0.1 6379 1",
    ]);
    await waitFor("+monitor", () => read(fmt.log).includes("+monitor"));
    const line = read(fmt.log)
      .split("\n")
      .find((l) => l.includes("+monitor"));
    expect(line).to.match(
      /^pid=\d+ role=sentinel timestamp="\d{13}" level=warning message="\+monitor master m 127\.0\.0\.1 6379 quorum 1"$/,
    );
    await waitFor("the rewrite", () => read(fmt.conf).includes("sentinel myid"));
    expect(read(fmt.conf)).to.match(/^log-format logfmt$/m);
    expect(read(fmt.conf)).to.match(/^log-timestamp-format milliseconds$/m);

    const json = await start(
      "vigil",
      ["log-format json", "sentinel monitor m 127.0.0.1 6379 1"],
      "json",
    );
    await waitFor("+monitor", () => read(json.log).includes("+monitor"));
    const parsed = read(json.log)
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.find((l) => l["event"] === "+monitor")).to.include({
      msg: "+monitor master m 127.0.0.1 6379 quorum 1",
      master: "m",
      level: 40,
    });
  });
});

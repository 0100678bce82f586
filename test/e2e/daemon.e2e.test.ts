// Proves the built daemon (bin/vigil → dist/main.js) starts and stops like redis-sentinel: it
// answers PING once spawned (start-up time belongs to a benchmark, not a bound here: CI
// machines are shared), monitors a real redis-server, keeps stderr
// empty, writes its myid and pidfile, exits 0 on SIGTERM (removing the pidfile), and refuses a
// bad config with exit 1, file:line on stderr and no port opened.
import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createConnection } from "node:net";
import { join, resolve } from "node:path";
import {
  freePort,
  redisCli,
  spawnCaptured,
  startRedis,
  waitFor,
} from "./shell-support/processes.js";
import type { CapturedProcess, RedisProcess } from "./shell-support/processes.js";
import { bounded as boundedBy } from "./support/clients.js";
import { buildOnce } from "./harness/build-once.js";

const ROOT = resolve(import.meta.dirname, "../..");
const VIGIL = join(ROOT, "bin/vigil");

type Daemon = CapturedProcess;

function spawnVigil(args: readonly string[], cwd: string): Daemon {
  return spawnCaptured(VIGIL, args, cwd);
}

/** Waits up to 10 s (the shared helper with this file's bound). */
function bounded<T>(what: string, promise: Promise<T>, ms = 10_000): Promise<T> {
  return boundedBy(what, promise, ms);
}

describe("vigil daemon", function () {
  this.timeout(60_000);
  let dir: string;
  let redis: RedisProcess | null;
  let daemons: Daemon[];

  before(function () {
    this.timeout(120_000);
    buildOnce();
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "vigil-daemon-"));
    redis = null;
    daemons = [];
  });

  afterEach(async () => {
    for (const d of daemons) {
      if (d.child.exitCode === null && d.child.signalCode === null) {
        d.child.kill("SIGKILL");
        await d.exited;
      }
    }
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers PING once started, monitors the master, saves its myid and exits 0 on SIGTERM", async () => {
    redis = await startRedis();
    const port = await freePort();
    const conf = join(dir, "sentinel.conf");
    const pidfile = join(dir, "vigil.pid");
    writeFileSync(
      conf,
      [
        `port ${port}`,
        "bind 127.0.0.1",
        `pidfile ${pidfile}`,
        `sentinel monitor mymaster 127.0.0.1 ${redis.port} 1`,
        "",
      ].join("\n"),
    );
    const d = spawnVigil([conf], dir);
    daemons.push(d);
    await waitFor("PONG", async () => (await redisCli(port, ["PING"])).includes("PONG"), 10_000);

    const masters = await redisCli(port, ["SENTINEL", "MASTERS"]);
    expect(masters).to.contain("mymaster").and.to.contain(String(redis.port));
    await waitFor("the myid in the config file", () =>
      /^sentinel myid [0-9a-f]{40}$/m.test(readFileSync(conf, "utf8")),
    );
    const myid = (await redisCli(port, ["SENTINEL", "MYID"])).trim();
    expect(readFileSync(conf, "utf8")).to.contain(`sentinel myid ${myid}`);
    expect(readFileSync(pidfile, "utf8").trim()).to.equal(String(d.child.pid));
    await waitFor("the master's run id", async () =>
      /runid\n[0-9a-f]{40}/.test(await redisCli(port, ["SENTINEL", "MASTER", "mymaster"])),
    );
    expect(await redisCli(redis.port, ["CLIENT", "LIST"])).to.contain(
      `name=sentinel-${myid.slice(0, 8)}-cmd`,
    );

    d.child.kill("SIGTERM");
    expect(await bounded("exit after SIGTERM", d.exited)).to.equal(0);
    expect(d.stderr.join("")).to.equal("");
    expect(existsSync(pidfile)).to.equal(false);
    const log = d.stdout.join("");
    expect(log).to.contain(`Sentinel ID is ${myid}`);
    expect(log).to.contain("+monitor master mymaster 127.0.0.1");
  });

  it("publishes events to subscribers, answers admin commands after the flush, and stops on SHUTDOWN", async () => {
    redis = await startRedis();
    const port = await freePort();
    const conf = join(dir, "sentinel.conf");
    writeFileSync(
      conf,
      [
        `port ${port}`,
        "bind 127.0.0.1",
        `sentinel monitor mymaster 127.0.0.1 ${redis.port} 1`,
        "",
      ].join("\n"),
    );
    const d = spawnVigil([conf], dir);
    daemons.push(d);
    await waitFor("PONG", async () => (await redisCli(port, ["PING"])).includes("PONG"));
    const received: string[] = [];
    const subscriber = createConnection({ host: "127.0.0.1", port });
    subscriber.on("data", (chunk: Buffer) => received.push(chunk.toString("utf8")));
    subscriber.write("SUBSCRIBE +set\r\n");
    await waitFor("the subscription", () => received.join("").includes("subscribe"));
    expect(
      await redisCli(port, ["SENTINEL", "SET", "mymaster", "down-after-milliseconds", "4321"]),
    ).to.equal("OK\n");
    expect(readFileSync(conf, "utf8")).to.contain("sentinel down-after-milliseconds mymaster 4321");
    await waitFor("the +set message", () =>
      received.join("").includes("down-after-milliseconds 4321"),
    );
    subscriber.destroy();
    await redisCli(port, ["SHUTDOWN"]);
    expect(await bounded("exit after SHUTDOWN", d.exited)).to.equal(0);
    expect(d.stderr.join("")).to.equal("");
  });

  it("refuses a bad config with exit 1, file:line on stderr and no port opened", async () => {
    const port = await freePort();
    const conf = join(dir, "bad.conf");
    writeFileSync(
      conf,
      [`port ${port}`, "bind 127.0.0.1", "sentinel monitor mymaster 127.0.0.1 6379 0", ""].join(
        "\n",
      ),
    );
    const d = spawnVigil([conf], dir);
    daemons.push(d);
    expect(await bounded("exit on a bad config", d.exited)).to.equal(1);
    const stderr = d.stderr.join("");
    expect(stderr).to.contain("*** FATAL CONFIG FILE ERROR");
    expect(stderr).to.contain(`${conf}:3`);
    expect(stderr).to.contain("Quorum must be 1 or greater.");
    expect(d.stdout.join("")).to.equal("");
    expect(await redisCli(port, ["PING"])).to.contain("__error__");
  });

  it("validates a config with --test-config without starting", async () => {
    const conf = join(dir, "ok.conf");
    writeFileSync(conf, "port 0\nsentinel monitor m 127.0.0.1 6379 2\n");
    const d = spawnVigil([conf, "--test-config"], dir);
    daemons.push(d);
    expect(await bounded("exit after --test-config", d.exited)).to.equal(0);
    expect(d.stdout.join("")).to.contain("Configuration test passed");
    expect(d.stderr.join("")).to.equal("");
  });
});

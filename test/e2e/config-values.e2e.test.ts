// Values SENTINEL MONITOR / SET accept must load again after the rewrite (issue 13). Side by
// side: redis-sentinel 7.0.15 takes a master name holding a space, rewrites its file and then
// cannot start from it; Vigil refuses the name at the command ("Invalid master name."), refuses
// control characters as Valkey does, takes port 0 as both do, and restarts from its rewrite.
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  exitCodeWithin as exitCode,
  freePort,
  redisCli,
  spawnSentinelImpl,
  stopProcess as stop,
  waitFor,
} from "./shell-support/processes.js";
import type { CapturedProcess as Running, SentinelImpl } from "./shell-support/processes.js";

function start(kind: SentinelImpl, conf: string): Running {
  return spawnSentinelImpl(kind, [conf]);
}

const ROOT = resolve(import.meta.dirname, "../..");

describe("values accepted at run time load again (redis-sentinel and Vigil)", function () {
  this.timeout(60_000);
  let dir = "";
  let port = 0;
  let conf = "";
  const running: Running[] = [];

  before(function () {
    this.timeout(120_000);
    execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "ignore" });
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "vigil-values-"));
    port = await freePort();
    conf = join(dir, "sentinel.conf");
    writeFileSync(conf, `port ${port}\nbind 127.0.0.1\ndir ${dir}\n`);
  });

  afterEach(async () => {
    for (const r of running.splice(0)) await stop(r);
    rmSync(dir, { recursive: true, force: true });
  });

  async function up(kind: "redis" | "vigil"): Promise<Running> {
    const r = start(kind, conf);
    running.push(r);
    await waitFor(`${kind} on ${port}`, async () =>
      (await redisCli(port, ["PING"])).includes("PONG"),
    );
    return r;
  }

  it("redis-sentinel takes a name with a space, then cannot load its rewrite", async () => {
    const first = await up("redis");
    expect(
      (await redisCli(port, ["SENTINEL", "MONITOR", "a b", "127.0.0.1", "6399", "1"])).trim(),
    ).to.equal("OK");
    await stop(first);
    expect(readFileSync(conf, "utf8")).to.contain("sentinel monitor a b 127.0.0.1 6399 1");
    const second = start("redis", conf);
    running.push(second);
    expect(await exitCode(second)).to.equal(1);
  });

  it("Vigil refuses what it could not load, keeps port 0, and restarts from its rewrite", async () => {
    const first = await up("vigil");
    const monitor = (name: string, p: string): Promise<string> =>
      redisCli(port, ["SENTINEL", "MONITOR", name, "127.0.0.1", p, "1"]);
    for (const name of ["a b", "a,b", ""]) {
      expect((await monitor(name, "6399")).trim()).to.equal("ERR Invalid master name.");
    }
    expect((await monitor("p0", "0")).trim()).to.equal("OK");
    expect((await monitor("m", "6399")).trim()).to.equal("OK");
    expect(
      (
        await redisCli(port, ["SENTINEL", "SET", "m", "auth-pass", "a\r\nsentinel monitor x"])
      ).trim(),
    ).to.equal(
      "ERR Invalid argument at index 4 for SENTINEL SET: control characters are not allowed",
    );
    expect(
      (await redisCli(port, ["SENTINEL", "SET", "m", "auth-pass", "a b#\"'"])).trim(),
    ).to.equal("OK");
    await stop(first);
    await up("vigil");
    const masters = await redisCli(port, ["SENTINEL", "MASTERS"]);
    expect(masters).to.contain("name\np0\nip\n127.0.0.1\nport\n0\n");
    expect(masters).to.contain("name\nm\n");
    expect(readFileSync(conf, "utf8")).to.contain(`sentinel auth-pass m "a b#\\"'"`);
  });
});

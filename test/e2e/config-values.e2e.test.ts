// Values SENTINEL MONITOR / SET accept must load again after the rewrite (issue 13). Side by
// side: redis-sentinel 7.0.15 takes a master name holding a space, rewrites its file and then
// cannot start from it; Vigil refuses the name at the command ("Invalid master name."), refuses
// control characters as Valkey does, takes port 0 as both do, and restarts from its rewrite.
import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import { exitCodeWithin as exitCode, redisCli } from "./shell-support/processes.js";
import { sentinelDir } from "./shell-support/sentinel-dir.js";

describe("values accepted at run time load again (redis-sentinel and Vigil)", function () {
  this.timeout(60_000);
  const s = sentinelDir("vigil-values-");

  it("redis-sentinel takes a name with a space, then cannot load its rewrite", async () => {
    const first = await s.up("redis");
    expect(
      (await redisCli(s.port, ["SENTINEL", "MONITOR", "a b", "127.0.0.1", "6399", "1"])).trim(),
    ).to.equal("OK");
    await s.stop(first);
    expect(readFileSync(s.conf, "utf8")).to.contain("sentinel monitor a b 127.0.0.1 6399 1");
    const second = s.start("redis");
    expect(await exitCode(second)).to.equal(1);
  });

  it("Vigil refuses what it could not load, keeps port 0, and restarts from its rewrite", async () => {
    const first = await s.up("vigil");
    const monitor = (name: string, p: string): Promise<string> =>
      redisCli(s.port, ["SENTINEL", "MONITOR", name, "127.0.0.1", p, "1"]);
    for (const name of ["a b", "a,b", ""]) {
      expect((await monitor(name, "6399")).trim()).to.equal("ERR Invalid master name.");
    }
    expect((await monitor("p0", "0")).trim()).to.equal("OK");
    expect((await monitor("m", "6399")).trim()).to.equal("OK");
    expect(
      (
        await redisCli(s.port, ["SENTINEL", "SET", "m", "auth-pass", "a\r\nsentinel monitor x"])
      ).trim(),
    ).to.equal(
      "ERR Invalid argument at index 4 for SENTINEL SET: control characters are not allowed",
    );
    expect(
      (await redisCli(s.port, ["SENTINEL", "SET", "m", "auth-pass", "a b#\"'"])).trim(),
    ).to.equal("OK");
    await s.stop(first);
    await s.up("vigil");
    const masters = await redisCli(s.port, ["SENTINEL", "MASTERS"]);
    expect(masters).to.contain("name\np0\nip\n127.0.0.1\nport\n0\n");
    expect(masters).to.contain("name\nm\n");
    expect(readFileSync(s.conf, "utf8")).to.contain(`sentinel auth-pass m "a b#\\"'"`);
  });
});

describe("names and paths at the edges (redis-sentinel and Vigil)", function () {
  this.timeout(60_000);
  const s = sentinelDir("vigil-edges-", (other) => `sentinel monitor m 127.0.0.1 ${other} 1\n`);

  for (const impl of ["redis", "vigil"] as const) {
    it(`${impl}: writes a rename-command name as the last SET typed it, and reloads it`, async () => {
      const first = await s.up(impl);
      const set = (from: string, to: string): Promise<string> =>
        redisCli(s.port, ["SENTINEL", "SET", "m", "rename-command", from, to]);
      expect((await set("config", "xx")).trim()).to.equal("OK");
      expect((await set("CoNfIg", "yy")).trim()).to.equal("OK");
      await s.stop(first);
      const line = /^sentinel rename-command m .*$/gm;
      expect(readFileSync(s.conf, "utf8").match(line)).to.deep.equal([
        "sentinel rename-command m CoNfIg yy",
      ]);
      await s.stop(await s.up(impl));
      expect(readFileSync(s.conf, "utf8").match(line)).to.deep.equal([
        "sentinel rename-command m CoNfIg yy",
      ]);
    });

    it(`${impl}: reads more config from stdin with a last argument -, and rewrites it`, async () => {
      const stdin = "sentinel down-after-milliseconds m 4321\nsentinel auth-pass m 'a b'\n";
      const first = await s.up(impl, stdin);
      expect(first.stdout.join("")).to.match(/^\d+:X .* # Reading config from stdin$/m);
      const master = await redisCli(s.port, ["SENTINEL", "MASTER", "m"]);
      expect(master).to.contain("down-after-milliseconds\n4321\n");
      await s.stop(first);
      const text = readFileSync(s.conf, "utf8");
      expect(text).to.contain("sentinel down-after-milliseconds m 4321\n");
      expect(text).to.match(/^sentinel auth-pass m "?a b"?$/m);
      // A bad line on stdin is counted after the file's lines.
      const lines = text.split("\n").length;
      const bad = s.start(impl, "loglevel loud\n");
      expect(await exitCode(bad)).to.equal(1);
      expect(bad.output.join("")).to.include(`Reading the configuration file, at line ${lines}\n`);
    });

    it(`${impl}: refuses an empty notification-script line at load (access("") fails)`, async () => {
      writeFileSync(s.conf, `${readFileSync(s.conf, "utf8")}sentinel notification-script m ""\n`);
      const p = s.start(impl);
      expect(await exitCode(p)).to.equal(1);
      expect(p.output.join("")).to.include(
        "\nNotification script seems non existing or non executable.\n",
      );
    });
  }
});

// Relative paths in a config, run the way operators run redis-sentinel: the config at
// tmp/s1/sentinel.conf holds `dir ./s1` and the process starts in tmp/. redis-sentinel chdir()s
// at the `dir` line, before it applies the `sentinel` lines, so a relative notification-script
// resolves against dir when SENTINEL SET checks it, when the file is loaded again and when the
// script runs; the config file keeps its absolute path (INFO config_file) and the relative
// logfile and pidfile land in dir. The same steps run against Debian's redis-sentinel and Vigil,
// and both must restart from the file they rewrote.
import { expect } from "chai";
import { buildOnce } from "./harness/build-once.js";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  exitCodeWithin,
  freePort,
  redisCli,
  spawnSentinelImpl,
  stopProcess as stop,
  waitFor,
} from "./shell-support/processes.js";
import type {
  CapturedProcess as Running,
  SentinelImpl as Kind,
} from "./shell-support/processes.js";

/** Started in tmp/, with the config at s1/sentinel.conf, as the issue describes. */
function start(kind: Kind, cwd: string): Running {
  return spawnSentinelImpl(kind, ["s1/sentinel.conf"], cwd);
}

async function up(port: number, r: Running): Promise<void> {
  await waitFor(
    `sentinel on ${port} (stderr: ${r.stderr.join("")})`,
    async () => (await redisCli(port, ["PING"])).includes("PONG"),
    10_000,
  );
}

describe("relative paths against dir (redis-sentinel and Vigil)", function () {
  this.timeout(60_000);
  let tmp = "";
  const running: Running[] = [];

  before(function () {
    this.timeout(120_000);
    buildOnce();
  });

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), "vigil-paths-"));
  });

  afterEach(async () => {
    for (const r of running.splice(0)) await stop(r);
    rmSync(tmp, { recursive: true, force: true });
  });

  for (const kind of ["redis", "vigil"] as const) {
    it(`${kind}: a relative notification-script set at run time survives the restart`, async () => {
      const port = await freePort();
      const masterPort = await freePort();
      mkdirSync(join(tmp, "s1"));
      mkdirSync(join(tmp, "scripts"));
      writeFileSync(join(tmp, "scripts/notify.sh"), "#!/bin/sh\nexit 0\n");
      chmodSync(join(tmp, "scripts/notify.sh"), 0o755);
      writeFileSync(
        join(tmp, "s1/sentinel.conf"),
        [
          `port ${port}`,
          "bind 127.0.0.1",
          "dir ./s1",
          "logfile sentinel.log",
          "pidfile sentinel.pid",
          "sentinel deny-scripts-reconfig no",
          `sentinel monitor m 127.0.0.1 ${masterPort} 1`,
          "",
        ].join("\n"),
      );
      const first = start(kind, tmp);
      running.push(first);
      await up(port, first);

      const set = ["SENTINEL", "SET", "m", "notification-script", "../scripts/notify.sh"];
      expect((await redisCli(port, set)).trim()).to.equal("OK");
      // Relative to the process's directory (tmp/) it would exist; relative to dir it does not.
      expect(
        (
          await redisCli(port, [
            "SENTINEL",
            "SET",
            "m",
            "client-reconfig-script",
            "scripts/notify.sh",
          ])
        ).trim(),
      ).to.equal("ERR Client reconfiguration script seems non existing or non executable");
      expect(await redisCli(port, ["INFO", "server"])).to.contain(
        `config_file:${join(tmp, "s1/sentinel.conf")}`,
      );
      await waitFor("the log file in dir", () => existsSync(join(tmp, "s1/sentinel.log")));
      expect(existsSync(join(tmp, "s1/sentinel.pid"))).to.equal(true);
      expect(existsSync(join(tmp, "sentinel.log"))).to.equal(false);

      await stop(first);
      const second = start(kind, tmp);
      running.push(second);
      await up(port, second);
      const master = await redisCli(port, ["SENTINEL", "MASTER", "m"]);
      expect(master).to.contain("notification-script\n../scripts/notify.sh\n");
      expect(second.stderr.join("")).to.equal("");
    });
  }

  for (const kind of ["redis", "vigil"] as const) {
    it(`${kind}: a dir it cannot enter stops the load at its line with chdir's error`, async () => {
      mkdirSync(join(tmp, "s1"));
      writeFileSync(
        join(tmp, "s1/sentinel.conf"),
        `port ${await freePort()}\ndir ./missing\nsentinel monitor m 127.0.0.1 6379 1\n`,
      );
      const r = start(kind, tmp);
      running.push(r);
      expect(await exitCodeWithin(r)).to.equal(1);
      expect(r.output.join("")).to.contain(
        "Reading the configuration file, at line 2\n>>> 'dir ./missing'\nNo such file or directory\n",
      );
    });
  }
});

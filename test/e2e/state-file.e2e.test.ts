// A read-only config, as a Kubernetes ConfigMap mounts it: sentinel.conf 0444 in a 0555 dir,
// naming `state-file sentinel.state` in a writable dir. Vigil starts, SENTINEL SET changes a
// master, the state lands in the state file, and a restart comes back with it, while the
// config's bytes never change. Run as `nobody` when the tests run as root, so that the config is
// really unwritable. Without `state-file`, Vigil refuses such a config as redis-sentinel 7.0.15
// does (same text), since neither could persist its state.
import { expect } from "chai";
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  exitCodeWithin,
  freePort,
  redisCli,
  spawnCaptured,
  startRedis,
  stopProcess,
  waitFor,
} from "./shell-support/processes.js";
import type { CapturedProcess, RedisProcess } from "./shell-support/processes.js";

const ROOT = resolve(import.meta.dirname, "../..");
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

/** `file argv…`, as nobody when the tests run as root. */
function spawnUnprivileged(file: string, argv: readonly string[], cwd: string): CapturedProcess {
  return asRoot
    ? spawnCaptured(
        "setpriv",
        [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", file, ...argv],
        cwd,
      )
    : spawnCaptured(file, argv, cwd);
}

function vigil(config: string, cwd: string): CapturedProcess {
  return spawnUnprivileged(process.execPath, [join(ROOT, "bin/vigil"), config], cwd);
}

describe("state-file: a read-only config (Kubernetes ConfigMap)", function () {
  this.timeout(60_000);
  let tmp = "";
  let master: RedisProcess | null = null;
  const running: CapturedProcess[] = [];

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), "vigil-state-file-"));
    chmodSync(tmp, 0o755);
  });

  afterEach(async () => {
    for (const p of running.splice(0)) await stopProcess(p);
    await master?.stop();
    master = null;
    chmodSync(join(tmp, "config"), 0o755);
    rmSync(tmp, { recursive: true, force: true });
  });

  /** config/sentinel.conf (0444, dir 0555) and a writable state/ dir owned by the runner. */
  function layout(lines: readonly string[]): string {
    mkdirSync(join(tmp, "config"));
    mkdirSync(join(tmp, "state"));
    if (asRoot) chownSync(join(tmp, "state"), NOBODY, NOBODY);
    const config = join(tmp, "config", "sentinel.conf");
    writeFileSync(config, lines.join("\n") + "\n");
    chmodSync(config, 0o444);
    chmodSync(join(tmp, "config"), 0o555);
    return config;
  }

  it("starts, saves SENTINEL SET and its myid to the state file, restores them after a restart, never writes the config", async () => {
    master = await startRedis();
    const port = await freePort();
    const config = layout([
      `port ${port}`,
      "bind 127.0.0.1",
      `dir ${join(tmp, "state")}`,
      "state-file sentinel.state",
      `sentinel monitor m 127.0.0.1 ${master.port} 1`,
    ]);
    const bytes = readFileSync(config);
    const up = async (p: CapturedProcess): Promise<void> => {
      running.push(p);
      await waitFor(`Vigil on ${port} (output: ${p.output.join("")})`, async () =>
        (await redisCli(port, ["PING"])).includes("PONG"),
      );
    };
    const first = vigil(config, tmp);
    await up(first);
    const myid = (await redisCli(port, ["SENTINEL", "MYID"])).trim();
    expect(myid).to.match(/^[0-9a-f]{40}$/);
    expect(
      await redisCli(port, ["SENTINEL", "SET", "m", "down-after-milliseconds", "7777"]),
    ).to.equal("OK\n");
    const stateFile = join(tmp, "state", "sentinel.state");
    await waitFor("the state file to hold the SENTINEL SET", () => {
      try {
        return readFileSync(stateFile, "utf8").includes(
          "sentinel down-after-milliseconds m 7777\n",
        );
      } catch {
        return false;
      }
    });
    expect(readFileSync(stateFile, "utf8")).to.include(`sentinel myid ${myid}\n`);
    await stopProcess(first);
    expect(await exitCodeWithin(first)).to.equal(0);

    const second = vigil(config, tmp);
    await up(second);
    const fields = (await redisCli(port, ["SENTINEL", "MASTER", "m"])).split("\n");
    expect(fields[fields.indexOf("down-after-milliseconds") + 1]).to.equal("7777");
    expect((await redisCli(port, ["SENTINEL", "MYID"])).trim()).to.equal(myid);
    expect(readFileSync(config).equals(bytes), "the config's bytes are unchanged").to.equal(true);
  });

  it("without state-file, is refused as redis-sentinel refuses it (the config is not writable)", async () => {
    const config = layout([`port ${await freePort()}`, "sentinel monitor m 127.0.0.1 6379 1"]);
    const expected = `Sentinel config file ${config} is not writable: Permission denied. Exiting...`;
    for (const p of [
      vigil(config, tmp),
      spawnUnprivileged("/usr/bin/redis-sentinel", [config], tmp),
    ]) {
      running.push(p);
      expect(await exitCodeWithin(p), p.output.join("")).to.equal(1);
      expect(p.output.join(""), "output").to.include(expected);
    }
  });
});

// One sentinel config in a temp dir, run as redis-sentinel or bin/vigil on the same port: the
// set-up of the side-by-side tests that send a value to either program and restart it from its
// own rewrite. Registers its mocha hooks (build once, a fresh dir and port per test, every
// process stopped by pid and the dir removed after each).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, redisCli, spawnSentinelImpl, stopProcess, waitFor } from "./processes.js";
import type { CapturedProcess, SentinelImpl } from "./processes.js";
import { buildOnce } from "../harness/build-once.js";

export interface SentinelDir {
  readonly dir: string;
  readonly port: number;
  /** The config file's path. */
  readonly conf: string;
  /**
   * Starts `impl` on the config; resolves once it answers PING. `stdin`: config text given on
   * stdin, with `-` as the last argument.
   */
  up(impl: SentinelImpl, stdin?: string): Promise<CapturedProcess>;
  /** Starts `impl` on the config without waiting (for a start expected to fail). */
  start(impl: SentinelImpl, stdin?: string): CapturedProcess;
  stop(p: CapturedProcess): Promise<void>;
}

/**
 * `extraConf` is appended to `port`, `bind 127.0.0.1` and `dir`; it may use a second free
 * port (`otherPort`, e.g. a master that is never started).
 */
export function sentinelDir(
  prefix: string,
  extraConf: (otherPort: number) => string = () => "",
): SentinelDir {
  let dir = "";
  let port = 0;
  let conf = "";
  const running: CapturedProcess[] = [];

  before(function () {
    this.timeout(120_000);
    buildOnce();
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    port = await freePort();
    conf = join(dir, "sentinel.conf");
    const extra = extraConf(await freePort());
    writeFileSync(conf, `port ${port}\nbind 127.0.0.1\ndir ${dir}\n${extra}`);
  });

  afterEach(async () => {
    for (const p of running.splice(0)) await stopProcess(p);
    rmSync(dir, { recursive: true, force: true });
  });

  const fixture: SentinelDir = {
    get dir() {
      return dir;
    },
    get port() {
      return port;
    },
    get conf() {
      return conf;
    },
    start(impl, stdin) {
      const p =
        stdin === undefined
          ? spawnSentinelImpl(impl, [conf])
          : spawnSentinelImpl(impl, [conf, "-"], process.cwd(), stdin);
      running.push(p);
      return p;
    },
    async up(impl, stdin) {
      const p = fixture.start(impl, stdin);
      await waitFor(`${impl} on ${port}`, async () =>
        (await redisCli(port, ["PING"])).includes("PONG"),
      );
      return p;
    },
    stop: stopProcess,
  };
  return fixture;
}

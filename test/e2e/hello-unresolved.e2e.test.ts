// A peer's hello whose address is a name, with `resolve-hostnames no` (the default): redis-sentinel
// 7.0.15 and Vigil both ignore it (no +sentinel, no peer) and log `Failed to resolve hostname
// '<name>'` at warning, three times per hello (each createSentinelAddr call of sentinel.c). The
// hello is published on the monitored master's `__sentinel__:hello` as a peer would.
import { expect } from "chai";
import fs from "node:fs";
import { RedisProcess } from "./harness/redis-process.js";
import { SENTINEL_IMPLS, SentinelProcess } from "./harness/sentinel-process.js";
import { waitFor } from "./harness/wait-for.js";

const NAME = "nonexistent.invalid";
const LINE = `# Failed to resolve hostname '${NAME}'`;

for (const impl of SENTINEL_IMPLS) {
  describe(`a peer's hello naming an unresolvable host (${impl}, e2e)`, function () {
    this.timeout(60_000);
    let master: RedisProcess | undefined;
    let sentinel: SentinelProcess | undefined;

    afterEach(async () => {
      await sentinel?.cleanup();
      await master?.cleanup();
    });

    it("is ignored, and logged three times per hello", async () => {
      master = await RedisProcess.start();
      const port = master.port;
      sentinel = await SentinelProcess.start({
        impl,
        monitors: [],
        extraConfig: [`sentinel monitor m 127.0.0.1 ${port} 1`],
      });
      const s = sentinel;
      const m = master;
      await waitFor(
        "the sentinel subscribed to the master's hello channel",
        async () => {
          const n = await m.command(["PUBSUB", "NUMSUB", "__sentinel__:hello"]);
          return Array.isArray(n) && Number(n[1]) > 0;
        },
        { timeoutMs: 10_000 },
      );
      const runId = "f".repeat(40);
      await m.command([
        "PUBLISH",
        "__sentinel__:hello",
        `${NAME},26399,${runId},0,m,127.0.0.1,${port},0`,
      ]);
      const lines = (): string[] =>
        fs
          .readFileSync(s.logPath, "utf8")
          .split("\n")
          .filter((l) => l.endsWith(LINE));
      await waitFor("the log lines", () => lines().length >= 3, { timeoutMs: 5_000 });
      expect(await s.command(["SENTINEL", "SENTINELS", "m"])).to.deep.equal([]);
      expect(lines()).to.have.length(3);
      expect(fs.readFileSync(s.logPath, "utf8")).not.to.contain("+sentinel ");
    });
  });
}

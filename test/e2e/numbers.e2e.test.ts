// Proves numbers beyond 2^53 stay exact (issue 13 item 2) with a real redis-server master, run
// the same way against Vigil and Debian's redis-sentinel 7.0.15: one PUBLISH of a hello carrying
// epoch 2^53+1 on the monitored master, a vote requested in that epoch, then a restart from the
// rewritten config. Both must show 9007199254740993 in SENTINEL MASTER, the vote reply, the file,
// and again after the restart. SENTINEL SET at int64's limits: both refuse -2^63 and 2^63 with
// the same text; 2^53-1 is kept exactly through a restart; 2^53+1 and 2^63-1, which Redis takes
// and then truncates (at the command for quorum, at the next load for timeouts), Vigil refuses
// (docs/COMPATIBILITY.md). A hello with an epoch beyond int64 is ignored by Vigil.
import fs from "node:fs";
import { expect } from "chai";
import { RedisProcess } from "./harness/redis-process.js";
import { RespError, pairsToMap } from "./harness/resp-client.js";
import type { RespValue } from "./harness/resp-client.js";
import { SENTINEL_IMPLS, SentinelProcess } from "./harness/sentinel-process.js";
import type { SentinelImpl } from "./harness/sentinel-process.js";
import { waitFor } from "./harness/wait-for.js";

const BIG = "9007199254740993"; // 2^53 + 1
const PEER = "0123456789abcdef0123456789abcdef01234567";
const VOTED_FOR = "abcdefabcdefabcdefabcdefabcdefabcdefabcd";

function helloFrom(runId: string, port: number, epoch: string, masterPort: number): string {
  return `127.0.0.1,${port},${runId},${epoch},m,127.0.0.1,${masterPort},${epoch}`;
}

function errorText(reply: RespValue): string | null {
  return reply instanceof RespError ? reply.message : null;
}

for (const impl of SENTINEL_IMPLS) {
  describe(`numbers beyond 2^53 (${impl})`, function () {
    this.timeout(90_000);
    let master: RedisProcess | null = null;
    let sentinel: SentinelProcess | null = null;

    afterEach(async () => {
      await sentinel?.cleanup();
      await master?.cleanup();
      sentinel = null;
      master = null;
    });

    async function start(which: SentinelImpl): Promise<[RedisProcess, SentinelProcess]> {
      master = await RedisProcess.start();
      sentinel = await SentinelProcess.start({
        impl: which,
        monitors: [{ name: "m", port: master.port, quorum: 1, downAfterMs: 30_000 }],
      });
      return [master, sentinel];
    }

    /** PUBLISHes the hello until the sentinel has met its sender (its pub/sub link is up). */
    async function publishUntilMet(
      m: RedisProcess,
      s: SentinelProcess,
      runId: string,
      epoch: string,
      port = 26999,
    ): Promise<void> {
      const hello = helloFrom(runId, port, epoch, m.port);
      await waitFor(
        `${impl} to meet ${runId}`,
        async () => {
          await m.command(["PUBLISH", "__sentinel__:hello", hello]);
          const peers = await s.command(["SENTINEL", "SENTINELS", "m"]);
          return Array.isArray(peers) && peers.some((p) => pairsToMap(p).get("runid") === runId);
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
    }

    it("keeps a hello's epoch 2^53+1 exact in replies, the vote, the file and after a restart", async () => {
      const [m, s] = await start(impl);
      await publishUntilMet(m, s, PEER, BIG);
      expect((await s.master("m")).get("config-epoch")).to.equal(BIG);
      // A vote requested in that epoch: cast, flushed, and answered with the exact epoch.
      const vote = ["SENTINEL", "is-master-down-by-addr", "127.0.0.1", m.port, BIG, VOTED_FOR];
      expect(await s.command(vote)).to.deep.equal([0, VOTED_FOR, BigInt(BIG)]);
      const conf = fs.readFileSync(s.configPath, "utf8");
      expect(conf).to.include(`sentinel current-epoch ${BIG}\n`);
      expect(conf).to.include(`sentinel config-epoch m ${BIG}\n`);
      expect(conf).to.include(`sentinel leader-epoch m ${BIG}\n`);
      expect(errorText(await s.command(["INFO", "sentinel"]))).to.equal(null);

      await s.restart();
      expect((await s.master("m")).get("config-epoch")).to.equal(BIG);
      // The vote's epoch survived (its leader is not persisted): no second vote in that epoch.
      const again = ["SENTINEL", "is-master-down-by-addr", "127.0.0.1", m.port, BIG, PEER];
      expect(await s.command(again)).to.deep.equal([0, "*", BigInt(BIG)]);
      expect(fs.readFileSync(s.configPath, "utf8")).to.include(`sentinel current-epoch ${BIG}\n`);
    });

    it("answers SENTINEL SET at int64's limits, and keeps what it took through a restart", async () => {
      const [, s] = await start(impl);
      const set = (option: string, value: string): Promise<RespValue> =>
        s.command(["SENTINEL", "SET", "m", option, value]);
      const invalid = (option: string, value: string): RespError =>
        new RespError(`ERR Invalid argument '${value}' for SENTINEL SET '${option}'`);
      for (const option of ["down-after-milliseconds", "quorum", "parallel-syncs"]) {
        // Both refuse what is outside int64.
        for (const value of ["-9223372036854775808", "9223372036854775808"]) {
          expect(await set(option, value)).to.deep.equal(invalid(option, value));
        }
        // redis-sentinel takes these (quorum and parallel-syncs truncated to 32 bits at once,
        // the timeouts at its next load); a number would round them: Vigil refuses them.
        for (const value of [BIG, "9223372036854775807"]) {
          expect(await set(option, value)).to.deep.equal(
            impl === "redis" ? "OK" : invalid(option, value),
          );
        }
      }
      const max = String(Number.MAX_SAFE_INTEGER);
      const timeouts = [
        "down-after-milliseconds",
        "failover-timeout",
        "master-reboot-down-after-period",
      ];
      for (const option of timeouts) expect(await set(option, max)).to.equal("OK");
      const shown = await s.master("m");
      expect([shown.get("down-after-milliseconds"), shown.get("failover-timeout")]).to.deep.equal([
        max,
        max,
      ]);
      const conf = fs.readFileSync(s.configPath, "utf8");
      for (const option of timeouts) expect(conf).to.include(`sentinel ${option} m ${max}\n`);
      if (impl === "redis") return; // its loader's atoi() truncates them (down-after 2^53-1 → -1)

      await s.restart();
      const back = await s.master("m");
      expect([back.get("down-after-milliseconds"), back.get("failover-timeout")]).to.deep.equal([
        max,
        max,
      ]);
      expect(fs.readFileSync(s.configPath, "utf8")).to.include(
        `sentinel master-reboot-down-after-period m ${max}\n`,
      );
    });

    if (impl === "vigil") {
      it("ignores a hello whose epoch is beyond int64", async () => {
        const [m, s] = await start(impl);
        await publishUntilMet(m, s, PEER, "3");
        const beyond = helloFrom(VOTED_FOR, 26998, "9223372036854775808", m.port);
        await m.command(["PUBLISH", "__sentinel__:hello", beyond]);
        // Hellos of one channel arrive in order: once the next sender is met, the first was read.
        const third = "1111111111111111111111111111111111111111";
        await publishUntilMet(m, s, third, "3", 26997);
        const peers = await s.command(["SENTINEL", "SENTINELS", "m"]);
        const ids = Array.isArray(peers) ? peers.map((p) => pairsToMap(p).get("runid")) : [];
        expect(ids.sort()).to.deep.equal([PEER, third].sort());
        expect(fs.readFileSync(s.configPath, "utf8")).to.include("sentinel current-epoch 3\n");
        await s.restart();
        expect((await s.master("m")).get("config-epoch")).to.equal("3");
      });
    }
  });
}

// Proves that a sentinel's links to a data node react to changes made on the node, and to
// rename-command, as Debian's redis-sentinel 7.0.15 does: every scenario runs once against
// redis-sentinel (pinning the reference) and once against Vigil, each with its own redis-server.
// 1. The master gets an ACL user, turns its default user off and kills the default user's
//    connections: every reconnection's SUBSCRIBE is answered NOAUTH, which closes the pub/sub
//    connection (hiredis), so SENTINEL MASTER shows `disconnected` within two seconds and nearly
//    all the time after; `SENTINEL SET m auth-user sentu` + `auth-pass pw` bring both
//    connections back, logged in as sentu.
// 2. `SENTINEL SET m rename-command PING PONG`: the next PINGs go out as PONG on the connection
//    already open, the master answers `-ERR unknown command`, which is no sign of life: SDOWN
//    after down-after; `rename-command PING PING` clears it. Only a status or an error can prove
//    life: PING renamed to RANDOMKEY, answered with the bulk string "PONG" (the only key), gives
//    SDOWN too.
// 3. The renamed name is what goes on the wire: PING renamed to ECHO shows up in the master's
//    commandstats as rejected ECHO calls.
import { expect } from "chai";
import { RedisProcess } from "./harness/redis-process.js";
import { RespError, parseInfo } from "./harness/resp-client.js";
import type { RespValue, RespConnection } from "./harness/resp-client.js";
import { SentinelProcess } from "./harness/sentinel-process.js";
import type { SentinelImpl } from "./harness/sentinel-process.js";
import { delay, waitFor } from "./harness/wait-for.js";

const IMPLS = ["redis", "vigil"] as const satisfies readonly SentinelImpl[];

interface Sample {
  /** ms since the change under test. */
  readonly at: number;
  readonly flags: string;
}

function ok(reply: RespValue, what: string): RespValue {
  if (reply instanceof RespError) throw new Error(`${what}: ${reply.message}`);
  return reply;
}

function timeline(samples: readonly Sample[]): string {
  return samples.map((s) => `${Math.round(s.at)} ms ${s.flags}`).join("\n");
}

for (const impl of IMPLS) {
  describe(`links to data nodes (${impl === "redis" ? "redis-sentinel 7.0.15" : "Vigil"})`, function () {
    this.timeout(60_000);
    let redis: RedisProcess | null = null;
    let sentinel: SentinelProcess | null = null;
    const conns: RespConnection[] = [];

    afterEach(async function () {
      for (const c of conns.splice(0)) c.close();
      if (this.currentTest?.state === "failed" && sentinel !== null) console.log(sentinel.logs(40));
      await sentinel?.cleanup();
      await redis?.cleanup();
      sentinel = null;
      redis = null;
    });

    /** A master and a sentinel watching it (quorum 2 of one: no failover), both links up. */
    async function start(downAfterMs: number): Promise<{ r: RedisProcess; s: SentinelProcess }> {
      const r = await RedisProcess.start();
      redis = r;
      const s = await SentinelProcess.start({
        impl,
        monitors: [{ name: "m", port: r.port, quorum: 2, downAfterMs }],
      });
      sentinel = s;
      await waitFor("the master linked (flags master)", async () => {
        const flags = (await s.master("m")).get("flags");
        if (flags !== "master") throw new Error(`flags ${String(flags)}`);
        return true;
      });
      return { r, s };
    }

    async function flags(s: SentinelProcess): Promise<string> {
      return (await s.master("m")).get("flags") ?? "";
    }

    /** SENTINEL MASTER flags every 100 ms for `ms`, timed from `since`. */
    async function sample(s: SentinelProcess, since: number, ms: number): Promise<Sample[]> {
      const samples: Sample[] = [];
      const end = performance.now() + ms;
      while (performance.now() < end) {
        const value = await flags(s);
        samples.push({ at: performance.now() - since, flags: value });
        await delay(100);
      }
      return samples;
    }

    async function set(s: SentinelProcess, ...args: string[]): Promise<void> {
      ok(await s.command(["SENTINEL", "SET", "m", ...args]), `SENTINEL SET m ${args.join(" ")}`);
    }

    it("shows the master disconnected while its default user is off, back with auth-user/auth-pass", async () => {
      const { r, s } = await start(60_000);
      const admin = await r.connect();
      conns.push(admin);
      ok(await admin.call(["ACL", "SETUSER", "sentu", "on", ">pw", "allchannels", "+@all"]), "ACL");
      ok(await admin.call(["AUTH", "sentu", "pw"]), "AUTH");
      ok(await admin.call(["ACL", "SETUSER", "default", "off"]), "ACL");
      const changedAt = performance.now();
      ok(await admin.call(["CLIENT", "KILL", "USER", "default"]), "CLIENT KILL");

      const samples = await sample(s, changedAt, 4_000);
      const shown = samples.filter((x) => x.flags.split(",").includes("disconnected"));
      const first = shown[0];
      expect(first, `never disconnected:\n${timeline(samples)}`).to.not.equal(undefined);
      expect(first?.at ?? Infinity, timeline(samples)).to.be.below(2_000);
      // Each reconnection (one a second) is refused within milliseconds.
      const after = samples.filter((x) => x.at >= (first?.at ?? 0));
      expect(shown.length / after.length, timeline(samples)).to.be.at.least(0.9);

      await set(s, "auth-user", "sentu");
      await set(s, "auth-pass", "pw");
      const fixedAt = performance.now();
      await waitFor("flags master again", async () => (await flags(s)) === "master", {
        timeoutMs: 5_000,
      });
      const back = await sample(s, fixedAt, 1_500);
      expect(
        back.every((x) => x.flags === "master"),
        timeline(back),
      ).to.equal(true);
      // Both connections are logged in as sentu.
      const list = ok(await admin.call(["CLIENT", "LIST"]), "CLIENT LIST");
      const users = String(list)
        .split("\n")
        .filter((line) => / name=sentinel-\w+-(cmd|pubsub) /.test(line))
        .map((line) => `${/-(cmd|pubsub) /.exec(line)?.[1]} ${/ user=(\S+)/.exec(line)?.[1]}`)
        .sort();
      expect(users).to.deep.equal(["cmd sentu", "pubsub sentu"]);
    });

    it("flags the master SDOWN while PING is renamed to a command it does not know", async () => {
      const { s } = await start(1_000);
      await set(s, "rename-command", "PING", "PONG");
      const renamedAt = performance.now();
      await waitFor("s_down", async () => (await flags(s)).split(",").includes("s_down"), {
        timeoutMs: 6_000,
      });
      // No valid reply for down-after: not before.
      expect(performance.now() - renamedAt).to.be.above(900);
      await set(s, "rename-command", "PING", "PING");
      await waitFor("flags master again", async () => (await flags(s)) === "master", {
        timeoutMs: 5_000,
      });
    });

    it('takes a bulk "PONG" for no sign of life (PING renamed to RANDOMKEY, key PONG)', async () => {
      const { r, s } = await start(1_000);
      ok(await r.command(["SET", "PONG", "1"]), "SET");
      await set(s, "rename-command", "PING", "RANDOMKEY");
      const renamedAt = performance.now();
      await waitFor("s_down", async () => (await flags(s)).split(",").includes("s_down"), {
        timeoutMs: 6_000,
      });
      expect(performance.now() - renamedAt).to.be.above(900);
    });

    it("sends the renamed PING on the connection already open", async () => {
      const { r, s } = await start(60_000);
      const rejectedEchos = async (): Promise<number> => {
        const stats = parseInfo(String(await r.command(["INFO", "commandstats"])));
        return Number(/rejected_calls=(\d+)/.exec(stats.get("cmdstat_echo") ?? "")?.[1] ?? 0);
      };
      expect(await rejectedEchos()).to.equal(0);
      await set(s, "rename-command", "PING", "ECHO");
      // ECHO without its argument: refused (wrong number of arguments), counted per call.
      await waitFor("two rejected ECHO calls", async () => (await rejectedEchos()) >= 2, {
        timeoutMs: 5_000,
      });
    });
  });
}

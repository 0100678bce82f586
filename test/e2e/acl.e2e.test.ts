// Proves the ACL of a real Vigil process against Debian's redis-sentinel 7.0.15, each scenario
// run on both: logging in with AUTH and HELLO when the default user may only PING, channel
// permissions, ACL LOG after failed AUTHs, ACL DELUSER closing the deleted user's connections
// (and SETUSER off closing none) and the subscribers its new channel rules refuse, users
// written by a config rewrite and read back after a restart, an aclfile read at start, written
// by ACL SAVE and re-read by ACL LOAD (a bad one refused with Redis's line); and, on Vigil, SENTINEL SET rename-command names with spaces across a restart.
import { expect } from "chai";
import { RedisProcess } from "./harness/redis-process.js";
import { RespConnection, RespError } from "./harness/resp-client.js";
import type { RespValue } from "./harness/resp-client.js";
import { SENTINEL_IMPLS, SentinelProcess } from "./harness/sentinel-process.js";
import type { SentinelImpl } from "./harness/sentinel-process.js";
import { waitFor } from "./harness/wait-for.js";
import { exitCodeWithin, freePort, spawnSentinelImpl } from "./shell-support/processes.js";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const LOCKED_DOWN = ["user default on nopass -@all +ping", "user admin on >pw +@all"];
const NOPERM_CHANNEL =
  "NOPERM this user has no permissions to access one of the channels used as arguments";

function text(value: RespValue): string {
  return value instanceof RespError ? `-${value.message}` : JSON.stringify(value);
}

/** A flat RESP2 map reply as field → value. */
function fields(value: RespValue): Map<string, RespValue> {
  if (!Array.isArray(value)) throw new Error(`not a map: ${text(value)}`);
  const out = new Map<string, RespValue>();
  for (let i = 0; i + 1 < value.length; i += 2) out.set(String(value[i]), value[i + 1]!);
  return out;
}

function userLines(config: string): string[] {
  return config.split("\n").filter((l) => l.startsWith("user "));
}

describe("ACL on a real sentinel (e2e)", function () {
  this.timeout(120_000);
  const started: SentinelProcess[] = [];
  const redises: RedisProcess[] = [];
  const connections: RespConnection[] = [];
  const dirs: string[] = [];

  async function sentinel(impl: SentinelImpl, extraConfig: string[]): Promise<SentinelProcess> {
    const s = await SentinelProcess.start({ impl, monitors: [], extraConfig });
    started.push(s);
    return s;
  }

  async function connect(s: SentinelProcess, ...auth: string[]): Promise<RespConnection> {
    const c = await RespConnection.connect(s.port);
    connections.push(c);
    if (auth.length > 0) expect(await c.call(["AUTH", ...auth])).to.equal("OK");
    return c;
  }

  afterEach(async () => {
    for (const c of connections.splice(0)) c.close();
    for (const s of started.splice(0)) await s.cleanup();
    for (const r of redises.splice(0)) await r.cleanup();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  for (const impl of SENTINEL_IMPLS) {
    describe(impl, () => {
      it("logs in with AUTH and HELLO 3 AUTH when the default user may only PING", async () => {
        const s = await sentinel(impl, LOCKED_DOWN);
        expect(await s.command(["AUTH", "admin", "pw"])).to.equal("OK");
        const hello = fields(await s.command(["HELLO", "3", "AUTH", "admin", "pw"]));
        expect(hello.get("proto")).to.equal(3);
        const c = await connect(s, "admin", "pw");
        expect(await c.call(["ACL", "WHOAMI"])).to.equal("admin");
        expect(text(await s.command(["ACL", "WHOAMI"]))).to.equal(
          "-NOPERM this user has no permissions to run the 'acl|whoami' command",
        );
      });

      it("enforces channel permissions in RESP2 and RESP3", async () => {
        const s = await sentinel(impl, [
          "user chu on >c +@all resetchannels &news.* &exact",
          ...LOCKED_DOWN.slice(1),
        ]);
        const c = await connect(s, "chu", "c");
        expect(text(await c.call(["PSUBSCRIBE", "*"]))).to.equal(`-${NOPERM_CHANNEL}`);
        expect(text(await c.call(["SUBSCRIBE", "news.a", "other"]))).to.equal(`-${NOPERM_CHANNEL}`);
        expect(text(await c.call(["PUBLISH", "__sentinel__:hello", "x"]))).to.equal(
          `-${NOPERM_CHANNEL}`,
        );
        expect(await c.call(["PSUBSCRIBE", "news.*"])).to.deep.equal(["psubscribe", "news.*", 1]);
        const r3 = await connect(s);
        await r3.call(["HELLO", "3", "AUTH", "chu", "c"]);
        expect(text(await r3.call(["PSUBSCRIBE", "*"]))).to.equal(`-${NOPERM_CHANNEL}`);
      });

      it("records failed AUTHs and denials in ACL LOG", async () => {
        const s = await sentinel(impl, LOCKED_DOWN);
        expect(text(await s.command(["AUTH", "admin", "bad"]))).to.match(/^-WRONGPASS/);
        expect(text(await s.command(["AUTH", "admin", "bad"]))).to.match(/^-WRONGPASS/);
        await s.command(["ROLE"]);
        const admin = await connect(s, "admin", "pw");
        const log = await admin.call(["ACL", "LOG"]);
        expect(Array.isArray(log) && log.length).to.equal(2);
        const [role, auth] = (log as RespValue[]).map(fields);
        const brief = (e: Map<string, RespValue>): RespValue[] =>
          ["count", "reason", "context", "object", "username"].map((k) => e.get(k)!);
        expect(brief(auth!)).to.deep.equal([2, "auth", "toplevel", "AUTH", "admin"]);
        expect(brief(role!)).to.deep.equal([1, "command", "toplevel", "role", "default"]);
        expect([...auth!.keys()]).to.deep.equal([
          "count",
          "reason",
          "context",
          "object",
          "username",
          "age-seconds",
          "client-info",
        ]);
        expect(Number(auth!.get("age-seconds"))).to.be.within(0, 30);
        expect(String(auth!.get("client-info"))).to.match(
          /^id=\d+ addr=127\.0\.0\.1:\d+ .* cmd=auth user=default /,
        );
        expect(await admin.call(["ACL", "LOG", "1"])).to.have.length(1);
        expect(await admin.call(["ACL", "LOG", "RESET"])).to.equal("OK");
        expect(await admin.call(["ACL", "LOG"])).to.deep.equal([]);
      });

      it("closes the connections of a deleted user, and none of a user turned off", async () => {
        const s = await sentinel(impl, []);
        await s.command(["ACL", "SETUSER", "d1", "on", ">d", "+@all"]);
        await s.command(["ACL", "SETUSER", "d2", "on", ">d", "+@all"]);
        const d1 = await connect(s, "d1", "d");
        const d2 = await connect(s, "d2", "d");
        expect(await s.command(["ACL", "DELUSER", "d1"])).to.equal(1);
        expect(await s.command(["ACL", "SETUSER", "d2", "off", "resetpass"])).to.equal("OK");
        let closed = "";
        await d1.call(["ACL", "WHOAMI"]).catch((err: unknown) => {
          closed = String(err);
        });
        // The server closed it: the client sees the close, or, when the server's FIN came in
        // first, Node's refusal to write to a socket the other side ended (a race in the client).
        expect(closed).to.match(/connection closed|This socket has been ended by the other party/);
        expect(await d2.call(["ACL", "WHOAMI"])).to.equal("d2");
      });

      it("closes a user's subscribers when its new channel rules refuse their subscriptions", async () => {
        const s = await sentinel(impl, []);
        await s.command(["ACL", "SETUSER", "ps", "on", ">p", "+@all", "allchannels"]);
        const pattern = await connect(s, "ps", "p");
        const channel = await connect(s, "ps", "p");
        expect(await pattern.call(["PSUBSCRIBE", "a*"])).to.deep.equal(["psubscribe", "a*", 1]);
        expect(await channel.call(["SUBSCRIBE", "b"])).to.deep.equal(["subscribe", "b", 1]);
        const alive = async (c: RespConnection): Promise<boolean> =>
          c.call(["PING"]).then(
            () => true,
            () => false,
          );
        await s.command(["ACL", "SETUSER", "ps", "resetchannels", "&a*", "&b"]);
        expect([await alive(pattern), await alive(channel)]).to.deep.equal([true, true]);
        await s.command(["ACL", "SETUSER", "ps", "resetchannels", "&a*"]);
        expect([await alive(pattern), await alive(channel)]).to.deep.equal([true, false]);
        await s.command(["ACL", "SETUSER", "ps", "resetchannels", "&a"]);
        expect(await alive(pattern)).to.equal(false);
      });

      it("takes its users from the aclfile, writes them with ACL SAVE and reloads them with ACL LOAD", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vigil-aclfile-"));
        dirs.push(dir);
        const file = path.join(dir, "users.acl");
        fs.writeFileSync(
          file,
          "user default on nopass ~* &* -@all +ping\nuser carol on >cpw ~* &* +@all\n",
        );
        const s = await SentinelProcess.start({
          impl,
          monitors: [],
          dir,
          extraConfig: ["aclfile users.acl"],
        });
        started.push(s);
        const c = await connect(s);
        expect(text(await c.call(["SENTINEL", "MASTERS"]))).to.match(/^-NOPERM /);
        expect(await c.call(["AUTH", "carol", "cpw"])).to.equal("OK");
        expect(await c.call(["ACL", "SETUSER", "dave", "on", ">dpw", "+ping"])).to.equal("OK");
        expect(await c.call(["ACL", "SAVE"])).to.equal("OK");
        // Both programs write the same file (Redis's order and words).
        expect(fs.readFileSync(file, "utf8").replace(/#[0-9a-f]{64}/g, "#<hash>")).to.equal(
          [
            "user carol on #<hash> ~* &* +@all",
            "user dave on #<hash> resetchannels -@all +ping",
            "user default on nopass ~* &* -@all +ping",
            "",
          ].join("\n"),
        );
        fs.appendFileSync(file, "user eve on bogus\n");
        expect(text(await c.call(["ACL", "LOAD"]))).to.equal(
          "-ERR users.acl:4: Syntax error. WARNING: ACL errors detected, no change to the previously active ACL rules was performed",
        );
        expect(await c.call(["ACL", "USERS"])).to.deep.equal(["carol", "dave", "default"]);
        // A successful load closes the connections of every user but default.
        fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("user eve on bogus\n", ""));
        const plain = await connect(s);
        expect(await (await connect(s, "carol", "cpw")).call(["ACL", "LOAD"])).to.equal("OK");
        const after = await c.call(["PING"]).then(
          () => "answered",
          (e: unknown) => String(e),
        );
        expect(after).to.contain("connection closed");
        expect(await plain.call(["PING"])).to.equal("PONG");
        expect(await (await connect(s, "carol", "cpw")).call(["SENTINEL", "FLUSHCONFIG"])).to.equal(
          "OK",
        );
        expect(s.readConfig())
          .to.contain("aclfile")
          .and.not.to.match(/^user /m);
      });

      it("refuses to start on an aclfile it cannot load, with Redis's line", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vigil-aclfile-"));
        dirs.push(dir);
        fs.writeFileSync(
          path.join(dir, "users.acl"),
          "user carol on +nosuch\nuser carol off\n# no comments\n",
        );
        const conf = path.join(dir, "sentinel.conf");
        const port = await freePort();
        fs.writeFileSync(conf, `port ${port}\nbind 127.0.0.1\ndir ${dir}\naclfile users.acl\n`);
        const proc = spawnSentinelImpl(impl, [conf], dir);
        expect(await exitCodeWithin(proc)).to.equal(1);
        expect(proc.output.join("")).to.contain(
          "# Aborting Redis startup because of ACL errors: users.acl:1: Error in applying operation '+nosuch': Unknown command or category name in ACL. WARNING: Duplicate user 'carol' found on line 2. users.acl:3 should start with user keyword followed by the username. WARNING: ACL errors detected, no change to the previously active ACL rules was performed\n",
        );
      });

      it("writes ACL changes at the next rewrite and reads them back after a restart", async () => {
        const s = await sentinel(impl, ["user gone on >g +@all"]);
        await s.command([
          "ACL",
          "SETUSER",
          "u1",
          "on",
          ">p1",
          "~foo",
          "%R~bar",
          "&ch*",
          "+@all",
          "-@dangerous",
          "(+ping ~x &y)",
        ]);
        await s.command([
          "ACL",
          "SETUSER",
          "u4",
          "on",
          "nopass",
          "allchannels",
          "allkeys",
          "+@all",
          "-ping",
        ]);
        await s.command(["ACL", "DELUSER", "gone"]);
        const before = await s.command(["ACL", "LIST"]);
        expect(await s.command(["SENTINEL", "FLUSHCONFIG"])).to.equal("OK");
        const lines = userLines(s.readConfig());
        // Both implementations write exactly these lines (the default user as it started).
        expect(lines).to.deep.equal([
          "user default on nopass ~* &* +@all",
          "user u1 on #f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a ~foo %R~bar resetchannels &ch* +@all -@dangerous (~x resetchannels &y -@all +ping)",
          "user u4 on nopass ~* &* +@all -ping",
        ]);
        await s.restart();
        const after = await s.command(["ACL", "LIST"]);
        // redis-sentinel resets the default user when it reads its line (sanitize-payload).
        const users = (v: RespValue): RespValue =>
          impl === "redis" && Array.isArray(v)
            ? v.filter((l) => !String(l).startsWith("user default"))
            : v;
        expect(users(after)).to.deep.equal(users(before));
        expect(await (await connect(s)).call(["AUTH", "u1", "p1"])).to.equal("OK");
      });
    });
  }

  it("vigil: rename-command names with spaces come back after a restart", async () => {
    const master = await RedisProcess.start();
    redises.push(master);
    const s = await SentinelProcess.start({
      impl: "vigil",
      monitors: [{ name: "m", port: master.port, quorum: 1 }],
    });
    started.push(s);
    expect(await s.command(["SENTINEL", "SET", "m", "rename-command", "a b", "c d"])).to.equal(
      "OK",
    );
    const line = 'sentinel rename-command m "a b" "c d"';
    await waitFor("the rewrite", () => s.readConfig().includes(line));
    await s.restart();
    expect(await s.command(["SENTINEL", "FLUSHCONFIG"])).to.equal("OK");
    expect(s.readConfig()).to.include(line);
  });
});

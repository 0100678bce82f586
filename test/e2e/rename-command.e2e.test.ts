// Top-level `rename-command` lines side by side: redis-sentinel 7.0.15 and Vigil start from the
// same lines and must answer alike. Only the name a command is called by changes: COMMAND INFO,
// NOPERM and ACL LOG keep the original name, ACL rules name commands by their original names,
// and a deleted command ("") is gone from COMMAND COUNT. A restart from the rewrite keeps them.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  freePort,
  redisCli,
  spawnSentinelImpl,
  stopProcess,
  waitFor,
} from "./shell-support/processes.js";
import type { CapturedProcess, SentinelImpl } from "./shell-support/processes.js";
import { buildOnce } from "./harness/build-once.js";

const RENAMES =
  'rename-command PING XPING\nrename-command SHUTDOWN ""\nrename-command CLIENT XCLIENT\n';

describe("rename-command applies to the sentinel's own commands (redis-sentinel and Vigil)", function () {
  this.timeout(90_000);
  const dirs: string[] = [];
  const running: CapturedProcess[] = [];
  const ports = { redis: 0, vigil: 0 };
  const confs = { redis: "", vigil: "" };

  before(function () {
    this.timeout(120_000);
    buildOnce();
  });

  async function up(impl: SentinelImpl): Promise<CapturedProcess> {
    const p = spawnSentinelImpl(impl, [confs[impl]]);
    running.push(p);
    await waitFor(`${impl} on ${ports[impl]}`, async () =>
      (await redisCli(ports[impl], ["XPING"])).includes("PONG"),
    );
    return p;
  }

  beforeEach(async () => {
    const master = await freePort();
    for (const impl of ["redis", "vigil"] as const) {
      const dir = mkdtempSync(join(tmpdir(), `vigil-rename-${impl}-`));
      dirs.push(dir);
      ports[impl] = await freePort();
      confs[impl] = join(dir, "sentinel.conf");
      writeFileSync(
        confs[impl],
        `port ${ports[impl]}\nbind 127.0.0.1\ndir ${dir}\n${RENAMES}` +
          `sentinel monitor m 127.0.0.1 ${master} 2\n`,
      );
    }
  });

  afterEach(async () => {
    for (const p of running.splice(0)) await stopProcess(p);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** Each program's reply to `args`, for replies that hold ids or times. */
  async function each(args: readonly string[]): Promise<string[]> {
    return Promise.all([redisCli(ports.redis, args), redisCli(ports.vigil, args)]);
  }

  /** The reply of both programs to `args` (they must be equal), without trailing newlines. */
  async function both(args: readonly string[]): Promise<string> {
    const [r, v] = await Promise.all([redisCli(ports.redis, args), redisCli(ports.vigil, args)]);
    expect(v, args.join(" ")).to.equal(r);
    // redis-cli ends an error with an empty line; the reply's own trailing space stays.
    return v.replace(/\n+$/, "");
  }

  it("answers the new names, refuses the old ones, and lists what redis-sentinel lists", async () => {
    await Promise.all([up("redis"), up("vigil")]);
    expect(await both(["PING"])).to.equal("ERR unknown command 'PING', with args beginning with: ");
    expect(await both(["xPiNg"])).to.equal("PONG");
    expect(await both(["SHUTDOWN", "NOSAVE"])).to.equal(
      "ERR unknown command 'SHUTDOWN', with args beginning with: 'NOSAVE' ",
    );
    expect(await both(["CLIENT", "LIST"])).to.match(/^ERR unknown command 'CLIENT'/);
    for (const id of await each(["XCLIENT", "ID"])) expect(id).to.match(/^\d+\n$/);
    expect(await both(["XCLIENT", "NOPE"])).to.equal(
      "ERR unknown subcommand 'NOPE'. Try XCLIENT HELP.",
    );
    expect(await both(["XPING", "a", "b"])).to.equal(
      "ERR wrong number of arguments for 'ping' command",
    );
    expect(await both(["COMMAND", "COUNT"])).to.equal("14");
    // The entry of XPING is PING's, under its own name; PING and SHUTDOWN have none.
    const info = await both(["COMMAND", "INFO", "PING", "XPING", "SHUTDOWN", "XCLIENT|LIST"]);
    expect(info).to.match(/^\nping\n-1\n/);
    expect(info).to.contain("client|list");
    expect(await both(["COMMAND", "LIST", "FILTERBY", "PATTERN", "*ping*"])).to.equal("ping");
    expect(await both(["COMMAND", "LIST", "FILTERBY", "PATTERN", "shutdown"])).to.equal("");
  });

  it("names commands in ACL rules, NOPERM and ACL LOG by their original names", async () => {
    await Promise.all([up("redis"), up("vigil")]);
    expect(await both(["ACL", "SETUSER", "u", "on", "nopass", "+xping"])).to.equal(
      "ERR Error in ACL SETUSER modifier '+xping': Unknown command or category name in ACL",
    );
    expect(await both(["ACL", "SETUSER", "u2", "on", "nopass", "+@all", "-ping"])).to.equal("OK");
    expect(await both(["ACL", "DRYRUN", "u2", "PING"])).to.equal("ERR Command 'PING' not found");
    expect(await both(["ACL", "DRYRUN", "u2", "XPING"])).to.equal(
      "This user has no permissions to run the 'ping' command",
    );
    const asU2 = ["--user", "u2", "--pass", "x", "--no-auth-warning", "XPING"];
    expect(await both(asU2)).to.equal(
      "NOPERM this user has no permissions to run the 'ping' command",
    );
    for (const log of await each(["ACL", "LOG", "1"])) {
      expect(log).to.contain("object\nping\nusername\nu2\n");
      expect(log).to.contain(" cmd=ping ");
    }
  });

  it("keeps the renames across a config rewrite and a restart", async () => {
    const first = { redis: await up("redis"), vigil: await up("vigil") };
    expect(await both(["SENTINEL", "SET", "m", "down-after-milliseconds", "4321"])).to.equal("OK");
    await Promise.all([stopProcess(first.redis), stopProcess(first.vigil)]);
    for (const impl of ["redis", "vigil"] as const) {
      const text = readFileSync(confs[impl], "utf8");
      expect(text, impl).to.contain("down-after-milliseconds m 4321");
      expect(text, impl).to.contain(RENAMES);
    }
    await Promise.all([up("redis"), up("vigil")]);
    expect(await both(["PING"])).to.match(/^ERR unknown command 'PING'/);
    expect(await both(["SHUTDOWN"])).to.match(/^ERR unknown command 'SHUTDOWN'/);
    expect(await both(["COMMAND", "COUNT"])).to.equal("14");
  });
});

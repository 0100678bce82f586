// Proves the RESP server answers like redis-sentinel 7.0.15 byte for byte: the same requests
// (PING, HELLO, ROLE, COMMAND, CLIENT, AUTH, pub/sub in RESP2 and RESP3, GET-MASTER-ADDR-BY-NAME
// through its fast path and around it, protocol errors) go to a real redis-sentinel and to an
// in-process server, and the replies are compared with ids and the master's port normalized;
// INFO has the same sections and field names in the same order.
import { expect } from "chai";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { RespServer } from "../../src/shell/resp-server.js";
import { registerPid, unregisterPid } from "./harness/pid-registry.js";
import { freePort } from "./harness/ports.js";
import { waitFor } from "./harness/wait-for.js";
import {
  TestHost,
  exchange,
  getAddr,
  never,
  replies,
  startOurs,
} from "./support/resp-server-kit.js";

/** Starts Debian's redis-sentinel on a free port with a minimal config; returns it and its port. */
async function startRealSentinel(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const unused = await freePort();
  const conf = path.join(dir, "sentinel.conf");
  writeFileSync(
    conf,
    `port ${port}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor m 127.0.0.1 ${unused} 2\n`,
  );
  const child = spawn("/usr/bin/redis-sentinel", [conf], { stdio: "ignore" });
  if (child.pid === undefined) throw new Error("redis-sentinel did not start");
  registerPid(child.pid, `redis-sentinel:${port}`);
  await waitFor(`redis-sentinel on ${port} answers PING`, async () => {
    const { data } = await exchange(port, "PING\r\n", replies(1), 500);
    return data.toString() === "+PONG\r\n";
  });
  return { child, port };
}

describe("RESP server compared with redis-sentinel 7.0.15 (e2e)", function () {
  this.timeout(60_000);
  let dir: string;
  let real: { child: ChildProcess; port: number } | undefined;
  let ours: RespServer;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "vigil-resp-"));
    real = await startRealSentinel(dir);
    const host = new TestHost();
    ours = await startOurs(host);
  });

  afterEach(async () => {
    await ours.close();
    if (real?.child.pid !== undefined) {
      const child = real.child;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
      unregisterPid(child.pid!);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  // Each case: request bytes and how many replies to wait for (0 = until the server closes).
  const cases: readonly (readonly [string, number])[] = [
    ["PING\r\n", 1],
    ["PING x\r\n", 1],
    ["HELLO 3\r\n", 1],
    ["HELLO 2\r\n", 1],
    ["HELLO 4\r\n", 1],
    ["HELLO x\r\n", 1],
    ["ROLE\r\n", 1],
    ["COMMAND COUNT\r\n", 1],
    ["COMMAND INFO ping\r\n", 1],
    ["HELLO 3\r\nCOMMAND INFO ping\r\n", 2],
    ["select 0\r\n", 1],
    ["FOO a b\r\n", 1],
    ["AUTH x\r\n", 1],
    ["AUTH a b\r\n", 1],
    ["AUTH\r\n", 1],
    ["CLIENT SETNAME abc\r\nCLIENT GETNAME\r\n", 2],
    ['CLIENT SETNAME "a b"\r\n', 1],
    ["CLIENT FOO\r\n", 1],
    ["CLIENT KILL TYPE foo\r\n", 1],
    // Several channels unsubscribe-all in Redis's dict order, which is not stable: one here.
    [
      "SUBSCRIBE a b\r\nPSUBSCRIBE x*\r\nPING\r\nPING hi\r\nUNSUBSCRIBE b\r\nUNSUBSCRIBE\r\nPUNSUBSCRIBE\r\nUNSUBSCRIBE\r\n",
      9,
    ],
    ["HELLO 3\r\nSUBSCRIBE a\r\nPSUBSCRIBE +*\r\nPING\r\nPUNSUBSCRIBE\r\nUNSUBSCRIBE\r\n", 6],
    ["SUBSCRIBE a\r\nROLE\r\nSENTINEL masters\r\n", 3],
    ["PUBLISH x y\r\n", 1],
    ["PING a b\r\n", 1],
    ["INFO foo\r\n", 1],
    ["ACL WHOAMI\r\nACL USERS\r\nACL LIST\r\n", 3],
    ["CLIENT HELP\r\nACL HELP\r\n", 2],
    ["ACL GENPASS x\r\nACL DRYRUN default client kill\r\nACL DRYRUN default client nosuch\r\n", 3],
    [
      "CLIENT PAUSE x FOO\r\nCLIENT PAUSE -5 WRITE\r\nCLIENT UNBLOCK x foo\r\nCLIENT UNBLOCK x\r\n",
      4,
    ],
    // CLIENT TRACKING's state, checks and one-command CACHING flag (a sentinel has no keys).
    [
      "CLIENT TRACKING on BCAST PREFIX b PREFIX a NOLOOP\r\nCLIENT TRACKINGINFO\r\nCLIENT TRACKING on BCAST PREFIX bc\r\nCLIENT TRACKING on OPTIN\r\nCLIENT TRACKING off\r\nCLIENT TRACKING on OPTIN\r\nCLIENT CACHING yes\r\nCLIENT TRACKINGINFO\r\nPING\r\nCLIENT TRACKINGINFO\r\nCLIENT GETREDIR\r\nCLIENT TRACKING on REDIRECT 999\r\nCLIENT TRACKING on OPTIN OPTOUT\r\n",
      13,
    ],
    ["HELLO 3\r\nCLIENT TRACKINGINFO\r\nCLIENT TRACKING on\r\nCLIENT TRACKINGINFO\r\n", 4],
    // GET-MASTER-ADDR-BY-NAME, which the server answers on a byte-level fast path, in the
    // situations where that path must step aside or give the general path's answer.
    [
      `${getAddr("m")}${getAddr("nomaster")}${getAddr("m", "SENTINEL", "GET-MASTER-ADDR-BY-NAME")}`,
      3,
    ],
    [`HELLO 3\r\n${getAddr("nomaster")}${getAddr("m")}`, 3],
    [`SUBSCRIBE a\r\n${getAddr("m")}`, 2],
    [`CLIENT REPLY OFF\r\n${getAddr("m")}CLIENT REPLY ON\r\nPING\r\n`, 2],
    [`CLIENT REPLY SKIP\r\n${getAddr("m")}PING\r\n`, 1],
    [`${getAddr("m", "SeNtInEl", "Get-Master-Addr-By-Name")}${getAddr("m")}`, 2],
    [`${getAddr("m")}*3\r\n$8\r\nsentinel\r\n$23\r\nget-master-addr-by-name\r\n$01\r\nm\r\n`, 0],
    ["*x\r\n", 0],
    ["*1\r\n$-1\r\n", 0],
    ["*1\r\nPING\r\n", 0],
    ['PING "a\r\n', 0],
  ];

  // Ids differ, and the real sentinel's master listens on a port picked for the run.
  const normalize = (b: Buffer): string =>
    b
      .toString("latin1")
      .replace(/\$2\r\nid\r\n:\d+\r\n/g, "$2\r\nid\r\n:N\r\n")
      .replace(/\*2\r\n\$9\r\n127\.0\.0\.1\r\n\$\d+\r\n\d+\r\n/g, "ADDR");

  it("gives byte-identical replies to the same requests", async () => {
    const realPort = real!.port;
    const ourPort = ours.address().port;
    for (const [input, n] of cases) {
      const done = n === 0 ? never : replies(n);
      const [theirs, mine] = await Promise.all([
        exchange(realPort, input, done),
        exchange(ourPort, input, done),
      ]);
      expect(normalize(mine.data), JSON.stringify(input)).to.equal(normalize(theirs.data));
      if (n === 0)
        expect(mine.closed && theirs.closed, `${JSON.stringify(input)} closes`).to.equal(true);
    }
  });

  it("gives INFO the same sections and field names in the same order", async () => {
    const fieldNames = (b: Buffer): string[] =>
      b
        .toString()
        .split("\r\n")
        .filter((l) => l.startsWith("#") || l.includes(":"))
        .map((l) => (l.startsWith("#") ? l : l.slice(0, l.indexOf(":"))))
        .filter((n) => !n.startsWith("master0") && !n.startsWith("$"));
    const [theirs, mine] = await Promise.all([
      exchange(real!.port, "INFO\r\n", replies(1)),
      exchange(ours.address().port, "INFO\r\n", replies(1)),
    ]);
    expect(fieldNames(mine.data)).to.deep.equal(fieldNames(theirs.data));
  });
});

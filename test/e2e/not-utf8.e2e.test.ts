// Arguments that are not valid UTF-8, sent as raw RESP bytes. Side by side: redis-sentinel
// 7.0.15 keeps `SENTINEL SET m auth-pass p\xffq` byte for byte (its rewrite writes the raw byte);
// Vigil holds text, so it refuses the argument at the command instead of keeping "p\uFFFDq",
// refuses ACL SETUSER likewise, and restarts from its rewrite with the value it had
// (docs/COMPATIBILITY.md, "Arguments that are not valid UTF-8").
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { redisCli } from "./shell-support/processes.js";
import { sentinelDir } from "./shell-support/sentinel-dir.js";

/** One multibulk request of raw byte arguments; resolves with the first reply line. */
function rawRequest(port: number, args: readonly Buffer[]): Promise<string> {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) parts.push(Buffer.from(`$${a.length}\r\n`), a, Buffer.from("\r\n"));
  return new Promise((done, fail) => {
    const socket = connect(port, "127.0.0.1");
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      fail(new Error("no reply in 5 s"));
    }, 5000);
    socket.on("data", (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      const end = got.indexOf("\r\n");
      if (end === -1) return;
      clearTimeout(timer);
      socket.destroy();
      done(got.subarray(0, end).toString("latin1"));
    });
    socket.on("error", (err) => {
      clearTimeout(timer);
      fail(err);
    });
    socket.write(Buffer.concat(parts));
  });
}

const b = (s: string): Buffer => Buffer.from(s, "utf8");
const NOT_UTF8 = Buffer.from([0x70, 0xff, 0x71]); // p \xff q

describe("arguments not valid UTF-8 (redis-sentinel and Vigil)", function () {
  this.timeout(60_000);
  const s = sentinelDir(
    "vigil-notutf8-",
    (masterPort) => `sentinel monitor m 127.0.0.1 ${masterPort} 1\nsentinel auth-pass m before\n`,
  );

  const setAuthPass = [b("SENTINEL"), b("SET"), b("m"), b("auth-pass"), NOT_UTF8];

  it("redis-sentinel keeps the raw bytes and rewrites them as they came", async () => {
    await s.up("redis");
    expect(await rawRequest(s.port, setAuthPass)).to.equal("+OK");
    // 7.0.15 writes the byte itself, unquoted.
    const line = Buffer.concat([b("sentinel auth-pass m "), NOT_UTF8, b("\n")]);
    expect(readFileSync(s.conf).includes(line)).to.equal(true);
  });

  it("Vigil refuses them at the command and restarts with the value it had", async () => {
    const first = await s.up("vigil");
    expect(await rawRequest(s.port, setAuthPass)).to.equal(
      "-ERR Invalid argument at index 4 for SENTINEL SET: not valid UTF-8",
    );
    expect(
      await rawRequest(s.port, [
        b("ACL"),
        b("SETUSER"),
        b("u"),
        b("on"),
        Buffer.from([0x3e, 0xff]),
      ]),
    ).to.equal("-ERR Invalid argument at index 4 for ACL SETUSER: not valid UTF-8");
    expect((await redisCli(s.port, ["SENTINEL", "FLUSHCONFIG"])).trim()).to.equal("OK");
    await s.stop(first);
    const text = readFileSync(s.conf, "utf8");
    expect(text).to.include("sentinel auth-pass m before");
    expect(text).not.to.include("\uFFFD");
    expect(text).not.to.match(/^user u /m);
    await s.up("vigil");
    expect((await redisCli(s.port, ["ACL", "USERS"])).trim()).to.equal("default");
    expect(
      await rawRequest(s.port, [b("SENTINEL"), b("get-master-addr-by-name"), Buffer.from([0xff])]),
    ).to.equal(
      "-ERR Invalid argument at index 2 for SENTINEL GET-MASTER-ADDR-BY-NAME: not valid UTF-8",
    );
  });
});

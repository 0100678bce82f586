// Proves the newer dialects a live Vigil answers on top of redis-sentinel 7.0.15's, against a real
// redis-server: Redis 7.2's SENTINEL CONFIG GET/SET with several patterns and pairs (all or none,
// persisted, a RESP2 array or a RESP3 map), Valkey 8's PRIMARIES, PRIMARY,
// GET-PRIMARY-ADDR-BY-NAME, IS-PRIMARY-DOWN-BY-ADDR and primary-reboot-down-after-period (SET and
// config file, restarted from what Vigil wrote), and INFO's sentinel_total_tilt counting a real
// TILT. A redis-sentinel 7.0.15 beside it gets the same commands: wherever 7.0.15 does not refuse
// a command for its shape or name, Vigil's reply is the same bytes (a superset, not a change).
import net from "node:net";
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { expect } from "chai";
import { RedisProcess } from "./harness/redis-process.js";
import { encodeCommand } from "./harness/resp-client.js";
import { SentinelProcess } from "./harness/sentinel-process.js";
import { waitFor } from "./harness/wait-for.js";
import { firstReplyLength } from "../unit/commands/support/resp-shape.js";

/** One command on a fresh connection (after HELLO 3 for RESP3); the reply's raw text. */
async function raw(port: number, args: readonly string[], protocol: 2 | 3 = 2): Promise<string> {
  const socket = net.createConnection({ host: "127.0.0.1", port });
  let buffer = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => (buffer = Buffer.concat([buffer, chunk])));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const next = async (): Promise<Buffer> => {
    const deadline = performance.now() + 3_000;
    for (;;) {
      const length = firstReplyLength(buffer);
      if (length !== null) {
        const reply = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        return reply;
      }
      if (performance.now() > deadline) throw new Error(`no reply to ${args.join(" ")}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  try {
    if (protocol === 3) {
      socket.write(encodeCommand(["HELLO", "3"]));
      await next();
    }
    socket.write(encodeCommand(args));
    return (await next()).toString("utf8");
  } finally {
    socket.destroy();
  }
}

const SHAPE_70 = "-ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.\r\n";

function bulks(...items: string[]): string {
  return items.map((s) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`).join("");
}

/** A map of bulk strings as Redis sends it: an array of 2n in RESP2, `%n` in RESP3. */
function bulkMap(protocol: 2 | 3, ...pairs: [string, string][]): string {
  const head = protocol === 2 ? `*${pairs.length * 2}` : `%${pairs.length}`;
  return `${head}\r\n${bulks(...pairs.flat())}`;
}

/** A CONFIG GET reply with the pair `loglevel notice` appended, its header counting it. */
function withLogLevel(reply: string, protocol: 2 | 3): string {
  const end = reply.indexOf("\r\n");
  const count = Number(reply.slice(1, end)) + (protocol === 2 ? 2 : 1);
  return `${reply[0]}${count}${reply.slice(end)}${bulks("loglevel", "notice")}`;
}

describe("newer dialects (Redis 7.2, Valkey 8/9) on a live Vigil beside redis-sentinel 7.0.15", function () {
  this.timeout(120_000);
  let dir: string;
  let master: RedisProcess;
  let vigil: SentinelProcess;
  /** Monitors the same master under another name, so the two never take each other for peers. */
  let reference: SentinelProcess;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vigil-dialects-"));
    master = await RedisProcess.start({ dir: path.join(dir, "master") });
    const monitor = (name: string) => [{ name, port: master.port, quorum: 1 }];
    vigil = await SentinelProcess.start({
      impl: "vigil",
      dir: path.join(dir, "vigil"),
      monitors: monitor("mymaster"),
    });
    reference = await SentinelProcess.start({
      impl: "redis",
      dir: path.join(dir, "redis"),
      monitors: monitor("refmaster"),
    });
  });

  after(async () => {
    await Promise.allSettled([vigil?.cleanup(), reference?.cleanup(), master?.cleanup()]);
    if (process.env["KEEP_TMP"] === undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("answers every CONFIG command 7.0.15 accepts with its bytes, and 7.2's forms as 7.2.6 does", async () => {
    // [command, what Redis 7.2.6 answered (captured once), for the forms 7.0.15 refuses]
    const cases: [string[], ((p: 2 | 3) => string) | null][] = [
      [["CONFIG", "GET", "*"], null],
      [["CONFIG", "GET", "ANNOUNCE-*"], null],
      [["CONFIG", "GET", "nothing"], null],
      [["CONFIG", "SET", "announce-hostnames", "no"], null],
      [["CONFIG", "SET", "announce-port", "70000"], null],
      [["CONFIG", "SET", "foo", "1"], null],
      [["CONFIG", "GET"], null],
      [["CONFIG", "SET", "announce-ip"], null],
      [["CONFIG", "foo", "x"], null],
      [
        ["CONFIG", "GET", "announce-port", "*-hostnames", "announce-port"],
        (p) =>
          bulkMap(
            p,
            ["announce-port", "0"],
            ["resolve-hostnames", "no"],
            ["announce-hostnames", "no"],
          ),
      ],
      [["CONFIG", "GET", "nothing", "none*"], (p) => bulkMap(p)],
      [["CONFIG", "SET", "resolve-hostnames", "no", "Announce-Hostnames", "no"], () => "+OK\r\n"],
      [
        ["CONFIG", "SET", "announce-ip", "127.0.0.2", "bogus", "1"],
        () => "-ERR Invalid argument 'bogus' to SENTINEL CONFIG SET\r\n",
      ],
      [
        ["CONFIG", "SET", "announce-ip", "127.0.0.2", "ANNOUNCE-IP", "127.0.0.3"],
        () => "-ERR Duplicate argument 'ANNOUNCE-IP' to SENTINEL CONFIG SET\r\n",
      ],
      [
        ["CONFIG", "SET", "announce-ip", "127.0.0.2", "announce-port"],
        () => "-ERR Missing argument 'announce-port' value\r\n",
      ],
      [
        ["CONFIG", "SET", "announce-port", "1", "announce-hostnames", "maybe"],
        () => "-ERR Invalid value 'maybe' to SENTINEL CONFIG SET 'announce-hostnames'\r\n",
      ],
    ];
    for (const [command, newer] of cases) {
      for (const protocol of [2, 3] as const) {
        const args = ["SENTINEL", ...command];
        const label = `${args.join(" ")} (RESP${protocol})`;
        const ours = await raw(vigil.port, args, protocol);
        const theirs = await raw(reference.port, args, protocol);
        if (newer === null && command.join(" ") === "CONFIG GET *") {
          // 7.2 added loglevel to the parameters (shown last): 7.0.15's map plus that one pair.
          expect(ours, label).to.equal(withLogLevel(theirs, protocol));
        } else if (newer === null) {
          expect(ours, label).to.equal(theirs);
        } else {
          expect(theirs, `redis-sentinel 7.0.15: ${label}`).to.equal(SHAPE_70);
          expect(ours, label).to.equal(newer(protocol));
        }
      }
    }
    // None of the refused pairs applied.
    expect(
      await raw(vigil.port, ["SENTINEL", "CONFIG", "GET", "announce-ip", "announce-port"]),
    ).to.equal(bulkMap(2, ["announce-ip", ""], ["announce-port", "0"]));
  });

  it("applies several CONFIG SET pairs at once, persists them and restarts from the file", async () => {
    const set = ["SENTINEL", "CONFIG", "SET", "announce-ip", "127.0.0.2", "announce-port", "26999"];
    expect(await raw(vigil.port, set)).to.equal("+OK\r\n");
    const get = ["SENTINEL", "CONFIG", "GET", "announce-port", "announce-ip"];
    const expected = (p: 2 | 3) =>
      // The first pattern's match first, as Redis 7.2 lists them.
      bulkMap(p, ["announce-port", "26999"], ["announce-ip", "127.0.0.2"]);
    expect(await raw(vigil.port, get, 3)).to.equal(expected(3));
    const conf = vigil.readConfig();
    expect(conf).to.match(/^sentinel announce-ip "127\.0\.0\.2"$/m);
    expect(conf).to.match(/^sentinel announce-port 26999$/m);
    await vigil.restart();
    expect(await raw(vigil.port, get)).to.equal(expected(2));
    const reset = ["SENTINEL", "CONFIG", "SET", "announce-ip", "", "announce-port", "0"];
    expect(await raw(vigil.port, reset)).to.equal("+OK\r\n");
  });

  it("answers Valkey's PRIMARY names like the master names, where 7.0.15 knows none", async () => {
    const port = String(master.port);
    const pairs: [string[], string[]][] = [
      [
        ["GET-PRIMARY-ADDR-BY-NAME", "mymaster"],
        ["GET-MASTER-ADDR-BY-NAME", "mymaster"],
      ],
      [
        ["get-primary-addr-by-name", "nosuch"],
        ["get-master-addr-by-name", "nosuch"],
      ],
      [
        ["PRIMARY", "nosuch"],
        ["MASTER", "nosuch"],
      ],
      [
        ["IS-PRIMARY-DOWN-BY-ADDR", "127.0.0.1", port, "0", "*"],
        ["IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", port, "0", "*"],
      ],
      [
        ["primaries", "x"],
        ["masters", "x"],
      ],
    ];
    for (const [valkey, redis] of pairs) {
      for (const protocol of [2, 3] as const) {
        const ours = await raw(vigil.port, ["SENTINEL", ...valkey], protocol);
        expect(ours, valkey.join(" ")).to.equal(
          (await raw(vigil.port, ["SENTINEL", ...redis], protocol)).replace(
            "sentinel|masters",
            "sentinel|primaries",
          ),
        );
        expect(ours).not.to.match(/unknown subcommand/);
      }
      expect(await raw(reference.port, ["SENTINEL", ...valkey])).to.equal(
        `-ERR unknown subcommand '${valkey[0]}'. Try SENTINEL HELP.\r\n`,
      );
    }
    // The listing replies hold clocks: compare everything but the fields that move.
    const still = (text: string) => text.replace(/\$\d+\r\n\d+\r\n/g, "<n>");
    const primary = await raw(vigil.port, ["SENTINEL", "PRIMARY", "mymaster"], 3);
    expect(primary).to.match(/^%\d+\r\n\$4\r\nname\r\n\$8\r\nmymaster\r\n/);
    expect(still(primary)).to.equal(
      still(await raw(vigil.port, ["SENTINEL", "MASTER", "mymaster"], 3)),
    );
    expect(still(await raw(vigil.port, ["SENTINEL", "PRIMARIES"]))).to.equal(
      still(await raw(vigil.port, ["SENTINEL", "MASTERS"])),
    );
    // A vote asked under Valkey's name is the vote: the master name asks again and gets it.
    const runId = "f".repeat(40);
    const vote = ["127.0.0.1", port, "1", runId];
    const voted = `*3\r\n:0\r\n${bulks(runId)}:1\r\n`;
    expect(await raw(vigil.port, ["SENTINEL", "IS-PRIMARY-DOWN-BY-ADDR", ...vote])).to.equal(voted);
    const other = ["127.0.0.1", port, "1", "e".repeat(40)];
    expect(await raw(vigil.port, ["SENTINEL", "is-master-down-by-addr", ...other])).to.equal(voted);
  });

  it("takes primary-reboot-down-after-period in SET and the config file, writing the 7.0 name", async () => {
    const set = ["SENTINEL", "SET", "mymaster", "primary-reboot-down-after-period", "2500"];
    expect(await raw(vigil.port, set)).to.equal("+OK\r\n");
    expect(vigil.readConfig()).to.match(
      /^sentinel master-reboot-down-after-period mymaster 2500$/m,
    );
    expect(await raw(reference.port, ["SENTINEL", "SET", "refmaster", ...set.slice(3)])).to.equal(
      "-ERR Unknown option or number of arguments for SENTINEL SET 'primary-reboot-down-after-period'\r\n",
    );
    // A config file in Valkey's words: Vigil starts from it and rewrites the line in place.
    const valkey = await SentinelProcess.start({
      impl: "vigil",
      dir: path.join(dir, "valkey-conf"),
      monitors: [{ name: "vk", port: master.port, quorum: 1 }],
      extraConfig: ["sentinel primary-reboot-down-after-period vk 1500", "# end"],
    });
    try {
      expect(await raw(valkey.port, ["SENTINEL", "FLUSHCONFIG"])).to.equal("+OK\r\n");
      const conf = valkey.readConfig();
      expect(conf).to.match(/^sentinel master-reboot-down-after-period vk 1500\n# end$/m);
      expect(conf).not.to.include("primary-reboot");
      await valkey.restart();
      expect(valkey.readConfig()).to.match(/^sentinel master-reboot-down-after-period vk 1500$/m);
    } finally {
      await valkey.cleanup();
    }
  });

  it("counts a real TILT in INFO's sentinel_total_tilt, placed where Redis 8 and Valkey 9 put it", async () => {
    const fields = async (): Promise<string[]> =>
      (await raw(vigil.port, ["INFO", "sentinel"])).split("\r\n").map((l) => l.split(":")[0] ?? "");
    const names = await fields();
    expect(names.indexOf("sentinel_total_tilt")).to.equal(
      names.indexOf("sentinel_tilt_since_seconds") + 1,
    );
    expect((await vigil.info()).get("sentinel_total_tilt")).to.equal("0");
    // Stopped for 3 s, its next tick is late by more than the 2 s tilt trigger.
    vigil.pause();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    vigil.resume();
    await waitFor(
      "Vigil to enter TILT after a 3 s stop",
      async () => {
        const info = await vigil.info();
        if (info.get("sentinel_tilt") === "1") return info;
        throw new Error(`sentinel_tilt:${info.get("sentinel_tilt")}`);
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect((await vigil.info()).get("sentinel_total_tilt")).to.equal("1");
    expect((await reference.info()).has("sentinel_total_tilt")).to.equal(false);
  });
});

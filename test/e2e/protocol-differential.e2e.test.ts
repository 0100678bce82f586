// Proves Vigil answers malformed and odd requests on the wire as redis-sentinel 7.0.15 does: the
// same bytes back, and the connection closed or kept alike. Frames are the RESP request fuzzer's
// (test/fuzz: corpus entries with byte, length-field, CR/LF and splice mutations, seeded), limited
// to harmless commands (PING, unknown names, GET-MASTER-ADDR-BY-NAME, CLIENT SETNAME/GETNAME, AUTH)
// as our parser reads them, plus fixed frames at Redis's limits (64 KB inline and header lines,
// 512 MB bulks, multibulk counts). Each frame goes on a fresh connection to both programs.
// PROTOCOL_DIFF_FRAMES (default 300) and PROTOCOL_DIFF_SEED (default 1) run more.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RespParser } from "../../src/protocol/resp-parser.js";
import type { MutationContext } from "../fuzz/mutate.js";
import { makeInput } from "../fuzz/mutate.js";
import { Rng } from "../fuzz/rng.js";
import { multibulk } from "../fuzz/targets/resp-request.js";
import { registerPid, unregisterPid } from "./harness/pid-registry.js";
import type { CapturedProcess, SentinelImpl } from "./shell-support/processes.js";
import {
  freePort,
  redisCli,
  spawnSentinelImpl,
  stopProcess,
  waitFor,
} from "./shell-support/processes.js";

const FRAMES = Number(process.env["PROTOCOL_DIFF_FRAMES"] ?? "300");
const SEED = Number(process.env["PROTOCOL_DIFF_SEED"] ?? "1");
const STRICT = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

const SAFE_CORPUS: readonly Buffer[] = [
  multibulk("PING"),
  multibulk("PING", "hello world"),
  multibulk("sentinel", "get-master-addr-by-name", "m"),
  multibulk("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nomaster"),
  multibulk("CLIENT", "SETNAME", "fuzz"),
  multibulk("CLIENT", "GETNAME"),
  multibulk("FOO", "a", "b"),
  Buffer.from("PING\r\n"),
  Buffer.from('PING "a\\x41\\n"\r\n'),
  Buffer.from("ping 'it\\'s'\n"),
  Buffer.from("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n"),
  Buffer.from("\r\n\r\n  PING x\r\n"),
];

const CONTEXT: MutationContext = {
  corpus: SAFE_CORPUS,
  dictionary: ["*", "$", "\r\n", "*1\r\n", "$4\r\nPING\r\n", "\0", '"', "'", "\\x", " "].map((s) =>
    Buffer.from(s, "latin1"),
  ),
  maxLength: 8 * 1024,
};

/** The 7.0.15 command names (and Vigil's 7.2 extras): only the harmless forms of them are sent. */
const KNOWN = new Set(
  "acl auth client command hello info ping psubscribe publish punsubscribe role sentinel shutdown subscribe unsubscribe quit reset".split(
    " ",
  ),
);

function harmless(args: readonly Buffer[]): boolean {
  const words = args.map((a) => a.toString("latin1").toLowerCase());
  const [name = "", sub = ""] = words;
  if (!KNOWN.has(name)) return true;
  if (name === "ping" || name === "auth") return true;
  if (name === "sentinel") return sub === "get-master-addr-by-name";
  if (name === "client") return sub === "setname" || sub === "getname";
  return false;
}

function eventsOf(frame: Buffer, parser: RespParser): string[] {
  parser.feed(frame);
  const out: string[] = [];
  for (let e = parser.next(); e !== undefined; e = parser.next()) {
    out.push(e.type === "error" ? e.message : e.args.map((a) => a.toString("latin1")).join(" "));
  }
  return out;
}

/**
 * Whether every command our parser reads from the frame is harmless and valid UTF-8, and the
 * frame does not reach the documented difference (a multibulk count above 1024*1024, which
 * Redis 7.0 takes up to INT_MAX): read with Redis's count limit, it must parse the same.
 */
function sendable(frame: Buffer): boolean {
  const ours = eventsOf(frame, new RespParser());
  const redisLimit = eventsOf(frame, new RespParser({ maxMultibulkLength: 2147483647 }));
  if (ours.join("\n") !== redisLimit.join("\n")) return false;
  const parser = new RespParser();
  parser.feed(frame);
  for (let e = parser.next(); e !== undefined; e = parser.next()) {
    if (e.type === "error") return true;
    if (!harmless(e.args)) return false;
    // Vigil refuses arguments that are not UTF-8 on purpose (docs/COMPATIBILITY.md).
    try {
      for (const a of e.args) STRICT.decode(a);
    } catch {
      return false;
    }
  }
  return true;
}

interface Outcome {
  readonly data: string;
  readonly closed: boolean;
}

/** Sends `frame` on a fresh connection; done when the server closes or stays quiet `idleMs`. */
function exchange(port: number, frame: Buffer, idleMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    const chunks: Buffer[] = [];
    let settled = false;
    let idle: NodeJS.Timeout | undefined;
    const finish = (closed: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      clearTimeout(cap);
      socket.destroy();
      resolve({ data: Buffer.concat(chunks).toString("latin1"), closed });
    };
    const quiet = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        finish(false);
      }, idleMs);
    };
    const cap = setTimeout(() => {
      finish(false);
    }, 5000);
    socket.on("connect", () => {
      socket.write(frame);
      quiet();
    });
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      quiet();
    });
    socket.on("error", () => {
      finish(true);
    });
    socket.on("close", () => {
      finish(true);
    });
  });
}

const same = (a: Outcome, b: Outcome): boolean => a.data === b.data && a.closed === b.closed;

describe("protocol errors on the wire, beside redis-sentinel 7.0.15 (e2e)", function () {
  this.timeout(180_000);
  let dir = "";
  const procs: CapturedProcess[] = [];
  const ports: Record<SentinelImpl, number> = { redis: 0, vigil: 0 };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "vigil-protodiff-"));
    const unused = await freePort();
    for (const impl of ["redis", "vigil"] as const) {
      const port = await freePort();
      const conf = join(dir, `${impl}.conf`);
      writeFileSync(
        conf,
        `port ${port}\nbind 127.0.0.1\nsentinel monitor m 127.0.0.1 ${unused} 2\n`,
      );
      const proc = spawnSentinelImpl(impl, [conf], dir);
      procs.push(proc);
      if (proc.child.pid !== undefined) registerPid(proc.child.pid, `${impl}:${port}`);
      await waitFor(
        `${impl} answers`,
        async () => (await redisCli(port, ["PING"])).includes("PONG"),
        20_000,
      );
      ports[impl] = port;
    }
  });

  after(async () => {
    for (const p of procs) {
      await stopProcess(p);
      if (p.child.pid !== undefined) unregisterPid(p.child.pid);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function compare(frames: readonly Buffer[]): Promise<string[]> {
    const mismatches: string[] = [];
    const queue = frames.map((f, i) => [i, f] as const);
    const worker = async (): Promise<void> => {
      for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
        const [i, frame] = job;
        let [r, v] = await Promise.all([
          exchange(ports.redis, frame, 200),
          exchange(ports.vigil, frame, 200),
        ]);
        // A loaded machine can be slow to answer: look again, longer, before calling it a difference.
        if (!same(r, v)) {
          [r, v] = await Promise.all([
            exchange(ports.redis, frame, 1500),
            exchange(ports.vigil, frame, 1500),
          ]);
        }
        if (!same(r, v)) {
          const show = (o: Outcome): string =>
            `${JSON.stringify(o.data.slice(0, 300))}${o.closed ? " (closed)" : ""}`;
          mismatches.push(
            `frame ${i} ${JSON.stringify(frame.toString("latin1").slice(0, 200))}\n  redis ${show(r)}\n  vigil ${show(v)}`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    if (mismatches.length > 0) console.error(mismatches.join("\n"));
    return mismatches;
  }

  it("answers Redis's limits alike: 64 KB lines, 512 MB bulks, multibulk counts", async () => {
    const big = (n: number, c = "a"): string => c.repeat(n);
    const frames = [
      big(70 * 1024),
      `PING ${big(65 * 1024)}\r\n`,
      `*${big(70 * 1024, "1")}`,
      `*1\r\n$${big(70 * 1024, "1")}`,
      "*1\r\n$536870913\r\n",
      "*1\r\n$536870912\r\n",
      "*1\r\n$-1\r\n",
      "*1048576\r\n$4\r\nPING\r\n",
      "*2147483648\r\n",
      "*9223372036854775808\r\n",
      "*1\r\n$4\r\nPING\r\n*1\r\nx\r\n",
      'PING "unbalanced\r\n',
      "PING\0hidden\r\n",
      "*1\r\n$4\0\r\nPING\r\n",
      "*01\r\n$4\r\nPING\r\n",
      "*1\r\n$+4\r\nPING\r\n",
      "*1\r\n$04\r\nPING\r\n",
      "*-0\r\n",
      "*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n",
    ].map((s) => Buffer.from(s, "latin1"));
    const mismatches = await compare(frames);
    expect(mismatches, mismatches.join("\n")).to.deep.equal([]);
  });

  it("differs where docs/COMPATIBILITY.md says: a multibulk count above 1024*1024", async () => {
    // redis-sentinel 7.0.15 takes counts up to INT_MAX and waits for the arguments.
    const frame = Buffer.from("*1048577\r\n");
    const [r, v] = await Promise.all([
      exchange(ports.redis, frame, 500),
      exchange(ports.vigil, frame, 500),
    ]);
    expect(r).to.deep.equal({ data: "", closed: false });
    expect(v).to.deep.equal({
      data: "-ERR Protocol error: invalid multibulk length\r\n",
      closed: true,
    });
  });

  it("bounds what it buffers for a bulk that never ends: closed at the 64 MB query buffer limit", async () => {
    const vigil = procs.find((p) => p.child.spawnargs.some((a) => a.endsWith("bin/vigil")));
    const pid = vigil?.child.pid ?? 0;
    const socket = net.connect({ port: ports.vigil, host: "127.0.0.1" });
    socket.on("error", () => undefined);
    const closed = new Promise<void>((resolve) =>
      socket.once("close", () => {
        resolve();
      }),
    );
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write("*1\r\n$536870912\r\n");
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    let sent = 0;
    let open = true;
    void closed.then(() => (open = false));
    // Up to 200 MB (Redis's own limit is 1 GB): Vigil must close well before.
    while (open && sent < 200 * 1024 * 1024) {
      if (!socket.write(chunk))
        await Promise.race([new Promise((r) => socket.once("drain", r)), closed]);
      sent += chunk.length;
    }
    await Promise.race([closed, new Promise((r) => setTimeout(r, 10_000))]);
    expect(open, `still open after ${sent} bytes`).to.equal(false);
    expect(sent).to.be.lessThan(100 * 1024 * 1024);
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const peakKiB = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? "0");
    expect(peakKiB, "peak RSS (KiB)")
      .to.be.greaterThan(0)
      .and.lessThan(400 * 1024);
    expect((await redisCli(ports.vigil, ["PING"])).trim()).to.equal("PONG");
  });

  it(`answers ${FRAMES} fuzzed frames (seed ${SEED}) with the same bytes and the same close`, async () => {
    const frames: Buffer[] = [];
    let skipped = 0;
    for (let i = 0; frames.length < FRAMES; i++) {
      const frame = makeInput(Rng.forInput(SEED, i), CONTEXT);
      if (sendable(frame)) frames.push(frame);
      else skipped++;
    }
    const mismatches = await compare(frames);
    expect(
      mismatches,
      `${mismatches.length} of ${frames.length} differ (${skipped} unsent)\n${mismatches.slice(0, 10).join("\n")}`,
    ).to.deep.equal([]);
  });
});

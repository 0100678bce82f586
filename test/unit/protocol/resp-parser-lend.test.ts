// Proves lend()/settle(), the session's read path: requests are parsed from the lent read buffer
// where they are, and whatever the caller's pass leaves unparsed (a partial frame, a pending
// bulk that needs more room, a known request's tail) survives the caller reusing that buffer,
// at every split point of a pipeline, with the same commands as feed() gives.
import { expect } from "chai";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { StringParseEvent } from "../../../src/protocol/resp-parser.js";
import { RespParser } from "../../../src/protocol/resp-parser.js";
import { KnownRequest } from "../../../src/protocol/known-request.js";

/** The engine's gc(), without starting mocha with --expose-gc. */
function collector(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

function multibulk(...args: string[]): Buffer {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return Buffer.from(out);
}

function drain(parser: RespParser, out: string[][]): void {
  for (let e: StringParseEvent | undefined = parser.nextStrings(); e !== undefined;) {
    out.push(e.type === "command" ? [...e.args] : [`!${e.message}`]);
    e = parser.nextStrings();
  }
}

/** Reads `input` in `chunks` through one reused buffer, as the session does, then scribbles it. */
function viaLend(input: Buffer, cuts: readonly number[]): string[][] {
  const parser = new RespParser();
  const shared = Buffer.alloc(64 * 1024);
  const out: string[][] = [];
  let from = 0;
  for (const to of [...cuts, input.length]) {
    const size = input.copy(shared, 0, from, to);
    parser.lend(shared, size);
    drain(parser, out);
    parser.settle();
    shared.fill(0x78);
    from = to;
  }
  return out;
}

describe("RespParser lend/settle", () => {
  const pipeline = Buffer.concat([
    multibulk("SENTINEL", "get-master-addr-by-name", "mymaster"),
    multibulk("PING"),
    multibulk("SET", "k", "v".repeat(300)),
    Buffer.from("PING inline\r\n"),
    multibulk("INFO", "sentinel"),
  ]);
  const expected = [
    ["SENTINEL", "get-master-addr-by-name", "mymaster"],
    ["PING"],
    ["SET", "k", "v".repeat(300)],
    ["PING", "inline"],
    ["INFO", "sentinel"],
  ];

  it("gives the same commands at every split point, the buffer reused between reads", () => {
    for (let cut = 1; cut < pipeline.length; cut++) {
      expect(viaLend(pipeline, [cut]), `cut at ${cut}`).to.deep.equal(expected);
    }
  });

  it("keeps a bulk that needs more room than the lent read, split in three", () => {
    const big = multibulk("SET", "k", "b".repeat(100_000));
    const input = Buffer.concat([multibulk("PING"), big]);
    const out: string[][] = [];
    const parser = new RespParser();
    // Reads no larger than the 64 KiB read buffer.
    let from = 0;
    for (const to of [40, 40_000, input.length]) {
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      const size = input.copy(chunk, 0, from, to);
      parser.lend(chunk, size);
      drain(parser, out);
      parser.settle();
      chunk.fill(0x78);
      from = to;
    }
    expect(out).to.deep.equal([["PING"], ["SET", "k", "b".repeat(100_000)]]);
  });

  it("settles a pass that stopped early: unparsed requests stay, the lent bytes do not", () => {
    const parser = new RespParser();
    const shared = Buffer.alloc(1024);
    const input = Buffer.concat([multibulk("PING"), multibulk("ECHO", "hello")]);
    parser.lend(shared, input.copy(shared));
    const first = parser.nextStrings();
    expect(first).to.deep.equal({ type: "command", args: ["PING"] });
    // The caller stops (a command waits on a promise) and the read buffer is reused.
    parser.settle();
    shared.fill(0);
    expect(parser.bufferedBytes).to.equal(multibulk("ECHO", "hello").length);
    expect(parser.nextStrings()).to.deep.equal({ type: "command", args: ["ECHO", "hello"] });
    expect(parser.drained()).to.equal(true);
  });

  it("copies a lend into what the parser already holds instead of lending", () => {
    const parser = new RespParser();
    const input = multibulk("ECHO", "hello");
    const shared = Buffer.alloc(64);
    parser.lend(shared, input.copy(shared, 0, 0, 5));
    expect(parser.nextStrings()).to.equal(undefined);
    parser.settle();
    shared.fill(0);
    parser.lend(shared, input.copy(shared, 0, 5));
    // Held bytes came first: this read was copied in behind them.
    parser.settle();
    shared.fill(0);
    expect(parser.nextStrings()).to.deep.equal({ type: "command", args: ["ECHO", "hello"] });
  });

  it("matches a known request in the lent buffer and keeps its tail once settled", () => {
    const parser = new RespParser();
    const known = new KnownRequest(["sentinel", "get-master-addr-by-name"]);
    const shared = Buffer.alloc(256);
    const input = Buffer.concat([
      multibulk("SENTINEL", "get-master-addr-by-name", "alpha"),
      multibulk("SENTINEL", "get-master-addr-by-name", "beta"),
    ]);
    parser.lend(shared, input.copy(shared));
    expect(parser.takeKnown(known)).to.equal("alpha");
    parser.settle();
    shared.fill(0x7a);
    expect(parser.takeKnown(known)).to.equal("beta");
    parser.lend(shared, input.copy(shared));
    expect(parser.takeKnown(known)).to.equal("alpha");
    expect(parser.takeKnown(known)).to.equal("beta");
    parser.settle();
    expect(parser.drained()).to.equal(true);
  });

  it("answers a protocol error from a lent buffer and parses nothing after it", () => {
    const parser = new RespParser();
    const shared = Buffer.from("*1\r\n$4\r\nPING\r\n*x\r\n");
    parser.lend(shared, shared.length);
    const out: string[][] = [];
    drain(parser, out);
    parser.settle();
    expect(out).to.deep.equal([["PING"], ["!Protocol error: invalid multibulk length"]]);
    parser.feed(multibulk("PING"));
    expect(parser.nextStrings()).to.equal(undefined);
  });

  it("keeps no reference to the lent buffer after a protocol error", async () => {
    const parser = new RespParser();
    const out: string[][] = [];
    const lent = ((): WeakRef<Buffer> => {
      const chunk = Buffer.from("*1\r\n$4\r\nPING\r\n*x\r\n");
      parser.lend(chunk, chunk.length);
      drain(parser, out);
      parser.settle();
      return new WeakRef(chunk);
    })();
    expect(out.at(-1)).to.deep.equal(["!Protocol error: invalid multibulk length"]);
    // A WeakRef's target lives until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    collector()();
    expect(lent.deref(), "the lent buffer is still referenced").to.equal(undefined);
    expect(parser.bufferedBytes).to.equal(0);
  });
});

// Proves the monitor links' reply parser turns RESP2 bytes into the values the link manager
// reads (strings, numbers, arrays, null, ReplyError), whole or split at any byte, with nested
// errors kept as values (EXEC) and anything that is not RESP2 refused.
import { expect } from "chai";
import type { ReplyValue } from "../../../src/protocol/resp-reply-parser.js";
import { ReplyError, RespReplyParser } from "../../../src/protocol/resp-reply-parser.js";
import { ReplyProtocolError } from "../../../src/errors.js";

function parseAll(chunks: readonly string[]): ReplyValue[] {
  const parser = new RespReplyParser();
  const out: ReplyValue[] = [];
  for (const chunk of chunks) parser.feed(Buffer.from(chunk, "utf8"), (v) => out.push(v));
  return out;
}

const STREAM =
  "+PONG\r\n" +
  "-LOADING Redis is loading the dataset in memory\r\n" +
  ":42\r\n" +
  ":-3\r\n" +
  "$4\r\nhé!\r\n" +
  "$0\r\n\r\n" +
  "$-1\r\n" +
  "*-1\r\n" +
  "*3\r\n:1\r\n$40\r\n" +
  "a".repeat(40) +
  "\r\n:7\r\n" +
  "*2\r\n+OK\r\n-ERR nested\r\n" +
  "*3\r\n$7\r\nmessage\r\n$18\r\n__sentinel__:hello\r\n$3\r\nabc\r\n";

function expectStream(values: ReplyValue[]): void {
  expect(values).to.have.length(11);
  expect(values.slice(0, 1)).to.deep.equal(["PONG"]);
  expect(values[1]).to.be.instanceOf(ReplyError);
  expect((values[1] as ReplyError).message).to.equal(
    "LOADING Redis is loading the dataset in memory",
  );
  expect(values.slice(2, 8)).to.deep.equal([42, -3, "hé!", "", null, null]);
  expect(values[8]).to.deep.equal([1, "a".repeat(40), 7]);
  const exec = values[9] as ReplyValue[];
  expect(exec[0]).to.equal("OK");
  expect(exec[1]).to.be.instanceOf(Error);
  expect(values[10]).to.deep.equal(["message", "__sentinel__:hello", "abc"]);
}

describe("resp reply parser", () => {
  it("parses every RESP2 reply type from one chunk", () => {
    expectStream(parseAll([STREAM]));
  });

  it("parses the same replies when the stream is split at every possible byte", () => {
    const bytes = Buffer.from(STREAM, "utf8");
    for (let cut = 1; cut < bytes.length; cut++) {
      const parser = new RespReplyParser();
      const out: ReplyValue[] = [];
      parser.feed(bytes.subarray(0, cut), (v) => out.push(v));
      parser.feed(bytes.subarray(cut), (v) => out.push(v));
      expectStream(out);
    }
  });

  it("parses a large bulk delivered one byte at a time", () => {
    const info = "# Replication\r\nrole:master\r\n".repeat(200);
    const frame = `$${Buffer.byteLength(info)}\r\n${info}\r\n`;
    expect(parseAll(frame.split(""))).to.deep.equal([info]);
  });

  it("tells each top-level bulk string from a status, however the stream is split", () => {
    const bytes = Buffer.from(STREAM, "utf8");
    const expected = [false, false, false, false, true, true, true, false, false, false, false];
    for (let cut = 1; cut < bytes.length; cut++) {
      const parser = new RespReplyParser();
      const bulks: boolean[] = [];
      parser.feed(bytes.subarray(0, cut), (_v, bulk) => bulks.push(bulk));
      parser.feed(bytes.subarray(cut), (_v, bulk) => bulks.push(bulk));
      expect(bulks).to.deep.equal(expected);
    }
  });

  it("keeps integer replies beyond 2^53 exact, as bigints, up to int64's limits", () => {
    expect(
      parseAll([
        ":999999999999999\r\n",
        ":9007199254740993\r\n",
        ":9223372036854775807\r\n",
        ":-9223372036854775808\r\n",
        "*3\r\n:0\r\n$1\r\n*\r\n:9007199254740993\r\n",
      ]),
    ).to.deep.equal([
      999999999999999,
      9007199254740993n,
      9223372036854775807n,
      -9223372036854775808n,
      [0, "*", 9007199254740993n],
    ]);
    for (const bad of [":9223372036854775808\r\n", ":12345678901234567x\r\n"]) {
      expect(() => parseAll([bad]), bad).to.throw(ReplyProtocolError);
    }
  });

  it("reads only the first `size` bytes of a chunk (a link's read in the shared buffer)", () => {
    const parser = new RespReplyParser();
    const out: ReplyValue[] = [];
    const shared = Buffer.alloc(64, "?");
    // A PONG and the start of a bulk, then stale bytes from an earlier read.
    const first = Buffer.from("+PONG\r\n$5\r\nhel");
    first.copy(shared);
    parser.feed(shared, (v) => out.push(v), first.length);
    expect(out).to.deep.equal(["PONG"]);
    shared.fill("?");
    const second = Buffer.from("lo\r\n:1\r\n");
    second.copy(shared);
    parser.feed(shared, (v) => out.push(v), second.length);
    expect(out).to.deep.equal(["PONG", "hello", 1]);
  });

  it("reads the texts every link repeats (message, the hello channel, PONG, OK) and their near misses", () => {
    const near =
      "*3\r\n$7\r\nmessagE\r\n$18\r\n__sentinel__:hellO\r\n$7\r\nmessage\r\n" +
      "+PONX\r\n+OX\r\n+PONG!\r\n+OK\r\n$4\r\nPONG\r\n$2\r\nOK\r\n$8\r\nmessages\r\n";
    const values = parseAll([near]);
    expect(values).to.deep.equal([
      ["messagE", "__sentinel__:hellO", "message"],
      "PONX",
      "OX",
      "PONG!",
      "OK",
      "PONG",
      "OK",
      "messages",
    ]);
    // Split at every byte, the same values.
    expect(parseAll(near.split(""))).to.deep.equal(values);
  });

  it("refuses a RESP3 or garbage type byte", () => {
    const parser = new RespReplyParser();
    expect(() => {
      parser.feed(Buffer.from("%1\r\n"), () => undefined);
    }).to.throw(ReplyProtocolError);
  });

  // Found by the fuzzer (test/fuzz, resp-reply): 5000 `*1` headers in one read overflowed the
  // stack with a RangeError instead of the typed protocol error the link expects.
  it("refuses arrays nested deeper than 64 with a protocol error, not a stack overflow", () => {
    const deep = "*1\r\n".repeat(64) + ":1\r\n";
    let value: unknown;
    new RespReplyParser().feed(Buffer.from(deep), (v) => (value = v));
    let inner = value;
    for (let i = 0; i < 64; i++) inner = (inner as unknown[])[0];
    expect(inner).to.equal(1);
    for (const n of [65, 5000, 50_000]) {
      expect(() => {
        new RespReplyParser().feed(Buffer.from("*1\r\n".repeat(n)), () => undefined);
      }, String(n)).to.throw(ReplyProtocolError, /nested multi bulk replies with depth > 64/);
    }
  });

  // Work is counted, not timed: the parser reports the reply lines it read and the bytes it
  // copied to keep. A reply split into n chunks used to be parsed again from its start on every
  // chunk (n times its lines) and copied whole on every chunk (n times its bytes).
  describe("work on a large reply split into many chunks", () => {
    function feedInChunks(
      text: string,
      size: number,
    ): { values: ReplyValue[]; parser: RespReplyParser } {
      const bytes = Buffer.from(text, "utf8");
      const parser = new RespReplyParser();
      const values: ReplyValue[] = [];
      for (let at = 0; at < bytes.length; at += size) {
        // Each read as the link hands it over: a fresh copy.
        parser.feed(Buffer.from(bytes.subarray(at, at + size)), (v) => values.push(v));
      }
      return { values, parser };
    }

    it("reads each line of a 5,000-element array once, and copies each byte a bounded number of times", () => {
      const items = Array.from({ length: 5000 }, (_, i) => `replica-${i}`);
      const text = `*${items.length}\r\n${items.map((t) => `$${t.length}\r\n${t}\r\n`).join("")}`;
      for (const size of [7, 64, 1500]) {
        const { values, parser } = feedInChunks(text, size);
        expect(values, String(size)).to.deep.equal([items]);
        expect(parser.linesRead, String(size)).to.equal(items.length + 1);
        expect(parser.bytesCopied, String(size)).to.be.at.most(4 * text.length);
      }
    });

    it("copies each byte of a large bulk (INFO) a bounded number of times, even one byte per read", () => {
      const info = "# Replication\r\nrole:master\r\n".repeat(2000);
      const text = `$${Buffer.byteLength(info)}\r\n${info}\r\n`;
      const { values, parser } = feedInChunks(text, 1);
      expect(values).to.deep.equal([info]);
      expect(parser.linesRead).to.equal(1);
      expect(parser.bytesCopied).to.be.at.most(4 * text.length);
    });

    it("reserves no more than what arrived for a bulk length a peer made up (found by the fuzzer)", () => {
      const parser = new RespReplyParser();
      for (const chunk of ["$4294967295\r\n", "abc", "def"]) {
        parser.feed(Buffer.from(chunk), () => undefined);
      }
      expect(parser.bytesCopied).to.be.at.most(6);
    });

    it("reads each line of nested arrays once (EXEC of INFO and ROLE), split at every size", () => {
      const text =
        "*2\r\n$5\r\nhello\r\n*3\r\n$6\r\nmaster\r\n:3129659\r\n*2\r\n*3\r\n$9\r\n127.0.0.1\r\n$4\r\n9001\r\n$7\r\n3129242\r\n*0\r\n";
      const lines = text.split("\r\n").filter((l) => /^[*$:+-]/.test(l)).length;
      for (let size = 1; size <= text.length; size++) {
        const { values, parser } = feedInChunks(text, size);
        expect(values, String(size)).to.deep.equal([
          ["hello", ["master", 3129659, [["127.0.0.1", "9001", "3129242"], []]]],
        ]);
        expect(parser.linesRead, String(size)).to.equal(lines);
      }
    });
  });
});

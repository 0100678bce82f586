// Proves the incremental request parser: multibulk and inline commands come out whole whatever
// the chunking (every split point is tried), limits and malformed input yield Redis's exact
// protocol error texts (checked against redis-sentinel 7.0.15), and inline quoting follows
// redis-cli/sdssplitargs.
import { expect } from "chai";
import type { ParseEvent } from "../../../src/protocol/resp-parser.js";
import { parseStrictInteger, RespParser } from "../../../src/protocol/resp-parser.js";
import { splitArgs } from "../../../src/protocol/split-args.js";

function parseAll(chunks: readonly (string | Buffer)[], parser = new RespParser()): ParseEvent[] {
  const out: ParseEvent[] = [];
  for (const c of chunks) {
    parser.feed(typeof c === "string" ? Buffer.from(c, "latin1") : c);
    for (let e = parser.next(); e !== undefined; e = parser.next()) out.push(e);
  }
  return out;
}

function commands(events: readonly ParseEvent[]): string[][] {
  return events.map((e) =>
    e.type === "command" ? e.args.map((a) => a.toString("latin1")) : [`!${e.message}`],
  );
}

function firstError(input: string | Buffer, parser?: RespParser): string | undefined {
  const e = parseAll([input], parser).find((x) => x.type === "error");
  return e?.type === "error" ? e.message : undefined;
}

describe("RespParser", () => {
  describe("multibulk requests", () => {
    const frame =
      "*3\r\n$8\r\nSENTINEL\r\n$23\r\nget-master-addr-by-name\r\n$8\r\nmymaster\r\n*1\r\n$4\r\nPING\r\n";
    const expected = [["SENTINEL", "get-master-addr-by-name", "mymaster"], ["PING"]];

    it("parses pipelined commands fed in one chunk", () => {
      expect(commands(parseAll([frame]))).to.deep.equal(expected);
    });

    it("gives the same commands for every two-chunk split", () => {
      for (let i = 0; i <= frame.length; i++) {
        expect(
          commands(parseAll([frame.slice(0, i), frame.slice(i)])),
          `split at ${i}`,
        ).to.deep.equal(expected);
      }
    });

    it("takes the first bytes of a reused read buffer, small and large, every split", () => {
      const big = `*2\r\n$4\r\nECHO\r\n$300\r\n${"x".repeat(300)}\r\n`;
      const input = Buffer.from(frame + big, "latin1");
      const want = [...expected, ["ECHO", "x".repeat(300)]];
      // One buffer, refilled for every read and dirty past what was read, as net `onread` does.
      const shared = Buffer.alloc(64 * 1024, 0x2a);
      for (const step of [1, 7, 60, 128, 129, 200, input.length]) {
        const parser = new RespParser();
        const out: ParseEvent[] = [];
        for (let at = 0; at < input.length; at += step) {
          const size = input.copy(shared, 0, at, Math.min(input.length, at + step));
          parser.feed(shared, size);
          shared.fill(0x2a, 0, size);
          for (let e = parser.next(); e !== undefined; e = parser.next()) out.push(e);
        }
        expect(commands(out), `reads of ${step} bytes`).to.deep.equal(want);
      }
    });

    it("gives the same commands when fed one byte at a time", () => {
      expect(
        commands(parseAll(Array.from({ length: frame.length }, (_, i) => frame.charAt(i)))),
      ).to.deep.equal(expected);
    });

    it("keeps binary arguments byte for byte", () => {
      const payload = Buffer.from([0, 1, 13, 10, 255, 42]);
      const input = Buffer.concat([
        Buffer.from("*2\r\n$4\r\nECHO\r\n$6\r\n"),
        payload,
        Buffer.from("\r\n"),
      ]);
      const [event] = parseAll([input]);
      expect(event?.type === "command" && event.args[1]?.equals(payload)).to.equal(true);
    });

    it("reports drained() exactly when next() has nothing to give, at every split", () => {
      const input = Buffer.from(`${frame}*2\r\n$4\r\nECHO\r\n$1\r\nx\r\nPING\r\n`, "latin1");
      for (let cut = 0; cut <= input.length; cut++) {
        const parser = new RespParser();
        const out: ParseEvent[] = [];
        for (const chunk of [input.subarray(0, cut), input.subarray(cut)]) {
          parser.feed(chunk);
          for (;;) {
            const drained = parser.drained();
            const event = parser.next();
            // drained() promises an undefined next(); the reverse holds between requests only.
            if (drained) expect(event, `cut ${cut}`).to.equal(undefined);
            if (event === undefined) break;
            out.push(event);
          }
        }
        expect(commands(out), `cut ${cut}`).to.deep.equal([...expected, ["ECHO", "x"], ["PING"]]);
        expect(parser.drained()).to.equal(true);
      }
      // Between the arguments of a request nothing is left to parse, yet it is not drained.
      const parser = new RespParser();
      parser.feed(Buffer.from("*2\r\n$4\r\nECHO\r\n", "latin1"));
      expect(parser.next()).to.equal(undefined);
      expect(parser.bufferedBytes).to.equal(0);
      expect(parser.drained()).to.equal(false);
    });

    it("skips empty and negative multibulk counts like Redis", () => {
      expect(commands(parseAll(["*0\r\n*-1\r\n*-5\r\nPING\r\n"]))).to.deep.equal([["PING"]]);
    });

    it("skips the two bytes after a bulk payload without checking them", () => {
      expect(commands(parseAll(["*1\r\n$4\r\nPINGxx"]))).to.deep.equal([["PING"]]);
    });

    it("reserves a large bulk once and parses it across many chunks", () => {
      const big = Buffer.alloc(3 * 1024 * 1024, 0x61);
      const input = Buffer.concat([
        Buffer.from(`*2\r\n$4\r\nECHO\r\n$${big.length}\r\n`),
        big,
        Buffer.from("\r\n"),
      ]);
      const parser = new RespParser();
      const chunks: Buffer[] = [];
      for (let i = 0; i < input.length; i += 65536) chunks.push(input.subarray(i, i + 65536));
      const events = parseAll(chunks, parser);
      expect(events).to.have.length(1);
      expect(events[0]?.type === "command" && events[0].args[1]?.length).to.equal(big.length);
      expect(parser.heldBytes).to.equal(0);
    });
  });

  describe("protocol errors", () => {
    const cases: readonly (readonly [string, string])[] = [
      ["*a\r\n", "Protocol error: invalid multibulk length"],
      ["*2147483648\r\n", "Protocol error: invalid multibulk length"],
      ["*01\r\n", "Protocol error: invalid multibulk length"],
      ["*+1\r\n", "Protocol error: invalid multibulk length"],
      ["*1 \r\n", "Protocol error: invalid multibulk length"],
      ["*1\n$4\r\nPING\r\n", "Protocol error: invalid multibulk length"],
      ["*1\r\n$-1\r\n", "Protocol error: invalid bulk length"],
      ["*1\r\n$-0\r\n", "Protocol error: invalid bulk length"],
      ["*1\r\n$04\r\n", "Protocol error: invalid bulk length"],
      ["*1\r\n$536870913\r\n", "Protocol error: invalid bulk length"],
      ["*1\r\n$111111111111111111111111111111\r\n", "Protocol error: invalid bulk length"],
      ["*1\r\nPING\r\n", "Protocol error: expected '$', got 'P'"],
      ["*2\r\n$4\r\nPING\r\n:1\r\n", "Protocol error: expected '$', got ':'"],
      ['PING "a\r\n', "Protocol error: unbalanced quotes in request"],
      ["PING 'a\r\n", "Protocol error: unbalanced quotes in request"],
      ['PING "a"b\r\n', "Protocol error: unbalanced quotes in request"],
    ];
    for (const [input, message] of cases) {
      it(`answers ${JSON.stringify(input)} with "${message}"`, () => {
        expect(firstError(input)).to.equal(message);
      });
    }

    it("rejects more than 1024*1024 arguments", () => {
      expect(firstError("*1048577\r\n")).to.equal("Protocol error: invalid multibulk length");
      expect(firstError("*1048576\r\n")).to.equal(undefined);
    });

    it("rejects an inline line, count or bulk header longer than 64 KB", () => {
      expect(firstError("A".repeat(70000))).to.equal("Protocol error: too big inline request");
      expect(firstError(`*${"1".repeat(70000)}`)).to.equal(
        "Protocol error: too big mbulk count string",
      );
      expect(firstError(`*1\r\n$${"1".repeat(70000)}`)).to.equal(
        "Protocol error: too big bulk count string",
      );
    });

    it("treats a NUL before the header's CR as hiding it, like strchr", () => {
      expect(firstError(`*1\0\r\n${"x".repeat(70000)}`)).to.equal(
        "Protocol error: too big mbulk count string",
      );
    });

    // Found by the wire differential (test/e2e/protocol-differential): redis-sentinel 7.0.15
    // does not answer `PING\0x\r\n` (its strchr stops at the NUL) and refuses the line past
    // 64 KB; Vigil answered +PONG.
    it("treats a NUL before an inline line's LF as hiding it, like strchr", () => {
      expect(commands(parseAll(["PING\0hidden\r\n"]))).to.deep.equal([]);
      expect(commands(parseAll(["PING\r\nPING\0\r\n", "PING\r\n"]))).to.deep.equal([["PING"]]);
      expect(firstError(`PING\0\r\n${"x\r\n".repeat(25000)}`)).to.equal(
        "Protocol error: too big inline request",
      );
      expect(commands(parseAll(["PING a\r\n\0"]))).to.deep.equal([["PING", "a"]]);
    });

    // Found by the wire differential: Redis writes a CR or LF in an error reply as a space
    // (addReplyErrorFormat); Vigil sent `got '\n'`, a reply line cut in two.
    it("names a CR or LF where '$' was expected as a space, as redis-sentinel does", () => {
      expect(firstError("*1\r\n\n$4\r\nPING\r\n")).to.equal(
        "Protocol error: expected '$', got ' '",
      );
      expect(firstError("*1\r\n\r\r\n")).to.equal("Protocol error: expected '$', got ' '");
    });

    it("applies Redis 7's unauthenticated limits when told the client is not authenticated", () => {
      const parser = new RespParser();
      parser.authenticated = false;
      expect(firstError("*11\r\n", parser)).to.equal(
        "Protocol error: unauthenticated multibulk length",
      );
      const other = new RespParser();
      other.authenticated = false;
      expect(firstError("*1\r\n$16385\r\n", other)).to.equal(
        "Protocol error: unauthenticated bulk length",
      );
    });

    it("honours configured limits", () => {
      const parser = new RespParser({ maxBulkLength: 10 });
      expect(firstError("*1\r\n$11\r\n", parser)).to.equal("Protocol error: invalid bulk length");
    });

    it("returns the commands before the error, then nothing more", () => {
      const parser = new RespParser();
      const events = parseAll(["PING\r\n*x\r\nPING\r\n"], parser);
      expect(commands(events)).to.deep.equal([
        ["PING"],
        ["!Protocol error: invalid multibulk length"],
      ]);
      parser.feed(Buffer.from("PING\r\n"));
      expect(parser.next()).to.equal(undefined);
      expect(parser.isFailed).to.equal(true);
    });

    it("never throws on random bytes (seeded)", () => {
      let seed = 12345;
      const rand = (): number => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed;
      };
      for (let round = 0; round < 200; round++) {
        const parser = new RespParser();
        const bytes = Buffer.alloc(2048);
        for (let i = 0; i < bytes.length; i++) bytes[i] = rand() & 0xff;
        expect(() =>
          parseAll([bytes.subarray(0, 700), bytes.subarray(700)], parser),
        ).not.to.throw();
      }
    });
  });

  describe("inline commands", () => {
    it("splits on whitespace and accepts LF or CRLF", () => {
      expect(commands(parseAll(["PING a\tb\nPING  c  \r\n"]))).to.deep.equal([
        ["PING", "a", "b"],
        ["PING", "c"],
      ]);
    });

    it("ignores empty lines", () => {
      expect(commands(parseAll(["\r\n\r\n\nPING\r\n"]))).to.deep.equal([["PING"]]);
    });

    it("survives a 1 MB run of empty lines without deep recursion", () => {
      expect(commands(parseAll(["\n".repeat(1024 * 1024), "PING\n"]))).to.deep.equal([["PING"]]);
    });
  });

  describe("parseStrictInteger (string2ll)", () => {
    it("accepts canonical decimals and rejects everything else", () => {
      expect(parseStrictInteger(Buffer.from("0"))).to.equal(0);
      expect(parseStrictInteger(Buffer.from("-12"))).to.equal(-12);
      expect(parseStrictInteger(Buffer.from("9223372036854775807"))).to.equal(
        Number(9223372036854775807n),
      );
      for (const bad of ["", "-", "-0", "+1", "01", " 1", "1 ", "1a", "9223372036854775808"]) {
        expect(parseStrictInteger(Buffer.from(bad)), bad).to.equal(undefined);
      }
    });
  });
});

describe("splitArgs (sdssplitargs quoting)", () => {
  const split = (s: string): string[] | null =>
    splitArgs(Buffer.from(s, "latin1"))?.map((b) => b.toString("latin1")) ?? null;

  it("understands double-quote escapes including \\xHH", () => {
    expect(split('SET "a b" "\\x41\\n\\t\\"q\\""')).to.deep.equal(["SET", "a b", 'A\n\t"q"']);
  });

  it("keeps an invalid hex escape as literal characters", () => {
    expect(split('PING "\\x4g"')).to.deep.equal(["PING", "x4g"]);
  });

  it("understands only \\' inside single quotes", () => {
    expect(split("PING 'a\\'b' 'c\\nd'")).to.deep.equal(["PING", "a'b", "c\\nd"]);
  });

  it("joins a quoted part to the unquoted prefix of the same word", () => {
    expect(split('a"b c" d')).to.deep.equal(["ab c", "d"]);
  });

  it("accepts an empty quoted argument", () => {
    expect(split('PING ""')).to.deep.equal(["PING", ""]);
  });

  it("reports unbalanced quotes and a closing quote glued to text", () => {
    expect(split('PING "a')).to.equal(null);
    expect(split("PING 'a")).to.equal(null);
    expect(split('PING "a"b')).to.equal(null);
  });

  it("stops at a NUL byte like the C original", () => {
    expect(split("PING a\0b c")).to.deep.equal(["PING", "a"]);
  });
});

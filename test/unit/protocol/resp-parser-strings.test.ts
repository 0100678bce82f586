// Proves nextStrings(), the server's fast path: it yields the same commands as next() decoded as
// UTF-8 at every split point, the same protocol errors, the same inline splitting, and the
// same canonical-decimal rules for header lengths (checked against parseStrictInteger).
import { expect } from "chai";
import type { StringParseEvent } from "../../../src/protocol/resp-parser.js";
import { parseStrictInteger, RespParser } from "../../../src/protocol/resp-parser.js";

function viaStrings(input: Buffer, split: number): string[][] {
  const parser = new RespParser();
  const out: string[][] = [];
  const drain = (): void => {
    for (let e: StringParseEvent | undefined = parser.nextStrings(); e !== undefined;) {
      out.push(e.type === "command" ? [...e.args] : [`!${e.message}`]);
      e = parser.nextStrings();
    }
  };
  parser.feed(input.subarray(0, split));
  drain();
  parser.feed(input.subarray(split));
  drain();
  return out;
}

function viaBuffers(input: Buffer): string[][] {
  const parser = new RespParser();
  parser.feed(input);
  const out: string[][] = [];
  for (let e = parser.next(); e !== undefined; e = parser.next()) {
    out.push(e.type === "command" ? e.args.map((a) => a.toString("utf8")) : [`!${e.message}`]);
  }
  return out;
}

describe("RespParser.nextStrings", () => {
  const inputs = [
    "*3\r\n$8\r\nSENTINEL\r\n$23\r\nget-master-addr-by-name\r\n$8\r\nmymaster\r\n".repeat(3),
    "*2\r\n$4\r\nPING\r\n$6\r\nh\u00e9llo\r\nPING \"a b\" 'c'\r\n*0\r\n*-1\r\n*1\r\n$0\r\n\r\n",
    "*1\r\n$4\r\nPING\r\n*1\r\n$01\r\nx\r\n",
    "*2\r\n$4\r\nPING\r\n$-0\r\n",
    "*1\r\n\u0000\r\n*1\r\n$4\r\nPING\r\n",
    "*1\r\nx$4\r\nPING\r\n",
    `*1\r\n$${"9".repeat(20)}\r\n`,
    `*1\r\n$${"1".repeat(40)}`,
  ];

  it("yields what next() yields, decoded as UTF-8, whatever the chunking", () => {
    for (const text of inputs) {
      const input = Buffer.from(text, "utf8");
      const expected = viaBuffers(input);
      for (let split = 0; split <= input.length; split++) {
        expect(viaStrings(input, split), `${JSON.stringify(text)} @${split}`).to.deep.equal(
          expected,
        );
      }
    }
  });

  it("parses header lengths exactly like parseStrictInteger", () => {
    const samples = ["0", "-0", "00", "7", "-7", "12", "012", "+1", "1a", "123456789012345"];
    samples.push("1234567890123456", "99999999999999999999", "-", "");
    for (const n of samples) {
      const expected = parseStrictInteger(Buffer.from(n));
      const parser = new RespParser({ maxMultibulkLength: Number.MAX_SAFE_INTEGER });
      parser.feed(Buffer.from(`*${n}\r\n`));
      const event = parser.nextStrings();
      const valid = expected !== undefined;
      expect(event?.type === "error", `*${n}`).to.equal(!valid);
    }
  });
});

// nextStrings() flags the arguments whose bytes are not valid UTF-8 (notUtf8, their indices),
// whatever the chunking, for multibulk and inline requests; valid text (a U+FFFD sent as
// UTF-8 included) is not flagged, and takeKnown() leaves such a request to the general path.
import { expect } from "chai";
import { KnownRequest } from "../../../src/protocol/known-request.js";
import type { StringParseEvent } from "../../../src/protocol/resp-parser.js";
import { RespParser } from "../../../src/protocol/resp-parser.js";

interface Seen {
  readonly args: readonly string[];
  readonly notUtf8: readonly number[] | undefined;
}

function parse(input: Buffer, split: number): Seen[] {
  const parser = new RespParser();
  const out: Seen[] = [];
  const drain = (): void => {
    for (let e: StringParseEvent | undefined = parser.nextStrings(); e !== undefined;) {
      if (e.type !== "command") throw new Error(e.message);
      out.push({ args: e.args, notUtf8: e.notUtf8 });
      e = parser.nextStrings();
    }
  };
  parser.feed(input.subarray(0, split));
  drain();
  parser.feed(input.subarray(split));
  drain();
  return out;
}

function bulk(parts: readonly Buffer[]): Buffer {
  const chunks: Buffer[] = [Buffer.from(`*${parts.length}\r\n`)];
  for (const p of parts) chunks.push(Buffer.from(`$${p.length}\r\n`), p, Buffer.from("\r\n"));
  return Buffer.concat(chunks);
}

describe("RespParser.nextStrings: arguments not valid UTF-8", () => {
  const b = (s: string): Buffer => Buffer.from(s, "utf8");
  const bad = Buffer.from([0x70, 0xff, 0x71]); // "p\xffq"
  const input = Buffer.concat([
    bulk([b("SENTINEL"), b("SET"), b("m"), b("auth-pass"), bad]),
    bulk([b("PING"), b("\uFFFD caf\u00e9")]),
    bulk([b("ACL"), b("SETUSER"), Buffer.from([0xc3]), b("on"), Buffer.from([0xe2, 0x82])]),
    Buffer.concat([b('SENTINEL SET m auth-pass "\\xff" x\r\n')]),
  ]);

  it("lists the indices of the arguments that lost bytes, at every split point", () => {
    for (let split = 0; split <= input.length; split++) {
      const seen = parse(input, split);
      expect(
        seen.map((s) => s.notUtf8),
        `@${split}`,
      ).to.deep.equal([[4], undefined, [2, 4], [4]]);
      expect(seen[0]?.args[4]).to.equal("p\uFFFDq");
      expect(seen[1]?.args[1]).to.equal("\uFFFD caf\u00e9");
    }
  });

  it("takeKnown leaves a name that is not UTF-8 to the general path, which flags it", () => {
    const known = new KnownRequest(["sentinel", "get-master-addr-by-name"]);
    const parser = new RespParser();
    parser.feed(bulk([b("SENTINEL"), b("get-master-addr-by-name"), Buffer.from([0xff])]));
    expect(parser.takeKnown(known)).to.equal(undefined);
    const event = parser.nextStrings();
    expect(event?.type === "command" ? event.notUtf8 : "error").to.deep.equal([2]);
    parser.feed(bulk([b("SENTINEL"), b("get-master-addr-by-name"), b("\uFFFD")]));
    expect(parser.takeKnown(known)).to.equal("\uFFFD");
  });
});

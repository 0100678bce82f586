// Proves the server's byte-level fast path for SENTINEL GET-MASTER-ADDR-BY-NAME: KnownRequest
// matches the request in any letter case and only when it is complete and canonical, and
// RespParser.takeKnown() never changes what a client's bytes mean — mixing it with nextStrings()
// yields exactly the argv sequence and protocol errors nextStrings() alone yields, at every split
// point and over seeded random streams of variants (odd case, bad lengths, other commands).
import { expect } from "chai";
import { KnownRequest } from "../../../src/protocol/known-request.js";
import type { StringParseEvent } from "../../../src/protocol/resp-parser.js";
import { RespParser } from "../../../src/protocol/resp-parser.js";
import { seeded } from "../../support/seeded.js";

const KNOWN = new KnownRequest(["sentinel", "get-master-addr-by-name"]);

function frame(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
}

function matchAll(text: string): number {
  const buf = Buffer.from(text, "latin1");
  return KNOWN.match(buf, 0, buf.length, { from: 0, to: 0 });
}

/** Drives a parser the way the server does: takeKnown first, then the general parser. */
function viaKnown(chunks: readonly Buffer[]): string[][] {
  const parser = new RespParser();
  const out: string[][] = [];
  const drain = (): void => {
    for (;;) {
      const name = parser.takeKnown(KNOWN);
      if (name !== undefined) {
        out.push(["sentinel", "get-master-addr-by-name", name]);
        continue;
      }
      const e: StringParseEvent | undefined = parser.nextStrings();
      if (e === undefined) return;
      out.push(
        e.type === "command"
          ? [...e.args].map((a, i) => (i < 2 ? a.toLowerCase() : a))
          : [`!${e.message}`],
      );
      if (e.type === "error") return;
    }
  };
  for (const chunk of chunks) {
    parser.feed(chunk);
    drain();
  }
  return out;
}

function viaStrings(input: Buffer): string[][] {
  const parser = new RespParser();
  parser.feed(input);
  const out: string[][] = [];
  for (let e = parser.nextStrings(); e !== undefined; e = parser.nextStrings()) {
    out.push(
      e.type === "command"
        ? [...e.args].map((a, i) => (i < 2 ? a.toLowerCase() : a))
        : [`!${e.message}`],
    );
    if (e.type === "error") break;
  }
  return out;
}

describe("KnownRequest.match", () => {
  it("matches the request in any letter case and reports the last argument's range", () => {
    for (const [s, g] of [
      ["sentinel", "get-master-addr-by-name"],
      ["SENTINEL", "GET-MASTER-ADDR-BY-NAME"],
      ["Sentinel", "get-MASTER-addr-BY-name"],
    ] as const) {
      const text = frame(s, g, "mymaster");
      const buf = Buffer.from(text + "*1\r\n$4\r\nPING\r\n", "latin1");
      const tail = { from: 0, to: 0 };
      expect(KNOWN.match(buf, 0, buf.length, tail)).to.equal(text.length);
      expect(buf.toString("latin1", tail.from, tail.to)).to.equal("mymaster");
    }
  });

  it("does not match any incomplete prefix of the request", () => {
    const text = frame("sentinel", "get-master-addr-by-name", "m1");
    for (let cut = 0; cut < text.length; cut++) {
      expect(matchAll(text.slice(0, cut)), `cut at ${cut}`).to.equal(-1);
    }
    expect(matchAll(text)).to.equal(text.length);
  });

  it("leaves non-canonical or unusual frames to the general parser", () => {
    const head = "*3\r\n$8\r\nsentinel\r\n$23\r\nget-master-addr-by-name\r\n";
    for (const tail of [
      "$01\r\nm\r\n", // leading zero
      "$+1\r\nm\r\n",
      "$-1\r\n",
      "$\r\nm\r\n",
      "$1\rXm\r\n", // the byte after \r is not \n
      "$1\r\nmXY", // payload not followed by \r\n
      `$2000\r\n${"x".repeat(2000)}\r\n`, // longer than KNOWN_TAIL_MAX
    ]) {
      expect(matchAll(head + tail), JSON.stringify(tail)).to.equal(-1);
    }
    expect(matchAll(frame("sentinel", "get-master-addr-by-nam3", "m"))).to.equal(-1);
    expect(matchAll(frame("sentinel", "get-master-addr-by-name", "m", "x"))).to.equal(-1);
    expect(matchAll(frame("sentinel", "masters"))).to.equal(-1);
    // Case folding applies to letters only: "\r" is "-" with the 0x20 bit cleared.
    expect(matchAll(frame("sentinel", "get\rmaster-addr-by-name", "m"))).to.equal(-1);
    expect(matchAll(frame("sentinel", "get-master-addr-by-name", ""))).to.be.greaterThan(0);
  });
});

describe("RespParser.takeKnown", () => {
  it("consumes one request, returns its name, and leaves the rest to nextStrings", () => {
    const parser = new RespParser();
    parser.feed(Buffer.from(frame("SENTINEL", "get-master-addr-by-name", "h\u00e9") + "PING\r\n"));
    expect(parser.takeKnown(KNOWN)).to.equal("h\u00e9");
    expect(parser.takeKnown(KNOWN)).to.equal(undefined);
    const next = parser.nextStrings();
    expect(next).to.deep.equal({ type: "command", args: ["PING"] });
    expect(parser.bufferedBytes).to.equal(0);
  });

  it("decodes each name afresh when clients alternate names", () => {
    const parser = new RespParser();
    const names = ["a", "b", "a", "ab", "ba", "b"];
    parser.feed(
      Buffer.from(names.map((n) => frame("sentinel", "get-master-addr-by-name", n)).join("")),
    );
    expect(names.map(() => parser.takeKnown(KNOWN))).to.deep.equal(names);
  });

  it("does nothing in the middle of a request the general parser started", () => {
    const parser = new RespParser();
    const text = frame("sentinel", "get-master-addr-by-name", "m");
    parser.feed(Buffer.from("*2\r\n$4\r\nPING\r\n"));
    expect(parser.nextStrings()).to.equal(undefined);
    parser.feed(Buffer.from(text));
    expect(parser.takeKnown(KNOWN)).to.equal(undefined);
    const event = parser.nextStrings();
    expect(event?.type).to.equal("error");
  });

  it("yields what nextStrings alone yields at every split point", () => {
    const inputs = [
      frame("sentinel", "get-master-addr-by-name", "mymaster").repeat(3),
      frame("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "x") + "PING\r\n" + frame("sentinel", "masters"),
      frame("sentinel", "get-master-addr-by-name", "m") + "*3\r\n$8\r\nsentinel\r\n$023\r\n",
      frame("sentinel", "get-master-addr-by-name", "m").replace("\r\nm\r\n", "\r\nmXY"),
    ];
    for (const text of inputs) {
      const input = Buffer.from(text, "utf8");
      const expected = viaStrings(input);
      for (let split = 0; split <= input.length; split++) {
        const got = viaKnown([input.subarray(0, split), input.subarray(split)]);
        expect(got, `${JSON.stringify(text)} split at ${split}`).to.deep.equal(expected);
      }
    }
  });

  it("yields what nextStrings alone yields over 300 seeded random streams", () => {
    const pieces = [
      () => frame("sentinel", "get-master-addr-by-name", "mymaster"),
      () => frame("SENTINEL", "Get-Master-Addr-By-Name", "other"),
      () => frame("sentinel", "get-master-addr-by-name", "m\u00fcnchen"),
      () => frame("sentinel", "get-master-addr-by-name"),
      () => frame("sentinel", "get-master-addr-by-name", "a", "b"),
      () => frame("ping"),
      () => "PING\r\n",
      () => "sentinel get-master-addr-by-name mymaster\r\n",
      () => "*0\r\n",
      () => "*3\r\n$8\r\nsentinel\r\n$23\r\nget-master-addr-by-name\r\n$01\r\nx\r\n",
    ];
    for (let seed = 1; seed <= 300; seed++) {
      const random = seeded(seed);
      let text = "";
      const count = 1 + Math.floor(random() * 12);
      for (let i = 0; i < count; i++) text += pieces[Math.floor(random() * pieces.length)]!();
      const input = Buffer.from(text, "utf8");
      const chunks: Buffer[] = [];
      for (let at = 0; at < input.length;) {
        const size = 1 + Math.floor(random() * 40);
        chunks.push(input.subarray(at, at + size));
        at += size;
      }
      expect(viaKnown(chunks), `seed ${seed}`).to.deep.equal(viaStrings(input));
    }
  });
});

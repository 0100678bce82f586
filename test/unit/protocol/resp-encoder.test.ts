// Proves the RESP encoder writes the exact bytes Redis writes for each reply type, in RESP2
// (maps flattened, sets and pushes as arrays, nulls as $-1 / *-1, doubles and verbatim as
// bulks) and RESP3 (%, ~, >, _, ",", =), and that CR/LF can never break a simple or error line.
// Every expectation holds for both encoders (text-first and two-pass Buffer), and seeded random
// reply trees (non-ASCII, lone surrogates, CR/LF, bigints, doubles, binary) encode identically.
import { expect } from "chai";
import type { Reply } from "../../../src/protocol/reply.js";
import { R } from "../../../src/protocol/reply.js";
import {
  encodeReplies,
  encodeReply,
  encodeTransient,
  formatDouble,
} from "../../../src/protocol/resp-encoder.js";
import { encodeReplyBytes } from "../../support/reference-resp-encoder.js";
import { seeded } from "../../support/seeded.js";

const enc = (r: Reply, p: 2 | 3): string => {
  const text = encodeReply(r, p).toString("latin1");
  expect(encodeReplyBytes(r, p).toString("latin1"), "two-pass encoder").to.equal(text);
  return text;
};

const PIECES = [
  "a",
  "name",
  "é",
  "€",
  "😀",
  "\ud800",
  "\udc00",
  "\r",
  "\n",
  " ",
  "0",
  "x".repeat(300),
];

function randomText(random: () => number): string {
  let text = "";
  const n = Math.floor(random() * 6);
  for (let i = 0; i < n; i++) text += PIECES[Math.floor(random() * PIECES.length)]!;
  return text;
}

function randomReply(random: () => number, depth: number): Reply {
  const kind = Math.floor(random() * (depth > 2 ? 9 : 13));
  switch (kind) {
    case 0:
      return R.simple(randomText(random));
    case 1:
      return R.error(randomText(random));
    case 2:
      return R.integer(random() < 0.2 ? 2n ** 62n : Math.floor((random() - 0.5) * 1e9));
    case 3:
    case 4:
      return R.bulk(randomText(random));
    case 5:
      return random() < 0.5 ? R.null() : R.nullArray();
    case 6:
      return R.double(random() < 0.1 ? Infinity : (random() - 0.5) * 1e6);
    case 7:
      return R.verbatim(randomText(random));
    case 8:
      return R.bulk(Buffer.from([0, 255, 13, 10]));
    case 9:
      return R.array(
        Array.from({ length: Math.floor(random() * 4) }, () => randomReply(random, depth + 1)),
      );
    case 10:
      return R.push(
        Array.from({ length: Math.floor(random() * 4) }, () => randomReply(random, depth + 1)),
      );
    case 11:
      return R.set(
        Array.from({ length: Math.floor(random() * 4) }, () => randomReply(random, depth + 1)),
      );
    default:
      return R.map(
        Array.from(
          { length: Math.floor(random() * 4) },
          () => [randomReply(random, depth + 1), randomReply(random, depth + 1)] as const,
        ),
      );
  }
}

describe("encodeReply", () => {
  it("writes simple strings, errors and integers", () => {
    expect(enc(R.ok(), 2)).to.equal("+OK\r\n");
    expect(enc(R.error("ERR bad"), 3)).to.equal("-ERR bad\r\n");
    expect(enc(R.integer(-42), 2)).to.equal(":-42\r\n");
    expect(enc(R.integer(9007199254740993n), 3)).to.equal(":9007199254740993\r\n");
  });

  it("replaces CR and LF in simple strings and errors with spaces", () => {
    expect(enc(R.error("ERR a\r\nb"), 2)).to.equal("-ERR a  b\r\n");
  });

  it("writes bulk strings by byte length, UTF-8 and binary alike", () => {
    expect(enc(R.bulk("héllo"), 2)).to.equal(
      Buffer.from("$6\r\nhéllo\r\n", "utf8").toString("latin1"),
    );
    expect(encodeReply(R.bulk(new Uint8Array([0, 13, 10])), 2)).to.deep.equal(
      Buffer.from([0x24, 0x33, 13, 10, 0, 13, 10, 13, 10]),
    );
    expect(enc(R.bulk(""), 3)).to.equal("$0\r\n\r\n");
  });

  it("writes nulls as $-1 and *-1 in RESP2 and _ in RESP3", () => {
    expect(enc(R.null(), 2)).to.equal("$-1\r\n");
    expect(enc(R.nullArray(), 2)).to.equal("*-1\r\n");
    expect(enc(R.null(), 3)).to.equal("_\r\n");
    expect(enc(R.nullArray(), 3)).to.equal("_\r\n");
  });

  it("writes a map as a flat array in RESP2 and as % in RESP3", () => {
    const m = R.bulkMap([
      ["ip", "127.0.0.1"],
      ["port", "6379"],
    ]);
    expect(enc(m, 2)).to.equal("*4\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$4\r\nport\r\n$4\r\n6379\r\n");
    expect(enc(m, 3)).to.equal("%2\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$4\r\nport\r\n$4\r\n6379\r\n");
  });

  it("writes a map of bulk strings exactly as the general map of the same bulks", () => {
    const pairs = [
      ["name", "café-master"],
      ["", "x".repeat(600)],
    ] as const;
    const general = R.map(pairs.map(([k, v]) => [R.bulk(k), R.bulk(v)] as const));
    for (const protocol of [2, 3] as const) {
      expect(encodeReply(R.bulkMap(pairs), protocol)).to.deep.equal(encodeReply(general, protocol));
    }
  });

  it("writes pushes and sets as arrays in RESP2 and as > and ~ in RESP3", () => {
    const p = R.push([R.bulk("message"), R.bulk("+sdown"), R.bulk("x")]);
    expect(enc(p, 2)).to.equal("*3\r\n$7\r\nmessage\r\n$6\r\n+sdown\r\n$1\r\nx\r\n");
    expect(enc(p, 3)).to.equal(">3\r\n$7\r\nmessage\r\n$6\r\n+sdown\r\n$1\r\nx\r\n");
    expect(enc(R.set([R.simple("fast")]), 2)).to.equal("*1\r\n+fast\r\n");
    expect(enc(R.set([R.simple("fast")]), 3)).to.equal("~1\r\n+fast\r\n");
  });

  it("writes doubles as bulk strings in RESP2 and with , in RESP3", () => {
    expect(enc(R.double(1.5), 2)).to.equal("$3\r\n1.5\r\n");
    expect(enc(R.double(1.5), 3)).to.equal(",1.5\r\n");
    expect(enc(R.double(-Infinity), 3)).to.equal(",-inf\r\n");
  });

  it("writes verbatim strings as bulks in RESP2 and with = and a format in RESP3", () => {
    expect(enc(R.verbatim("id=1\n"), 2)).to.equal("$5\r\nid=1\n\r\n");
    expect(enc(R.verbatim("id=1\n"), 3)).to.equal("=9\r\ntxt:id=1\n\r\n");
  });

  it("writes nested arrays and raw bytes", () => {
    const r = R.array([
      R.bulk("sentinel"),
      R.array([R.bulk("m")]),
      { type: "raw", bytes: Buffer.from(":1\r\n") },
    ]);
    expect(enc(r, 2)).to.equal("*3\r\n$8\r\nsentinel\r\n*1\r\n$1\r\nm\r\n:1\r\n");
  });

  it("encodes several replies back to back", () => {
    expect(encodeReplies([R.ok(), R.integer(1)], 2).toString()).to.equal("+OK\r\n:1\r\n");
    expect(encodeReplies([], 2).length).to.equal(0);
  });

  it("gives the same bytes from both encoders for 500 seeded random reply trees", () => {
    for (let seed = 1; seed <= 500; seed++) {
      const reply = randomReply(seeded(seed), 0);
      for (const p of [2, 3] as const) {
        expect(encodeReply(reply, p).equals(encodeReplyBytes(reply, p)), `seed ${seed} RESP${p}`).to
          .be.true;
      }
    }
  });

  it("encodes replies larger than its scratch buffer, and small ones after them", () => {
    for (const size of [70_000, 2_000_000, 10]) {
      const reply = R.array([R.bulk("é".repeat(size)), R.bulk(Buffer.alloc(size, 7)), R.ok()]);
      expect(encodeReply(reply, 2).equals(encodeReplyBytes(reply, 2)), `size ${size}`).to.equal(
        true,
      );
    }
  });

  it("sizes a wide reply exactly", () => {
    const wide = R.array(Array.from({ length: 5000 }, (_, i) => R.bulk(`item-${i}`)));
    const bytes = encodeReply(wide, 3);
    expect(bytes.toString("latin1").startsWith("*5000\r\n$6\r\nitem-0\r\n")).to.equal(true);
    expect(bytes.toString("latin1").endsWith("$9\r\nitem-4999\r\n")).to.equal(true);
  });
});

describe("encodeTransient", () => {
  it("gives encodeReply's bytes, small and past the scratch size, and a small one after", () => {
    const random = seeded(11);
    const replies = [
      ...Array.from({ length: 50 }, () => randomReply(random, 0)),
      R.array([R.bulk("é".repeat(2_000_000)), R.ok()]),
      R.bulk("after"),
    ];
    for (const protocol of [2, 3] as const) {
      for (const reply of replies) {
        const copy = Buffer.from(encodeTransient(reply, protocol));
        expect(copy.equals(encodeReply(reply, protocol))).to.equal(true);
      }
    }
  });
});

describe("formatDouble", () => {
  it("prints like %.17g", () => {
    expect(formatDouble(3)).to.equal("3");
    expect(formatDouble(0.1)).to.equal("0.10000000000000001");
    expect(formatDouble(Number.NaN)).to.equal("nan");
    expect(formatDouble(1e300)).to.equal("1.0000000000000001e+300");
  });
});

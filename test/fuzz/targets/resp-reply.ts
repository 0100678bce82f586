// The monitor links' RESP2 reply parser (resp-reply-parser.ts), fed as resp-link.ts feeds it.
// Properties: the only exception is ReplyProtocolError (the link drops the connection on it);
// the replies and that error are the same whatever the chunking; every value is a RESP2 shape
// (string, number, int64 bigint, null, ReplyError, array of those).
import type { ReplyValue } from "../../../src/protocol/resp-reply-parser.js";
import { ReplyError, RespReplyParser } from "../../../src/protocol/resp-reply-parser.js";
import { ReplyProtocolError } from "../../../src/errors.js";
import { randomChunks } from "../mutate.js";
import type { Rng } from "../rng.js";
import type { FuzzTarget } from "../runner.js";
import { violation } from "../runner.js";

const INFO_SAMPLE =
  "# Server\r\nredis_version:7.0.15\r\nrun_id:6ec6f75692b863ec39d0b32118926528fe8f1435\r\n# Replication\r\nrole:master\r\nconnected_slaves:1\r\nslave0:ip=127.0.0.1,port=6380,state=online,offset=42,lag=0\r\n";

export const REPLY_CORPUS: readonly Buffer[] = [
  "+PONG\r\n",
  "-LOADING Redis is loading the dataset in memory\r\n",
  ":42\r\n:-3\r\n:9223372036854775807\r\n:-9223372036854775808\r\n",
  "$4\r\nhé!\r\n$0\r\n\r\n$-1\r\n*-1\r\n",
  `$${Buffer.byteLength(INFO_SAMPLE)}\r\n${INFO_SAMPLE}\r\n`,
  "*3\r\n:1\r\n$40\r\n6ec6f75692b863ec39d0b32118926528fe8f1435\r\n:7\r\n",
  "*5\r\n+OK\r\n+OK\r\n+OK\r\n-ERR nested\r\n:1\r\n",
  "*3\r\n$7\r\nmessage\r\n$18\r\n__sentinel__:hello\r\n$86\r\n127.0.0.1,26380,6ec6f75692b863ec39d0b32118926528fe8f1435,0,mymaster,127.0.0.1,6379,0\r\n",
  "*3\r\n$9\r\nsubscribe\r\n$18\r\n__sentinel__:hello\r\n:1\r\n",
  "*2\r\n*2\r\n:1\r\n:2\r\n*0\r\n",
].map((s) => Buffer.from(s));

const DICTIONARY = [
  "*",
  "$",
  ":",
  "+",
  "-",
  "\r\n",
  "*1\r\n",
  "*2\r\n",
  "$-1\r\n",
  "%1\r\n",
  "_\r\n",
  ",1.5\r\n",
].map((s) => Buffer.from(s));

function checkShape(v: ReplyValue, depth = 0): void {
  if (depth > 64) violation("nesting deeper than 64 came out of the parser");
  if (v === null || typeof v === "string" || v instanceof ReplyError) return;
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) violation(`integer ${v} is not exact`);
    return;
  }
  if (typeof v === "bigint") {
    if (v < -(2n ** 63n) || v >= 2n ** 63n) violation(`integer ${v} beyond int64`);
    return;
  }
  if (Array.isArray(v)) {
    for (const item of v) checkShape(item, depth + 1);
    return;
  }
  violation(`unexpected value ${String(v)}`);
}

function show(v: ReplyValue): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x instanceof ReplyError ? `ReplyError(${x.message})` : typeof x === "bigint" ? `${x}n` : x,
  );
}

function parse(chunks: readonly Buffer[]): string[] {
  const parser = new RespReplyParser();
  const out: string[] = [];
  try {
    for (const chunk of chunks) {
      parser.feed(chunk, (value, bulk) => {
        checkShape(value);
        out.push(`${bulk ? "bulk " : ""}${show(value)}`);
      });
    }
  } catch (err) {
    if (!(err instanceof ReplyProtocolError)) throw err;
    out.push(`protocol error ${err.message}`);
  }
  return out;
}

export const respReplyTarget: FuzzTarget = {
  name: "resp-reply",
  description:
    "RESP2 reply parser of the monitor links: typed errors only, chunking-invariant values",
  ciInputs: 10_000,
  corpus: REPLY_CORPUS,
  dictionary: DICTIONARY,
  maxLength: 128 * 1024,
  check(input: Buffer, rng: Rng): void {
    const whole = parse([Buffer.from(input)]);
    // The link hands the parser a fresh copy of each read.
    const chunked = parse(randomChunks(input, rng).map((c) => Buffer.from(c)));
    // A protocol error may come before replies the whole input would also refuse: compare the
    // replies given before either stream stopped.
    const n = Math.min(whole.length, chunked.length);
    for (let i = 0; i < n; i++) {
      if (whole[i] !== chunked[i]) {
        violation(`reply ${i} differs: whole ${whole[i]} / chunked ${chunked[i]}`);
      }
    }
    if (whole.length !== chunked.length) {
      violation(`${whole.length} replies whole, ${chunked.length} chunked`);
    }
  },
};

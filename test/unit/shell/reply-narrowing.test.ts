// Proves ioredis's untyped replies are narrowed the way sentinel.c reads hiredis replies:
// text for PING/INFO, [integer, string, integer] or nothing for is-master-down-by-addr.
import { expect } from "chai";
import {
  execFailures,
  narrowIsMasterDownReply,
  narrowReplyText,
} from "../../../src/shell/reply-narrowing.js";

describe("reply narrowing", () => {
  it("turns status and bulk replies into ok text and error replies into error text", () => {
    expect(narrowReplyText({ kind: "reply", value: "PONG" })).to.deep.equal({
      kind: "ok",
      text: "PONG",
    });
    expect(narrowReplyText({ kind: "reply", value: Buffer.from("role:master") })).to.deep.equal({
      kind: "ok",
      text: "role:master",
    });
    // The bare RESP link tells a bulk string from a status: the core reads them differently.
    expect(narrowReplyText({ kind: "reply", value: "PONG", bulk: true })).to.deep.equal({
      kind: "bulk",
      text: "PONG",
    });
    expect(narrowReplyText({ kind: "error", text: "LOADING Redis is loading" })).to.deep.equal({
      kind: "error",
      text: "LOADING Redis is loading",
    });
    expect(narrowReplyText({ kind: "closed", reason: "Connection is closed." })).to.equal(null);
  });

  it("accepts only [integer, string, integer] as an is-master-down reply", () => {
    expect(narrowIsMasterDownReply([1, "abc", 7])).to.deep.equal({
      down: true,
      leader: "abc",
      leaderEpoch: 7n,
    });
    expect(narrowIsMasterDownReply([0, "*", 0])).to.deep.equal({
      down: false,
      leader: "*",
      leaderEpoch: 0n,
    });
    expect(narrowIsMasterDownReply([1, "abc", 9007199254740993n])).to.deep.equal({
      down: true,
      leader: "abc",
      leaderEpoch: 9007199254740993n,
    });
    expect(narrowReplyText({ kind: "reply", value: 9007199254740993n })).to.deep.equal({
      kind: "ok",
      text: "9007199254740993",
    });
    expect(narrowIsMasterDownReply(["1", "abc", 7])).to.equal(null);
    expect(narrowIsMasterDownReply([1, "abc"])).to.equal(null);
    expect(narrowIsMasterDownReply([1, 2, 3])).to.equal(null);
    expect(narrowIsMasterDownReply("OK")).to.equal(null);
  });

  it("finds the errors nested in an EXEC reply", () => {
    expect(
      execFailures(["OK", new Error("ERR The server is running without a config file"), 3]),
    ).to.deep.equal(["ERR The server is running without a config file"]);
    expect(execFailures(null)).to.deep.equal([]);
  });
});

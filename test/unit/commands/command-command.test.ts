// Proves COMMAND answers like redis-sentinel 7.0.15: COUNT 15, LIST with subcommands and
// filters, INFO's 10-element entries (RESP3 sets where Redis uses them), DOCS's map shape,
// GETKEYS errors.
import { expect } from "chai";
import { R } from "../../../src/protocol/reply.js";
import { encodeReply } from "../../../src/protocol/resp-encoder.js";
import { newContext, one } from "./fake-context.js";

describe("COMMAND", () => {
  it("counts the 15 commands of a 7.0 sentinel", () => {
    expect(one(newContext().run("COMMAND", "COUNT"))).to.deep.equal(R.integer(15));
  });

  it("lists 74 names including subcommands (Vigil's sentinel|why and sentinel|forget-sentinel among them), and filters them", () => {
    const ctx = newContext();
    const all = one(ctx.run("COMMAND", "LIST"));
    expect(all.type === "array" && all.items.length).to.equal(74);
    expect(all.type === "array" && all.items).to.deep.include(R.bulk("sentinel|why"));
    expect(all.type === "array" && all.items).to.deep.include(R.bulk("sentinel|forget-sentinel"));
    expect(one(ctx.run("COMMAND", "LIST", "FILTERBY", "pattern", "p*"))).to.deep.equal(
      R.array(["publish", "psubscribe", "ping", "punsubscribe"].map((n) => R.bulk(n))),
    );
    expect(one(ctx.run("COMMAND", "LIST", "FILTERBY", "module", "x"))).to.deep.equal(R.array([]));
    expect(one(ctx.run("COMMAND", "LIST", "FILTERBY", "x", "y"))).to.deep.equal(
      R.error("ERR syntax error"),
    );
  });

  it("describes PING with the same bytes as Redis in RESP2 and RESP3", () => {
    const reply = one(newContext().run("COMMAND", "INFO", "ping"));
    expect(encodeReply(reply, 2).toString()).to.equal(
      "*1\r\n*10\r\n$4\r\nping\r\n:-1\r\n*1\r\n+fast\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@connection\r\n*2\r\n$25\r\nrequest_policy:all_shards\r\n$29\r\nresponse_policy:all_succeeded\r\n*0\r\n*0\r\n",
    );
    expect(encodeReply(reply, 3).toString()).to.equal(
      "*1\r\n*10\r\n$4\r\nping\r\n:-1\r\n~1\r\n+fast\r\n:0\r\n:0\r\n:0\r\n~2\r\n+@fast\r\n+@connection\r\n~2\r\n$25\r\nrequest_policy:all_shards\r\n$29\r\nresponse_policy:all_succeeded\r\n~0\r\n~0\r\n",
    );
  });

  it("answers null for unknown names in INFO and skips them in DOCS", () => {
    const ctx = newContext();
    expect(one(ctx.run("COMMAND", "INFO", "nope"))).to.deep.equal(R.array([R.nullArray()]));
    const docs = one(ctx.run("COMMAND", "DOCS", "nope", "ping"));
    expect(docs.type === "map" && docs.entries.map(([k]) => k)).to.deep.equal([R.bulk("ping")]);
  });

  it("explains that sentinel commands have no keys", () => {
    const ctx = newContext();
    expect(one(ctx.run("COMMAND", "GETKEYS", "ping", "x"))).to.deep.equal(
      R.error("ERR The command has no key arguments"),
    );
    expect(one(ctx.run("COMMAND", "GETKEYS", "foo", "x"))).to.deep.equal(
      R.error("ERR Invalid command specified"),
    );
  });

  it("lists every command without arguments", () => {
    const all = one(newContext().run("COMMAND"));
    expect(all.type === "array" && all.items.length).to.equal(15);
  });
});

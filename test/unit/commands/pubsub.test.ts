// Proves SUBSCRIBE/PSUBSCRIBE/UNSUBSCRIBE/PUNSUBSCRIBE confirm each name with Redis's
// [kind, name, count] frame (pushes, rendered as arrays in RESP2), the argument-less forms, and
// that PUBLISH only takes __sentinel__:hello and hands it to the host.
import { expect } from "chai";
import { R } from "../../../src/protocol/reply.js";
import { newContext, one } from "./fake-context.js";

const frame = (kind: string, name: string | null, n: number) =>
  R.push([R.bulk(kind), name === null ? R.null() : R.bulk(name), R.integer(n)]);

describe("pub/sub commands", () => {
  it("confirms each subscription with the running total of channels and patterns", () => {
    const ctx = newContext();
    expect(ctx.run("SUBSCRIBE", "a", "b")).to.deep.equal([
      frame("subscribe", "a", 1),
      frame("subscribe", "b", 2),
    ]);
    expect(ctx.run("PSUBSCRIBE", "x*")).to.deep.equal([frame("psubscribe", "x*", 3)]);
    expect(ctx.run("SUBSCRIBE", "a")).to.deep.equal([frame("subscribe", "a", 3)]);
  });

  it("unsubscribes from everything, in subscription order, without arguments", () => {
    const ctx = newContext();
    ctx.run("SUBSCRIBE", "a", "b");
    ctx.run("PSUBSCRIBE", "x*");
    expect(ctx.run("UNSUBSCRIBE")).to.deep.equal([
      frame("unsubscribe", "a", 2),
      frame("unsubscribe", "b", 1),
    ]);
    expect(ctx.run("PUNSUBSCRIBE")).to.deep.equal([frame("punsubscribe", "x*", 0)]);
  });

  it("answers a null name and zero when there is nothing to drop", () => {
    const ctx = newContext();
    expect(ctx.run("UNSUBSCRIBE")).to.deep.equal([frame("unsubscribe", null, 0)]);
    expect(ctx.run("PUNSUBSCRIBE")).to.deep.equal([frame("punsubscribe", null, 0)]);
  });

  it("confirms unsubscribing from a channel never subscribed", () => {
    expect(newContext().run("UNSUBSCRIBE", "zz")).to.deep.equal([frame("unsubscribe", "zz", 0)]);
  });

  it("passes hellos to the host and answers 1", () => {
    const ctx = newContext();
    expect(
      one(ctx.run("PUBLISH", "__sentinel__:hello", "127.0.0.1,26379,abc,0,m,127.0.0.1,6379,0")),
    ).to.deep.equal(R.integer(1));
    expect(ctx.host.hellos).to.deep.equal(["127.0.0.1,26379,abc,0,m,127.0.0.1,6379,0"]);
  });

  it("refuses any other channel", () => {
    const ctx = newContext();
    expect(one(ctx.run("PUBLISH", "+switch-master", "x"))).to.deep.equal(
      R.error("ERR Only HELLO messages are accepted by Sentinel instances."),
    );
    expect(ctx.host.hellos).to.deep.equal([]);
  });
});

// Proves SENTINEL WHY (Vigil's extension): the reply is explainMaster's object as RESP (a map in
// RESP3, a flat field/value array in RESP2 like SENTINEL MASTER, nested arrays for lists,
// integers, 1/0 for booleans, nil for null), an unknown master gets Redis's error, the arity
// error names sentinel|why, and COMMAND and ACL know it as they know the other subcommands.
import { expect } from "chai";
import { sentinelCommand } from "../../../src/commands/sentinel.js";
import { jsonReply } from "../../../src/commands/sentinel-why.js";
import { R } from "../../../src/protocol/reply.js";
import type { Reply } from "../../../src/protocol/reply.js";
import { encodeReply } from "../../../src/protocol/resp-encoder.js";
import { newContext, one } from "./fake-context.js";
import { addMaster, addReplica, envFor, newState } from "./support/sentinel-state.js";

const NOW = 5_000_000;

function replyOf(args: string[], protocol: 2 | 3 = 2): Reply {
  const state = newState();
  const master = addMaster(state, NOW, "mymaster", { ip: "10.0.0.1", port: 6379 });
  const replica = addReplica(state, NOW, master, { ip: "10.0.0.2", port: 6380 });
  replica.slavePriority = 0;
  master.flags.add("s_down");
  master.flags.add("o_down");
  const outcome = sentinelCommand(args, envFor(state, NOW, { protocol }));
  if (outcome.kind !== "reply") throw new Error("went to the core");
  return outcome.reply;
}

describe("SENTINEL WHY", () => {
  it("answers a map of the explanation, lists as arrays", () => {
    const reply = replyOf(["WHY", "mymaster"]);
    if (reply.type !== "map") throw new Error(`not a map: ${reply.type}`);
    const field = (k: string): Reply | undefined =>
      reply.entries.find(([key]) => key.type === "bulk" && key.value === k)?.[1];
    expect(field("master")).to.deep.equal(R.bulk("mymaster"));
    expect(field("status")).to.deep.equal(R.bulk("odown"));
    expect(field("port")).to.deep.equal(R.integer(6379));
    expect(field("failoverState")).to.deep.equal(R.null());
    const blocking = field("blocking");
    if (blocking?.type !== "array") throw new Error("blocking is not an array");
    const codes = blocking.items.map((c) =>
      c.type === "map" ? c.entries.find(([k]) => k.type === "bulk" && k.value === "code")?.[1] : c,
    );
    expect(codes).to.deep.include(R.bulk("no-good-slave"));
  });

  it("is a flat array in RESP2 and a map in RESP3", () => {
    const v = { a: 1, b: [true, null], c: "x" };
    expect(encodeReply(jsonReply(v), 2).toString()).to.equal(
      "*6\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n*2\r\n:1\r\n$-1\r\n$1\r\nc\r\n$1\r\nx\r\n",
    );
    expect(encodeReply(jsonReply(v), 3).toString()).to.equal(
      "%3\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n*2\r\n:1\r\n_\r\n$1\r\nc\r\n$1\r\nx\r\n",
    );
    expect(
      encodeReply(replyOf(["why", "mymaster"], 3), 3)
        .subarray(0, 1)
        .toString(),
    ).to.equal("%");
  });

  it("answers Redis's errors for an unknown master and a wrong arity", () => {
    expect(replyOf(["WHY", "nosuch"])).to.deep.equal(R.error("ERR No such master with that name"));
    expect(replyOf(["why"])).to.deep.equal(
      R.error("ERR wrong number of arguments for 'sentinel|why' command"),
    );
  });

  it("is in COMMAND with the other subcommands' flags and ACL categories, and ACL rules take it", () => {
    const ctx = newContext();
    const info = one(ctx.run("COMMAND", "INFO", "sentinel"));
    const text = encodeReply(info, 2).toString();
    expect(text).to.include("sentinel|why");
    ctx.server.acl.loadUser("u", ["on", "nopass", "-@all", "+sentinel|why"]);
    expect(one(ctx.run("ACL", "DRYRUN", "u", "sentinel", "why", "m"))).to.deep.equal(R.ok());
    expect(one(ctx.run("ACL", "DRYRUN", "u", "sentinel", "master", "m")).type).to.equal("bulk");
    ctx.server.acl.loadUser("v", ["on", "nopass", "+@all", "-@dangerous"]);
    expect(one(ctx.run("ACL", "DRYRUN", "v", "sentinel", "why", "m")).type).to.equal("bulk");
  });
});

// Proves the command layer of the switchover extensions: SENTINEL FAILOVER <name> [COORDINATED]
// [TO <ip> <port>] (Valkey 9's option text for an unknown word, a port check, each option
// once), its arity past the command table while COMMAND keeps 7.0.15's 3, and SENTINEL
// FORGET-SENTINEL <master> <runid> (Vigil: an admin op; its own arity error).
import { expect } from "chai";
import { findCommandSpec, findSubcommandSpec } from "../../../src/commands/command-specs.js";
import { executeCommand } from "../../../src/commands/command-table.js";
import type { SentinelCommandOutcome } from "../../../src/commands/sentinel.js";
import { sentinelCommand } from "../../../src/commands/sentinel.js";
import type { AdminOp } from "../../../src/core/model/inputs.js";
import { R } from "../../../src/protocol/reply.js";
import { newContext, one } from "./fake-context.js";
import { addMaster, newState } from "../../support/state-builder.js";
import { envFor } from "./support/command-env.js";

const NOW = 1_000_000;

function run(args: string[]): SentinelCommandOutcome {
  const state = newState();
  addMaster(state, NOW, "mymaster", { ip: "10.0.0.1", port: 6379 });
  return sentinelCommand(args, envFor(state, NOW));
}

function admin(op: AdminOp): SentinelCommandOutcome {
  return { kind: "core", input: { type: "admin", op } };
}

function error(text: string): SentinelCommandOutcome {
  return { kind: "reply", reply: R.error(text) };
}

describe("SENTINEL FAILOVER options", () => {
  it("hands COORDINATED and TO <ip> <port> to the core, in any order and any case", () => {
    expect(run(["FAILOVER", "mymaster", "coordinated"])).to.deep.equal(
      admin({ op: "failover", name: "mymaster", coordinated: true }),
    );
    expect(run(["FAILOVER", "mymaster", "TO", "10.0.0.3", "6380"])).to.deep.equal(
      admin({ op: "failover", name: "mymaster", to: { ip: "10.0.0.3", port: 6380 } }),
    );
    expect(run(["FAILOVER", "mymaster", "to", "10.0.0.3", "6380", "COORDINATED"])).to.deep.equal(
      admin({
        op: "failover",
        name: "mymaster",
        coordinated: true,
        to: { ip: "10.0.0.3", port: 6380 },
      }),
    );
  });

  it("refuses unknown words, repeats, a TO without its two words and a bad port", () => {
    const unknown = error("ERR Unknown failover option specified");
    expect(run(["FAILOVER", "mymaster", "FORCE"])).to.deep.equal(unknown);
    expect(run(["FAILOVER", "mymaster", "COORDINATED", "COORDINATED"])).to.deep.equal(unknown);
    expect(run(["FAILOVER", "mymaster", "TO", "10.0.0.3"])).to.deep.equal(unknown);
    expect(run(["FAILOVER", "mymaster", "TO", "10.0.0.3", "x"])).to.deep.equal(
      error("ERR Invalid port"),
    );
    expect(run(["FAILOVER", "mymaster", "TO", "10.0.0.3", "65536"])).to.deep.equal(
      error("ERR Invalid port"),
    );
    // The master is looked up first, as Valkey does.
    expect(run(["FAILOVER", "nosuch", "FORCE"])).to.deep.equal(
      error("ERR No such master with that name"),
    );
  });

  it("passes the command table's arity check while COMMAND shows 7.0.15's arity 3", () => {
    const ctx = newContext();
    // Past the arity check: the failover goes to the core as its input.
    const result = executeCommand(["SENTINEL", "FAILOVER", "m", "COORDINATED"], ctx);
    expect(result).to.be.instanceOf(Promise);
    expect(ctx.host.submitted.map((i) => (i.type === "admin" ? i.op.op : i.type))).to.deep.equal([
      "failover",
    ]);
    expect(one(ctx.run("SENTINEL", "FAILOVER"))).to.deep.equal(
      R.error("ERR wrong number of arguments for 'sentinel|failover' command"),
    );
    const sentinel = findCommandSpec("sentinel");
    expect(sentinel && findSubcommandSpec(sentinel, "failover")?.arity).to.equal(3);
  });
});

describe("SENTINEL FORGET-SENTINEL", () => {
  it("hands the master and run id to the core", () => {
    expect(run(["FORGET-SENTINEL", "mymaster", "b".repeat(40)])).to.deep.equal(
      admin({ op: "forget-sentinel", name: "mymaster", runId: "b".repeat(40) }),
    );
    expect(run(["forget-sentinel", "nosuch", "x"])).to.deep.equal(
      error("ERR No such master with that name"),
    );
  });

  it("answers a wrong word count with the arity error under its own name", () => {
    expect(run(["FORGET-SENTINEL", "mymaster"])).to.deep.equal(
      error("ERR wrong number of arguments for 'sentinel|forget-sentinel' command"),
    );
  });
});

// Proves the dispatcher holds commands under CLIENT PAUSE as redis-sentinel 7.0.15's
// processCommand does: ALL holds every command past its checks (PING, AUTH, HELLO, CLIENT
// UNPAUSE, Vigil's SENTINEL subcommands), WRITE only PUBLISH; an unknown command or subcommand,
// an arity error, NOAUTH and NOPERM are answered at once; CLIENT LIST flags a held client `b`
// and INFO counts it in blocked_clients (and tracking connections in tracking_clients).
import { expect } from "chai";
import { formatClientLine } from "../../../src/commands/client.js";
import { executeCommand, HELD } from "../../../src/commands/command-table.js";
import { buildInfo } from "../../../src/commands/info.js";
import { R } from "../../../src/protocol/reply.js";
import { factsOf, INFO_FACTS, newClient, newContext, one } from "./fake-context.js";

describe("CLIENT PAUSE in the dispatcher", () => {
  it("ALL holds every command that passed its checks, the pausing client's own too", () => {
    const ctx = newContext();
    expect(one(ctx.run("CLIENT", "PAUSE", "10000", "ALL"))).to.deep.equal(R.ok());
    for (const argv of [
      ["PING"],
      ["PING", "a", "b"],
      ["AUTH", "x"],
      ["HELLO", "3"],
      ["CLIENT", "UNPAUSE"],
      ["PUBLISH", "__sentinel__:hello", "x"],
      ["SENTINEL", "is-master-down-by-addr", "127.0.0.1", "6379", "0", "*"],
      ["SENTINEL", "WHY", "m"],
      ["SENTINEL", "PRIMARIES"],
    ]) {
      expect(executeCommand(argv, ctx), argv.join(" ")).to.equal(HELD);
    }
    ctx.pause.stop();
  });

  it("answers at once what processCommand refuses before the pause check", () => {
    const ctx = newContext({ requirePass: "pw" });
    ctx.pause.pause(10_000n, 2);
    expect(one(ctx.run("NOSUCH"))).to.deep.equal(
      R.error("ERR unknown command 'NOSUCH', with args beginning with: "),
    );
    expect(one(ctx.run("PUBLISH", "x"))).to.deep.equal(
      R.error("ERR wrong number of arguments for 'publish' command"),
    );
    expect(one(ctx.run("CLIENT", "NOSUCH"))).to.deep.equal(
      R.error("ERR unknown subcommand 'NOSUCH'. Try CLIENT HELP."),
    );
    expect(one(ctx.run("SENTINEL", "NOSUCH"))).to.deep.equal(
      R.error("ERR unknown subcommand 'NOSUCH'. Try SENTINEL HELP."),
    );
    expect(one(ctx.run("SENTINEL", "WHY"))).to.deep.equal(
      R.error("ERR wrong number of arguments for 'sentinel|why' command"),
    );
    expect(one(ctx.run("PING"))).to.deep.equal(R.error("NOAUTH Authentication required."));
    expect(executeCommand(["AUTH", "pw"], ctx)).to.equal(HELD);
    ctx.pause.stop();
  });

  it("refuses an unknown SENTINEL subcommand before NOAUTH, as 7.0.15 does", () => {
    const ctx = newContext({ requirePass: "pw" });
    expect(one(ctx.run("SENTINEL", "NOSUCH"))).to.deep.equal(
      R.error("ERR unknown subcommand 'NOSUCH'. Try SENTINEL HELP."),
    );
    expect(one(ctx.run("SENTINEL", "WHY"))).to.deep.equal(
      R.error("ERR wrong number of arguments for 'sentinel|why' command"),
    );
    expect(one(ctx.run("SENTINEL", "WHY", "m"))).to.deep.equal(
      R.error("NOAUTH Authentication required."),
    );
  });

  it("WRITE holds PUBLISH only; UNPAUSE lifts it", () => {
    const ctx = newContext();
    expect(one(ctx.run("CLIENT", "PAUSE", "10000", "WRITE"))).to.deep.equal(R.ok());
    expect(executeCommand(["PUBLISH", "x", "y"], ctx)).to.equal(HELD);
    expect(one(ctx.run("PING"))).to.deep.equal(R.simple("PONG"));
    expect(ctx.run("PSUBSCRIBE", "q")).to.have.length(1);
    expect(ctx.run("PUNSUBSCRIBE", "q")).to.have.length(1);
    expect(one(ctx.run("CLIENT", "UNPAUSE"))).to.deep.equal(R.ok());
    expect(executeCommand(["PUBLISH", "x", "y"], ctx)).not.to.equal(HELD);
  });

  it("shows a held client as `b` in CLIENT LIST and in INFO's blocked_clients", () => {
    const held = { ...factsOf(newClient(5, { lastCommand: "publish" })), blocked: true };
    expect(formatClientLine(held)).to.match(/ flags=b .* cmd=publish /);
    const subscribed = factsOf(newClient(6, { channels: new Set(["x"]) }));
    expect(formatClientLine({ ...subscribed, blocked: true })).to.contain(" flags=Pb ");
    const facts = { ...INFO_FACTS, blockedClients: 2, trackingClients: 1 };
    const info = buildInfo(
      ["clients"],
      () => facts,
      () => "",
    );
    expect(info).to.contain("blocked_clients:2\r\ntracking_clients:1\r\n");
  });
});

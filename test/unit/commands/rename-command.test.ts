// Proves top-level rename-command reaches dispatch as in redis-sentinel 7.0.15: the old name is
// unknown, the new one runs the command (any case) with its own name in errors and COMMAND
// INFO, "" deletes it from dispatch and from COMMAND COUNT, subcommands follow a renamed
// parent, ACL rules keep the original names, and the fast paths drop a renamed-away PING.
import { expect } from "chai";
import { setCommandRenames } from "../../../src/commands/live-commands.js";
import { R } from "../../../src/protocol/reply.js";
import { FAST_REQUESTS, liveFastRequests } from "../../../src/shell/fast-requests.js";
import { newContext, one } from "./fake-context.js";

describe("rename-command in dispatch", () => {
  beforeEach(() => {
    setCommandRenames([
      ["PING", "XPING"],
      ["SHUTDOWN", ""],
      ["client", "xclient"],
    ]);
  });
  afterEach(() => {
    setCommandRenames([]);
  });

  it("answers the new name, in any case, and refuses the old one", () => {
    const ctx = newContext();
    expect(one(ctx.run("PING"))).to.deep.equal(
      R.error("ERR unknown command 'PING', with args beginning with: "),
    );
    expect(one(ctx.run("xPiNg"))).to.deep.equal(R.simple("PONG"));
    expect(one(ctx.run("XPING", "a", "b"))).to.deep.equal(
      R.error("ERR wrong number of arguments for 'ping' command"),
    );
    expect(one(ctx.run("shutdown", "nosave"))).to.deep.equal(
      R.error("ERR unknown command 'shutdown', with args beginning with: 'nosave' "),
    );
  });

  it("runs subcommands under the renamed parent", () => {
    const ctx = newContext();
    expect(one(ctx.run("CLIENT", "ID"))).to.deep.equal(
      R.error("ERR unknown command 'CLIENT', with args beginning with: 'ID' "),
    );
    expect(one(ctx.run("xclient", "id"))).to.deep.equal(R.integer(ctx.client.id));
    expect(one(ctx.run("XCLIENT", "NOPE"))).to.deep.equal(
      R.error("ERR unknown subcommand 'NOPE'. Try XCLIENT HELP."),
    );
  });

  it("names a renamed SENTINEL in its unknown-subcommand error, as redis-sentinel 7.0.15 does", () => {
    setCommandRenames([["SENTINEL", "XSENT"]]);
    const ctx = newContext();
    expect(one(ctx.run("xsent", "nosuch"))).to.deep.equal(
      R.error("ERR unknown subcommand 'nosuch'. Try XSENT HELP."),
    );
    expect(one(ctx.run("XSENT", "get-master-addr-by-name", "m"))).to.deep.equal(
      R.array([R.bulk("127.0.0.1"), R.bulk("6379")]),
    );
  });

  it("lists the live table in COMMAND COUNT and INFO, under the original names", () => {
    const ctx = newContext();
    expect(one(ctx.run("COMMAND", "COUNT"))).to.deep.equal(R.integer(14));
    const info = one(ctx.run("COMMAND", "INFO", "ping", "xping", "shutdown", "xclient|list"));
    expect(info.type).to.equal("array");
    const entries = info.type === "array" ? info.items : [];
    expect(entries[0]).to.deep.equal(R.nullArray());
    expect(entries[1]?.type === "array" ? entries[1].items[0] : undefined).to.deep.equal(
      R.bulk("ping"),
    );
    expect(entries[2]).to.deep.equal(R.nullArray());
    expect(entries[3]?.type === "array" ? entries[3].items[0] : undefined).to.deep.equal(
      R.bulk("client|list"),
    );
  });

  it("keeps the original names in ACL rules", () => {
    const ctx = newContext();
    expect(one(ctx.run("ACL", "SETUSER", "u", "+xping"))).to.deep.equal(
      R.error(
        "ERR Error in ACL SETUSER modifier '+xping': Unknown command or category name in ACL",
      ),
    );
    expect(one(ctx.run("ACL", "SETUSER", "u", "on", "nopass", "+@all", "-ping"))).to.deep.equal(
      R.ok(),
    );
    expect(one(ctx.run("ACL", "DRYRUN", "u", "XPING"))).to.deep.equal(
      R.bulk("This user has no permissions to run the 'ping' command"),
    );
    expect(one(ctx.run("ACL", "DRYRUN", "u", "ping"))).to.deep.equal(
      R.error("ERR Command 'ping' not found"),
    );
  });

  it("drops the fast path of a command renamed away, and only then", () => {
    expect(liveFastRequests().map((f) => f.fullName)).to.not.include("ping");
    setCommandRenames([["SHUTDOWN", ""]]);
    expect(liveFastRequests()).to.equal(FAST_REQUESTS);
    setCommandRenames([
      ["PING", "XPING"],
      ["INFO", "PING"],
    ]);
    expect(liveFastRequests().map((f) => f.fullName)).to.not.include.members(["ping", "info"]);
  });
});

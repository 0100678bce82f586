// Proves dispatch applies Redis's checks in Redis's order with redis-sentinel 7.0.15's exact
// texts: unknown command (128-char argument budget), arity, unknown subcommand, NOAUTH, NOPERM,
// the RESP2 subscribe-mode restriction; names are case-insensitive; SENTINEL goes to the host.
import { expect } from "chai";
import { unknownCommandError } from "../../../src/commands/command-errors.js";
import { executeCommand } from "../../../src/commands/command-table.js";
import { CommandError } from "../../../src/errors.js";
import { R } from "../../../src/protocol/reply.js";
import { newClient, newContext, one } from "./fake-context.js";

describe("command table", () => {
  it("words unknown commands exactly like Redis, with a trailing space", () => {
    const ctx = newContext();
    expect(one(ctx.run("select", "0"))).to.deep.equal(
      R.error("ERR unknown command 'select', with args beginning with: '0' "),
    );
    expect(one(ctx.run("FOO"))).to.deep.equal(
      R.error("ERR unknown command 'FOO', with args beginning with: "),
    );
  });

  it("spends a 128-character budget on the quoted arguments", () => {
    const text = unknownCommandError(["FOO", "x".repeat(100), "y".repeat(50), "z"]);
    expect(text).to.equal(
      `ERR unknown command 'FOO', with args beginning with: '${"x".repeat(100)}' '${"y".repeat(25)}' `,
    );
    expect(unknownCommandError(["FOO", "x".repeat(200), "y"])).to.equal(
      `ERR unknown command 'FOO', with args beginning with: '${"x".repeat(128)}' `,
    );
  });

  it("cuts arguments at a NUL byte like printf %s", () => {
    expect(unknownCommandError(["F", "a\0b"])).to.equal(
      "ERR unknown command 'F', with args beginning with: 'a' ",
    );
  });

  it("checks arity with the full command name", () => {
    const ctx = newContext();
    expect(one(ctx.run("PING", "a", "b"))).to.deep.equal(
      R.error("ERR wrong number of arguments for 'ping' command"),
    );
    expect(one(ctx.run("client"))).to.deep.equal(
      R.error("ERR wrong number of arguments for 'client' command"),
    );
    expect(one(ctx.run("CLIENT", "SETNAME", "a", "b"))).to.deep.equal(
      R.error("ERR wrong number of arguments for 'client|setname' command"),
    );
    expect(one(ctx.run("sentinel", "masters", "x"))).to.deep.equal(
      R.error("ERR wrong number of arguments for 'sentinel|masters' command"),
    );
  });

  it("knows Valkey 8's SENTINEL names: own arity and ACL names, hidden from COMMAND", () => {
    const ctx = newContext();
    expect(one(ctx.run("SENTINEL", "PRIMARY"))).to.deep.equal(
      R.error("ERR wrong number of arguments for 'sentinel|primary' command"),
    );
    expect(one(ctx.run("sentinel", "primaries", "x"))).to.deep.equal(
      R.error("ERR wrong number of arguments for 'sentinel|primaries' command"),
    );
    expect(
      one(ctx.run("SENTINEL", "is-primary-down-by-addr", "127.0.0.1", "1", "0")),
    ).to.deep.equal(
      R.error("ERR wrong number of arguments for 'sentinel|is-primary-down-by-addr' command"),
    );
    ctx.server.acl.setUser("mon", ["on", "nopass", "+sentinel|get-primary-addr-by-name"]);
    one(ctx.run("AUTH", "mon", "x"));
    expect(one(ctx.run("SENTINEL", "GET-PRIMARY-ADDR-BY-NAME", "m"))).to.deep.equal(
      R.array([R.bulk("127.0.0.1"), R.bulk("6379")]),
    );
    expect(one(ctx.run("SENTINEL", "get-master-addr-by-name", "m"))).to.deep.equal(
      R.error(
        "NOPERM this user has no permissions to run the 'sentinel|get-master-addr-by-name' command",
      ),
    );
    const listed = one(ctx.run("COMMAND", "LIST"));
    expect(JSON.stringify(listed)).not.to.match(/primar/);
  });

  it("names unknown subcommands with the container in upper case", () => {
    const ctx = newContext();
    expect(one(ctx.run("client", "SETINFOX"))).to.deep.equal(
      R.error("ERR unknown subcommand 'SETINFOX'. Try CLIENT HELP."),
    );
    expect(one(ctx.run("acl", "foo"))).to.deep.equal(
      R.error("ERR unknown subcommand 'foo'. Try ACL HELP."),
    );
  });

  it("is case-insensitive for commands and subcommands", () => {
    const ctx = newContext();
    expect(one(ctx.run("pInG"))).to.deep.equal(R.simple("PONG"));
    expect(one(ctx.run("Client", "Id"))).to.deep.equal(R.integer(7));
  });

  it("answers SENTINEL from the subcommand code, unknown subcommands too, handing the host no input", () => {
    const ctx = newContext();
    expect(one(ctx.run("SENTINEL", "get-master-addr-by-name", "m"))).to.deep.equal(
      R.array([R.bulk("127.0.0.1"), R.bulk("6379")]),
    );
    expect(one(ctx.run("sentinel", "nope"))).to.deep.equal(
      R.error("ERR unknown subcommand 'nope'. Try SENTINEL HELP."),
    );
    // printf's %.128s, as for every container: the name ends at a NUL byte.
    expect(one(ctx.run("SENTINEL", "ab\0cd"))).to.deep.equal(
      R.error("ERR unknown subcommand 'ab'. Try SENTINEL HELP."),
    );
    expect(ctx.host.submitted).to.deep.equal([]);
  });

  it("hands the host only the core input of a SENTINEL request that changes the state", async () => {
    const ctx = newContext();
    const result = executeCommand(["SENTINEL", "flushconfig"], ctx);
    expect(result).to.be.instanceOf(Promise);
    expect(ctx.host.submitted).to.deep.equal([{ type: "admin", op: { op: "flushconfig" } }]);
    expect(await result).to.deep.equal(R.ok());
  });

  it("hands an is-master-down-by-addr request over with the asking connection's name", async () => {
    const ctx = newContext({ client: newClient(7, { name: "sentinel-0123abcd-cmd" }) });
    const args = ["is-master-down-by-addr", "127.0.0.1", "6379", "3", "*"];
    await executeCommand(["SENTINEL", ...args], ctx);
    expect(ctx.host.submitted).to.deep.equal([
      {
        type: "is-master-down-request",
        ip: "127.0.0.1",
        port: 6379,
        epoch: 3n,
        runId: "*",
        asker: "sentinel-0123abcd-cmd",
      },
    ]);
  });

  it("turns a CommandError thrown by the host into its error reply", () => {
    const ctx = newContext();
    ctx.host.submit = () => {
      throw new CommandError("NOGOODSLAVE", "No suitable replica to promote");
    };
    expect(one(ctx.run("sentinel", "failover", "m"))).to.deep.equal(
      R.error("NOGOODSLAVE No suitable replica to promote"),
    );
  });

  describe("with requirepass", () => {
    it("answers NOAUTH for everything but AUTH, HELLO, QUIT and RESET", () => {
      const ctx = newContext({ requirePass: "secret" });
      expect(one(ctx.run("PING"))).to.deep.equal(R.error("NOAUTH Authentication required."));
      expect(one(ctx.run("SUBSCRIBE", "x"))).to.deep.equal(
        R.error("NOAUTH Authentication required."),
      );
      expect(one(ctx.run("QUIT"))).to.deep.equal(R.ok());
    });

    it("still reports unknown commands and arity before NOAUTH", () => {
      const ctx = newContext({ requirePass: "secret" });
      expect(one(ctx.run("foo"))).to.deep.equal(
        R.error("ERR unknown command 'foo', with args beginning with: "),
      );
      expect(one(ctx.run("AUTH"))).to.deep.equal(
        R.error("ERR wrong number of arguments for 'auth' command"),
      );
    });

    it("lets the client in after AUTH", () => {
      const ctx = newContext({ requirePass: "secret" });
      expect(one(ctx.run("AUTH", "secret"))).to.deep.equal(R.ok());
      expect(one(ctx.run("PING"))).to.deep.equal(R.simple("PONG"));
    });
  });

  it("refuses commands the ACL user may not run with NOPERM", () => {
    const ctx = newContext();
    ctx.server.acl.setUser("mon", ["on", "nopass", "+ping", "+@connection"]);
    one(ctx.run("AUTH", "mon", "x"));
    expect(one(ctx.run("PING"))).to.deep.equal(R.simple("PONG"));
    expect(one(ctx.run("ROLE"))).to.deep.equal(
      R.error("NOPERM this user has no permissions to run the 'role' command"),
    );
  });

  it("restricts a RESP2 subscriber to (P)(UN)SUBSCRIBE, PING, QUIT and RESET", () => {
    const ctx = newContext();
    ctx.run("SUBSCRIBE", "a");
    const tail =
      "only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context";
    expect(one(ctx.run("ROLE"))).to.deep.equal(R.error(`ERR Can't execute 'role': ${tail}`));
    expect(one(ctx.run("sentinel", "masters"))).to.deep.equal(
      R.error(`ERR Can't execute 'sentinel|masters': ${tail}`),
    );
    expect(one(ctx.run("PING"))).to.deep.equal(R.array([R.bulk("pong"), R.bulk("")]));
  });

  it("does not restrict a RESP3 subscriber", () => {
    const ctx = newContext();
    ctx.client.protocol = 3;
    ctx.run("SUBSCRIBE", "a");
    expect(one(ctx.run("ROLE")).type).to.equal("array");
    expect(one(ctx.run("PING"))).to.deep.equal(R.simple("PONG"));
  });

  it("records the running command's full name for CLIENT LIST", () => {
    const ctx = newContext();
    ctx.run("client", "info");
    expect(ctx.client.lastCommand).to.equal("client|info");
  });
});

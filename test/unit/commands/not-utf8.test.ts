// Dispatch refuses arguments the parser flagged as not valid UTF-8 (decoded to U+FFFD): such a
// value would not come back as sent after a rewrite, and a name would pick the object named
// "\uFFFD". AUTH and HELLO AUTH fail as a wrong password does: the bytes sent match no password,
// not even one that is U+FFFD in UTF-8 (docs/COMPATIBILITY.md).
import { expect } from "chai";
import { executeCommand } from "../../../src/commands/command-table.js";
import { R } from "../../../src/protocol/reply.js";
import { newContext, one, toReplies } from "./fake-context.js";

const WRONGPASS = R.error("WRONGPASS invalid username-password pair or user is disabled.");

describe("arguments not valid UTF-8", () => {
  it("refuses SENTINEL SET / MONITOR / CONFIG SET before the host sees them", () => {
    const ctx = newContext();
    const run = (argv: string[], bad: number[]) => one(toReplies(executeCommand(argv, ctx, bad)));
    expect(run(["SENTINEL", "SET", "m", "auth-pass", "p\uFFFD"], [4])).to.deep.equal(
      R.error("ERR Invalid argument at index 4 for SENTINEL SET: not valid UTF-8"),
    );
    expect(run(["sentinel", "monitor", "\uFFFD", "127.0.0.1", "6379", "2"], [2])).to.deep.equal(
      R.error("ERR Invalid argument at index 2 for SENTINEL MONITOR: not valid UTF-8"),
    );
    expect(
      run(["SENTINEL", "CONFIG", "SET", "announce-ip", "\uFFFD", "x", "\uFFFD"], [4, 6]),
    ).to.deep.equal(
      R.error("ERR Invalid argument at index 4 for SENTINEL CONFIG SET: not valid UTF-8"),
    );
    expect(ctx.host.submitted).to.deep.equal([]);
    // Unflagged, the same strings go through.
    void executeCommand(["SENTINEL", "SET", "m", "auth-pass", "p\uFFFD"], ctx, []);
    expect(ctx.host.submitted.map((i) => i.type)).to.deep.equal(["admin"]);
  });

  it("refuses a client name that is not UTF-8 with Redis's client-name error (7.0.15)", () => {
    const ctx = newContext();
    const run = (argv: string[], bad: number[]) => one(toReplies(executeCommand(argv, ctx, bad)));
    expect(run(["CLIENT", "SETNAME", "a\uFFFD"], [2])).to.deep.equal(
      R.error("ERR Client names cannot contain spaces, newlines or special characters."),
    );
    expect(ctx.client.name).to.equal("");
  });

  it("refuses ACL SETUSER and DELUSER, and creates or deletes no user", () => {
    const ctx = newContext();
    expect(
      one(toReplies(executeCommand(["ACL", "SETUSER", "u", "on", ">\uFFFD"], ctx, [4]))),
    ).to.deep.equal(R.error("ERR Invalid argument at index 4 for ACL SETUSER: not valid UTF-8"));
    expect(one(ctx.run("ACL", "USERS"))).to.deep.equal(R.array([R.bulk("default")]));
    ctx.run("ACL", "SETUSER", "\uFFFD", "on");
    expect(one(toReplies(executeCommand(["ACL", "DELUSER", "\uFFFD"], ctx, [2])))).to.deep.equal(
      R.error("ERR Invalid argument at index 2 for ACL DELUSER: not valid UTF-8"),
    );
    expect(one(ctx.run("ACL", "USERS"))).to.deep.equal(
      R.array([R.bulk("default"), R.bulk("\uFFFD")]),
    );
  });

  it("fails AUTH and HELLO AUTH with WRONGPASS even against a password that is U+FFFD", () => {
    const ctx = newContext({ requirePass: "\uFFFD" });
    expect(one(toReplies(executeCommand(["AUTH", "\uFFFD"], ctx, [1])))).to.deep.equal(WRONGPASS);
    expect(
      one(toReplies(executeCommand(["HELLO", "3", "AUTH", "default", "\uFFFD"], ctx, [4]))),
    ).to.deep.equal(WRONGPASS);
    expect(ctx.client.authenticated).to.equal(false);
    // Logged like any failed AUTH.
    ctx.client.authenticated = true;
    const log = one(ctx.run("ACL", "LOG"));
    expect(log.type === "array" ? log.items.length : -1).to.equal(2);
    ctx.client.authenticated = false;
    expect(one(ctx.run("AUTH", "\uFFFD"))).to.deep.equal(R.ok());
  });

  it("leaves other errors first: arity, and HELLO's own syntax", () => {
    const ctx = newContext();
    expect(
      one(toReplies(executeCommand(["CLIENT", "SETNAME", "\uFFFD", "x"], ctx, [2]))),
    ).to.deep.equal(R.error("ERR wrong number of arguments for 'client|setname' command"));
    expect(one(toReplies(executeCommand(["HELLO", "\uFFFD"], ctx, [1])))).to.deep.equal(
      R.error("ERR Protocol version is not an integer or out of range"),
    );
    expect(one(toReplies(executeCommand(["PING", "\uFFFD"], ctx, [1])))).to.deep.equal(
      R.error("ERR Invalid argument at index 1 for PING: not valid UTF-8"),
    );
  });
});

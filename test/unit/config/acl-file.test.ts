// Proves the aclfile is read as redis-sentinel 7.0.15 reads it (acl.c: ACLLoadFromFile): lines
// split at single spaces and trimmed, blank lines skipped, no comments, every error collected in
// Redis's words (checked against redis-sentinel's start-up line), and ACL SAVE's text.
import { expect } from "chai";
import { createHash } from "node:crypto";
import { Acl } from "../../../src/commands/acl.js";
import { aclFileText, parseAclFile } from "../../../src/config/acl-file.js";

const NO_CHANGE =
  "WARNING: ACL errors detected, no change to the previously active ACL rules was performed";

function errorsOf(text: string): string {
  const r = parseAclFile(text, "users.acl");
  return r.kind === "error" ? r.errors : "ok";
}

describe("aclfile", () => {
  it("reads users from trimmed, space-split lines, skipping blank ones", () => {
    const r = parseAclFile("\n   \nuser carol on >x +ping\r\nuser default off\n", "users.acl");
    expect(r).to.deep.equal({
      kind: "ok",
      users: [
        ["carol", ["on", ">x", "+ping"]],
        ["default", ["off"]],
      ],
    });
  });

  it("collects every error in redis-sentinel 7.0.15's words and order", () => {
    expect(errorsOf("user carol on >x +ping\n# comment\nfoo bar\n")).to.equal(
      `users.acl:2 should start with user keyword followed by the username. users.acl:3 should start with user keyword followed by the username. ${NO_CHANGE}`,
    );
    expect(errorsOf("user carol on >x +nosuch\nuser carol off\n")).to.equal(
      `users.acl:1: Error in applying operation '+nosuch': Unknown command or category name in ACL. WARNING: Duplicate user 'carol' found on line 2. ${NO_CHANGE}`,
    );
    expect(errorsOf("user carol\tx on\n")).to.equal(
      `'users.acl:1: username 'carol\tx' contains invalid characters. ${NO_CHANGE}`,
    );
    // Two spaces make an empty rule; quotes are not read.
    expect(errorsOf("  user   carol  on  \r\n")).to.equal(
      `users.acl:1: Syntax error. ${NO_CHANGE}`,
    );
    expect(errorsOf('user "a b" on\n')).to.equal(`users.acl:1: Syntax error. ${NO_CHANGE}`);
    expect(errorsOf("user carol on foo +nosuch bar\n")).to.equal(
      `users.acl:1: Syntax error. users.acl:1: Error in applying operation '+nosuch': Unknown command or category name in ACL. ${NO_CHANGE}`,
    );
    expect(errorsOf("user\n")).to.equal(
      `users.acl:1 should start with user keyword followed by the username. ${NO_CHANGE}`,
    );
  });

  it("replaces the users with the file's, a fresh default user when it names none", () => {
    const acl = new Acl((p) => createHash("sha256").update(p).digest("hex"));
    acl.setUser("old", ["on", "nopass"]);
    const r = parseAclFile("user carol on >cpw ~* &* -@all +ping\n", "users.acl");
    if (r.kind !== "ok") throw new Error(r.errors);
    acl.replaceUsers(r.users);
    expect(acl.userNames()).to.deep.equal(["carol", "default"]);
    expect(acl.checkCredentials("carol", "cpw")).to.equal(true);
    expect(aclFileText(acl)).to.equal(
      `user carol on #${createHash("sha256").update("cpw").digest("hex")} ~* &* -@all +ping\nuser default on nopass ~* &* +@all\n`,
    );
  });
});

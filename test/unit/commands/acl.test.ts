// Proves the small ACL: requirepass as the default user's password, users on/off, >pw/<pw/#hash,
// nopass/resetpass, command rules, ACL LIST lines as Redis 7.0.15 prints them, and the ACL
// subcommands' replies and error texts.
import { expect } from "chai";
import { createHash } from "node:crypto";
import { R } from "../../../src/protocol/reply.js";
import { newContext, one } from "./fake-context.js";

const sha = (s: string): string => createHash("sha256").update(s).digest("hex");

describe("ACL", () => {
  it("lists the default user like Redis, with and without requirepass", () => {
    expect(one(newContext().run("ACL", "LIST"))).to.deep.equal(
      R.array([R.bulk("user default on nopass ~* &* +@all")]),
    );
    const ctx = newContext({ requirePass: "secret" });
    ctx.run("AUTH", "secret");
    expect(one(ctx.run("ACL", "LIST"))).to.deep.equal(
      R.array([R.bulk(`user default on #${sha("secret")} ~* &* +@all`)]),
    );
  });

  it("creates users off with no commands and resetchannels", () => {
    const ctx = newContext();
    expect(one(ctx.run("ACL", "SETUSER", "bob"))).to.deep.equal(R.ok());
    ctx.run("ACL", "SETUSER", "alice", "on", ">pw", "+@all", "~*");
    expect(one(ctx.run("ACL", "LIST"))).to.deep.equal(
      R.array([
        R.bulk(`user alice on #${sha("pw")} ~* resetchannels +@all`),
        R.bulk("user bob off resetchannels -@all"),
        R.bulk("user default on nopass ~* &* +@all"),
      ]),
    );
    expect(one(ctx.run("ACL", "USERS"))).to.deep.equal(
      R.array([R.bulk("alice"), R.bulk("bob"), R.bulk("default")]),
    );
  });

  it("authenticates ACL users and refuses disabled ones", () => {
    const ctx = newContext();
    ctx.run("ACL", "SETUSER", "alice", "on", ">pw", "allcommands");
    ctx.run("ACL", "SETUSER", "bob", "off", ">pw");
    expect(one(ctx.run("AUTH", "bob", "pw"))).to.deep.equal(
      R.error("WRONGPASS invalid username-password pair or user is disabled."),
    );
    expect(one(ctx.run("AUTH", "alice", "pw"))).to.deep.equal(R.ok());
    expect(one(ctx.run("ACL", "WHOAMI"))).to.deep.equal(R.bulk("alice"));
  });

  it("accepts password hashes and removes passwords", () => {
    const ctx = newContext();
    ctx.run("ACL", "SETUSER", "eve", "on", `#${sha("password")}`, "+@all");
    expect(one(ctx.run("AUTH", "eve", "password"))).to.deep.equal(R.ok());
    expect(one(ctx.run("ACL", "SETUSER", "eve", "<password"))).to.deep.equal(R.ok());
    expect(one(ctx.run("ACL", "SETUSER", "eve", "<password"))).to.deep.equal(
      R.error(
        "ERR Error in ACL SETUSER modifier '<password': The password you are trying to remove from the user does not exist",
      ),
    );
    expect(one(ctx.run("ACL", "SETUSER", "eve", "#abc")))
      .to.have.property("value")
      .that.match(/must be exactly 64 characters/);
  });

  it("reports bad rules with Redis's wording and applies nothing", () => {
    const ctx = newContext();
    expect(one(ctx.run("ACL", "SETUSER", "dan", "on", "badrule"))).to.deep.equal(
      R.error("ERR Error in ACL SETUSER modifier 'badrule': Syntax error"),
    );
    expect(one(ctx.run("ACL", "GETUSER", "dan"))).to.deep.equal(R.null());
    expect(one(ctx.run("ACL", "SETUSER", "dan", "+nosuchcommand"))).to.deep.equal(
      R.error(
        "ERR Error in ACL SETUSER modifier '+nosuchcommand': Unknown command or category name in ACL",
      ),
    );
  });

  it("describes a user with GETUSER", () => {
    expect(one(newContext().run("ACL", "GETUSER", "default"))).to.deep.equal(
      R.map([
        [R.bulk("flags"), R.set([R.bulk("on"), R.bulk("nopass")])],
        [R.bulk("passwords"), R.array([])],
        [R.bulk("commands"), R.bulk("+@all")],
        [R.bulk("keys"), R.bulk("~*")],
        [R.bulk("channels"), R.bulk("&*")],
        [R.bulk("selectors"), R.array([])],
      ]),
    );
  });

  it("deletes users but never the default one", () => {
    const ctx = newContext();
    ctx.run("ACL", "SETUSER", "alice");
    expect(one(ctx.run("ACL", "DELUSER", "alice", "zed"))).to.deep.equal(R.integer(1));
    expect(one(ctx.run("ACL", "DELUSER", "default"))).to.deep.equal(
      R.error("ERR The 'default' user cannot be removed"),
    );
  });

  it("lists categories and the commands of one", () => {
    const ctx = newContext();
    const cats = one(ctx.run("ACL", "CAT"));
    expect(cats.type === "array" && cats.items.length).to.equal(21);
    expect(one(ctx.run("ACL", "CAT", "pubsub"))).to.deep.equal(
      R.array(
        ["publish", "psubscribe", "subscribe", "unsubscribe", "punsubscribe"].map((c) => R.bulk(c)),
      ),
    );
    expect(one(ctx.run("ACL", "CAT", "nope"))).to.deep.equal(
      R.error("ERR Unknown category 'nope'"),
    );
  });

  it("dry-runs permissions and generates passwords", () => {
    const ctx = newContext();
    ctx.run("ACL", "SETUSER", "mon", "on", "nopass", "+ping");
    expect(one(ctx.run("ACL", "DRYRUN", "mon", "ping"))).to.deep.equal(R.ok());
    expect(one(ctx.run("ACL", "DRYRUN", "mon", "role"))).to.deep.equal(
      R.bulk("This user has no permissions to run the 'role' command"),
    );
    expect(one(ctx.run("ACL", "GENPASS"))).to.deep.equal(R.bulk("f".repeat(64)));
  });

  it("checks DRYRUN's arity and subcommand as a call would, and GENPASS's integer first (7.0.15)", () => {
    const ctx = newContext();
    ctx.run("ACL", "SETUSER", "mon", "on", "nopass", "+ping");
    expect(one(ctx.run("ACL", "DRYRUN", "mon", "client", "kill"))).to.deep.equal(
      R.error("ERR wrong number of arguments for 'client|kill' command"),
    );
    expect(one(ctx.run("ACL", "DRYRUN", "mon", "role", "x"))).to.deep.equal(
      R.error("ERR wrong number of arguments for 'role' command"),
    );
    expect(one(ctx.run("ACL", "DRYRUN", "mon", "client", "nosuch"))).to.deep.equal(
      R.error("ERR Command 'client' not found"),
    );
    expect(one(ctx.run("ACL", "GENPASS", "x"))).to.deep.equal(
      R.error("ERR value is not an integer or out of range"),
    );
    expect(one(ctx.run("ACL", "GENPASS", "0"))).to.deep.equal(
      R.error(
        "ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096",
      ),
    );
    const help = one(ctx.run("ACL", "HELP"));
    expect(help.type === "array" && help.items.length).to.equal(29);
    expect(help.type === "array" && help.items[15]).to.deep.equal(R.simple("LOAD"));
  });

  it("makes a fresh connection authenticate when the default user gets a password", () => {
    const ctx = newContext();
    ctx.run("ACL", "SETUSER", "default", "resetpass", ">x");
    expect(ctx.server.acl.defaultUserNeedsAuth()).to.equal(true);
  });
});

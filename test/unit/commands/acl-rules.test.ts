// Proves the ACL rules as redis-sentinel 7.0.15 applies and lists them (every expected line
// below was printed by redis-sentinel for the same SETUSER): sanitize-payload flags, key
// permissions, channel patterns, `(…)` selectors, config `user` lines reset an existing user,
// and rule errors with Redis's texts.
import { expect } from "chai";
import { R } from "../../../src/protocol/reply.js";
import { newContext, one } from "./fake-context.js";

function listLine(ctx: ReturnType<typeof newContext>, name: string): string {
  const user = ctx.server.acl.getUser(name);
  if (user === undefined) throw new Error(`no user ${name}`);
  return ctx.server.acl.describe(user);
}

describe("ACL rules as redis-sentinel lists them", () => {
  const cases: readonly (readonly [string, readonly string[], string])[] = [
    ["u2", ["reset"], "user u2 off sanitize-payload resetchannels -@all"],
    ["u3", [], "user u3 off resetchannels -@all"],
    [
      "u4",
      ["on", "nopass", "allchannels", "allkeys", "allcommands", "-ping", "+ping", "-ping"],
      "user u4 on nopass ~* &* +@all -ping",
    ],
    [
      "u5",
      [
        "on",
        "+@all",
        "-@dangerous",
        "+acl|whoami",
        "-acl|whoami",
        "resetchannels",
        "&a",
        "&b",
        "&a",
      ],
      "user u5 on resetchannels &a &b +@all -@dangerous -acl|whoami",
    ],
    [
      "e1",
      ["~a", "~a", "%R~b", "%W~b", "%R~c", "%R~*", "&x", "&x", "&y*", "(&x  +ping)"],
      "user e1 off ~a ~b %R~c %R~* resetchannels &x &y* -@all (resetchannels &x -@all +ping)",
    ],
    [
      "e3",
      ["&*", "resetchannels", "&z", "~*", "resetkeys", "~q", "~*", "&*"],
      "user e3 off ~* &* -@all",
    ],
    ["k1", ["%RW"], "user k1 off ~ resetchannels -@all"],
  ];
  for (const [name, rules, line] of cases) {
    it(`ACL SETUSER ${name} ${rules.join(" ")}`, () => {
      const ctx = newContext();
      expect(one(ctx.run("ACL", "SETUSER", name, ...rules))).to.deep.equal(R.ok());
      expect(listLine(ctx, name)).to.equal(line);
    });
  }

  it("keeps selectors given in one argument or split across several, and GETUSER shows them", () => {
    const ctx = newContext();
    ctx.run("ACL", "SETUSER", "s", "on", "(+ping ~x &y)", "(+info", "allkeys)");
    expect(listLine(ctx, "s")).to.equal(
      "user s on resetchannels -@all (~x resetchannels &y -@all +ping) (~* resetchannels -@all +info)",
    );
    expect(one(ctx.run("ACL", "GETUSER", "s"))).to.deep.equal(
      R.map([
        [R.bulk("flags"), R.set([R.bulk("on")])],
        [R.bulk("passwords"), R.array([])],
        [R.bulk("commands"), R.bulk("-@all")],
        [R.bulk("keys"), R.bulk("")],
        [R.bulk("channels"), R.bulk("")],
        [
          R.bulk("selectors"),
          R.array([
            R.map([
              [R.bulk("commands"), R.bulk("-@all +ping")],
              [R.bulk("keys"), R.bulk("~x")],
              [R.bulk("channels"), R.bulk("&y")],
            ]),
            R.map([
              [R.bulk("commands"), R.bulk("-@all +info")],
              [R.bulk("keys"), R.bulk("~*")],
              [R.bulk("channels"), R.bulk("")],
            ]),
          ]),
        ],
      ]),
    );
    ctx.run("ACL", "SETUSER", "s", "clearselectors");
    expect(listLine(ctx, "s")).to.equal("user s on resetchannels -@all");
  });

  it("lets a selector grant a command the root selector refuses", () => {
    const ctx = newContext();
    ctx.run("ACL", "SETUSER", "s", "on", ">pw", "+ping", "(+role)");
    ctx.run("AUTH", "s", "pw");
    expect(one(ctx.run("ROLE"))).to.have.property("type", "array");
    expect(one(ctx.run("INFO"))).to.deep.equal(
      R.error("NOPERM this user has no permissions to run the 'info' command"),
    );
  });

  const errors: readonly (readonly [readonly string[], string])[] = [
    [["%X~c"], "ERR Error in ACL SETUSER modifier '%X~c': Syntax error"],
    [["%~c"], "ERR Error in ACL SETUSER modifier '%~c': Syntax error"],
    [
      ["allchannels", "&b"],
      "ERR Error in ACL SETUSER modifier '&b': Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
    ],
    [
      ["allkeys", "%R~*"],
      "ERR Error in ACL SETUSER modifier '%R~*': Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
    ],
    [["("], "ERR Unmatched parenthesis in acl selector starting at '('."],
    [["(+ping"], "ERR Unmatched parenthesis in acl selector starting at '(+ping'."],
    [
      ["(+nosuch)"],
      "ERR Error in ACL SETUSER modifier '(+nosuch)': Unknown command or category name in ACL",
    ],
    [["(on)"], "ERR Error in ACL SETUSER modifier '(on)': Syntax error"],
    [["(~a", "b)"], "ERR Error in ACL SETUSER modifier '(~a b)': Syntax error"],
    [["~a b"], "ERR Error in ACL SETUSER modifier '~a b': Syntax error"],
    [["&a b"], "ERR Error in ACL SETUSER modifier '&a b': Syntax error"],
  ];
  for (const [rules, message] of errors) {
    it(`refuses ${rules.join(" ")} and applies nothing`, () => {
      const ctx = newContext();
      expect(one(ctx.run("ACL", "SETUSER", "x", "on", ...rules))).to.deep.equal(R.error(message));
      expect(ctx.server.acl.getUser("x")).to.equal(undefined);
    });
  }

  it("refuses user names with spaces", () => {
    expect(one(newContext().run("ACL", "SETUSER", "a b", "on"))).to.deep.equal(
      R.error("ERR Usernames can't contain spaces or null characters"),
    );
  });

  it("applies a config line to a fresh user, the default one included (no sanitize-payload)", () => {
    const ctx = newContext();
    ctx.server.acl.loadUser("default", ["on", "nopass", "-@all", "+ping"]);
    ctx.server.acl.loadUser("admin", ["on", ">pw", "+@all"]);
    // redis-sentinel shows `sanitize-payload` here (its reset), and no longer after its own
    // rewrite of a default user that had none: Vigil keeps the line as written.
    expect(listLine(ctx, "default")).to.equal("user default on nopass resetchannels -@all +ping");
    expect(listLine(ctx, "admin")).to.equal(
      "user admin on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 resetchannels +@all",
    );
  });
});

// Proves that what ACL SETUSER accepts comes back exactly after a config rewrite and a load:
// users are written as `user` lines in Redis's order (password hashes, flags, key and channel
// patterns, selectors; words quoted when Redis's raw form would not read back), bad `user` lines
// are refused with Redis's "Error in user declaration" text, and SENTINEL SET rename-command
// names with spaces survive the rewrite.
import { createHash } from "node:crypto";
import { expect } from "chai";
import { Acl } from "../../../src/commands/acl.js";
import { parseConf } from "../../../src/config/conf-parser.js";
import { rewriteConf } from "../../../src/config/conf-rewriter.js";
import { confToConfig } from "../../../src/config/conf-to-config.js";
import { aclUserLines, loadUserLines } from "../../../src/config/user-directive.js";
import { ConfigError } from "../../../src/errors.js";
import { seeded } from "../../support/seeded.js";

const opts = { isExecutable: () => true };
const sha = (t: string): string => createHash("sha256").update(t).digest("hex");

function load(text: string): ReturnType<typeof confToConfig> {
  return confToConfig(parseConf(text, "/x/sentinel.conf"), opts);
}

/** What the daemon does with the loaded `user` lines. */
function aclFrom(users: readonly string[], requirePass = ""): Acl {
  const acl = new Acl(sha, requirePass);
  loadUserLines(acl, users);
  return acl;
}

function listOf(acl: Acl): string[] {
  return acl.userNames().map((n) => acl.describe(acl.getUser(n)!));
}

/** Rewrites `acl` into `file`, loads the result, returns the text and the reloaded ACL. */
function roundTrip(acl: Acl, file: string, requirePass = ""): { text: string; again: Acl } {
  const loaded = load(file);
  const text = rewriteConf(
    file,
    { ...loaded.server, users: aclUserLines(acl), dir: "/d" },
    loaded.sentinel,
  );
  const reloaded = load(text);
  return { text, again: aclFrom(reloaded.server.users, requirePass) };
}

describe("ACL users across a config rewrite", () => {
  it("writes the issue's users as redis-sentinel does and reads them back", () => {
    const file = "port 26379\nuser default on nopass -@all +ping\nuser admin on >pw +@all\n";
    const acl = aclFrom(load(file).server.users);
    acl.setUser("u1", ["on", ">p1", "~foo", "%R~bar", "&ch*", "+client", "(+ping ~x &y)"]);
    const { text, again } = roundTrip(acl, file);
    // redis-sentinel 7.0.15 rewrote the same file with these lines, in place, sorted by name
    // (its default line also has `sanitize-payload`, which a reset adds: see Acl.loadUser).
    expect(text.split("\n").filter((l) => l.startsWith("user "))).to.deep.equal([
      `user admin on #${sha("pw")} resetchannels +@all`,
      "user default on nopass resetchannels -@all +ping",
      `user u1 on #${sha("p1")} ~foo %R~bar resetchannels &ch* -@all +client (~x resetchannels &y -@all +ping)`,
    ]);
    expect(text.startsWith(`port 26379\nuser admin on #${sha("pw")}`)).to.equal(true);
    expect(listOf(again)).to.deep.equal(listOf(acl));
  });

  it("quotes the words Redis would write raw and could not read back", () => {
    const acl = new Acl(sha);
    acl.setUser("q'1", ["on", "nopass", `~x'y`, "&\\", `&a"b`, `(&c"d +ping)`, "(&plain)"]);
    acl.setUser("default", ["skip-sanitize-payload", "resetchannels", "&é"]);
    const { text, again } = roundTrip(acl, "");
    expect(text).to.include(`user "q'1" on nopass "~x'y" resetchannels "&\\\\" "&a\\"b" -@all`);
    expect(text).to.include(`"(resetchannels &c\\"d -@all +ping)" (resetchannels &plain -@all)`);
    expect(listOf(again)).to.deep.equal(listOf(acl));
  });

  it("keeps deletions, requirepass and the default user's password", () => {
    const file = "requirepass secret\nuser bob on >b +@all\n";
    const acl = aclFrom(load(file).server.users, "secret");
    acl.deleteUsers(["bob"]);
    acl.setUser("carol", ["on", `#${sha("c")}`, "+ping"]);
    const { text, again } = roundTrip(acl, file, "secret");
    expect(text).to.not.include("user bob");
    expect(listOf(again)).to.deep.equal(listOf(acl));
    expect(again.checkCredentials("default", "secret")).to.equal(true);
  });

  for (const [line, reason] of [
    ["user x on foo", "Error in user declaration 'x': Syntax error"],
    ["user x on (+ping", "Error in user declaration 'x': Unknown command or category name in ACL"],
    [
      "user x on\nuser x off",
      "Error in user declaration 'x': Duplicate user found. A user can only be defined once in config files",
    ],
  ] as const) {
    it(`refuses ${JSON.stringify(line)} at load with Redis's text`, () => {
      expect(() => load(line))
        .to.throw(ConfigError)
        .with.property("message")
        .that.includes(reason);
    });
  }

  it("writes SENTINEL SET rename-command names with spaces so they read back whole", () => {
    const loaded = load("sentinel monitor m 127.0.0.1 6379 2\n");
    const m = loaded.sentinel.masters[0]!;
    const sentinel = {
      ...loaded.sentinel,
      masters: [{ ...m, settings: { ...m.settings, renamedCommands: { "a b": "c d" } } }],
    };
    const text = rewriteConf("", null, sentinel);
    expect(text).to.include('sentinel rename-command m "a b" "c d"');
    expect(load(text).sentinel.masters[0]!.settings.renamedCommands).to.deep.equal({
      "a b": "c d",
    });
  });

  it("reads back exactly whatever random SETUSER/DELUSER sequences leave (500 seeded steps)", () => {
    const words = ["a", "b*", "x'y", 'q"r', "\\", "é", "", "*", "[a-z]", "#", "a(b", "c)"];
    const rng = seeded(13);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
    const rule = (inSelector: boolean): string => {
      const w = pick(words);
      const simple = ["allkeys", "resetkeys", "allchannels", "resetchannels", "+@all", "-@all"];
      const user = [
        "on",
        "off",
        "nopass",
        "resetpass",
        "sanitize-payload",
        "skip-sanitize-payload",
      ];
      const options = [
        ...simple,
        ...(inSelector ? [] : [...user, "clearselectors", "reset"]),
        `~${w}`,
        `%R~${w}`,
        `%W~${w}`,
        `&${w}`,
        pick(["+", "-"]) + pick(["ping", "@pubsub", "client|kill", "acl", "sentinel|masters"]),
        ...(inSelector ? [] : [`>${w}`, `<${w}`]),
      ];
      return pick(options);
    };
    const acl = new Acl(sha);
    let accepted = 0;
    for (let step = 0; step < 500; step++) {
      const name = pick(["default", "u1", "u'2", 'u"3', "ü4"]);
      if (name !== "default" && rng() < 0.05) {
        acl.deleteUsers([name]);
        continue;
      }
      const rules = Array.from({ length: 1 + Math.floor(rng() * 4) }, () =>
        rng() < 0.15
          ? `(${Array.from({ length: 1 + Math.floor(rng() * 3) }, () => rule(true)).join(" ")})`
          : rule(false),
      );
      try {
        acl.setUser(name, rules);
        accepted += 1;
      } catch {
        // Refused as a whole: nothing changed.
      }
      const { again } = roundTrip(acl, "");
      expect(listOf(again), `step ${step}: ${rules.join(" ")}`).to.deep.equal(listOf(acl));
    }
    expect(accepted).to.be.greaterThan(250);
  });
});

// Proves CLIENT subcommands reply like redis-sentinel 7.0.15: SETNAME validation, GETNAME null,
// LIST/INFO line format and filters, KILL's two forms and filters with Redis's error texts,
// REPLY modes, NO-EVICT, 7.2's SETINFO, TRACKING's state and checks, PAUSE's and UNBLOCK's
// argument errors, and 7.0.15's HELP text.
import { expect } from "chai";
import { formatClientLine } from "../../../src/commands/client.js";
import type { Reply } from "../../../src/protocol/reply.js";
import { R } from "../../../src/protocol/reply.js";
import { factsOf, newClient, newContext, one } from "./fake-context.js";

describe("CLIENT", () => {
  it("sets, clears and gets the name, refusing spaces and control characters", () => {
    const ctx = newContext();
    expect(one(ctx.run("CLIENT", "GETNAME"))).to.deep.equal(R.null());
    expect(one(ctx.run("CLIENT", "SETNAME", "sentinel-1a2b3c4d-cmd"))).to.deep.equal(R.ok());
    expect(one(ctx.run("CLIENT", "GETNAME"))).to.deep.equal(R.bulk("sentinel-1a2b3c4d-cmd"));
    expect(one(ctx.run("CLIENT", "SETNAME", "a b"))).to.deep.equal(
      R.error("ERR Client names cannot contain spaces, newlines or special characters."),
    );
    expect(one(ctx.run("CLIENT", "SETNAME", ""))).to.deep.equal(R.ok());
    expect(one(ctx.run("CLIENT", "GETNAME"))).to.deep.equal(R.null());
  });

  it("formats a CLIENT LIST line with 7.0's fields in order, then lib-name and lib-ver", () => {
    const line = formatClientLine(factsOf(newClient(5, { name: "x", lastCommand: "client|list" })));
    expect(line).to.equal(
      "id=5 addr=127.0.0.1:50005 laddr=127.0.0.1:26379 fd=9 name=x age=3 idle=1 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=16384 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=client|list user=default redir=-1 resp=2 lib-name= lib-ver=",
    );
  });

  it("flags subscribers P and filters CLIENT LIST by type and id", () => {
    const ctx = newContext();
    ctx.others.push(newClient(8, { channels: new Set(["+sdown"]) }));
    const pubsub = one(ctx.run("CLIENT", "LIST", "TYPE", "pubsub"));
    expect(pubsub.type === "verbatim" && pubsub.value).to.match(/^id=8 .* flags=P .*\n$/);
    const byId = one(ctx.run("CLIENT", "LIST", "ID", "7"));
    expect(byId.type === "verbatim" && byId.value.split("\n")).to.have.length(2);
    expect(one(ctx.run("CLIENT", "LIST", "TYPE", "x"))).to.deep.equal(
      R.error("ERR Unknown client type 'x'"),
    );
  });

  it("describes the calling connection with CLIENT INFO", () => {
    const reply = one(newContext().run("CLIENT", "INFO"));
    expect(reply.type === "verbatim" && reply.value).to.match(/^id=7 .*cmd=client\|info .*\n$/);
  });

  it("kills by address with the old form, or answers No such client", () => {
    const ctx = newContext();
    ctx.others.push(newClient(8));
    expect(one(ctx.run("CLIENT", "KILL", "127.0.0.1:50008"))).to.deep.equal(R.ok());
    expect(ctx.killed).to.deep.equal([8]);
    expect(one(ctx.run("CLIENT", "KILL", "1.2.3.4:5"))).to.deep.equal(
      R.error("ERR No such client"),
    );
  });

  it("kills by filters, skipping the caller unless SKIPME no", () => {
    const ctx = newContext();
    ctx.others.push(newClient(8), newClient(9, { patterns: new Set(["*"]) }));
    expect(one(ctx.run("CLIENT", "KILL", "TYPE", "normal"))).to.deep.equal(R.integer(1));
    expect(ctx.killed).to.deep.equal([8]);
    expect(one(ctx.run("CLIENT", "KILL", "TYPE", "pubsub"))).to.deep.equal(R.integer(1));
    expect(one(ctx.run("CLIENT", "KILL", "ID", "7", "SKIPME", "no"))).to.deep.equal(R.integer(1));
    expect(ctx.client.closeAfterReply).to.equal(true);
  });

  it("reports KILL filter errors with Redis's texts", () => {
    const ctx = newContext();
    expect(one(ctx.run("CLIENT", "KILL", "TYPE", "foo"))).to.deep.equal(
      R.error("ERR Unknown client type 'foo'"),
    );
    expect(one(ctx.run("CLIENT", "KILL", "ID", "x"))).to.deep.equal(
      R.error("ERR client-id should be greater than 0"),
    );
    expect(one(ctx.run("CLIENT", "KILL", "FOO", "x"))).to.deep.equal(R.error("ERR syntax error"));
    expect(one(ctx.run("CLIENT", "KILL", "USER", "nobody"))).to.deep.equal(
      R.error("ERR No such user 'nobody'"),
    );
    expect(one(ctx.run("CLIENT", "KILL", "SKIPME", "maybe"))).to.deep.equal(
      R.error("ERR syntax error"),
    );
  });

  it("turns replies off, on, or skips the next one", () => {
    const ctx = newContext();
    expect(ctx.run("CLIENT", "REPLY", "OFF")).to.deep.equal([]);
    expect(ctx.client.replyMode).to.equal("off");
    expect(one(ctx.run("CLIENT", "REPLY", "ON"))).to.deep.equal(R.ok());
    expect(ctx.run("CLIENT", "REPLY", "SKIP")).to.deep.equal([]);
    expect(ctx.client.replyMode).to.equal("skip-next");
    expect(one(ctx.run("CLIENT", "REPLY", "MAYBE"))).to.deep.equal(R.error("ERR syntax error"));
  });

  it("accepts NO-EVICT on/off and SETINFO lib-name/lib-ver", () => {
    const ctx = newContext();
    expect(one(ctx.run("CLIENT", "NO-EVICT", "on"))).to.deep.equal(R.ok());
    expect(one(ctx.run("CLIENT", "NO-EVICT", "x"))).to.deep.equal(R.error("ERR syntax error"));
    expect(one(ctx.run("CLIENT", "SETINFO", "LIB-NAME", "ioredis"))).to.deep.equal(R.ok());
    expect(one(ctx.run("CLIENT", "SETINFO", "lib-ver", "6.0.0"))).to.deep.equal(R.ok());
    expect([ctx.client.libName, ctx.client.libVersion]).to.deep.equal(["ioredis", "6.0.0"]);
    expect(one(ctx.run("CLIENT", "SETINFO", "x", "y"))).to.deep.equal(
      R.error("ERR Unrecognized option 'x'"),
    );
  });

  it("answers HELP with 7.0.15's 48 simple-string lines", () => {
    const reply = one(newContext().run("CLIENT", "HELP"));
    expect(reply.type === "array" && reply.items.length).to.equal(48);
    expect(reply.type === "array" && reply.items[1]).to.deep.equal(R.simple("CACHING (YES|NO)"));
    expect(reply.type === "array" && reply.items[0]).to.deep.equal(
      R.simple("CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
    );
  });

  const bulks = (...words: string[]) => R.set(words.map((w) => R.bulk(w)));
  const trackingInfo = (flags: string[], redirect: number, prefixes: string[]) =>
    R.map([
      [R.bulk("flags"), bulks(...flags)],
      [R.bulk("redirect"), R.integer(redirect)],
      [R.bulk("prefixes"), R.array(prefixes.map((p) => R.bulk(p)))],
    ]);

  it("keeps CLIENT TRACKING's state per connection, shown by TRACKINGINFO, GETREDIR and CLIENT LIST", () => {
    const ctx = newContext();
    ctx.others.push(newClient(9));
    expect(one(ctx.run("CLIENT", "TRACKINGINFO"))).to.deep.equal(trackingInfo(["off"], -1, []));
    expect(
      one(
        ctx.run(
          "CLIENT",
          "TRACKING",
          "on",
          "REDIRECT",
          "9",
          "BCAST",
          "PREFIX",
          "b",
          "PREFIX",
          "a",
          "NOLOOP",
        ),
      ),
    ).to.deep.equal(R.ok());
    expect(one(ctx.run("CLIENT", "TRACKINGINFO"))).to.deep.equal(
      trackingInfo(["on", "bcast", "noloop"], 9, ["a", "b"]),
    );
    expect(one(ctx.run("CLIENT", "GETREDIR"))).to.deep.equal(R.integer(9));
    const info = one(ctx.run("CLIENT", "INFO"));
    expect(info.type === "verbatim" && info.value).to.match(/ flags=tB .* redir=9 /);
    expect(one(ctx.run("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "bc"))).to.deep.equal(
      R.error(
        "ERR Prefix 'bc' overlaps with an existing prefix 'b'. Prefixes for a single client must not overlap.",
      ),
    );
    expect(one(ctx.run("CLIENT", "TRACKING", "on", "OPTIN"))).to.deep.equal(
      R.error(
        "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
      ),
    );
    expect(one(ctx.run("CLIENT", "TRACKING", "off"))).to.deep.equal(R.ok());
    expect(one(ctx.run("CLIENT", "GETREDIR"))).to.deep.equal(R.integer(-1));
    expect(one(ctx.run("CLIENT", "TRACKING", "on", "BCAST"))).to.deep.equal(R.ok());
    expect(one(ctx.run("CLIENT", "TRACKINGINFO"))).to.deep.equal(
      trackingInfo(["on", "bcast"], 0, [""]),
    );
    expect(one(ctx.run("RESET"))).to.deep.equal(R.simple("RESET"));
    expect(one(ctx.run("CLIENT", "TRACKINGINFO"))).to.deep.equal(trackingInfo(["off"], -1, []));
  });

  it("refuses CLIENT TRACKING's bad options with Redis's texts, in its order", () => {
    const ctx = newContext();
    const refusals: [string[], string][] = [
      [["foo", "REDIRECT", "999"], "ERR The client ID you want redirect to does not exist"],
      [["on", "REDIRECT", "x"], "ERR value is not an integer or out of range"],
      [
        ["on", "REDIRECT", "7", "REDIRECT", "7"],
        "ERR A client can only redirect to a single other client",
      ],
      [["on", "REDIRECT"], "ERR syntax error"],
      [["foo"], "ERR syntax error"],
      [["off", "PREFIX"], "ERR syntax error"],
      [["on", "PREFIX", "a"], "ERR PREFIX option requires BCAST mode to be enabled"],
      [["on", "BCAST", "OPTIN"], "ERR OPTIN and OPTOUT are not compatible with BCAST"],
      [["on", "OPTIN", "OPTOUT"], "ERR You can't specify both OPTIN mode and OPTOUT mode"],
      [
        ["on", "BCAST", "PREFIX", "ab", "PREFIX", "a"],
        "ERR Prefix 'ab' overlaps with another provided prefix 'a'. Prefixes for a single client must not overlap.",
      ],
    ];
    for (const [words, text] of refusals)
      expect(one(ctx.run("CLIENT", "TRACKING", ...words)), words.join(" ")).to.deep.equal(
        R.error(text),
      );
    expect(one(ctx.run("CLIENT", "TRACKINGINFO"))).to.deep.equal(trackingInfo(["off"], -1, []));
  });

  it("takes CLIENT CACHING only in the matching OPTIN/OPTOUT mode, for the next command", () => {
    const ctx = newContext();
    expect(one(ctx.run("CLIENT", "CACHING", "yes"))).to.deep.equal(
      R.error(
        "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled",
      ),
    );
    ctx.run("CLIENT", "TRACKING", "on", "OPTIN");
    expect(one(ctx.run("CLIENT", "CACHING", "no"))).to.deep.equal(
      R.error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode."),
    );
    expect(one(ctx.run("CLIENT", "CACHING", "foo"))).to.deep.equal(R.error("ERR syntax error"));
    expect(one(ctx.run("CLIENT", "CACHING", "yes"))).to.deep.equal(R.ok());
    expect(one(ctx.run("CLIENT", "TRACKINGINFO"))).to.deep.equal(
      trackingInfo(["on", "optin", "caching-yes"], 0, []),
    );
    ctx.run("PING");
    expect(one(ctx.run("CLIENT", "TRACKINGINFO"))).to.deep.equal(
      trackingInfo(["on", "optin"], 0, []),
    );
    expect(one(ctx.run("CLIENT", "TRACKING", "on", "OPTOUT"))).to.deep.equal(
      R.error(
        "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
      ),
    );
  });

  it("checks CLIENT PAUSE's mode before its timeout and UNBLOCK's reason before its id", () => {
    const ctx = newContext();
    const cases: [string[], Reply][] = [
      [["PAUSE", "x", "FOO"], R.error("ERR CLIENT PAUSE mode must be WRITE or ALL")],
      [["PAUSE", "-5", "WRITE"], R.error("ERR timeout is negative")],
      [["PAUSE", "x"], R.error("ERR timeout is not an integer or out of range")],
      [["PAUSE", "9223372036854775807", "WRITE"], R.ok()],
      [
        ["PAUSE", "10", "WRITE", "x"],
        R.error(
          "ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.",
        ),
      ],
      [["UNBLOCK", "x", "foo"], R.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")],
      [["UNBLOCK", "x"], R.error("ERR value is not an integer or out of range")],
      [
        ["UNBLOCK", "1", "timeout", "x"],
        R.error(
          "ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.",
        ),
      ],
      [["UNBLOCK", "1", "ERROR"], R.integer(0)],
    ];
    for (const [words, reply] of cases)
      expect(one(ctx.run("CLIENT", ...words)), words.join(" ")).to.deep.equal(reply);
  });
});

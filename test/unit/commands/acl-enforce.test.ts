// Proves what the ACL enforces and records, as redis-sentinel 7.0.15 does: AUTH and HELLO are
// never refused for lack of command permission, channel rules for SUBSCRIBE/PSUBSCRIBE/PUBLISH,
// ACL LOG entries (auth failures, command and channel denials, grouping, count, RESET), ACL
// DELUSER closing the deleted users' clients, ACL SETUSER closing subscribers it no longer allows.
import { expect } from "chai";
import type { Reply } from "../../../src/protocol/reply.js";
import { R } from "../../../src/protocol/reply.js";
import { encodeReply } from "../../../src/protocol/resp-encoder.js";
import { newClient, newContext, one } from "./fake-context.js";

const NOPERM_CHANNEL =
  "NOPERM this user has no permissions to access one of the channels used as arguments";
const WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";

/** A context whose default user may only PING, with an admin user (the config). */
function lockedDown(): ReturnType<typeof newContext> {
  const ctx = newContext();
  ctx.server.acl.loadUser("default", ["on", "nopass", "-@all", "+ping"]);
  ctx.server.acl.loadUser("admin", ["on", ">pw", "+@all"]);
  return ctx;
}

function field(entry: Reply, name: string): Reply | undefined {
  if (entry.type !== "map") throw new Error("not a map");
  return entry.entries.find(([k]) => k.type === "bulk" && k.value === name)?.[1];
}

function logEntries(ctx: ReturnType<typeof newContext>, ...args: string[]): Reply[] {
  const reply = one(ctx.run("ACL", "LOG", ...args));
  if (reply.type !== "array") throw new Error(`ACL LOG answered ${JSON.stringify(reply)}`);
  return [...reply.items];
}

describe("ACL: AUTH and HELLO are not subject to command permissions", () => {
  it("logs in with AUTH when the default user may only PING", () => {
    const ctx = lockedDown();
    expect(one(ctx.run("AUTH", "admin", "pw"))).to.deep.equal(R.ok());
    expect(one(ctx.run("ACL", "WHOAMI"))).to.deep.equal(R.bulk("admin"));
  });

  it("logs in with HELLO 3 AUTH when the default user may only PING", () => {
    const ctx = lockedDown();
    const reply = one(ctx.run("HELLO", "3", "AUTH", "admin", "pw"));
    expect(reply.type).to.equal("map");
    expect(ctx.client.protocol).to.equal(3);
    expect(ctx.client.user).to.equal("admin");
  });

  it("still refuses other commands with NOPERM", () => {
    expect(one(lockedDown().run("ACL", "WHOAMI"))).to.deep.equal(
      R.error("NOPERM this user has no permissions to run the 'acl|whoami' command"),
    );
  });
});

describe("ACL: channel permissions", () => {
  function channelUser(): ReturnType<typeof newContext> {
    const ctx = newContext();
    ctx.run("ACL", "SETUSER", "chu", "on", ">c", "+@all", "resetchannels", "&news.*", "&exact");
    ctx.run("AUTH", "chu", "c");
    return ctx;
  }

  it("refuses SUBSCRIBE when one channel is not allowed, subscribing to none", () => {
    const ctx = channelUser();
    expect(ctx.run("SUBSCRIBE", "news.a", "other")).to.deep.equal([R.error(NOPERM_CHANNEL)]);
    expect(ctx.client.channels.size).to.equal(0);
    expect(ctx.run("SUBSCRIBE", "exact", "news.b")).to.have.length(2);
    expect([...ctx.client.channels]).to.deep.equal(["exact", "news.b"]);
  });

  it("takes PSUBSCRIBE patterns literally: only an allowed pattern itself passes", () => {
    const ctx = channelUser();
    expect(ctx.run("PSUBSCRIBE", "*")).to.deep.equal([R.error(NOPERM_CHANNEL)]);
    expect(ctx.run("PSUBSCRIBE", "news.a*")).to.deep.equal([R.error(NOPERM_CHANNEL)]);
    expect(ctx.run("PSUBSCRIBE", "news.*")).to.have.length(1);
    expect([...ctx.client.patterns]).to.deep.equal(["news.*"]);
  });

  it("refuses PUBLISH to a channel not allowed, hellos included, before its own checks", () => {
    const ctx = channelUser();
    expect(ctx.run("PUBLISH", "__sentinel__:hello", "x")).to.deep.equal([R.error(NOPERM_CHANNEL)]);
    expect(ctx.run("PUBLISH", "other", "x")).to.deep.equal([R.error(NOPERM_CHANNEL)]);
    expect(ctx.host.hellos).to.deep.equal([]);
  });

  it("answers the same error in RESP3", () => {
    const ctx = channelUser();
    ctx.run("HELLO", "3");
    const [reply] = ctx.run("PSUBSCRIBE", "*");
    expect(encodeReply(reply!, 3).toString()).to.equal(`-${NOPERM_CHANNEL}\r\n`);
  });

  it("never checks UNSUBSCRIBE and PUNSUBSCRIBE", () => {
    const ctx = channelUser();
    expect(ctx.run("UNSUBSCRIBE", "other")).to.have.length(1);
    expect(ctx.run("PUNSUBSCRIBE", "*")).to.have.length(1);
  });

  it("explains a channel denial in ACL DRYRUN", () => {
    const ctx = channelUser();
    expect(one(ctx.run("ACL", "DRYRUN", "chu", "publish", "other", "x"))).to.deep.equal(
      R.bulk("This user has no permissions to access the 'other' channel"),
    );
    expect(
      one(ctx.run("ACL", "DRYRUN", "chu", "subscribe", "exact", "news.x", "zz")),
    ).to.deep.equal(R.bulk("This user has no permissions to access the 'zz' channel"));
    expect(one(ctx.run("ACL", "DRYRUN", "chu", "psubscribe", "news.*"))).to.deep.equal(R.ok());
  });
});

describe("ACL LOG", () => {
  it("records failed AUTH and HELLO AUTH with the command name as typed", () => {
    const ctx = lockedDown();
    expect(one(ctx.run("AuTh", "zz", "x"))).to.deep.equal(R.error(WRONGPASS));
    ctx.clock.ms += 725;
    expect(one(ctx.run("HeLLo", "3", "AUTH", "zz", "c"))).to.deep.equal(R.error(WRONGPASS));
    ctx.run("AUTH", "admin", "pw");
    const [hello, auth] = logEntries(ctx);
    expect(field(hello!, "object")).to.deep.equal(R.bulk("HeLLo"));
    expect(field(auth!, "count")).to.deep.equal(R.integer(1));
    expect(field(auth!, "reason")).to.deep.equal(R.bulk("auth"));
    expect(field(auth!, "context")).to.deep.equal(R.bulk("toplevel"));
    expect(field(auth!, "object")).to.deep.equal(R.bulk("AuTh"));
    expect(field(auth!, "username")).to.deep.equal(R.bulk("zz"));
    expect(field(auth!, "age-seconds")).to.deep.equal(R.double(0.725));
    expect(encodeReply(field(auth!, "age-seconds")!, 2).toString()).to.equal(
      "$19\r\n0.72499999999999998\r\n",
    );
    const info = field(auth!, "client-info");
    expect(info?.type === "bulk" && String(info.value)).to.match(/^id=7 .* cmd=auth user=default /);
  });

  it("records command and channel denials, and groups repeats into one entry with a count", () => {
    const ctx = newContext();
    ctx.run("ACL", "SETUSER", "chu", "on", ">c", "-@all", "+subscribe", "+publish", "&news.*");
    ctx.run("AUTH", "chu", "c");
    ctx.run("SUBSCRIBE", "news.a", "other");
    ctx.run("PUBLISH", "other", "x");
    ctx.run("ROLE");
    ctx.run("AUTH", "default", "");
    const [role, other, none] = logEntries(ctx);
    expect(field(other!, "count")).to.deep.equal(R.integer(2));
    expect(field(other!, "reason")).to.deep.equal(R.bulk("channel"));
    expect(field(other!, "object")).to.deep.equal(R.bulk("other"));
    expect(field(other!, "username")).to.deep.equal(R.bulk("chu"));
    const info = field(other!, "client-info");
    expect(info?.type === "bulk" && String(info.value)).to.match(/ cmd=publish user=chu /);
    expect(field(role!, "reason")).to.deep.equal(R.bulk("command"));
    expect(field(role!, "object")).to.deep.equal(R.bulk("role"));
    expect(none).to.equal(undefined);
  });

  it("starts a new entry after 60 s and keeps at most 128", () => {
    const ctx = newContext();
    ctx.run("AUTH", "nobody", "x");
    ctx.clock.ms += 60_001;
    ctx.run("AUTH", "nobody", "x");
    expect(logEntries(ctx)).to.have.length(2);
    for (let i = 0; i < 200; i++) ctx.run("AUTH", `u${i}`, "x");
    expect(logEntries(ctx, "1000")).to.have.length(128);
  });

  it("answers ACL LOG <count>, RESET and Redis's errors", () => {
    const ctx = newContext();
    for (let i = 0; i < 12; i++) ctx.run("AUTH", `u${i}`, "x");
    expect(logEntries(ctx)).to.have.length(10);
    expect(logEntries(ctx, "3")).to.have.length(3);
    expect(logEntries(ctx, "-1")).to.have.length(0);
    expect(one(ctx.run("ACL", "LOG", "x"))).to.deep.equal(
      R.error("ERR value is not an integer or out of range"),
    );
    expect(one(ctx.run("ACL", "LOG", "99999999999999999999"))).to.deep.equal(
      R.error("ERR value is not an integer or out of range"),
    );
    expect(one(ctx.run("ACL", "log", "1", "2"))).to.deep.equal(
      R.error("ERR unknown subcommand or wrong number of arguments for 'log'. Try ACL HELP."),
    );
    expect(one(ctx.run("ACL", "LOG", "reset"))).to.deep.equal(R.ok());
    expect(logEntries(ctx)).to.have.length(0);
  });
});

describe("ACL: clients of changed users", () => {
  it("closes the clients of a deleted user, the caller after its reply", () => {
    const ctx = newContext();
    ctx.run("ACL", "SETUSER", "d1", "on", ">d", "+@all");
    ctx.others.push(newClient(8, { user: "d1" }), newClient(9, { user: "default" }));
    expect(one(ctx.run("ACL", "DELUSER", "d1"))).to.deep.equal(R.integer(1));
    expect(ctx.killed).to.deep.equal([8]);
    expect(ctx.client.closeAfterReply).to.equal(false);
    ctx.run("AUTH", "d1", "d");
    ctx.run("ACL", "SETUSER", "d2", "on", ">d", "+@all");
    ctx.run("AUTH", "d2", "d");
    expect(one(ctx.run("ACL", "DELUSER", "d2"))).to.deep.equal(R.integer(1));
    expect(ctx.client.closeAfterReply).to.equal(true);
  });

  it("closes nobody when a user is turned off or loses its passwords (7.0)", () => {
    const ctx = newContext();
    ctx.run("ACL", "SETUSER", "d2", "on", ">d", "+@all");
    ctx.others.push(newClient(8, { user: "d2" }));
    ctx.run("ACL", "SETUSER", "d2", "off");
    ctx.run("ACL", "SETUSER", "d2", "resetpass");
    expect(ctx.killed).to.deep.equal([]);
  });

  it("closes the user's subscribers whose subscriptions the new channel rules refuse", () => {
    const ctx = newContext();
    ctx.run("ACL", "SETUSER", "ps", "on", ">p", "+@all", "allchannels");
    const pattern = newClient(8, { user: "ps", patterns: new Set(["a*"]) });
    const channel = newClient(9, { user: "ps", channels: new Set(["b"]) });
    ctx.others.push(pattern, channel);
    ctx.run("ACL", "SETUSER", "ps", "resetchannels", "&a*", "&b");
    expect(ctx.killed).to.deep.equal([]);
    ctx.run("ACL", "SETUSER", "ps", "resetchannels", "&a*");
    expect(ctx.killed).to.deep.equal([9]);
    ctx.run("ACL", "SETUSER", "ps", "resetchannels", "&a");
    expect(ctx.killed).to.deep.equal([9, 8, 9]);
  });
});

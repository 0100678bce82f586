// Proves PING, INFO, ROLE, HELLO, AUTH, SHUTDOWN, QUIT and RESET reply like redis-sentinel
// 7.0.15: HELLO's 6-pair map and its errors, AUTH's texts with and without requirepass, INFO's
// section selection and order, ROLE's shape.
import { expect } from "chai";
import { buildInfo, selectInfoSections } from "../../../src/commands/info.js";
import { R } from "../../../src/protocol/reply.js";
import { INFO_FACTS, newContext, one, SENTINEL_SECTION } from "./fake-context.js";

const helloMap = (proto: number, id: number) =>
  R.map([
    [R.bulk("server"), R.bulk("redis")],
    [R.bulk("version"), R.bulk("7.0.15")],
    [R.bulk("proto"), R.integer(proto)],
    [R.bulk("id"), R.integer(id)],
    [R.bulk("mode"), R.bulk("sentinel")],
    [R.bulk("modules"), R.array([])],
  ]);

describe("PING", () => {
  it("answers PONG, or echoes its argument as a bulk", () => {
    const ctx = newContext();
    expect(one(ctx.run("PING"))).to.deep.equal(R.simple("PONG"));
    expect(one(ctx.run("PING", "x"))).to.deep.equal(R.bulk("x"));
  });
});

describe("ROLE", () => {
  it("answers sentinel and the master names", () => {
    expect(one(newContext().run("ROLE"))).to.deep.equal(
      R.array([R.bulk("sentinel"), R.array([R.bulk("m1"), R.bulk("m2")])]),
    );
  });
});

describe("HELLO", () => {
  it("answers the 6-pair map and switches protocol", () => {
    const ctx = newContext();
    expect(one(ctx.run("HELLO", "3"))).to.deep.equal(helloMap(3, 7));
    expect(ctx.client.protocol).to.equal(3);
    expect(one(ctx.run("HELLO"))).to.deep.equal(helloMap(3, 7));
    expect(one(ctx.run("HELLO", "2"))).to.deep.equal(helloMap(2, 7));
  });

  it("rejects bad versions with Redis's two texts", () => {
    const ctx = newContext();
    expect(one(ctx.run("HELLO", "4"))).to.deep.equal(
      R.error("NOPROTO unsupported protocol version"),
    );
    expect(one(ctx.run("HELLO", "1"))).to.deep.equal(
      R.error("NOPROTO unsupported protocol version"),
    );
    expect(one(ctx.run("HELLO", "x"))).to.deep.equal(
      R.error("ERR Protocol version is not an integer or out of range"),
    );
    expect(ctx.client.protocol).to.equal(2);
  });

  it("reports the first bad option", () => {
    const ctx = newContext();
    expect(one(ctx.run("HELLO", "3", "AUTH"))).to.deep.equal(
      R.error("ERR Syntax error in HELLO option 'AUTH'"),
    );
    expect(one(ctx.run("HELLO", "3", "SETNAME", "a", "b"))).to.deep.equal(
      R.error("ERR Syntax error in HELLO option 'b'"),
    );
  });

  it("authenticates and names the connection in one go", () => {
    const ctx = newContext({ requirePass: "pw" });
    expect(one(ctx.run("HELLO", "3")))
      .to.have.property("value")
      .that.match(/^NOAUTH HELLO must be called/);
    expect(one(ctx.run("HELLO", "3", "AUTH", "default", "bad"))).to.deep.equal(
      R.error("WRONGPASS invalid username-password pair or user is disabled."),
    );
    expect(one(ctx.run("HELLO", "3", "AUTH", "default", "pw", "SETNAME", "app"))).to.deep.equal(
      helloMap(3, 7),
    );
    expect(ctx.client.name).to.equal("app");
    expect(ctx.client.authenticated).to.equal(true);
  });
});

describe("AUTH", () => {
  it("explains that no password is configured", () => {
    expect(one(newContext().run("AUTH", "x"))).to.deep.equal(
      R.error(
        "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
      ),
    );
  });

  it("answers WRONGPASS for a wrong user or password", () => {
    const ctx = newContext({ requirePass: "pw" });
    expect(one(ctx.run("AUTH", "nope"))).to.deep.equal(
      R.error("WRONGPASS invalid username-password pair or user is disabled."),
    );
    expect(one(ctx.run("AUTH", "bob", "pw"))).to.deep.equal(
      R.error("WRONGPASS invalid username-password pair or user is disabled."),
    );
    expect(one(ctx.run("AUTH", "default", "pw"))).to.deep.equal(R.ok());
  });

  it("answers a syntax error for too many arguments", () => {
    expect(one(newContext().run("AUTH", "a", "b", "c"))).to.deep.equal(R.error("ERR syntax error"));
  });
});

describe("INFO", () => {
  it("selects sections in Redis's order whatever the argument order", () => {
    expect(selectInfoSections([])).to.deep.equal(["server", "clients", "stats", "cpu", "sentinel"]);
    expect(selectInfoSections(["everything"])).to.have.length(5);
    expect(selectInfoSections(["SENTINEL", "server"])).to.deep.equal(["server", "sentinel"]);
    expect(selectInfoSections(["keyspace"])).to.deep.equal([]);
  });

  it("renders sections with CRLF lines, one blank line between them", () => {
    const text = buildInfo(
      ["server", "sentinel"],
      () => INFO_FACTS,
      () => SENTINEL_SECTION,
    );
    expect(
      text.startsWith("# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:00000000\r\n"),
    ).to.equal(true);
    expect(text).to.include("\r\nredis_mode:sentinel\r\n");
    expect(text).to.include("\r\nprocess_id:4242\r\n");
    expect(text).to.include(`\r\nrun_id:${"a".repeat(40)}\r\ntcp_port:26379\r\n`);
    expect(text).to.include("\r\nuptime_in_days:1\r\n");
    expect(text).to.include("io_threads_active:0\r\n\r\n# Sentinel\r\nsentinel_masters:1\r\n");
    expect(text.endsWith("sentinels=1\r\n")).to.equal(true);
  });

  it("answers an empty bulk when no section matches", () => {
    expect(one(newContext().run("INFO", "keyspace"))).to.deep.equal(R.bulk(""));
  });

  it("includes the stats and CPU fields parsers look for", () => {
    const text = buildInfo(
      ["stats", "cpu", "clients"],
      () => INFO_FACTS,
      () => "",
    );
    expect(text.indexOf("# Clients")).to.be.lessThan(text.indexOf("# Stats"));
    expect(text).to.include("connected_clients:2\r\n");
    expect(text).to.include("total_commands_processed:9\r\n");
    expect(text).to.include("used_cpu_sys:0.500000\r\n");
  });

  it("gathers the process facts once, and not at all for INFO sentinel alone", () => {
    let gathered = 0;
    const facts = (): typeof INFO_FACTS => {
      gathered += 1;
      return INFO_FACTS;
    };
    expect(buildInfo(["sentinel"], facts, () => SENTINEL_SECTION)).to.include("sentinel_masters:1");
    expect(gathered).to.equal(0);
    buildInfo([], facts, () => SENTINEL_SECTION);
    expect(gathered).to.equal(1);
  });
});

describe("SHUTDOWN, QUIT and RESET", () => {
  it("SHUTDOWN asks the host to shut down and closes without a reply", () => {
    const ctx = newContext();
    expect(ctx.run("SHUTDOWN", "NOSAVE")).to.deep.equal([]);
    expect(ctx.host.shutdowns).to.equal(1);
    expect(ctx.client.closeAfterReply).to.equal(true);
  });

  it("SHUTDOWN rejects unknown flags", () => {
    const ctx = newContext();
    expect(one(ctx.run("SHUTDOWN", "NOSAVE", "x"))).to.deep.equal(R.error("ERR syntax error"));
    expect(ctx.host.shutdowns).to.equal(0);
  });

  it("QUIT answers OK and closes", () => {
    const ctx = newContext();
    expect(one(ctx.run("QUIT"))).to.deep.equal(R.ok());
    expect(ctx.client.closeAfterReply).to.equal(true);
  });

  it("RESET drops subscriptions, name and protocol", () => {
    const ctx = newContext();
    ctx.run("HELLO", "3", "SETNAME", "x");
    ctx.run("SUBSCRIBE", "a");
    expect(one(ctx.run("RESET"))).to.deep.equal(R.simple("RESET"));
    expect(ctx.client.protocol).to.equal(2);
    expect(ctx.client.name).to.equal("");
    expect(ctx.client.channels.size).to.equal(0);
  });
});

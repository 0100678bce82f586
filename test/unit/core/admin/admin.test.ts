// Proves the admin operations of docs/PROTOCOL.md §9.2, §9.5, §9.6: Redis's exact error texts
// and their order, the events (+monitor, -monitor, +set, +reset-master), and flushing exactly
// where Redis does (MONITOR, REMOVE, SET — also after an error —, CONFIG SET, FLUSHCONFIG; not
// RESET, DEBUG, SIMULATE-FAILURE), with replies flagged afterPersist when they follow a flush.
import { expect } from "chai";
import type { AdminOp } from "../../../../src/core/model/inputs.js";
import type { Ready } from "../../../../src/core/model/ready.js";
import {
  Driver,
  PEER_A,
  commandsOf,
  eventLines,
  masterConfig,
  sentinelConfig,
} from "../core-driver.js";

function admin(d: Driver, op: AdminOp): Ready {
  d.step({ type: "admin", requestId: 7, op });
  return d.take();
}

function result(ready: Ready) {
  const reply = ready.replies[0];
  if (reply?.kind !== "admin") throw new Error("no admin reply");
  return reply.result;
}

function errorOf(ready: Ready): string {
  const r = result(ready);
  return r.kind === "error" ? r.message : `not an error: ${r.kind}`;
}

function fresh(): Driver {
  const d = new Driver(
    sentinelConfig([
      masterConfig("mymaster", "10.0.0.1", 6379, {
        knownReplicas: [{ ip: "10.0.0.2", port: 6379 }],
        knownSentinels: [{ addr: { ip: "10.0.1.1", port: 26379 }, runId: PEER_A }],
      }),
    ]),
  );
  d.take();
  return d;
}

describe("admin: MONITOR", () => {
  const monitor = (over: Partial<Extract<AdminOp, { op: "monitor" }>> = {}): AdminOp => ({
    op: "monitor",
    name: "m2",
    host: "10.0.0.5",
    port: 6380,
    quorum: 2,
    ...over,
  });

  it("creates the master, flushes, emits +monitor and answers +OK after the persist", () => {
    const d = fresh();
    const ready = admin(d, monitor());
    expect(eventLines(ready)).to.deep.equal(["+monitor master m2 10.0.0.5 6380 quorum 2"]);
    expect(ready.persist?.masters.map((m) => m.name)).to.deep.equal(["mymaster", "m2"]);
    expect(ready.replies).to.deep.equal([
      { kind: "admin", requestId: 7, result: { kind: "ok" }, afterPersist: true },
    ]);
  });

  it("gives new masters the SENTINEL DEBUG default down-after and failover-timeout", () => {
    const d = fresh();
    admin(d, {
      op: "debug-set",
      pairs: [
        ["default-down-after", "5000"],
        ["DEFAULT-FAILOVER-TIMEOUT", "9000"],
      ],
    });
    admin(d, monitor());
    expect(d.master("m2").settings.downAfterPeriod).to.equal(5000);
    expect(d.master("m2").settings.failoverTimeout).to.equal(9000);
  });

  for (const [over, message] of [
    [{ quorum: 0, host: "bad host", port: 99999 }, "ERR Quorum must be 1 or greater."],
    [{ host: "bad host", port: 99999 }, "ERR Invalid IP address or hostname specified"],
    [{ host: "redis.example.com" }, "ERR Invalid IP address or hostname specified"],
    [{ port: 65536, name: "mymaster" }, "ERR Invalid port number."],
    [{ name: "mymaster" }, "ERR Duplicate master name."],
  ] as const) {
    it(`answers "${message}" in Redis's check order, without a flush`, () => {
      const d = fresh();
      const ready = admin(d, monitor(over));
      expect(errorOf(ready)).to.equal(message);
      expect(ready.persist).to.equal(null);
      expect(ready.events).to.deep.equal([]);
    });
  }

  it("accepts hostnames with resolve-hostnames yes", () => {
    const d = new Driver(sentinelConfig([], { global: { resolveHostnames: true } }));
    expect(result(admin(d, monitor({ host: "redis.example.com" })))).to.deep.equal({ kind: "ok" });
  });
});

describe("admin: REMOVE, RESET, FAILOVER, FLUSHCONFIG, SIMULATE-FAILURE", () => {
  it("removes a master with -monitor, forgets its links and flushes", () => {
    const d = fresh();
    const ready = admin(d, { op: "remove", name: "mymaster" });
    expect(eventLines(ready)).to.deep.equal(["-monitor master mymaster 10.0.0.1 6379"]);
    expect(commandsOf(ready, "forget").map((c) => c.link)).to.deep.equal([
      "slave:mymaster:10.0.0.2:6379",
      `sentinel:${PEER_A}`,
      "master:mymaster",
    ]);
    expect(ready.persist?.masters).to.deep.equal([]);
    expect(result(ready)).to.deep.equal({ kind: "ok" });
  });

  it("answers unknown names with Redis's error", () => {
    const d = fresh();
    for (const op of [
      { op: "remove", name: "nope" },
      { op: "set", name: "nope", pairs: [["quorum", "1"]] },
      { op: "failover", name: "nope" },
    ] as const) {
      expect(errorOf(admin(d, op))).to.equal("ERR No such master with that name");
    }
  });

  it("resets matching masters: +reset-master, replicas and peers dropped, no flush, count returned", () => {
    const d = new Driver(
      sentinelConfig([
        masterConfig("mymaster", "10.0.0.1", 6379, {
          knownReplicas: [{ ip: "10.0.0.2", port: 6379 }],
        }),
        masterConfig("myother", "10.0.0.5", 6379),
        masterConfig("Mymaster2", "10.0.0.6", 6379),
      ]),
    );
    d.take();
    const m = d.master();
    m.flags.add("s_down");
    m.leader = PEER_A;
    m.failoverStartTime = 12345;
    const ready = admin(d, { op: "reset", pattern: "my*" });
    expect(result(ready)).to.deep.equal({ kind: "integer", value: 2 });
    expect(eventLines(ready)).to.deep.equal([
      "+reset-master master mymaster 10.0.0.1 6379",
      "+reset-master master myother 10.0.0.5 6379",
    ]);
    expect(ready.persist).to.equal(null);
    expect(m.replicas.size).to.equal(0);
    expect([...m.flags]).to.deep.equal([]);
    expect([m.leader, m.failoverStartTime, m.link.actPingTime]).to.deep.equal(["", 0, d.now]);
    expect(result(admin(d, { op: "reset", pattern: "none" }))).to.deep.equal({
      kind: "integer",
      value: 0,
    });
  });

  it("starts a forced failover through the failover half (no replica → NOGOODSLAVE)", () => {
    const d = fresh();
    expect(errorOf(admin(d, { op: "failover", name: "mymaster" }))).to.equal(
      "NOGOODSLAVE No suitable replica to promote",
    );
  });

  it("flushes on FLUSHCONFIG and replies after the persist", () => {
    const d = fresh();
    const ready = admin(d, { op: "flushconfig" });
    expect(ready.persist).to.not.equal(null);
    expect(ready.replies[0]).to.include({ afterPersist: true });
  });

  it("replaces the simulate-failure flags without a flush", () => {
    const d = fresh();
    const ready = admin(d, { op: "simulate-failure", flags: 2 });
    expect(d.state.simulateFailureFlags).to.equal(2);
    expect(ready.persist).to.equal(null);
    expect(ready.replies[0]).to.include({ afterPersist: false });
  });
});

describe("admin: SET", () => {
  it("applies each option in order with one +set each, then flushes and answers +OK", () => {
    const d = fresh();
    const ready = admin(d, {
      op: "set",
      name: "mymaster",
      pairs: [
        ["Down-After-Milliseconds", "5000"],
        ["quorum", "3"],
        ["auth-pass", "secret"],
        ["rename-command", "CONFIG"],
        ["xconfig", "master-reboot-down-after-period"],
        ["0", "parallel-syncs"],
        ["4", "failover-timeout"],
        ["60000", "auth-user"],
      ],
    } as unknown as AdminOp);
    // The op was built from an odd argument list on purpose: SET walks a flat list like Redis.
    expect(eventLines(ready)).to.deep.equal([
      "+set master mymaster 10.0.0.1 6379 Down-After-Milliseconds 5000",
      "+set master mymaster 10.0.0.1 6379 quorum 3",
      "+set master mymaster 10.0.0.1 6379 auth-pass ******",
      "+set master mymaster 10.0.0.1 6379 rename-command CONFIG xconfig",
      "+set master mymaster 10.0.0.1 6379 master-reboot-down-after-period 0",
      "+set master mymaster 10.0.0.1 6379 parallel-syncs 4",
      "+set master mymaster 10.0.0.1 6379 failover-timeout 60000",
    ]);
    expect(errorOf(ready)).to.equal(
      "ERR Unknown option or number of arguments for SENTINEL SET 'auth-user'",
    );
    const s = d.master().settings;
    expect([
      s.downAfterPeriod,
      s.quorum,
      s.authPass,
      s.parallelSyncs,
      s.failoverTimeout,
    ]).to.deep.equal([5000, 3, "secret", 4, 60000]);
    expect(s.renamedCommands).to.deep.equal({ CONFIG: "xconfig" });
    expect(ready.persist).to.not.equal(null);
  });

  it("answers +OK after a flush when everything applied", () => {
    const d = fresh();
    const ready = admin(d, { op: "set", name: "mymaster", pairs: [["quorum", "1"]] });
    expect(ready.replies).to.deep.equal([
      { kind: "admin", requestId: 7, result: { kind: "ok" }, afterPersist: true },
    ]);
  });

  it("stops at the first invalid value, keeps earlier ones, flushes, and the error is not afterPersist", () => {
    const d = fresh();
    const ready = admin(d, {
      op: "set",
      name: "mymaster",
      pairs: [
        ["quorum", "5"],
        ["failover-timeout", "0"],
        ["parallel-syncs", "3"],
      ],
    });
    expect(errorOf(ready)).to.equal("ERR Invalid argument '0' for SENTINEL SET 'failover-timeout'");
    expect(ready.replies[0]).to.include({ afterPersist: false });
    expect(d.master().settings.quorum).to.equal(5);
    expect(d.master().settings.parallelSyncs).to.equal(1);
    expect(ready.persist?.masters[0]?.settings.quorum).to.equal(5);
  });

  for (const [pairs, message] of [
    [
      [["down-after-milliseconds", "abc"]],
      "ERR Invalid argument 'abc' for SENTINEL SET 'down-after-milliseconds'",
    ],
    [[["quorum", "-1"]], "ERR Invalid argument '-1' for SENTINEL SET 'quorum'"],
    [
      [["failover-timeout", "9007199254740993"]],
      "ERR Invalid argument '9007199254740993' for SENTINEL SET 'failover-timeout'",
    ],
    [
      [["down-after-milliseconds", "9223372036854775807"]],
      "ERR Invalid argument '9223372036854775807' for SENTINEL SET 'down-after-milliseconds'",
    ],
    [
      [["master-reboot-down-after-period", "-5"]],
      "ERR Invalid argument '-5' for SENTINEL SET 'master-reboot-down-after-period'",
    ],
    [[["bogus", "1"]], "ERR Unknown option or number of arguments for SENTINEL SET 'bogus'"],
    [
      [
        ["rename-command", ""],
        ["x", "y"],
      ],
      "ERR Invalid argument '' for SENTINEL SET 'rename-command'",
    ],
    [
      [["notification-script", "/bin/true"]],
      "ERR Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig configuration directive in your Sentinel configuration",
    ],
  ] as const) {
    it(`answers "${message}"`, () => {
      const d = fresh();
      expect(errorOf(admin(d, { op: "set", name: "mymaster", pairs }))).to.equal(message);
    });
  }

  it('sets script paths when deny-scripts-reconfig is off, and clears them with ""', () => {
    const d = new Driver(
      sentinelConfig([masterConfig()], { global: { denyScriptsReconfig: false } }),
    );
    admin(d, {
      op: "set",
      name: "mymaster",
      pairs: [
        ["client-reconfig-script", "/bin/true"],
        ["notification-script", "/bin/true"],
      ],
    });
    expect(d.master().settings.clientReconfigScript).to.equal("/bin/true");
    admin(d, { op: "set", name: "mymaster", pairs: [["notification-script", ""]] });
    expect(d.master().settings.notificationScript).to.equal("");
  });

  it('takes rename-command as ["rename-command", old, new], names with spaces kept whole', () => {
    const d = fresh();
    admin(d, { op: "set", name: "mymaster", pairs: [["rename-command", "CONFIG", "xconfig"]] });
    expect(d.master().settings.renamedCommands).to.deep.equal({ CONFIG: "xconfig" });
    admin(d, { op: "set", name: "mymaster", pairs: [["rename-command", "a b", "c d"]] });
    expect(d.master().settings.renamedCommands).to.deep.equal({ CONFIG: "xconfig", "a b": "c d" });
  });

  it("keeps the old name as the last SET typed it (sentinel.c's table key), __proto__ too", () => {
    const d = fresh();
    const rename = (from: string, to: string): void => {
      admin(d, { op: "set", name: "mymaster", pairs: [["rename-command", from, to]] });
    };
    rename("config", "xx");
    rename("CoNfIg", "yy");
    rename("__proto__", "zz");
    expect(Object.entries(d.master().settings.renamedCommands)).to.deep.equal([
      ["CoNfIg", "yy"],
      ["__proto__", "zz"],
    ]);
  });

  it("removes a rename when a command is renamed to itself", () => {
    const d = fresh();
    admin(d, {
      op: "set",
      name: "mymaster",
      pairs: [
        ["rename-command", "config"],
        ["xconfig", "rename-command"],
        ["CONFIG", "Config"],
      ],
    } as unknown as AdminOp);
    expect(d.master().settings.renamedCommands).to.deep.equal({});
  });

  it("drops master and replica connections on new credentials", () => {
    const d = fresh();
    d.tickAndConnect();
    const ready = admin(d, { op: "set", name: "mymaster", pairs: [["auth-user", "bob"]] });
    expect(commandsOf(ready, "close").map((c) => `${c.link}/${c.conn}`)).to.deep.equal([
      "master:mymaster/cmd",
      "master:mymaster/pubsub",
      "slave:mymaster:10.0.0.2:6379/cmd",
      "slave:mymaster:10.0.0.2:6379/pubsub",
    ]);
  });
});

describe("admin: CONFIG SET and DEBUG", () => {
  it("sets a global parameter, flushes and answers after the persist", () => {
    const d = fresh();
    const ready = admin(d, { op: "config-set", pairs: [["Announce-IP", "1.2.3.4"]] });
    expect(d.state.global.announceIp).to.equal("1.2.3.4");
    expect(ready.replies[0]).to.include({ afterPersist: true });
    expect(ready.persist?.global.announceIp).to.equal("1.2.3.4");
    admin(d, { op: "config-set", pairs: [["resolve-hostnames", "YES"]] });
    admin(d, { op: "config-set", pairs: [["announce-port", "0"]] });
    expect(d.state.global.resolveHostnames).to.equal(true);
  });

  it("sets loglevel (Redis 7.2) case-insensitively, flushes it and answers after the persist", () => {
    const d = fresh();
    const ready = admin(d, { op: "config-set", pairs: [["loglevel", "VERBOSE"]] });
    expect(result(ready)).to.deep.equal({ kind: "ok" });
    expect(ready.persist?.global.logLevel).to.equal("verbose");
    expect(d.state.global.logLevel).to.equal("verbose");
  });

  it("drops peer connections when sentinel-user or sentinel-pass change", () => {
    const d = fresh();
    d.tickAndConnect();
    const ready = admin(d, { op: "config-set", pairs: [["sentinel-pass", "pw"]] });
    expect(commandsOf(ready, "close")).to.deep.equal([
      { type: "close", link: `sentinel:${PEER_A}`, conn: "cmd" },
    ]);
    expect(d.state.global.sentinelPass).to.equal("pw");
  });

  for (const [param, value, message] of [
    ["loglevel", "nothing", "ERR Invalid value 'nothing' to SENTINEL CONFIG SET 'loglevel'"],
    ["log-format", "json", "ERR Invalid argument 'log-format' to SENTINEL CONFIG SET"],
    ["announce-port", "65536", "ERR Invalid value '65536' to SENTINEL CONFIG SET 'announce-port'"],
    [
      "announce-hostnames",
      "maybe",
      "ERR Invalid value 'maybe' to SENTINEL CONFIG SET 'announce-hostnames'",
    ],
  ] as const) {
    it(`answers "${message}" without a flush`, () => {
      const d = fresh();
      const ready = admin(d, { op: "config-set", pairs: [[param, value]] });
      expect(errorOf(ready)).to.equal(message);
      expect(ready.persist).to.equal(null);
    });
  }

  it("sets timing knobs case-insensitively, not persisted, and rejects bad values like Redis", () => {
    const d = fresh();
    const ok = admin(d, {
      op: "debug-set",
      pairs: [
        ["info-period", "500"],
        ["Ping-Period", "200"],
      ],
    });
    expect(result(ok)).to.deep.equal({ kind: "ok" });
    expect(ok.persist).to.equal(null);
    expect([d.state.timing.infoPeriod, d.state.timing.pingPeriod]).to.deep.equal([500, 200]);
    expect(errorOf(admin(d, { op: "debug-set", pairs: [["tilt-period", "0"]] }))).to.equal(
      "ERR Invalid argument '0' for SENTINEL DEBUG 'tilt-period'",
    );
    expect(errorOf(admin(d, { op: "debug-set", pairs: [["hz", "10"]] }))).to.equal(
      "ERR Unknown option or number of arguments for SENTINEL DEBUG 'hz'",
    );
  });
});

// Proves the mutating SENTINEL subcommands check their arguments with Redis's texts and order,
// then hand the core the right input: MONITOR, IS-MASTER-DOWN-BY-ADDR, SET (script checks, the
// valid prefix staying applied), CONFIG GET/SET, DEBUG, SIMULATE-FAILURE, FAILOVER, REMOVE,
// RESET, FLUSHCONFIG.
import { expect } from "chai";
import type { SentinelCommandOutcome } from "../../../src/commands/sentinel.js";
import { sentinelCommand } from "../../../src/commands/sentinel.js";
import type { AdminOp } from "../../../src/core/model/inputs.js";
import type { SentinelState } from "../../../src/core/model/state.js";
import type { Reply } from "../../../src/protocol/reply.js";
import { R } from "../../../src/protocol/reply.js";
import { addMaster, newState } from "../../support/state-builder.js";
import { envFor } from "./support/command-env.js";

const NOW = 1_000_000;

function sampleState(): SentinelState {
  const state = newState();
  addMaster(state, NOW, "mymaster", { ip: "10.0.0.1", port: 6379 });
  return state;
}

function run(
  args: string[],
  state = sampleState(),
  isExecutable: (p: string) => boolean = () => false,
) {
  return sentinelCommand(args, envFor(state, NOW, { isExecutable }));
}

function admin(op: AdminOp, overrideReply?: Reply): SentinelCommandOutcome {
  const input = { type: "admin", op } as const;
  return overrideReply === undefined
    ? { kind: "core", input }
    : { kind: "core", input, overrideReply };
}

function error(text: string): SentinelCommandOutcome {
  return { kind: "reply", reply: R.error(text) };
}

describe("SENTINEL MONITOR", () => {
  it("hands a valid request to the core", () => {
    expect(run(["MONITOR", "m2", "10.0.0.5", "6380", "2"])).to.deep.equal(
      admin({ op: "monitor", name: "m2", host: "10.0.0.5", port: 6380, quorum: 2 }),
    );
  });

  it("checks quorum syntax, port syntax, quorum value, address, port range, name in that order", () => {
    expect(run(["MONITOR", "m2", "bad host", "x", "x"])).to.deep.equal(error("ERR Invalid quorum"));
    // Beyond 2^53-1 a number would round it (Redis truncates it to 32 bits).
    expect(run(["MONITOR", "m2", "10.0.0.5", "6380", "9007199254740993"])).to.deep.equal(
      error("ERR Invalid quorum"),
    );
    expect(run(["MONITOR", "m2", "10.0.0.5", "6380", "9007199254740991"])).to.deep.equal(
      admin({ op: "monitor", name: "m2", host: "10.0.0.5", port: 6380, quorum: 9007199254740991 }),
    );
    expect(run(["MONITOR", "m2", "bad host", "x", "0"])).to.deep.equal(error("ERR Invalid port"));
    expect(run(["MONITOR", "m2", "bad host", "70000", "0"])).to.deep.equal(
      error("ERR Quorum must be 1 or greater."),
    );
    expect(run(["MONITOR", "m2", "bad host", "70000", "1"])).to.deep.equal(
      error("ERR Invalid IP address or hostname specified"),
    );
    expect(run(["MONITOR", "m2", "10.0.0.5", "70000", "1"])).to.deep.equal(
      error("ERR Invalid port number."),
    );
    expect(run(["MONITOR", "m2", "10.0.0.5", "-1", "1"])).to.deep.equal(
      error("ERR Invalid port number."),
    );
    expect(run(["MONITOR", "mymaster", "10.0.0.5", "6379", "1"])).to.deep.equal(
      error("ERR Duplicate master name."),
    );
  });

  it("takes integers the way Redis does: no sign, no leading zero, no spaces", () => {
    for (const port of ["+6379", "06379", " 6379", "6379 ", "6379.0", ""]) {
      expect(run(["MONITOR", "m2", "10.0.0.5", port, "1"]), port).to.deep.equal(
        error("ERR Invalid port"),
      );
    }
  });

  it("records the address as getaddrinfo prints it, and accepts hostnames only with resolve-hostnames", () => {
    expect(run(["MONITOR", "m2", "127.1", "6379", "1"])).to.deep.equal(
      admin({ op: "monitor", name: "m2", host: "127.0.0.1", port: 6379, quorum: 1 }),
    );
    expect(run(["MONITOR", "m2", "0:0::1", "6379", "1"])).to.deep.equal(
      admin({ op: "monitor", name: "m2", host: "::1", port: 6379, quorum: 1 }),
    );
    const state = sampleState();
    expect(run(["MONITOR", "m2", "redis-a.local", "6379", "1"], state)).to.deep.equal(
      error("ERR Invalid IP address or hostname specified"),
    );
    state.global = { ...state.global, resolveHostnames: true };
    expect(run(["MONITOR", "m2", "redis-a.local", "6379", "1"], state)).to.deep.equal(
      admin({ op: "monitor", name: "m2", host: "redis-a.local", port: 6379, quorum: 1 }),
    );
  });
});

describe("SENTINEL IS-MASTER-DOWN-BY-ADDR", () => {
  it("becomes a vote request for the core", () => {
    expect(run(["is-master-down-by-addr", "10.0.0.1", "6379", "12", "a".repeat(40)])).to.deep.equal(
      {
        kind: "core",
        input: {
          type: "is-master-down-request",
          ip: "10.0.0.1",
          port: 6379,
          epoch: 12n,
          runId: "a".repeat(40),
        },
      },
    );
  });

  it("rejects a non-integer port or epoch with Redis's generic integer error", () => {
    const text = "ERR value is not an integer or out of range";
    expect(run(["IS-MASTER-DOWN-BY-ADDR", "10.0.0.1", "p", "1", "*"])).to.deep.equal(error(text));
    expect(
      run(["IS-MASTER-DOWN-BY-ADDR", "10.0.0.1", "1", "99999999999999999999", "*"]),
    ).to.deep.equal(error(text));
  });
});

describe("SENTINEL SET", () => {
  it("passes every option/value pair in order, options as typed", () => {
    expect(
      run(["SET", "mymaster", "QUORUM", "3", "down-after-milliseconds", "5000", "auth-pass", ""]),
    ).to.deep.equal(
      admin({
        op: "set",
        name: "mymaster",
        pairs: [
          ["QUORUM", "3"],
          ["down-after-milliseconds", "5000"],
          ["auth-pass", ""],
        ],
      }),
    );
  });

  it("carries rename-command's two names as two values, spaces and all", () => {
    expect(
      run(["SET", "mymaster", "rename-command", "CONFIG", "MYCONFIG", "parallel-syncs", "2"]),
    ).to.deep.equal(
      admin({
        op: "set",
        name: "mymaster",
        pairs: [
          ["rename-command", "CONFIG", "MYCONFIG"],
          ["parallel-syncs", "2"],
        ],
      }),
    );
    expect(run(["SET", "mymaster", "rename-command", "a b", "c d"])).to.deep.equal(
      admin({ op: "set", name: "mymaster", pairs: [["rename-command", "a b", "c d"]] }),
    );
    expect(run(["SET", "mymaster", "rename-command", "", "x"])).to.deep.equal(
      error("ERR Invalid argument '' for SENTINEL SET 'rename-command'"),
    );
  });

  it("takes every number a setting keeps exactly, up to 2^53-1, and refuses larger ones as Redis refuses bad values", () => {
    const options = [
      "down-after-milliseconds",
      "failover-timeout",
      "parallel-syncs",
      "quorum",
      "master-reboot-down-after-period",
    ];
    for (const option of options) {
      expect(run(["SET", "mymaster", option, "9007199254740991"]), option).to.deep.equal(
        admin({ op: "set", name: "mymaster", pairs: [[option, "9007199254740991"]] }),
      );
      // 2^53+1 and 2^63-1: Redis takes them (and truncates quorum and parallel-syncs), a number
      // would round them; -2^63 and 2^63 Redis refuses too.
      for (const value of [
        "9007199254740993",
        "9223372036854775807",
        "-9223372036854775808",
        "9223372036854775808",
      ]) {
        expect(run(["SET", "mymaster", option, value]), `${option} ${value}`).to.deep.equal(
          error(`ERR Invalid argument '${value}' for SENTINEL SET '${option}'`),
        );
      }
    }
  });

  it("applies the options before a bad one and answers the bad one's error", () => {
    expect(run(["SET", "mymaster", "quorum", "3", "parallel-syncs", "x"])).to.deep.equal(
      admin(
        { op: "set", name: "mymaster", pairs: [["quorum", "3"]] },
        R.error("ERR Invalid argument 'x' for SENTINEL SET 'parallel-syncs'"),
      ),
    );
    expect(run(["SET", "mymaster", "quorum", "3", "failover-timeout"])).to.deep.equal(
      admin(
        { op: "set", name: "mymaster", pairs: [["quorum", "3"]] },
        R.error("ERR Unknown option or number of arguments for SENTINEL SET 'failover-timeout'"),
      ),
    );
  });

  it("checks value ranges: > 0 for periods and counts, ≥ 0 for master-reboot-down-after-period", () => {
    expect(run(["SET", "mymaster", "failover-timeout", "0"])).to.deep.equal(
      error("ERR Invalid argument '0' for SENTINEL SET 'failover-timeout'"),
    );
    expect(run(["SET", "mymaster", "master-reboot-down-after-period", "0"])).to.deep.equal(
      admin({ op: "set", name: "mymaster", pairs: [["master-reboot-down-after-period", "0"]] }),
    );
  });

  it("takes Valkey 8's primary-reboot-down-after-period, checked like the master- name", () => {
    expect(run(["SET", "mymaster", "Primary-Reboot-Down-After-Period", "2500"])).to.deep.equal(
      admin({
        op: "set",
        name: "mymaster",
        pairs: [["Primary-Reboot-Down-After-Period", "2500"]],
      }),
    );
    expect(run(["SET", "mymaster", "primary-reboot-down-after-period", "-1"])).to.deep.equal(
      error("ERR Invalid argument '-1' for SENTINEL SET 'primary-reboot-down-after-period'"),
    );
  });

  it("refuses script paths while deny-scripts-reconfig is on, even empty ones", () => {
    const denied =
      "ERR Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig " +
      "configuration directive in your Sentinel configuration";
    expect(
      run(["SET", "mymaster", "notification-script", ""], sampleState(), () => true),
    ).to.deep.equal(error(denied));
  });

  it("checks script paths for executability when scripts may be reconfigured", () => {
    const state = sampleState();
    state.global = { ...state.global, denyScriptsReconfig: false };
    const executable = (p: string) => p === "/ok.sh";
    expect(
      run(["SET", "mymaster", "notification-script", "/ok.sh"], state, executable),
    ).to.deep.equal(
      admin({ op: "set", name: "mymaster", pairs: [["notification-script", "/ok.sh"]] }),
    );
    expect(run(["SET", "mymaster", "client-reconfig-script", ""], state, executable)).to.deep.equal(
      admin({ op: "set", name: "mymaster", pairs: [["client-reconfig-script", ""]] }),
    );
    expect(
      run(["SET", "mymaster", "notification-script", "/no.sh"], state, executable),
    ).to.deep.equal(error("ERR Notification script seems non existing or non executable"));
    expect(
      run(
        ["SET", "mymaster", "quorum", "2", "client-reconfig-script", "/no.sh"],
        state,
        executable,
      ),
    ).to.deep.equal(
      admin(
        { op: "set", name: "mymaster", pairs: [["quorum", "2"]] },
        R.error("ERR Client reconfiguration script seems non existing or non executable"),
      ),
    );
  });
});

describe("SENTINEL CONFIG", () => {
  it("GET matches a case-insensitive glob against the seven parameters, in Redis's order", () => {
    const state = sampleState();
    state.global = {
      ...state.global,
      announceIp: "1.2.3.4",
      announcePort: 26380,
      sentinelUser: "u",
    };
    expect(run(["CONFIG", "get", "*"], state)).to.deep.equal({
      kind: "reply",
      reply: R.bulkMap([
        ["resolve-hostnames", "no"],
        ["announce-hostnames", "no"],
        ["announce-ip", "1.2.3.4"],
        ["announce-port", "26380"],
        ["sentinel-user", "u"],
        ["sentinel-pass", ""],
        ["loglevel", "notice"],
      ]),
    });
    expect(run(["CONFIG", "GET", "SENTINEL-?SER"], state)).to.deep.equal({
      kind: "reply",
      reply: R.bulkMap([["sentinel-user", "u"]]),
    });
  });

  it("SET validates and normalizes, then hands the change to the core", () => {
    expect(run(["CONFIG", "SET", "Resolve-Hostnames", "YES"])).to.deep.equal(
      admin({ op: "config-set", pairs: [["resolve-hostnames", "yes"]] }),
    );
    expect(run(["CONFIG", "SET", "announce-ip", ""])).to.deep.equal(
      admin({ op: "config-set", pairs: [["announce-ip", ""]] }),
    );
    expect(run(["CONFIG", "SET", "announce-port", "-1"])).to.deep.equal(
      error("ERR Invalid value '-1' to SENTINEL CONFIG SET 'announce-port'"),
    );
    // Redis 7.2 added loglevel; the core checks the value.
    expect(run(["CONFIG", "SET", "loglevel", "debug"])).to.deep.equal(
      admin({ op: "config-set", pairs: [["loglevel", "debug"]] }),
    );
  });

  it("answers shapes neither 7.0 nor 7.2 accepts with 7.0.15's text", () => {
    const text = "ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.";
    expect(run(["CONFIG", "GET"])).to.deep.equal(error(text));
    expect(run(["CONFIG", "SET"])).to.deep.equal(error(text));
    expect(run(["CONFIG", "SET", "announce-ip"])).to.deep.equal(error(text));
    expect(run(["CONFIG", "RESETSTAT", "a"])).to.deep.equal(error(text));
  });

  it("GET takes several patterns (7.2): one map, each param once, first pattern's first", () => {
    const state = sampleState();
    state.global = { ...state.global, announceIp: "1.2.3.4", announcePort: 26380 };
    expect(
      run(["CONFIG", "GET", "announce-port", "*-hostnames", "ANNOUNCE-*"], state),
    ).to.deep.equal({
      kind: "reply",
      reply: R.bulkMap([
        ["announce-port", "26380"],
        ["resolve-hostnames", "no"],
        ["announce-hostnames", "no"],
        ["announce-ip", "1.2.3.4"],
      ]),
    });
    expect(run(["CONFIG", "GET", "nothing", "none*"], state)).to.deep.equal({
      kind: "reply",
      reply: R.bulkMap([]),
    });
  });

  it("SET takes several pairs (7.2) and hands them all to the core, normalized", () => {
    expect(
      run([
        "CONFIG",
        "SET",
        "announce-ip",
        "10.1.2.3",
        "ANNOUNCE-PORT",
        "4321",
        "resolve-hostnames",
        "Yes",
      ]),
    ).to.deep.equal(
      admin({
        op: "config-set",
        pairs: [
          ["announce-ip", "10.1.2.3"],
          ["announce-port", "4321"],
          ["resolve-hostnames", "yes"],
        ],
      }),
    );
  });

  it("SET checks every pair before any applies, with Redis 7.2's texts and order", () => {
    const cases: [string[], string][] = [
      [["announce-ip", "a", "bogus", "1"], "ERR Invalid argument 'bogus' to SENTINEL CONFIG SET"],
      [
        ["announce-ip", "a", "Announce-IP", "b"],
        "ERR Duplicate argument 'Announce-IP' to SENTINEL CONFIG SET",
      ],
      [["announce-ip", "a", "announce-port"], "ERR Missing argument 'announce-port' value"],
      // The param is checked before the missing value, and a duplicate before both.
      [["announce-ip", "a", "bogus"], "ERR Invalid argument 'bogus' to SENTINEL CONFIG SET"],
      [
        ["announce-ip", "a", "announce-ip"],
        "ERR Duplicate argument 'announce-ip' to SENTINEL CONFIG SET",
      ],
      [
        ["announce-port", "1", "announce-hostnames", "maybe", "bogus", "x"],
        "ERR Invalid value 'maybe' to SENTINEL CONFIG SET 'announce-hostnames'",
      ],
    ];
    for (const [pairs, text] of cases) {
      expect(run(["CONFIG", "SET", ...pairs]), pairs.join(" ")).to.deep.equal(error(text));
    }
  });
});

describe("SENTINEL DEBUG", () => {
  it("shows the 13 timing parameters from the state", () => {
    const state = sampleState();
    state.timing.infoPeriod = 500;
    const outcome = run(["DEBUG"], state);
    if (outcome.kind !== "reply" || outcome.reply.type !== "bulk-map")
      throw new Error("expected a map of bulk strings");
    expect(outcome.reply.pairs).to.have.length(13);
    expect(outcome.reply.pairs[0]).to.deep.equal(["INFO-PERIOD", "500"]);
  });

  it("hands lower-case parameter names and values to the core, keeping a valid prefix on error", () => {
    expect(run(["DEBUG", "INFO-PERIOD", "100", "ping-period", "50"])).to.deep.equal(
      admin({
        op: "debug-set",
        pairs: [
          ["info-period", "100"],
          ["ping-period", "50"],
        ],
      }),
    );
    expect(run(["DEBUG", "info-period", "100", "ping-period"])).to.deep.equal(
      admin(
        { op: "debug-set", pairs: [["info-period", "100"]] },
        R.error("ERR Unknown option or number of arguments for SENTINEL DEBUG 'ping-period'"),
      ),
    );
    expect(run(["DEBUG", "tilt-period", "-5"])).to.deep.equal(
      error("ERR Invalid argument '-5' for SENTINEL DEBUG 'tilt-period'"),
    );
  });
});

describe("SENTINEL SIMULATE-FAILURE", () => {
  it("replaces the flag set with the named flags", () => {
    expect(
      run(["SIMULATE-FAILURE", "crash-after-promotion", "CRASH-AFTER-ELECTION"]),
    ).to.deep.equal(admin({ op: "simulate-failure", flags: 3 }));
  });

  it("resets the flags before HELP or an unknown word, as Redis does, and answers those", () => {
    expect(run(["SIMULATE-FAILURE", "help"])).to.deep.equal(
      admin(
        { op: "simulate-failure", flags: 0 },
        R.array([R.bulk("crash-after-election"), R.bulk("crash-after-promotion")]),
      ),
    );
    expect(run(["SIMULATE-FAILURE", "crash-after-election", "boom"])).to.deep.equal(
      admin(
        { op: "simulate-failure", flags: 1 },
        R.error("ERR Unknown failure simulation specified"),
      ),
    );
  });
});

describe("SENTINEL FAILOVER, REMOVE, RESET, FLUSHCONFIG", () => {
  it("hands known masters and patterns to the core", () => {
    expect(run(["FAILOVER", "mymaster"])).to.deep.equal(
      admin({ op: "failover", name: "mymaster" }),
    );
    expect(run(["REMOVE", "mymaster"])).to.deep.equal(admin({ op: "remove", name: "mymaster" }));
    expect(run(["RESET", "my*"])).to.deep.equal(admin({ op: "reset", pattern: "my*" }));
    expect(run(["FLUSHCONFIG"])).to.deep.equal(admin({ op: "flushconfig" }));
  });

  it("answers RESET with the core's count even for an unknown pattern (no name lookup)", () => {
    expect(run(["RESET", "nothing"])).to.deep.equal(admin({ op: "reset", pattern: "nothing" }));
  });
});

// Proves the mutating SENTINEL subcommands check their arguments with Redis's texts and order,
// then hand the core the right input: MONITOR, IS-MASTER-DOWN-BY-ADDR, SET (script checks, the
// valid prefix staying applied), SIMULATE-FAILURE, FAILOVER, REMOVE, RESET, FLUSHCONFIG
// (CONFIG and DEBUG: sentinel-config.test.ts).
import { expect } from "chai";
import { R } from "../../../src/protocol/reply.js";
import { admin, error, run, sampleState } from "./support/admin-run.js";

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

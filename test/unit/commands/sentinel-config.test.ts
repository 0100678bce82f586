// Proves SENTINEL CONFIG GET/SET and SENTINEL DEBUG check their arguments with Redis's texts
// and order, then hand the core the right input.
import { expect } from "chai";
import { R } from "../../../src/protocol/reply.js";
import { admin, error, run, sampleState } from "./support/admin-run.js";

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

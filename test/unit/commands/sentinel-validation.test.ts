// Proves the commands refuse what the config file could not load again (issue 13): master
// names redis-sentinel takes and cannot reload, control characters as Valkey refuses them (its
// text and argument index), resolve-hostnames no while a hostname is held; and take port 0 as
// redis-sentinel does.
import { expect } from "chai";
import type { SentinelCommandOutcome } from "../../../src/commands/sentinel.js";
import { sentinelCommand } from "../../../src/commands/sentinel.js";
import type { AdminOp } from "../../../src/core/model/inputs.js";
import type { SentinelState } from "../../../src/core/model/state.js";
import { R } from "../../../src/protocol/reply.js";
import { addMaster, newState } from "../../support/state-builder.js";
import { envFor } from "./support/command-env.js";

const NOW = 1_000_000;

function sampleState(): SentinelState {
  const state = newState();
  addMaster(state, NOW, "mymaster", { ip: "10.0.0.1", port: 6379 });
  return state;
}

function run(args: string[], state = sampleState()): SentinelCommandOutcome {
  return sentinelCommand(args, envFor(state, NOW));
}

function admin(op: AdminOp): SentinelCommandOutcome {
  return { kind: "core", input: { type: "admin", op } };
}

function error(text: string): SentinelCommandOutcome {
  return { kind: "reply", reply: R.error(text) };
}

describe("values the config file could not load again (issue 13)", () => {
  it("MONITOR refuses empty names and names with a space or a comma, which Redis takes", () => {
    for (const name of ["", "a b", "a,b"]) {
      expect(run(["MONITOR", name, "10.0.0.5", "6380", "2"])).to.deep.equal(
        error("ERR Invalid master name."),
      );
    }
    expect(run(["MONITOR", "a\u00a0b#'\"", "10.0.0.5", "6380", "2"])).to.deep.equal(
      admin({ op: "monitor", name: "a\u00a0b#'\"", host: "10.0.0.5", port: 6380, quorum: 2 }),
    );
  });

  it("MONITOR takes port 0 as redis-sentinel does (an address never connected to)", () => {
    expect(run(["MONITOR", "m2", "10.0.0.5", "0", "2"])).to.deep.equal(
      admin({ op: "monitor", name: "m2", host: "10.0.0.5", port: 0, quorum: 2 }),
    );
  });

  it("MONITOR, SET and CONFIG SET refuse control characters first, with Valkey's text and index", () => {
    const text = (i: number, cmd: string): SentinelCommandOutcome =>
      error(`ERR Invalid argument at index ${i} for ${cmd}: control characters are not allowed`);
    expect(run(["MONITOR", "m\n2", "x", "x", "x"])).to.deep.equal(text(2, "SENTINEL MONITOR"));
    expect(run(["MONITOR", "m2", "10.0.0.5", "6380", "2\x7f"])).to.deep.equal(
      text(5, "SENTINEL MONITOR"),
    );
    expect(run(["SET", "mymaster", "quorum", "2", "auth-pass", "a\r\nb"])).to.deep.equal(
      text(6, "SENTINEL SET"),
    );
    expect(run(["SET", "mymaster", "auth-\tpass", "x"])).to.deep.equal(text(3, "SENTINEL SET"));
    // The master lookup comes first, as in Valkey.
    expect(run(["SET", "no\x01such", "auth-pass", "x"])).to.deep.equal(
      error("ERR No such master with that name"),
    );
    expect(run(["CONFIG", "SET", "announce-ip", "1.2.3.4\x00"])).to.deep.equal(
      text(4, "SENTINEL CONFIG SET"),
    );
    expect(run(["CONFIG", "SET", "bogus\x1f", "x"])).to.deep.equal(text(3, "SENTINEL CONFIG SET"));
  });
});

describe("CONFIG SET resolve-hostnames no while a hostname is held", () => {
  it("is refused: the rewritten file would not load (Vigil does not resolve names)", () => {
    const state = sampleState();
    state.global = { ...state.global, resolveHostnames: true };
    addMaster(state, NOW, "byname", { ip: "localhost", port: 6379 });
    expect(run(["CONFIG", "SET", "resolve-hostnames", "no"], state)).to.deep.equal(
      error("ERR Invalid value 'no' to SENTINEL CONFIG SET 'resolve-hostnames'"),
    );
    state.masters.delete("byname");
    expect(run(["CONFIG", "SET", "resolve-hostnames", "no"], state)).to.deep.equal(
      admin({ op: "config-set", pairs: [["resolve-hostnames", "no"]] }),
    );
  });
});

// Proves the SENTINEL dispatch (case-insensitive table, Redis's unknown-subcommand and arity
// errors) and the read-only subcommands answered from the state: instance lists, the current
// master address during a failover, MYID, CKQUORUM, INFO-CACHE, PENDING-SCRIPTS, and the
// mapping of the core's answers back to replies.
import { expect } from "chai";
import type { SentinelCommandOutcome } from "../../../src/commands/sentinel.js";
import {
  SENTINEL_SUBCOMMANDS,
  coreReplyToReply,
  sentinelCommand,
} from "../../../src/commands/sentinel.js";
import type { Reply } from "../../../src/protocol/reply.js";
import { R } from "../../../src/protocol/reply.js";
import { keepInfoText } from "../../../src/core/records/info-copy.js";
import { MY_ID } from "../../support/ids.js";
import { addMaster, addPeer, addReplica, newState } from "../../support/state-builder.js";
import { envFor } from "./support/command-env.js";

const NOW = 1_000_000;

function replyOf(outcome: SentinelCommandOutcome): Reply {
  if (outcome.kind !== "reply")
    throw new Error(`expected a direct reply, got ${JSON.stringify(outcome)}`);
  return outcome.reply;
}

function run(args: string[], state = newState()): Reply {
  return replyOf(sentinelCommand(args, envFor(state, NOW)));
}

function mapKeys(reply: Reply): string[] {
  if (reply.type !== "bulk-map") throw new Error("not a map of bulk strings");
  return reply.pairs.map(([k]) => k);
}

function mapValue(reply: Reply, key: string): string | undefined {
  if (reply.type !== "bulk-map") throw new Error("not a map of bulk strings");
  return reply.pairs.find(([k]) => k === key)?.[1];
}

function items(reply: Reply): readonly Reply[] {
  if (reply.type !== "array") throw new Error(`not an array: ${JSON.stringify(reply)}`);
  return reply.items;
}

function sampleState() {
  const state = newState();
  const master = addMaster(state, NOW, "mymaster", { ip: "10.0.0.1", port: 6379 });
  const replica = addReplica(state, NOW, master, { ip: "10.0.0.2", port: 6380 });
  const peer = addPeer(state, NOW, master, { ip: "10.0.1.1", port: 26379 }, "b".repeat(40));
  return { state, master, replica, peer };
}

describe("SENTINEL dispatch", () => {
  it("has the 21 subcommands of redis-sentinel 7.0.15 with their arities, and Vigil's WHY and FORGET-SENTINEL", () => {
    expect(SENTINEL_SUBCOMMANDS.size).to.equal(23);
    expect(SENTINEL_SUBCOMMANDS.get("why")?.arity).to.equal(3);
    expect(SENTINEL_SUBCOMMANDS.get("forget-sentinel")?.arity).to.equal(4);
    // COORDINATED and TO <ip> <port> take more words than 7.0.15's 3.
    expect(SENTINEL_SUBCOMMANDS.get("failover")?.arity).to.equal(-3);
    expect(SENTINEL_SUBCOMMANDS.get("set")?.arity).to.equal(-5);
    expect(SENTINEL_SUBCOMMANDS.get("is-master-down-by-addr")?.arity).to.equal(6);
  });

  it("matches subcommand names case-insensitively", () => {
    expect(run(["MyId"])).to.deep.equal(R.bulk(MY_ID));
  });

  it("answers an unknown subcommand with Redis's text, the name as typed and cut at 128 bytes", () => {
    expect(run(["Bogus"])).to.deep.equal(
      R.error("ERR unknown subcommand 'Bogus'. Try SENTINEL HELP."),
    );
    const long = "x".repeat(200);
    expect(run([long])).to.deep.equal(
      R.error(`ERR unknown subcommand '${"x".repeat(128)}'. Try SENTINEL HELP.`),
    );
  });

  it("answers wrong arity with the lower-case container|subcommand name", () => {
    expect(run(["MASTER"])).to.deep.equal(
      R.error("ERR wrong number of arguments for 'sentinel|master' command"),
    );
    expect(run(["CONFIG"])).to.deep.equal(
      R.error("ERR wrong number of arguments for 'sentinel|config' command"),
    );
    expect(run([])).to.deep.equal(R.error("ERR wrong number of arguments for 'sentinel' command"));
  });

  it("answers every master lookup of an unknown name with the same error", () => {
    for (const sub of [
      "MASTER",
      "REPLICAS",
      "SLAVES",
      "SENTINELS",
      "CKQUORUM",
      "FAILOVER",
      "REMOVE",
    ]) {
      expect(run([sub, "nope"]), sub).to.deep.equal(R.error("ERR No such master with that name"));
    }
  });

  it("answers Valkey 8's PRIMARIES, PRIMARY and GET-PRIMARY-ADDR-BY-NAME as the master names", () => {
    const { state } = sampleState();
    expect(run(["PRIMARIES"], state)).to.deep.equal(run(["MASTERS"], state));
    expect(run(["Primary", "mymaster"], state)).to.deep.equal(run(["MASTER", "mymaster"], state));
    expect(run(["primary", "nope"], state)).to.deep.equal(
      R.error("ERR No such master with that name"),
    );
    expect(run(["GET-PRIMARY-ADDR-BY-NAME", "mymaster"], state)).to.deep.equal(
      R.array([R.bulk("10.0.0.1"), R.bulk("6379")]),
    );
    expect(run(["get-primary-addr-by-name", "nope"], state)).to.deep.equal(R.nullArray());
    expect(run(["PRIMARY"])).to.deep.equal(
      R.error("ERR wrong number of arguments for 'sentinel|primary' command"),
    );
  });

  it("takes Valkey 8's IS-PRIMARY-DOWN-BY-ADDR as the same vote request", () => {
    const { state } = sampleState();
    const env = envFor(state, NOW);
    const args = ["10.0.0.1", "6379", "7", "b".repeat(40)];
    const outcome = sentinelCommand(["IS-PRIMARY-DOWN-BY-ADDR", ...args], env);
    expect(outcome.kind).to.equal("core");
    expect(outcome).to.deep.equal(sentinelCommand(["is-master-down-by-addr", ...args], env));
    expect(
      replyOf(sentinelCommand(["is-primary-down-by-addr", "10.0.0.1", "x", "7", "*"], env)),
    ).to.deep.equal(R.error("ERR value is not an integer or out of range"));
  });

  it("answers HELP with 49 status lines framed like addReplyHelp, and 8 for Vigil's FAILOVER options, FORGET-SENTINEL and WHY", () => {
    const lines = items(run(["help"]));
    expect(lines).to.have.length(57);
    expect(lines[47]).to.deep.equal(
      R.simple("FAILOVER <master-name> [COORDINATED] [TO <ip> <port>]"),
    );
    expect(lines[51]).to.deep.equal(R.simple("FORGET-SENTINEL <master-name> <runid>"));
    expect(lines[53]).to.deep.equal(R.simple("WHY <master-name>"));
    expect(lines[0]).to.deep.equal(
      R.simple("SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
    );
    expect(lines[56]).to.deep.equal(R.simple("    Prints this help."));
  });
});

describe("SENTINEL MASTERS / MASTER / REPLICAS / SENTINELS", () => {
  it("lists masters as maps of bulk strings", () => {
    const { state } = sampleState();
    const masters = items(run(["MASTERS"], state));
    expect(masters).to.have.length(1);
    expect(mapValue(masters[0] ?? R.null(), "name")).to.equal("mymaster");
    expect(run(["MASTER", "mymaster"], state)).to.deep.equal(masters[0]);
  });

  it("lists replicas under both names and omits replicas with replica-announced 0", () => {
    const { state, master } = sampleState();
    const hidden = addReplica(state, NOW, master, { ip: "10.0.0.3", port: 6381 });
    hidden.replicaAnnounced = false;
    for (const sub of ["REPLICAS", "slaves"]) {
      const list = items(run([sub, "mymaster"], state));
      expect(
        list.map((r) => mapValue(r, "name")),
        sub,
      ).to.deep.equal(["10.0.0.2:6380"]);
    }
    expect(mapValue(run(["MASTER", "mymaster"], state), "num-slaves")).to.equal("2");
  });

  it("lists peer sentinels, never ourselves", () => {
    const { state } = sampleState();
    const peers = items(run(["SENTINELS", "mymaster"], state));
    expect(peers.map((p) => mapValue(p, "runid"))).to.deep.equal(["b".repeat(40)]);
    expect(mapKeys(peers[0] ?? R.null())).to.have.length(14);
  });
});

describe("SENTINEL GET-MASTER-ADDR-BY-NAME", () => {
  it("answers [ip, port] as bulk strings, and a null array for an unknown name", () => {
    const { state } = sampleState();
    expect(run(["GET-MASTER-ADDR-BY-NAME", "mymaster"], state)).to.deep.equal(
      R.array([R.bulk("10.0.0.1"), R.bulk("6379")]),
    );
    expect(run(["get-master-addr-by-name", "other"], state)).to.deep.equal(R.nullArray());
  });

  it("switches to the promoted replica from reconf_slaves on, not before", () => {
    const { state, master, replica } = sampleState();
    master.flags.add("failover_in_progress");
    master.promotedReplica = replica.name;
    master.failoverState = "wait_promotion";
    expect(run(["GET-MASTER-ADDR-BY-NAME", "mymaster"], state)).to.deep.equal(
      R.array([R.bulk("10.0.0.1"), R.bulk("6379")]),
    );
    master.failoverState = "reconf_slaves";
    expect(run(["GET-MASTER-ADDR-BY-NAME", "mymaster"], state)).to.deep.equal(
      R.array([R.bulk("10.0.0.2"), R.bulk("6380")]),
    );
    master.failoverState = "update_config";
    expect(run(["GET-MASTER-ADDR-BY-NAME", "mymaster"], state)).to.deep.equal(
      R.array([R.bulk("10.0.0.2"), R.bulk("6380")]),
    );
    expect(mapValue(run(["MASTER", "mymaster"], state), "ip")).to.equal("10.0.0.1");
  });
});

describe("SENTINEL CKQUORUM", () => {
  it("reports usable sentinels and success as a status reply", () => {
    const { state } = sampleState();
    expect(run(["CKQUORUM", "mymaster"], state)).to.deep.equal(
      R.simple("OK 2 usable Sentinels. Quorum and failover authorization can be reached"),
    );
  });

  it("explains a missing quorum and a missing majority, joined by '. '", () => {
    const { state, master, peer } = sampleState();
    peer.flags.add("s_down");
    expect(run(["CKQUORUM", "mymaster"], state)).to.deep.equal(
      R.error(
        "NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master. " +
          "Not enough available Sentinels to reach the majority and authorize a failover",
      ),
    );
    master.settings = { ...master.settings, quorum: 1 };
    expect(run(["CKQUORUM", "mymaster"], state)).to.deep.equal(
      R.error(
        "NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the majority and authorize a failover",
      ),
    );
  });

  it("reports only the quorum when the majority is there", () => {
    const { state, master } = sampleState();
    master.settings = { ...master.settings, quorum: 3 };
    expect(run(["CKQUORUM", "mymaster"], state)).to.deep.equal(
      R.error(
        "NOQUORUM 2 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master",
      ),
    );
  });
});

describe("SENTINEL INFO-CACHE and PENDING-SCRIPTS", () => {
  it("answers cached INFO per master, master first, skipping unknown and repeated names", () => {
    const { state, master, replica } = sampleState();
    master.infoRefresh = NOW - 300;
    keepInfoText(master, "# Replication\r\nrole:master\r\n");
    replica.infoRefresh = NOW - 700;
    expect(run(["INFO-CACHE", "nope", "mymaster", "mymaster"], state)).to.deep.equal(
      R.array([
        R.bulk("mymaster"),
        R.array([
          R.array([R.integer(300), R.bulk(Buffer.from("# Replication\r\nrole:master\r\n"))]),
          R.array([R.integer(700), R.null()]),
        ]),
      ]),
    );
  });

  it("keeps sentinel.c's quirk: replica ages are 0 while the master never answered INFO", () => {
    const { state, master, replica } = sampleState();
    master.infoRefresh = 0;
    replica.infoRefresh = NOW - 700;
    const reply = run(["INFO-CACHE", "mymaster"], state);
    const entries = items(items(reply)[1] ?? R.null());
    expect(entries.map((e) => items(e)[0])).to.deep.equal([R.integer(0), R.integer(0)]);
  });

  it("lists script jobs as 5-field maps with run-time or run-delay", () => {
    const env = envFor(newState(), NOW, {
      pendingScripts: [
        {
          argv: ["/n.sh", "+sdown", "master m 1.2.3.4 6379"],
          running: true,
          pid: 4242,
          runTimeMs: 15,
          retryNum: 1,
        },
        { argv: ["/n.sh", "+odown"], running: false, pid: 0, runDelayMs: 30000, retryNum: 2 },
      ],
    });
    expect(replyOf(sentinelCommand(["PENDING-SCRIPTS"], env))).to.deep.equal(
      R.array([
        R.map([
          [
            R.bulk("argv"),
            R.array([R.bulk("/n.sh"), R.bulk("+sdown"), R.bulk("master m 1.2.3.4 6379")]),
          ],
          [R.bulk("flags"), R.bulk("running")],
          [R.bulk("pid"), R.bulk("4242")],
          [R.bulk("run-time"), R.bulk("15")],
          [R.bulk("retry-num"), R.bulk("1")],
        ]),
        R.map([
          [R.bulk("argv"), R.array([R.bulk("/n.sh"), R.bulk("+odown")])],
          [R.bulk("flags"), R.bulk("scheduled")],
          [R.bulk("pid"), R.bulk("0")],
          [R.bulk("run-delay"), R.bulk("30000")],
          [R.bulk("retry-num"), R.bulk("2")],
        ]),
      ]),
    );
  });
});

describe("coreReplyToReply", () => {
  it("renders a vote as [integer, bulk, integer] with * for no leader", () => {
    const base = { kind: "is-master-down", requestId: 1, afterPersist: true } as const;
    expect(coreReplyToReply({ ...base, down: true, leader: "", leaderEpoch: 0n })).to.deep.equal(
      R.array([R.integer(1), R.bulk("*"), R.integer(0n)]),
    );
    expect(
      coreReplyToReply({ ...base, down: false, leader: "a".repeat(40), leaderEpoch: 10n }),
    ).to.deep.equal(R.array([R.integer(0), R.bulk("a".repeat(40)), R.integer(10n)]));
  });

  it("renders admin results as +OK, an integer, or the error text", () => {
    const base = { kind: "admin", requestId: 2, afterPersist: false } as const;
    expect(coreReplyToReply({ ...base, result: { kind: "ok" } })).to.deep.equal(R.ok());
    expect(coreReplyToReply({ ...base, result: { kind: "integer", value: 3 } })).to.deep.equal(
      R.integer(3),
    );
    expect(
      coreReplyToReply({
        ...base,
        result: { kind: "error", message: "INPROG Failover already in progress" },
      }),
    ).to.deep.equal(R.error("INPROG Failover already in progress"));
  });
});

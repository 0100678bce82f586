// Test support shared by the live comparison (test/e2e/sentinel-shape.e2e.test.ts) and the
// fixture comparison (test/unit/commands/sentinel-fixtures.test.ts): the SENTINEL commands we
// compare with redis-sentinel 7.0.15, the state equivalent to the topology they ran against
// (one master, one replica, this sentinel plus one peer), and how two replies are compared.
import type { CoreReply } from "../../../../src/core/model/ready.js";
import { coreReplyToReply, sentinelCommand } from "../../../../src/commands/sentinel.js";
import { VIGIL_HELP_LINES } from "../../../../src/commands/sentinel-help.js";
import type { SentinelState } from "../../../../src/core/model/state.js";
import { encodeReply } from "../../../../src/protocol/resp-encoder.js";
import type { Reply } from "../../../../src/protocol/reply.js";
import { maskVolatile, respTokens, type Tokens } from "./resp-shape.js";
import { addMaster, addPeer, addReplica, envFor, newState } from "./sentinel-state.js";

/** What differs from one run of the topology to the next. */
export interface TopologyFacts {
  readonly masterPort: number;
  readonly replicaPort: number;
  readonly peerPort: number;
  readonly peerRunId: string;
}

export interface ShapeCase {
  readonly args: readonly string[];
  /** For commands answered by the core: the answer redis-sentinel gave, as a CoreReply. */
  readonly coreReply?: CoreReply;
  /** "exact": byte-identical; "masked": volatile field values masked; "lengths": only bulk lengths compared. */
  readonly compare: "exact" | "masked" | "lengths";
  /**
   * CONFIG GET fields Vigil lists after 7.0.15's (Redis 7.2 added `loglevel` to SENTINEL
   * CONFIG): dropped from our reply before the comparison with the 7.0.15 capture.
   */
  readonly addedSince70?: readonly string[];
  /** SENTINEL HELP: Vigil's own lines (VIGIL_HELP_LINES) are dropped before the comparison. */
  readonly vigilLines?: true;
}

/** Topology defaults of test/e2e/harness: down-after 1000, failover-timeout 10000, quorum 2. */
export function equivalentState(facts: TopologyFacts, now: number): SentinelState {
  const state = newState();
  const master = addMaster(
    state,
    now,
    "mymaster",
    { ip: "127.0.0.1", port: facts.masterPort },
    {
      quorum: 2,
      downAfterPeriod: 1000,
      failoverTimeout: 10_000,
    },
  );
  addReplica(state, now, master, { ip: "127.0.0.1", port: facts.replicaPort });
  addPeer(state, now, master, { ip: "127.0.0.1", port: facts.peerPort }, facts.peerRunId);
  return state;
}

const admin = (result: { kind: "ok" } | { kind: "integer"; value: number }): CoreReply => ({
  kind: "admin",
  requestId: 1,
  result,
  afterPersist: false,
});

export function shapeCases(facts: TopologyFacts): ShapeCase[] {
  const m = "mymaster";
  const port = String(facts.masterPort);
  const exact = (...args: string[]): ShapeCase => ({ args, compare: "exact" });
  return [
    { args: ["MASTERS"], compare: "masked" },
    { args: ["MASTER", m], compare: "masked" },
    { args: ["SLAVES", m], compare: "masked" },
    { args: ["REPLICAS", m], compare: "masked" },
    { args: ["SENTINELS", m], compare: "masked" },
    exact("GET-MASTER-ADDR-BY-NAME", m),
    exact("GET-MASTER-ADDR-BY-NAME", "nosuch"),
    { args: ["MYID"], compare: "lengths" },
    exact("CKQUORUM", m),
    exact("CKQUORUM", "nosuch"),
    {
      args: ["IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", port, "0", "*"],
      coreReply: {
        kind: "is-master-down",
        requestId: 1,
        down: false,
        leader: "",
        leaderEpoch: 0n,
        afterPersist: false,
      },
      compare: "exact",
    },
    exact("IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "x", "0", "*"),
    exact("IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", port, "1.5", "*"),
    exact("IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", port, "0"),
    exact("SET", "nosuch", "quorum", "1"),
    exact("SET", m, "quorum", "0"),
    exact("SET", m, "down-after-milliseconds", "abc"),
    exact("SET", m, "foo", "1"),
    exact("SET", m, "notification-script", "/bin/true"),
    exact("SET", m, "client-reconfig-script", ""),
    exact("SET", m, "rename-command", "a"),
    exact("SET", m, "quorum"),
    { args: ["CONFIG", "GET", "*"], compare: "exact", addedSince70: ["loglevel"] },
    exact("CONFIG", "GET", "ANNOUNCE-*"),
    exact("CONFIG", "GET", "nothing"),
    exact("CONFIG", "foo"),
    exact("CONFIG", "SET", "foo", "1"),
    exact("CONFIG", "SET", "announce-port", "70000"),
    exact("CONFIG", "SET", "resolve-hostnames", "maybe"),
    exact("DEBUG"),
    exact("DEBUG", "foo", "1"),
    exact("DEBUG", "info-period", "0"),
    exact("DEBUG", "info-period"),
    exact("SIMULATE-FAILURE", "HELP"),
    exact("SIMULATE-FAILURE", "foo"),
    exact("SIMULATE-FAILURE"),
    exact("MONITOR", "m2", "127.0.0.1", "x", "2"),
    exact("MONITOR", "m2", "127.0.0.1", "6379", "x"),
    exact("MONITOR", "m2", "127.0.0.1", "6379", "0"),
    exact("MONITOR", "m2", "localhost", "6379", "2"),
    exact("MONITOR", "m2", "127.0.0.1", "70000", "2"),
    exact("MONITOR", m, "127.0.0.1", "6379", "2"),
    exact("FAILOVER", "nosuch"),
    exact("REMOVE", "nosuch"),
    {
      args: ["RESET", "nomatch*"],
      coreReply: admin({ kind: "integer", value: 0 }),
      compare: "exact",
    },
    exact("PENDING-SCRIPTS"),
    exact("INFO-CACHE", "nosuch"),
    { args: ["HELP"], compare: "exact", vigilLines: true },
    exact("help", "extra"),
    exact("NOSUCH"),
    exact("masters", "extra"),
    exact("MYID", "extra"),
    exact(),
  ];
}

function without70(reply: Reply, c: ShapeCase): Reply {
  if (c.vigilLines === true && reply.type === "array") {
    const ours = (r: Reply): boolean => r.type === "simple" && VIGIL_HELP_LINES.includes(r.value);
    return { ...reply, items: reply.items.filter((r) => !ours(r)) };
  }
  const added = c.addedSince70;
  if (added === undefined || reply.type !== "bulk-map") return reply;
  return { ...reply, pairs: reply.pairs.filter(([name]) => !added.includes(name)) };
}

/** Our reply to `c`, encoded for `protocol`. */
export function ourRaw(c: ShapeCase, state: SentinelState, now: number, protocol: 2 | 3): Buffer {
  const outcome = sentinelCommand(c.args, envFor(state, now, { protocol }));
  if (outcome.kind === "reply") return encodeReply(without70(outcome.reply, c), protocol);
  if (outcome.overrideReply !== undefined) return encodeReply(outcome.overrideReply, protocol);
  if (c.coreReply === undefined)
    throw new Error(`SENTINEL ${c.args.join(" ")} went to the core unexpectedly`);
  return encodeReply(coreReplyToReply(c.coreReply), protocol);
}

export function comparable(c: ShapeCase, raw: Buffer | string): Tokens {
  const tokens = respTokens(raw);
  switch (c.compare) {
    case "exact":
      return tokens;
    case "masked":
      return maskVolatile(tokens);
    case "lengths":
      return tokens.map((t) => (t.startsWith("$") ? `$<${t.length - 1} bytes>` : t));
  }
}

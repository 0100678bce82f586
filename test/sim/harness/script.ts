/**
 * YAML scenario scripts for golden tests: a seed, a topology and a list of steps, each step one
 * fault or a run of virtual time. Parsed from `unknown` with explicit checks so a typo in a script
 * fails loudly with the step number.
 *
 *   seed: 1
 *   topology: { sentinels: 3, masters: 1, replicas: 2 }
 *   steps:
 *     - run: 10000            # advance virtual time (ms)
 *     - kill: r1.0            # also restart, pause, resume, isolate (node names)
 *     - partition: [s1, r1.0] # that side against everything else
 *     - heal: all
 *     - clock-jump: { sentinel: s1, ms: 10000 }
 *     - failover: { sentinel: s2, master: mymaster }   # SENTINEL FAILOVER
 *   expect: { converged: true }
 */
import type { Topology } from "./sim-cluster.js";
import type { SimCluster } from "./sim-cluster.js";

export type Step =
  | { readonly op: "run"; readonly ms: number }
  | { readonly op: "kill" | "restart" | "pause" | "resume" | "isolate"; readonly node: string }
  | { readonly op: "partition"; readonly side: readonly string[] }
  | { readonly op: "heal" }
  | { readonly op: "clock-jump"; readonly sentinel: string; readonly ms: number }
  | { readonly op: "failover"; readonly sentinel: string; readonly master: string };

export interface Script {
  readonly seed: number;
  readonly topology: Topology;
  readonly steps: readonly Step[];
  readonly converged: boolean;
}

export class ScriptError extends Error {
  override readonly name = "ScriptError";
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ScriptError(`${what}: expected a mapping`);
  return value as Record<string, unknown>;
}

function num(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new ScriptError(`${what}: expected a number`);
  return value;
}

function str(value: unknown, what: string): string {
  if (typeof value !== "string") throw new ScriptError(`${what}: expected a string`);
  return value;
}

const NODE_OPS = ["kill", "restart", "pause", "resume", "isolate"] as const;

function parseStep(raw: unknown, i: number): Step {
  const where = `step ${i + 1}`;
  const step = record(raw, where);
  const keys = Object.keys(step);
  if (keys.length !== 1)
    throw new ScriptError(`${where}: expected exactly one operation, got ${keys.join(", ")}`);
  const op = keys[0] ?? "";
  const arg = step[op];
  for (const nodeOp of NODE_OPS)
    if (op === nodeOp) return { op: nodeOp, node: str(arg, `${where} ${op}`) };
  switch (op) {
    case "run":
      return { op: "run", ms: num(arg, `${where} run`) };
    case "partition": {
      if (!Array.isArray(arg))
        throw new ScriptError(`${where} partition: expected a list of nodes`);
      return { op: "partition", side: arg.map((n, j) => str(n, `${where} partition[${j}]`)) };
    }
    case "heal":
      return { op: "heal" };
    case "clock-jump": {
      const a = record(arg, `${where} clock-jump`);
      return {
        op: "clock-jump",
        sentinel: str(a["sentinel"], `${where} sentinel`),
        ms: num(a["ms"], `${where} ms`),
      };
    }
    case "failover": {
      const a = record(arg, `${where} failover`);
      return {
        op: "failover",
        sentinel: str(a["sentinel"], `${where} sentinel`),
        master: str(a["master"], `${where} master`),
      };
    }
    default:
      throw new ScriptError(`${where}: unknown operation ${op}`);
  }
}

export function parseScript(raw: unknown): Script {
  const doc = record(raw, "script");
  const t = record(doc["topology"], "topology");
  const optional = (key: string): Record<string, number> =>
    t[key] === undefined ? {} : { [key]: num(t[key], `topology.${key}`) };
  const topology: Topology = {
    sentinels: num(t["sentinels"], "topology.sentinels"),
    masters: num(t["masters"], "topology.masters"),
    replicas: num(t["replicas"], "topology.replicas"),
    ...optional("quorum"),
    ...optional("downAfter"),
    ...optional("failoverTimeout"),
    ...(t["preseed"] === true ? { preseed: true } : {}),
  };
  if (!Array.isArray(doc["steps"])) throw new ScriptError("steps: expected a list");
  const expectBlock = doc["expect"] === undefined ? {} : record(doc["expect"], "expect");
  return {
    seed: num(doc["seed"], "seed"),
    topology,
    steps: doc["steps"].map((s, i) => parseStep(s, i)),
    converged: expectBlock["converged"] !== false,
  };
}

export function runStep(cluster: SimCluster, step: Step): void {
  switch (step.op) {
    case "run":
      cluster.run(step.ms);
      return;
    case "kill":
      cluster.kill(step.node);
      return;
    case "restart":
      cluster.restart(step.node);
      return;
    case "pause":
      cluster.pause(step.node);
      return;
    case "resume":
      cluster.resume(step.node);
      return;
    case "isolate":
      cluster.isolate(step.node);
      return;
    case "partition":
      cluster.partition(step.side);
      return;
    case "heal":
      cluster.heal();
      return;
    case "clock-jump":
      cluster.clockJump(step.sentinel, step.ms);
      return;
    case "failover":
      cluster.admin(step.sentinel, { op: "failover", name: step.master });
      return;
  }
}

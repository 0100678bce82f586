// Clients and steps bound to one test topology of Vigil sentinels (clients.e2e): an ioredis client
// in sentinel mode, a kill -9 failover awaited on every sentinel, and the redis-py probe.
import { expect } from "chai";
import { Redis } from "ioredis";
import type { Topology } from "../harness/topology.js";
import { waitFor } from "../harness/wait-for.js";
import { python, REDIS_PY_PROBE, type PyProbe } from "./clients.js";

export const NAME = "mymaster";
export const HOST = "127.0.0.1";

export function noop(): void {
  // Client error events are expected while the master is down.
}

export function ioredisFor(topology: Topology, options: Record<string, unknown> = {}): Redis {
  const client = new Redis({
    sentinels: topology.sentinels.map((s) => ({ host: HOST, port: s.port })),
    name: NAME,
    connectTimeout: 2_000,
    sentinelCommandTimeout: 2_000,
    commandTimeout: 2_000,
    maxRetriesPerRequest: 1,
    ...options,
  });
  client.on("error", noop);
  return client;
}

/** Kills the master and waits until every sentinel names one of the replicas instead. */
export async function failover(topology: Topology): Promise<{ oldPort: number; newPort: number }> {
  const oldPort = topology.master.port;
  await topology.master.kill();
  const newPort = await waitFor(
    "all sentinels to name a promoted replica after kill -9 of the master",
    async () => {
      const addrs = await Promise.all(topology.sentinels.map((s) => s.getMasterAddr(NAME)));
      const ports = new Set(addrs.map((a) => a?.port));
      const [port] = [...ports];
      if (ports.size === 1 && port !== undefined && port !== oldPort) return port;
      throw new Error(`answers: ${addrs.map((a) => String(a?.port)).join(" ")}`);
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  expect(topology.replicas.map((r) => r.port)).to.include(newPort);
  await waitFor(
    `:${newPort} to report role:master`,
    async () => (await topology.serverOn(newPort).info()).get("role") === "master",
    { timeoutMs: 20_000 },
  );
  return { oldPort, newPort };
}

export async function redisPy(topology: Topology, key: string, value: string): Promise<PyProbe> {
  const ports = topology.sentinels.map((s) => s.port).join(",");
  const result = await python(REDIS_PY_PROBE, [ports, key, value], 20_000);
  if (result.code !== 0) throw new Error(`python exited ${String(result.code)}: ${result.stderr}`);
  return JSON.parse(result.stdout) as PyProbe;
}

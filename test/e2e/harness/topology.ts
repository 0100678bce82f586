// A whole test topology: one master, N replicas (redis-server) and M sentinels, each sentinel
// "vigil" or "redis", all in one temp dir, torn down by pid. The safety net in pid-registry.ts
// kills anything left over when the process exits, even if a test forgets `teardown()`.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { killAllRegistered, livePids } from "./pid-registry.js";
import { RedisProcess } from "./redis-process.js";
import { SentinelProcess, type SentinelImpl } from "./sentinel-process.js";
import { makeTlsFiles, type TlsFiles } from "./tls-files.js";
import { waitFor } from "./wait-for.js";

export { killAllRegistered, livePids };

export interface TopologyOptions {
  /** Number of replicas (default 2). */
  replicas?: number;
  /** One entry per sentinel (default three "redis"). */
  sentinels?: readonly SentinelImpl[];
  masterName?: string;
  /** Default: a majority of the sentinels. */
  quorum?: number;
  downAfterMs?: number;
  failoverTimeoutMs?: number;
  parallelSyncs?: number;
  /** Extra lines for every sentinel config. */
  sentinelConfig?: readonly string[];
  /** Extra `--directive value` arguments for every redis-server. */
  redisArgs?: readonly string[];
  /** Wait until every sentinel knows all replicas and all other sentinels (default true). */
  waitForDiscovery?: boolean;
  /** Bound on the discovery wait (default 20 s). */
  discoveryTimeoutMs?: number;
  /** Bound on each sentinel's first PING (default 10 s; a loaded machine may need more). */
  sentinelReadyTimeoutMs?: number;
  /**
   * Every process on TLS only (`port 0`, the port given becomes tls-port) and every link on TLS:
   * replication, sentinel to instance, sentinel to sentinel. Certificates are made in the dir.
   */
  tls?: boolean;
  /** Vigil sentinels' entry point (default: this repo's dist/main.js). */
  vigilEntry?: string;
}

export class Topology {
  readonly dir: string;
  readonly masterName: string;
  readonly quorum: number;
  master!: RedisProcess;
  readonly replicas: RedisProcess[] = [];
  readonly sentinels: SentinelProcess[] = [];
  /** The certificates, when the topology runs on TLS. */
  tls: TlsFiles | undefined;

  private constructor(dir: string, masterName: string, quorum: number) {
    this.dir = dir;
    this.masterName = masterName;
    this.quorum = quorum;
  }

  /** Every redis-server of the topology (initial master first). */
  get servers(): RedisProcess[] {
    return [this.master, ...this.replicas];
  }

  static async start(options: TopologyOptions = {}): Promise<Topology> {
    const impls = options.sentinels ?? ["redis", "redis", "redis"];
    const quorum = options.quorum ?? Math.floor(impls.length / 2) + 1;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vigil-topology-"));
    const topology = new Topology(dir, options.masterName ?? "mymaster", quorum);
    try {
      if (options.tls === true) topology.tls = makeTlsFiles(path.join(dir, "tls"));
      await topology.startServers(options.replicas ?? 2, options.redisArgs ?? []);
      for (const [i, impl] of impls.entries()) {
        topology.sentinels.push(
          await SentinelProcess.start({
            impl,
            ...(topology.tls === undefined ? {} : { tls: topology.tls }),
            dir: path.join(dir, `sentinel-${i}`),
            monitors: [
              {
                name: topology.masterName,
                port: topology.master.port,
                quorum,
                downAfterMs: options.downAfterMs ?? 1_000,
                failoverTimeoutMs: options.failoverTimeoutMs ?? 10_000,
                parallelSyncs: options.parallelSyncs ?? 1,
              },
            ],
            extraConfig: options.sentinelConfig ?? [],
            ...(options.vigilEntry === undefined ? {} : { entry: options.vigilEntry }),
            ...(options.sentinelReadyTimeoutMs === undefined
              ? {}
              : { readyTimeoutMs: options.sentinelReadyTimeoutMs }),
          }),
        );
      }
      if (options.waitForDiscovery ?? true)
        await topology.waitForDiscovery(options.discoveryTimeoutMs ?? 20_000);
    } catch (error: unknown) {
      await topology.teardown();
      throw error;
    }
    return topology;
  }

  private async startServers(replicas: number, redisArgs: readonly string[]): Promise<void> {
    const tls = this.tls === undefined ? {} : { tls: this.tls };
    this.master = await RedisProcess.start({
      dir: path.join(this.dir, "master"),
      extraArgs: redisArgs,
      ...tls,
    });
    for (let i = 0; i < replicas; i++) {
      this.replicas.push(
        await RedisProcess.start({
          ...tls,
          dir: path.join(this.dir, `replica-${i}`),
          replicaOf: this.master.port,
          extraArgs: redisArgs,
        }),
      );
    }
    for (const replica of this.replicas) {
      await waitFor(
        `replica :${replica.port} to sync with master :${this.master.port}`,
        async () => (await replica.info()).get("master_link_status") === "up",
        { timeoutMs: 10_000 },
      );
    }
  }

  /** Every sentinel sees every replica and every other sentinel for the master. */
  async waitForDiscovery(timeoutMs = 20_000): Promise<void> {
    const wantReplicas = String(this.replicas.length);
    const wantPeers = String(this.sentinels.length - 1);
    await waitFor(
      `all ${this.sentinels.length} sentinels to know ${wantReplicas} replicas and ${wantPeers} other sentinels`,
      async () => {
        const masters = await Promise.all(this.sentinels.map((s) => s.master(this.masterName)));
        const seen = masters.map((m) => `${m.get("num-slaves")}/${m.get("num-other-sentinels")}`);
        if (seen.every((v) => v === `${wantReplicas}/${wantPeers}`)) return true;
        throw new Error(`replicas/peers seen: ${seen.join(" ")}`);
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  /** The redis-server listening on `port`. */
  serverOn(port: number): RedisProcess {
    const server = this.servers.find((s) => s.port === port);
    if (server === undefined)
      throw new Error(`no redis-server of this topology listens on ${port}`);
    return server;
  }

  /** Kills every process by pid (resuming paused ones first) and removes the temp dir. */
  async teardown(): Promise<void> {
    const all = [
      ...this.sentinels,
      ...this.replicas,
      ...(this.master === undefined ? [] : [this.master]),
    ];
    await Promise.allSettled(all.map((p) => p.cleanup()));
    if (process.env["KEEP_TMP"] === undefined)
      fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Shorthand for `Topology.start`. */
export function startTopology(options: TopologyOptions = {}): Promise<Topology> {
  return Topology.start(options);
}

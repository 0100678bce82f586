// A sentinel deployment across network-namespace hosts for the partition tests: on each host one
// Redis node (the first host's is the master) and one bin/vigil sentinel, plus a client writing a
// counter key every 10 ms from a chosen host. Processes are started with `ip netns exec` and
// stopped by pid; the test reads everything from its own namespace through the bridge.
import type { ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Redis } from "ioredis";
import { NetnsHosts } from "./netns.js";

const VIGIL_BIN = join(resolve(import.meta.dirname, "../../.."), "bin/vigil");

export interface LabOptions {
  readonly hosts: readonly string[];
  readonly downAfter: number;
  readonly fence: boolean;
}

/** One acknowledged or refused write of the client loop. */
export interface WriteRecord {
  readonly seq: number;
  readonly at: number;
  readonly ok: boolean;
}

// The write loop run inside a namespace (`node -e`): SET k<seq> <seq> every 10 ms, one at a time,
// printing `ack <seq> <ms>` or `err <seq> <ms>` for each reply.
const WRITER = `
const net = require("node:net");
const [host, port] = process.argv.slice(1);
let seq = 0, inflight = 0, buf = "", sock = null, open = false;
function connect() {
  sock = net.connect(Number(port), host);
  sock.setNoDelay(true);
  sock.on("connect", () => { open = true; });
  sock.on("data", (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf("\\r\\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (inflight !== 0) {
        process.stdout.write((line === "+OK" ? "ack " : "err ") + inflight + " " + Date.now() + "\\n");
        inflight = 0;
      }
    }
  });
  sock.on("error", () => {});
  sock.on("close", () => { open = false; inflight = 0; setTimeout(connect, 100); });
}
connect();
setInterval(() => {
  if (!open || inflight !== 0) return;
  seq++;
  inflight = seq;
  const k = "k" + seq, v = String(seq);
  sock.write("*3\\r\\n$3\\r\\nSET\\r\\n$" + k.length + "\\r\\n" + k + "\\r\\n$" + v.length + "\\r\\n" + v + "\\r\\n");
}, 10);
`;

export class PartitionLab {
  readonly net: NetnsHosts;
  private readonly dir = mkdtempSync(join(tmpdir(), "vigil-partition-"));
  private readonly children: ChildProcess[] = [];
  private readonly clients: Redis[] = [];
  readonly logs = new Map<string, string[]>();
  private writer: { child: ChildProcess; lines: string[] } | null = null;
  readonly options: LabOptions;

  constructor(options: LabOptions) {
    this.options = options;
    this.net = new NetnsHosts(options.hosts);
  }

  get masterHost(): string {
    return this.options.hosts[0]!;
  }

  private track(name: string, child: ChildProcess): void {
    const lines: string[] = [];
    this.logs.set(name, lines);
    const keep = (chunk: Buffer): void => {
      lines.push(
        ...chunk
          .toString("utf8")
          .split("\n")
          .filter((l) => l !== ""),
      );
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.children.push(child);
  }

  start(): void {
    this.net.create();
    const master = this.net.addr(this.masterHost);
    for (const host of this.options.hosts) {
      const addr = this.net.addr(host);
      const replica = host === this.masterHost ? [] : ["--replicaof", master, "6379"];
      const dir = join(this.dir, host);
      mkdirSync(dir, { recursive: true });
      this.track(
        `redis-${host}`,
        this.net.spawn(
          host,
          "redis-server",
          [
            "--port",
            "6379",
            "--bind",
            addr,
            "--protected-mode",
            "no",
            "--save",
            "",
            "--appendonly",
            "no",
            // Redis 7 waits 5 s before a diskless full sync: a cut in that window would leave
            // replicas that never held the master's data (and are rightly not promotable).
            "--repl-diskless-sync-delay",
            "0",
            "--dir",
            dir,
            ...replica,
          ],
          dir,
        ),
      );
      const conf = join(dir, "sentinel.conf");
      writeFileSync(
        conf,
        [
          "port 26379",
          `bind ${addr}`,
          "protected-mode no",
          `dir ${dir}`,
          `sentinel monitor m ${master} 6379 2`,
          `sentinel down-after-milliseconds m ${this.options.downAfter}`,
          "sentinel failover-timeout m 10000",
          ...(this.options.fence ? ["sentinel fence-isolated-master m yes"] : []),
          "",
        ].join("\n"),
      );
      this.track(`vigil-${host}`, this.net.spawn(host, process.execPath, [VIGIL_BIN, conf], dir));
    }
  }

  /** A client from the test's namespace to a host's Redis (6379) or sentinel (26379). */
  client(host: string, port: number): Redis {
    const c = new Redis({
      host: this.net.addr(host),
      port,
      lazyConnect: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      commandTimeout: 1500,
      retryStrategy: () => 200,
    });
    c.on("error", () => undefined);
    this.clients.push(c);
    return c;
  }

  /** A line in the `test` log (kept with PARTITION_LOG_DIR), stamped like the sentinels' logs. */
  note(text: string): void {
    const lines = this.logs.get("test") ?? [];
    this.logs.set("test", lines);
    lines.push(`${new Date().toISOString().slice(11, 23)} ${text}`);
  }

  startWriter(host: string): void {
    const child = this.net.spawn(
      host,
      process.execPath,
      ["-e", WRITER, this.net.addr(this.masterHost), "6379"],
      this.dir,
    );
    const lines: string[] = [];
    let partial = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      const text = partial + chunk.toString("utf8");
      const parts = text.split("\n");
      partial = parts.pop() ?? "";
      lines.push(...parts);
    });
    this.children.push(child);
    this.writer = { child, lines };
  }

  writes(): WriteRecord[] {
    return (this.writer?.lines ?? []).map((line) => {
      const [kind, seq, at] = line.split(" ");
      return { seq: Number(seq), at: Number(at), ok: kind === "ack" };
    });
  }

  stopWriter(): void {
    this.writer?.child.kill("SIGKILL");
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.disconnect();
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((done) => child.once("exit", done));
        child.kill("SIGKILL");
        await exited;
      }),
    );
    this.net.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

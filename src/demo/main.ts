// `npm run demo` (node dist/tsc/demo/main.js): a local topology — 1 master and 2 replicas
// (redis-server) watched by 3 sentinels (Vigil, or `--impl redis` for Debian's redis-sentinel),
// a client writing through the sentinels, and a live view of it all. Keys: f = SENTINEL FAILOVER,
// k = kill -9 the master, r = restart the killed one, q / Ctrl-C = quit. Every process started
// is stopped by pid on exit, Ctrl-C, SIGTERM or an error. `--failover-after <s>` and
// `--exit-after <s>` script a run, which ends with a summary and exit 0 only if a failover
// happened and a write was acknowledged by the new master after it.
import { fileURLToPath } from "node:url";
import { LocalTopology, type LocalNode } from "../topology/local-topology.js";
import { Observer, type DemoEvent, type Snapshot } from "./observer.js";
import { parseOptions, UsageError, type DemoOptions } from "./options.js";
import { Screen } from "./screen.js";
import { SwitchLog, summarize } from "./summary.js";
import { eventLine, render, statusLine, type ViewModel } from "./view.js";
import { WriteLoop } from "./write-loop.js";

const EMPTY: Snapshot = {
  from: 0,
  master: null,
  replicas: [],
  peers: [],
  masterAddr: new Map(),
  servers: new Map(),
};

class Demo {
  private readonly topology: LocalTopology;
  private readonly screen = new Screen(process.stdout);
  private readonly switches = new SwitchLog();
  private observer: Observer | null = null;
  private writer: WriteLoop | null = null;
  private snapshot: Snapshot = EMPTY;
  private killed: LocalNode | null = null;
  private notice = "";
  private stopping = false;
  private readonly timers: NodeJS.Timeout[] = [];

  private readonly options: DemoOptions;

  constructor(options: DemoOptions) {
    this.options = options;
    this.topology = LocalTopology.create({
      replicas: 2,
      sentinels: 3,
      quorum: 2,
      impl: options.impl,
      downAfterMs: options.downAfterMs,
      failoverTimeoutMs: 60_000,
      vigilBin: fileURLToPath(new URL("../../../bin/vigil", import.meta.url)),
      onSpawn: (node) => {
        this.say(
          `demo: started ${node.kind} 127.0.0.1:${node.port} pid ${String(node.child?.pid)}`,
        );
      },
    });
  }

  /** A line for the log (piped) or the notice line of the screen (TTY, once it is drawn). */
  private say(line: string): void {
    if (this.screen.active) this.notice = line;
    else console.log(line);
  }

  async run(): Promise<void> {
    const o = this.options;
    this.say(
      `demo: starting 1 master, 2 replicas and 3 ${o.impl} sentinels in ${this.topology.dir}`,
    );
    await this.topology.start();
    const ports = this.topology.sentinels.map((s) => s.port);
    this.observer = new Observer(ports, this.topology.masterName);
    this.observer.onEvent((event) => {
      this.onEvent(event);
    });
    this.writer = new WriteLoop(ports, this.topology.masterName);
    this.writer.start(20);
    this.say(`demo: ready; the writer sets demo:counter every 20 ms through the sentinels`);
    if (this.screen.tty) {
      this.screen.enter((key) => {
        void this.onKey(key);
      });
    }
    this.every(500, () => this.refresh());
    if (!this.screen.tty)
      this.every(2_000, () => {
        console.log(statusLine(this.model()));
      });
    if (o.failoverAfter !== null) this.after(o.failoverAfter, () => this.failover());
    if (o.exitAfter !== null) this.after(o.exitAfter, () => this.stop("exit-after", true));
  }

  private every(ms: number, task: () => Promise<void> | void): void {
    this.timers.push(setInterval(() => void task(), ms));
  }

  private after(seconds: number, task: () => Promise<void>): void {
    this.timers.push(setTimeout(() => void task(), seconds * 1_000));
  }

  private onEvent(event: DemoEvent): void {
    const change = this.switches.add(event);
    if (!this.screen.active) console.log(eventLine(event).trimStart());
    if (change !== null) this.say(`demo: failover ${change.from} -> ${change.to}`);
  }

  private async refresh(): Promise<void> {
    if (this.observer === null || this.stopping) return;
    this.snapshot = await this.observer.snapshot(this.topology.servers.map((s) => s.port));
    if (this.screen.active && !this.stopping) this.screen.draw(render(this.model()));
  }

  private model(): ViewModel {
    return {
      impl: this.options.impl,
      masterName: this.topology.masterName,
      snapshot: this.snapshot,
      processes: [...this.topology.servers, ...this.topology.sentinels].map((n) => ({
        kind: n.kind,
        port: n.port,
        pid: n.child?.pid ?? null,
        running: this.topology.isRunning(n),
      })),
      events: this.observer?.events.slice(-8) ?? [],
      writes: this.writer?.stats ?? { acknowledged: 0, failed: 0, lastOk: null, lastError: "" },
      notice: this.notice,
      keys: this.screen.active,
    };
  }

  private async onKey(key: string): Promise<void> {
    switch (key) {
      case "f":
        await this.failover();
        return;
      case "k":
        await this.killMaster();
        return;
      case "r":
        await this.restartKilled();
        return;
      case "q":
      case "\u0003":
        await this.stop("quit", false);
        return;
      default:
    }
  }

  private async failover(): Promise<void> {
    if (this.observer === null) return;
    this.say(
      `demo: SENTINEL FAILOVER ${this.topology.masterName}: ${await this.observer.failover()}`,
    );
  }

  /** kill -9 of the redis-server the sentinels name as master now. */
  private async killMaster(): Promise<void> {
    const port = Number(this.snapshot.master?.get("port"));
    const node = this.topology.serverOn(port);
    if (node === undefined || !this.topology.isRunning(node)) {
      this.say(`demo: the master :${port} is not running`);
      return;
    }
    const pid = node.child?.pid;
    await this.topology.kill(node);
    this.killed = node;
    this.say(`demo: kill -9 ${String(pid)} (master 127.0.0.1:${port}); r restarts it`);
  }

  private async restartKilled(): Promise<void> {
    const node = this.killed;
    if (node === null) {
      this.say("demo: nothing killed to restart");
      return;
    }
    this.killed = null;
    await this.topology.restart(node);
    this.say(
      `demo: restarted 127.0.0.1:${node.port} (pid ${String(node.child?.pid)}); the sentinels make it a replica`,
    );
  }

  /** Stops everything, prints the summary; a scripted end's exit code tells continuity. */
  async stop(why: string, scripted: boolean): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.screen.leave();
    this.writer?.stop();
    this.observer?.close();
    const pids = this.topology.pids();
    await this.topology.stop();
    console.log(`demo: ${why}: stopped pids ${pids.join(" ") || "(none running)"}`);
    const { lines, ok } = summarize(this.switches, this.writer?.stats ?? EMPTY_STATS);
    console.log(lines.join("\n"));
    process.exit(scripted && !ok ? 1 : 0);
  }

  /** Last resort on process exit: SIGKILL by pid, synchronously. */
  killNow(): void {
    this.screen.leave();
    this.topology.killNow();
  }
}

const EMPTY_STATS = { acknowledged: 0, failed: 0, lastOk: null, lastError: "" };

function start(): void {
  let options: DemoOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error: unknown) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  const demo = new Demo(options);
  process.on("exit", () => {
    demo.killNow();
  });
  const fail = (error: unknown): void => {
    console.error(
      `demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    void demo.stop("error", true).finally(() => process.exit(1));
  };
  process.on("uncaughtException", fail);
  process.on("unhandledRejection", fail);
  process.on("SIGINT", () => void demo.stop("SIGINT", false));
  process.on("SIGTERM", () => void demo.stop("SIGTERM", false));
  process.on("SIGHUP", () => void demo.stop("SIGHUP", false));
  demo.run().catch(fail);
}

start();

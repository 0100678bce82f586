/**
 * The ServerHost the RESP server calls for everything sentinel-specific. The SENTINEL subcommand
 * code (commands/sentinel-request.ts) reads the core's state through `sentinelEnv`; a request
 * that changes it hands its input to `submit`, queued through the runtime with a fresh request
 * id, and the answer is the core's (after its persist, per the ordering contract).
 *
 * SENTINEL GET-MASTER-ADDR-BY-NAME, the call every client makes, is answered from a cache of
 * its encoded reply per master, checked against the master's current address on each call
 * (the core's state stays the source of truth; the check is two comparisons). The read-only
 * subcommands that describe a master (MASTER, REPLICAS, …) and INFO sentinel are answered from
 * a ReadCache (read-cache.ts) valid for one step of the core and one millisecond, when the
 * daemon tells the host how many steps there were (`generation`).
 */
import type { CoreAnswer, ServerHost, SessionInfo } from "../commands/host.js";
import { infoSentinelPayload } from "../commands/info.js";
import { infoSentinelSection } from "../commands/info-sentinel.js";
import type {
  PendingScriptView,
  SentinelCommandEnv,
  SentinelCoreInput,
} from "../commands/sentinel.js";
import { sentinelCommand } from "../commands/sentinel.js";
import type { Input, SentinelState } from "../core/index.js";
import { announceHost, currentMasterAddress, isIpLiteral } from "../core/index.js";
import type { Reply } from "../protocol/reply.js";
import { R } from "../protocol/reply.js";
import { encodeReply } from "../protocol/resp-encoder.js";
import { ReadCache } from "./read-cache.js";
import type { Runtime } from "./runtime.js";
import type { PendingScript } from "./script-runner.js";

export interface SentinelHostOptions {
  readonly runtime: Pick<Runtime, "request" | "push">;
  readonly state: () => SentinelState;
  readonly scripts: {
    pending(): PendingScript[];
    readonly runningCount: number;
    readonly queueLength: number;
  };
  readonly now: () => number;
  readonly isExecutable: (path: string) => boolean;
  /** SHUTDOWN: the ordered shutdown of the process. */
  readonly shutdown: () => void;
  /** dns.lookup of a hostname for SENTINEL MONITOR (null = does not resolve). Default: none. */
  readonly lookupHost?: (host: string) => Promise<string | null>;
  /**
   * How many times the core was stepped (the state changes only then). Without it no read
   * reply is cached.
   */
  readonly generation?: () => number;
}

function withRequestId(input: SentinelCoreInput, requestId: number): Input {
  switch (input.type) {
    case "admin":
      return { type: "admin", requestId, op: input.op };
    case "is-master-down-request":
      return { ...input, requestId };
  }
}

function pendingView(job: PendingScript): PendingScriptView {
  const common = { argv: job.argv, pid: job.pid, retryNum: job.retryNum };
  return job.running
    ? { ...common, running: true, runTimeMs: job.runTime }
    : { ...common, running: false, runDelayMs: job.runDelay };
}

/**
 * The read view of one SENTINEL request. A class rather than an object literal: a literal with
 * a getter defines an accessor property on every request, which V8 does slowly (it was the
 * largest cost of SENTINEL MYID under redis-benchmark -P 16).
 */
class CommandEnv implements SentinelCommandEnv {
  readonly now: number;
  readonly state: SentinelState;
  readonly protocol: 2 | 3;
  readonly isExecutable: (path: string) => boolean;
  private readonly scripts: SentinelHostOptions["scripts"];

  constructor(
    now: number,
    state: SentinelState,
    protocol: 2 | 3,
    isExecutable: (path: string) => boolean,
    scripts: SentinelHostOptions["scripts"],
  ) {
    this.now = now;
    this.state = state;
    this.protocol = protocol;
    this.isExecutable = isExecutable;
    this.scripts = scripts;
  }

  /** Only SENTINEL PENDING-SCRIPTS reads it. */
  get pendingScripts(): PendingScriptView[] {
    return this.scripts.pending().map(pendingView);
  }
}

/** An encoded `[ip, port]` reply (the same bytes in RESP2 and RESP3) and what it encodes. */
interface CachedAddr {
  readonly ip: string;
  readonly port: number;
  readonly reply: Reply;
}

export class SentinelHost implements ServerHost {
  private readonly options: SentinelHostOptions;
  private readonly addrReplies = new Map<string, CachedAddr>();
  /** masterAddrReply's last answer: the name asked and the core's step count it holds for. */
  private lastAddrName = "";
  private lastAddrGeneration = -1;
  private lastAddrReply: Reply = R.nullArray();
  private readonly reads = new ReadCache();

  constructor(options: SentinelHostOptions) {
    this.options = options;
  }

  /** The read view of the SENTINEL subcommand code (commands/sentinel-request.ts). */
  sentinelEnv(session: SessionInfo): SentinelCommandEnv {
    return this.envAt(this.options.now(), session.protocol);
  }

  private envAt(now: number, protocol: 2 | 3): SentinelCommandEnv {
    return new CommandEnv(
      now,
      this.options.state(),
      protocol,
      this.options.isExecutable,
      this.options.scripts,
    );
  }

  /** Queues the input with a fresh request id; a MONITOR of a hostname looks it up first. */
  submit(input: SentinelCoreInput): Promise<CoreAnswer> {
    if (input.type === "admin" && input.op.op === "monitor" && !isIpLiteral(input.op.host)) {
      return this.monitorHostname(input, input.op.host);
    }
    return this.request(input);
  }

  private request(input: SentinelCoreInput): Promise<CoreAnswer> {
    return new Promise((resolve) => {
      this.options.runtime.request((requestId) => withRequestId(input, requestId), resolve);
    });
  }

  /**
   * SENTINEL MONITOR of a hostname: looked up first, as sentinel.c does before creating the
   * master ("Invalid IP address or hostname specified" when it does not resolve); the answer
   * reaches the core just before the MONITOR, so the record starts with its IP.
   */
  private async monitorHostname(input: SentinelCoreInput, host: string): Promise<CoreAnswer> {
    const lookupHost = this.options.lookupHost;
    const ip = lookupHost === undefined ? null : await lookupHost(host);
    if (ip === null)
      return { kind: "refused", message: "ERR Invalid IP address or hostname specified" };
    this.options.runtime.push({ type: "host-resolved", host, ip });
    return this.request(input);
  }

  /**
   * sentinel-read.ts getMasterAddrCommand, with the encoded reply cached per master. The reply
   * is a function of the state and the name, so while the core has not stepped the same name
   * gets the last reply at once (the parser hands a repeated name as the same string).
   */
  masterAddrReply(name: string): Reply {
    const generation = this.options.generation?.() ?? -1;
    if (generation === this.lastAddrGeneration && name === this.lastAddrName && generation >= 0) {
      return this.lastAddrReply;
    }
    const reply = this.addrReplyOf(name);
    this.lastAddrName = name;
    this.lastAddrGeneration = generation;
    this.lastAddrReply = reply;
    return reply;
  }

  private addrReplyOf(name: string): Reply {
    const state = this.options.state();
    const masters = state.masters;
    // Entries of removed masters go when the cache outgrows the live set.
    if (this.addrReplies.size > masters.size + 16) this.addrReplies.clear();
    const master = masters.get(name);
    if (master === undefined) {
      this.addrReplies.delete(name);
      return R.nullArray();
    }
    const addr = currentMasterAddress(master);
    // As announced: the IP, or the name with announce-hostnames (core/records/hosts.ts).
    const ip = announceHost(state, addr);
    const port = addr.port;
    const cached = this.addrReplies.get(name);
    if (cached?.ip === ip && cached.port === port) return cached.reply;
    // A copy of its own: kept for as long as the address holds, it must not pin a shared slab.
    const bytes = new Uint8Array(encodeReply(R.array([R.bulk(ip), R.bulk(String(port))]), 2));
    const reply: Reply = { type: "raw", bytes };
    this.addrReplies.set(name, { ip, port, reply });
    return reply;
  }

  /** `SENTINEL <sub> <name>` for a read-only `sub` (commands/sentinel-request.ts: CACHED_READS). */
  readReply(sub: string, name: string, protocol: 2 | 3): Reply | undefined {
    const generation = this.options.generation?.();
    if (generation === undefined) return undefined;
    const now = this.options.now();
    return this.reads.get(generation, now, protocol, `${sub} ${name}`, () => {
      const outcome = sentinelCommand([sub, name], this.envAt(now, protocol));
      return outcome.kind === "reply" ? outcome.reply : undefined;
    });
  }

  infoSentinelReply(): Reply {
    const { scripts } = this.options;
    const now = this.options.now();
    const build = (): Reply => R.bulk(infoSentinelPayload(this.infoSentinelSectionAt(now)));
    const generation = this.options.generation?.();
    if (generation === undefined) return build();
    // The script counters change outside the core's steps: they are part of the question.
    const key = `info ${scripts.runningCount} ${scripts.queueLength}`;
    return this.reads.get(generation, now, 2, key, build);
  }

  infoSentinelSection(): string {
    return this.infoSentinelSectionAt(this.options.now());
  }

  private infoSentinelSectionAt(now: number): string {
    const { scripts } = this.options;
    return infoSentinelSection(this.options.state(), now, {
      running: scripts.runningCount,
      queueLength: scripts.queueLength,
    });
  }

  masterNames(): readonly string[] {
    return [...this.options.state().masters.keys()];
  }

  helloReceived(payload: string): void {
    this.options.runtime.push({ type: "hello-received", via: null, payload });
  }

  shutdown(): void {
    this.options.shutdown();
  }
}

/**
 * The ServerHost the RESP server calls for everything sentinel-specific. SENTINEL subcommands
 * that only read are answered at once from the core's state; those that change it become an
 * input, queued through the runtime with a fresh request id, and the client's reply is the one
 * the core gives back (after its persist, per the ordering contract).
 *
 * SENTINEL GET-MASTER-ADDR-BY-NAME, the call every client makes, is answered from a cache of
 * its encoded reply per master, checked against the master's current address on each call
 * (the core's state stays the source of truth; the check is two comparisons).
 */
import type { ServerHost, SessionInfo } from "../commands/host.js";
import { infoSentinelSection } from "../commands/info-sentinel.js";
import { sentinelCommand } from "../commands/sentinel.js";
import type { PendingScriptView, SentinelCoreInput } from "../commands/sentinel.js";
import type { Input, SentinelState } from "../core/index.js";
import { announceHost, currentMasterAddress, isIpLiteral } from "../core/index.js";
import type { Reply } from "../protocol/reply.js";
import { R } from "../protocol/reply.js";
import { encodeReply } from "../protocol/resp-encoder.js";
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

/** An encoded `[ip, port]` reply (the same bytes in RESP2 and RESP3) and what it encodes. */
interface CachedAddr {
  readonly ip: string;
  readonly port: number;
  readonly reply: Reply;
}

const GET_MASTER_ADDR = "get-master-addr-by-name";

export class SentinelHost implements ServerHost {
  private readonly options: SentinelHostOptions;
  private readonly addrReplies = new Map<string, CachedAddr>();

  constructor(options: SentinelHostOptions) {
    this.options = options;
  }

  sentinel(args: readonly string[], session: SessionInfo): Reply | Promise<Reply> {
    const subName = args[0];
    if (
      args.length === 2 &&
      subName !== undefined &&
      (subName === GET_MASTER_ADDR || subName.toLowerCase() === GET_MASTER_ADDR)
    ) {
      return this.masterAddrReply(args[1] ?? "");
    }
    const scripts = this.options.scripts;
    const outcome = sentinelCommand(args, {
      now: this.options.now(),
      state: this.options.state(),
      protocol: session.protocol,
      isExecutable: this.options.isExecutable,
      // Only SENTINEL PENDING-SCRIPTS reads it.
      get pendingScripts() {
        return scripts.pending().map(pendingView);
      },
    });
    if (outcome.kind === "reply") return outcome.reply;
    const input = outcome.input;
    if (input.type === "admin" && input.op.op === "monitor" && !isIpLiteral(input.op.host)) {
      return this.monitorHostname(input, input.op.host);
    }
    const answer = this.options.runtime.request((requestId) => withRequestId(input, requestId));
    const override = outcome.overrideReply;
    return override === undefined ? answer : answer.then(() => override);
  }

  /**
   * SENTINEL MONITOR of a hostname: looked up first, as sentinel.c does before creating the
   * master ("Invalid IP address or hostname specified" when it does not resolve); the answer
   * reaches the core just before the MONITOR, so the record starts with its IP.
   */
  private async monitorHostname(input: SentinelCoreInput, host: string): Promise<Reply> {
    const lookupHost = this.options.lookupHost;
    const ip = lookupHost === undefined ? null : await lookupHost(host);
    if (ip === null) return R.error("ERR Invalid IP address or hostname specified");
    this.options.runtime.push({ type: "host-resolved", host, ip });
    return this.options.runtime.request((requestId) => withRequestId(input, requestId));
  }

  /** sentinel-read.ts getMasterAddrCommand, with the encoded reply cached per master. */
  masterAddrReply(name: string): Reply {
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

  infoSentinelSection(): string {
    const { scripts } = this.options;
    return infoSentinelSection(this.options.state(), this.options.now(), {
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

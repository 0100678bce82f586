/**
 * The ServerHost the RESP server calls for everything sentinel-specific. SENTINEL subcommands
 * that only read are answered at once from the core's state; those that change it become an
 * input, queued through the runtime with a fresh request id, and the client's reply is the one
 * the core gives back (after its persist, per the ordering contract).
 */
import type { ServerHost, SessionInfo } from "../commands/host.js";
import { infoSentinelSection } from "../commands/info-sentinel.js";
import { sentinelCommand } from "../commands/sentinel.js";
import type { PendingScriptView, SentinelCoreInput } from "../commands/sentinel.js";
import type { Input } from "../core/inputs.js";
import type { SentinelState } from "../core/state.js";
import type { Reply } from "../protocol/reply.js";
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

export class SentinelHost implements ServerHost {
  private readonly options: SentinelHostOptions;

  constructor(options: SentinelHostOptions) {
    this.options = options;
  }

  sentinel(args: readonly string[], session: SessionInfo): Reply | Promise<Reply> {
    const outcome = sentinelCommand(args, {
      now: this.options.now(),
      state: this.options.state(),
      protocol: session.protocol,
      isExecutable: this.options.isExecutable,
      pendingScripts: this.options.scripts.pending().map(pendingView),
    });
    if (outcome.kind === "reply") return outcome.reply;
    const answer = this.options.runtime.request((requestId) =>
      withRequestId(outcome.input, requestId),
    );
    const override = outcome.overrideReply;
    return override === undefined ? answer : answer.then(() => override);
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

// Times one real failover inside the scale benchmark: SIGKILL a monitored master and measure,
// from that instant, the first +sdown / +odown / +switch-master for it on any sentinel (their
// pub/sub, through the harness's EventRecorder, given 30 s to subscribe to a sentinel busy with
// a thousand masters) and the moment every sentinel answers
// `SENTINEL get-master-addr-by-name` with the replica's address. Every wait is bounded; a
// failover that does not complete in time is returned as status "timeout" with what was seen.
import type { RedisProcess } from "../../test/e2e/harness/redis-process.js";
import { RespConnection } from "../../test/e2e/harness/resp-client.js";
import { EventRecorder, type SentinelProcess } from "../../test/e2e/harness/sentinel-process.js";
import { delay, waitFor } from "../../test/e2e/harness/wait-for.js";
import { round } from "./stats.js";

export interface FailoverTiming {
  status: "ok" | "timeout";
  /** ms from the SIGKILL to the first such event on any sentinel; null if none came in time. */
  sdownMs: number | null;
  odownMs: number | null;
  switchMs: number | null;
  /** ms from the SIGKILL until every sentinel answered the replica's address. */
  allAnswerMs: number | null;
  /** The master's events after the kill; on timeout also each sentinel's last answer and log. */
  detail?: string;
}

const POLL_MS = 10;

/** One persistent connection per sentinel, reopened after an error or a timed-out call. */
class AddrPoller {
  private readonly ports: readonly number[];
  private readonly name: string;
  private readonly connections: (RespConnection | null)[];
  readonly last: string[];

  constructor(ports: readonly number[], name: string) {
    this.ports = ports;
    this.name = name;
    this.connections = ports.map(() => null);
    this.last = ports.map(() => "?");
  }

  /** Each sentinel's answer as a port number (NaN for nil or an error). */
  async poll(): Promise<number[]> {
    return Promise.all(
      this.ports.map(async (port, i) => {
        try {
          const connection = (this.connections[i] ??= await RespConnection.connect(port, 2_000));
          const reply = await connection.call(
            ["SENTINEL", "get-master-addr-by-name", this.name],
            2_000,
          );
          this.last[i] = Array.isArray(reply) ? String(reply[1]) : String(reply);
          return Array.isArray(reply) ? Number(reply[1]) : NaN;
        } catch (error: unknown) {
          this.connections[i]?.close();
          this.connections[i] = null;
          this.last[i] = error instanceof Error ? error.message : String(error);
          return NaN;
        }
      }),
    );
  }

  close(): void {
    for (const connection of this.connections) connection?.close();
  }
}

export async function timeFailover(
  sentinels: readonly SentinelProcess[],
  master: RedisProcess,
  name: string,
  replicaPort: number,
  waitMs: number,
): Promise<FailoverTiming> {
  let recorder: EventRecorder | undefined;
  const poller = new AddrPoller(
    sentinels.map((s) => s.port),
    name,
  );
  try {
    recorder = await EventRecorder.start(sentinels, 30_000);
    const events = recorder;
    await waitFor(
      `every sentinel to answer :${master.port} for ${name} before the kill`,
      async () => {
        if ((await poller.poll()).every((port) => port === master.port)) return true;
        throw new Error(`answers: ${poller.last.join(" ")}`);
      },
      { timeoutMs: 30_000 },
    );
    const killedAt = performance.now();
    await master.kill();
    const deadline = killedAt + waitMs;
    const firstEvent = (channel: string, prefix: string): number | null => {
      const event = events
        .all(channel, { since: killedAt })
        .find((e) => e.message.startsWith(prefix));
      return event === undefined ? null : round(event.at - killedAt);
    };
    const switchMs = (): number | null => firstEvent("+switch-master", `${name} `);
    let allAnswerMs: number | null = null;
    while (performance.now() < deadline && (allAnswerMs === null || switchMs() === null)) {
      if (allAnswerMs === null) {
        const ports = await poller.poll();
        if (ports.every((port) => port === replicaPort))
          allAnswerMs = round(performance.now() - killedAt);
      }
      await delay(POLL_MS);
    }
    const timing: FailoverTiming = {
      status: allAnswerMs !== null && switchMs() !== null ? "ok" : "timeout",
      sdownMs: firstEvent("+sdown", `master ${name} `),
      odownMs: firstEvent("+odown", `master ${name} `),
      switchMs: switchMs(),
      allAnswerMs,
    };
    // The master's events, and +tilt / -tilt (they name no master but explain a stall).
    const seen = events.events
      .filter(
        (e) =>
          e.at >= killedAt &&
          (e.message.split(" ").includes(name) || e.channel === "+tilt" || e.channel === "-tilt"),
      )
      .map(
        (e) =>
          `${e.channel}${e.channel.endsWith("sdown") ? `[${e.message.split(" ").slice(0, 2).join(":")}]` : ""}@${round(e.at - killedAt)}ms(:${e.sentinelPort})`,
      );
    if (timing.status === "timeout") {
      // Each sentinel's own log tail: its directory goes with the cleanup.
      const logs = sentinels.map((s) => s.logs(12)).join("\n");
      timing.detail = `no complete failover of ${name} within ${waitMs} ms; last answers ${poller.last.join(" ")}; events: ${seen.slice(-15).join(" ") || "none"}\n${logs}`;
    } else {
      timing.detail = `failover of ${name}: ${seen.join(" ")}`;
    }
    return timing;
  } finally {
    poller.close();
    recorder?.stop();
  }
}

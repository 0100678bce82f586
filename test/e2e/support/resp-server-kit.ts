// Shared by the RESP server e2e tests: a fixed ServerHost shaped like a one-master sentinel, raw
// request/response exchanges on a fresh connection, reply counting, a seeded PRNG, and an
// in-process server on a free loopback port.
import net from "node:net";
import { Redis } from "ioredis";
import type { CoreAnswer, ServerHost, SessionInfo } from "../../../src/commands/host.js";
import { infoSentinelPayload } from "../../../src/commands/info.js";
import type { SentinelCommandEnv } from "../../../src/commands/sentinel.js";
import { sentinelCommand } from "../../../src/commands/sentinel.js";
import { encodeReply } from "../../../src/protocol/resp-encoder.js";
import { addMaster, newState } from "../../support/state-builder.js";
import { envFor } from "../../unit/commands/support/command-env.js";
import type { Reply } from "../../../src/protocol/reply.js";
import { R } from "../../../src/protocol/reply.js";
import type { RespServer, RespServerOptions } from "../../../src/shell/resp-server.js";
import { startRespServer } from "../../../src/shell/resp-server.js";
import { parseReply } from "../harness/resp-client.js";
export { seeded } from "../../support/seeded.js";

/** A request as a multibulk, with the words as given. */
export function multibulk(...args: readonly string[]): string {
  return args.reduce(
    (out, a) => `${out}$${Buffer.byteLength(a)}\r\n${a}\r\n`,
    `*${args.length}\r\n`,
  );
}

/** SENTINEL GET-MASTER-ADDR-BY-NAME as a multibulk, with the words as given. */
export function getAddr(name: string, word = "sentinel", sub = "get-master-addr-by-name"): string {
  return [word, sub, name].reduce(
    (out, a) => `${out}$${Buffer.byteLength(a)}\r\n${a}\r\n`,
    "*3\r\n",
  );
}

/** Our own ServerHost for the test: fixed data shaped like a 1-master sentinel. */
export class TestHost implements ServerHost {
  readonly hellos: string[] = [];
  /** Requests answered through the server's GET-MASTER-ADDR-BY-NAME fast path. */
  fastAddrCalls = 0;
  sentinelSection =
    "# Sentinel\nsentinel_masters:1\nsentinel_tilt:0\nsentinel_tilt_since_seconds:-1\nsentinel_running_scripts:0\nsentinel_scripts_queue_length:0\nsentinel_simulate_failure_flags:0\nmaster0:name=m,status=sdown,address=127.0.0.1:1,slaves=0,sentinels=1";
  /** The one master `m` at 127.0.0.1:6379, as the SENTINEL subcommand code reads it. */
  readonly state = newState();
  /** Answer delays of the next submitted inputs (ms), in order; then 0. */
  readonly submitDelays: number[] = [];
  constructor() {
    addMaster(this.state, 0, "m", { ip: "127.0.0.1", port: 6379 });
  }
  sentinelEnv(session: SessionInfo): SentinelCommandEnv {
    return envFor(this.state, 1000, { protocol: session.protocol });
  }
  /** Answers ok after the next delay: replies that wait for the core. */
  submit(): Promise<CoreAnswer> {
    const delay = this.submitDelays.shift() ?? 0;
    return new Promise((resolve) =>
      setTimeout(() => {
        resolve({ kind: "admin", requestId: 1, result: { kind: "ok" }, afterPersist: true });
      }, delay),
    );
  }
  masterAddrReply(name: string): Reply {
    this.fastAddrCalls += 1;
    return name === "m" ? R.array([R.bulk("127.0.0.1"), R.bulk("6379")]) : R.nullArray();
  }
  /** Calls of readReply and infoSentinelReply (SENTINEL MASTER/REPLICAS…, INFO sentinel). */
  readCalls = 0;
  readReply(sub: string, name: string, protocol: 2 | 3): Reply | undefined {
    this.readCalls += 1;
    const outcome = sentinelCommand([sub, name], envFor(this.state, 1000, { protocol }));
    if (outcome.kind !== "reply" || outcome.reply.type === "error") return undefined;
    return { type: "raw", bytes: new Uint8Array(encodeReply(outcome.reply, protocol)) };
  }
  infoSentinelReply(): Reply {
    this.readCalls += 1;
    return R.bulk(infoSentinelPayload(this.sentinelSection));
  }
  infoSentinelSection(): string {
    return this.sentinelSection;
  }
  masterNames(): readonly string[] {
    return ["m"];
  }
  helloReceived(payload: string): void {
    this.hellos.push(payload);
  }
  shutdown(): void {
    // The runtime would stop the process; the test only checks the connection closes.
  }
}

export interface Exchange {
  data: Buffer;
  closed: boolean;
}

/** Sends bytes on a fresh connection; resolves when `done(data)` holds, the peer closes, or timeout. */
export function exchange(
  port: number,
  input: Buffer | string,
  done: (data: Buffer) => boolean,
  timeoutMs = 5000,
): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    let data = Buffer.alloc(0);
    let settled = false;
    const finish = (closed: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ data, closed });
    };
    const timer = setTimeout(() => {
      finish(false);
    }, timeoutMs);
    socket.on("connect", () => socket.write(input));
    socket.on("data", (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (done(data)) finish(false);
    });
    socket.on("error", () => {
      finish(true);
    });
    socket.on("close", () => {
      finish(true);
    });
  });
}

export function countReplies(data: Buffer): number {
  let at = 0;
  let n = 0;
  for (;;) {
    const r = parseReply(data, at);
    if (r === null) return n;
    n += 1;
    at = r.end;
  }
}

export const replies =
  (n: number) =>
  (d: Buffer): boolean =>
    countReplies(d) >= n;
export const never = (): boolean => false;

export async function startOurs(
  host: ServerHost,
  extra: Partial<RespServerOptions> = {},
): Promise<RespServer> {
  return startRespServer({ port: 0, bind: ["127.0.0.1"], runId: "b".repeat(40), ...extra }, host);
}

/**
 * Registers mocha hooks that give each test a fresh in-process server on a new TestHost, and
 * close it and the ioredis clients made through `ioredis` after the test.
 */
export class ServerPerTest {
  private current: { server: RespServer; host: TestHost } | null = null;
  private readonly clients: Redis[] = [];

  constructor() {
    beforeEach(async () => {
      const host = new TestHost();
      this.current = { server: await startOurs(host), host };
    });
    afterEach(async () => {
      for (const c of this.clients.splice(0)) c.disconnect();
      await this.current?.server.close();
      this.current = null;
    });
  }

  private get started(): { server: RespServer; host: TestHost } {
    if (this.current === null) throw new Error("no server outside a test");
    return this.current;
  }

  get server(): RespServer {
    return this.started.server;
  }

  get host(): TestHost {
    return this.started.host;
  }

  get port(): number {
    return this.started.server.address().port;
  }

  /** An ioredis client of the server, not connected yet (its test calls connect()). */
  ioredis(protocol: 2 | 3): Redis {
    const c = new Redis({
      port: this.port,
      host: "127.0.0.1",
      protocol,
      lazyConnect: true,
      enableOfflineQueue: true,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    return this.closeAfter(c);
  }

  /** Disconnects `c` after the test too (a client of another server the test started). */
  closeAfter(c: Redis): Redis {
    this.clients.push(c);
    return c;
  }
}

// A CommandContext for handler tests: a real Acl (sha256 through node:crypto) and a small
// in-memory pub/sub registry; the ServerHost records calls and answers fixed data.
import { createHash } from "node:crypto";
import { Acl } from "../../../src/commands/acl.js";
import { AclLog } from "../../../src/commands/acl-log.js";
import type {
  ClientFacts,
  ClientState,
  CommandContext,
  InfoFacts,
  PubSubRegistry,
} from "../../../src/commands/context.js";
import type { HandlerResult, Held } from "../../../src/commands/handler.js";
import { HELD, isMultiReply } from "../../../src/commands/handler.js";
import { ServerPause } from "../../../src/shell/client-pause.js";
import { executeCommand } from "../../../src/commands/command-table.js";
import type { CoreAnswer, ServerHost, SessionInfo } from "../../../src/commands/host.js";
import type { SentinelCommandEnv, SentinelCoreInput } from "../../../src/commands/sentinel.js";
import { addMaster, newState } from "../../support/state-builder.js";
import { envFor } from "./support/command-env.js";
import type { Reply } from "../../../src/protocol/reply.js";

export function newClient(id = 7, overrides: Partial<ClientState> = {}): ClientState {
  return {
    id,
    addr: `127.0.0.1:${50000 + id}`,
    laddr: "127.0.0.1:26379",
    protocol: 2,
    name: "",
    user: "default",
    authenticated: true,
    channels: new Set(),
    patterns: new Set(),
    replyMode: "on",
    skipNextReply: false,
    libName: "",
    libVersion: "",
    noEvict: false,
    tracking: undefined,
    closeAfterReply: false,
    lastCommand: "NULL",
    ...overrides,
  };
}

export const INFO_FACTS: InfoFacts = {
  os: "Linux 6.1 x86_64",
  archBits: 64,
  processId: 4242,
  runId: "a".repeat(40),
  tcpPort: 26379,
  serverTimeUsec: 1700000000000000n,
  uptimeSeconds: 90000,
  hz: 10,
  configuredHz: 10,
  lruClock: 1,
  executable: "/usr/bin/vigil",
  configFile: "/etc/sentinel.conf",
  connectedClients: 2,
  maxClients: 10000,
  totalConnectionsReceived: 5,
  totalCommandsProcessed: 9,
  totalNetInputBytes: 100,
  totalNetOutputBytes: 200,
  rejectedConnections: 0,
  pubsubChannels: 1,
  pubsubPatterns: 0,
  totalErrorReplies: 1,
  usedCpuSys: 0.5,
  usedCpuUser: 0.25,
};

export const SENTINEL_SECTION =
  "# Sentinel\nsentinel_masters:1\nmaster0:name=m,status=ok,address=127.0.0.1:6379,slaves=0,sentinels=1";

export class FakeHost implements ServerHost {
  readonly hellos: string[] = [];
  /** The one master `m` at 127.0.0.1:6379. */
  readonly state = newState();
  /** The core inputs SENTINEL requests handed over, answered ok. */
  readonly submitted: SentinelCoreInput[] = [];
  shutdowns = 0;
  constructor() {
    addMaster(this.state, 0, "m", { ip: "127.0.0.1", port: 6379 });
  }
  sentinelEnv(session: SessionInfo): SentinelCommandEnv {
    return envFor(this.state, 1000, { protocol: session.protocol });
  }
  submit(input: SentinelCoreInput): Promise<CoreAnswer> {
    this.submitted.push(input);
    return Promise.resolve({
      kind: "admin",
      requestId: 1,
      result: { kind: "ok" },
      afterPersist: true,
    });
  }
  infoSentinelSection(): string {
    return SENTINEL_SECTION;
  }
  masterNames(): readonly string[] {
    return ["m1", "m2"];
  }
  helloReceived(payload: string): void {
    this.hellos.push(payload);
  }
  shutdown(): void {
    this.shutdowns += 1;
  }
}

class MemoryPubSub implements PubSubRegistry {
  subscribe(c: ClientState, ch: string): boolean {
    return !c.channels.has(ch) && c.channels.add(ch).has(ch);
  }
  unsubscribe(c: ClientState, ch: string): boolean {
    return c.channels.delete(ch);
  }
  psubscribe(c: ClientState, p: string): boolean {
    return !c.patterns.has(p) && c.patterns.add(p).has(p);
  }
  punsubscribe(c: ClientState, p: string): boolean {
    return c.patterns.delete(p);
  }
}

export function factsOf(c: ClientState): ClientFacts {
  return {
    id: c.id,
    addr: c.addr,
    laddr: c.laddr,
    fd: 9,
    name: c.name,
    ageSeconds: 3,
    idleSeconds: 1,
    subscriptions: c.channels.size,
    patternSubscriptions: c.patterns.size,
    queryBufferBytes: 0,
    outputBytes: 0,
    lastCommand: c.lastCommand,
    user: c.user,
    protocol: c.protocol,
    libName: c.libName,
    libVersion: c.libVersion,
    noEvict: c.noEvict,
    tracking: c.tracking,
  };
}

export interface TestContext extends CommandContext {
  readonly host: FakeHost;
  readonly others: ClientState[];
  readonly killed: number[];
  /** The ACL LOG clock (ms); tests move it. */
  readonly clock: { ms: number };
  /** CLIENT PAUSE's state, on the ACL LOG clock. */
  readonly pause: ServerPause;
  /** Runs a command; returns its replies (sync results only). */
  run(...argv: string[]): Reply[];
}

export function newContext(
  options: { requirePass?: string; client?: ClientState } = {},
): TestContext {
  const host = new FakeHost();
  const acl = new Acl((t) => createHash("sha256").update(t).digest("hex"), options.requirePass);
  const client = options.client ?? newClient(7, { authenticated: !acl.defaultUserNeedsAuth() });
  const others: ClientState[] = [];
  const killed: number[] = [];
  const clock = { ms: 1_700_000_000_000 };
  const pause = new ServerPause(() => clock.ms);
  const ctx: TestContext = {
    client,
    host,
    others,
    killed,
    clock,
    pause,
    server: {
      host,
      acl,
      aclLog: new AclLog(() => clock.ms),
      pubsub: new MemoryPubSub(),
      infoFacts: () => INFO_FACTS,
      clients: () => [client, ...others].map(factsOf),
      subscribersOf: (user) =>
        [client, ...others].filter((c) => c.user === user && c.channels.size + c.patterns.size > 0),
      killClient: (id) => killed.push(id),
      clientPause: pause,
      randomHex: (n) => "f".repeat(n),
    },
    run: (...argv) => toReplies(executeCommand(argv, ctx)),
  };
  return ctx;
}

export function toReplies(result: HandlerResult | Held): Reply[] {
  if (result === HELD) throw new Error("held by CLIENT PAUSE");
  if (result instanceof Promise) throw new Error("async result");
  return isMultiReply(result) ? [...result.replies] : [result];
}

/** The single reply of a command. */
export function one(replies: readonly Reply[]): Reply {
  if (replies.length !== 1) throw new Error(`expected one reply, got ${replies.length}`);
  return replies[0]!;
}

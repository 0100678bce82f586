/**
 * The client-facing RESP server (docs/PROTOCOL.md §9): one net.Server per bind address, each
 * connection a ClientSession, pub/sub through a PubSubHub, sentinel behaviour through the
 * ServerHost the runtime provides.
 *
 * Binding follows Redis 7: default `* -::*` (all IPv4 interfaces, and all IPv6 ones if the
 * host has IPv6); a `-` prefix marks an address optional (skipped when it cannot be bound for
 * lack of the address or address family). Protected mode follows 7.0 (networking.c:
 * clientAcceptHandler): when on and the default user has no password, connections from
 * anywhere but loopback get the DENIED error and are closed; a sentinel defaults to off.
 * maxclients (10000) is enforced with Redis's error. The process never throws on client input.
 *
 * With `tls`, a second set of listeners (same bind addresses) speaks TLS (tls-listener.ts); its
 * connections are sessions like any other, read through 'data' events (accepted-socket.ts).
 * `port: null` leaves out the plain listeners (`port 0` beside a `tls-port`).
 */
import type { AddressInfo, Server, Socket } from "node:net";
import { createServer } from "node:net";
import { performance } from "node:perf_hooks";
import { Acl } from "../commands/acl.js";
import { AclLog } from "../commands/acl-log.js";
import type { AclFileAccess, ClientFacts, InfoFacts, ServerServices } from "../commands/context.js";
import { ListenError } from "../errors.js";
import type { ServerHost } from "../commands/host.js";
import type { ClientLimits, SessionEnvironment } from "./client-session.js";
import { ClientSession, DEFAULT_CLIENT_LIMITS } from "./client-session.js";
import type { LagSnapshot } from "../commands/lag-histogram.js";
import { listenOn } from "./direct-listen.js";
import { randomHex } from "./entropy.js";
import { EventLoopLag } from "./event-loop-lag.js";
import { PubSubHub } from "./pubsub-hub.js";
import { ServerPause } from "./client-pause.js";
import type { TlsContexts } from "./tls-context.js";
import { createTlsListener, renewTlsListener, type TlsServer } from "./tls-listener.js";

export interface RespServerOptions {
  /** TCP port; 0 picks a free one (tests), shared by every bind address; null = none. */
  readonly port: number | null;
  /** A TLS listener beside (or instead of) the plain one; its port 0 picks a free one. */
  readonly tls?: { readonly port: number; readonly contexts: TlsContexts };
  /** INFO tcp_port when it is not the first listener's port (`port 0`: the TLS port). */
  readonly reportedPort?: number;
  /** `bind` addresses; `-` prefix = optional. Default `["*", "-::*"]`. */
  readonly bind?: readonly string[];
  /** protected-mode (sentinel default: no). */
  readonly protectedMode?: boolean;
  /** requirepass: the default user's password. */
  readonly requirePass?: string;
  /** INFO run_id (per process, distinct from the sentinel id); random when omitted. */
  readonly runId?: string;
  /** INFO executable / config_file. */
  readonly executable?: string;
  readonly configFile?: string;
  /** INFO hz: the scheduler's current frequency (10 when omitted). */
  readonly hz?: () => number;
  /** INFO all's event-loop lag, recorded by whoever owns the tick timer (none: no samples). */
  readonly loopLag?: EventLoopLag;
  readonly maxClients?: number;
  readonly limits?: Partial<ClientLimits>;
  readonly logger?: RespServerLogger;
  /** ACL LOAD / SAVE's file, when an `aclfile` is configured (daemon.ts). */
  readonly aclFile?: (acl: Acl) => AclFileAccess;
}

export interface RespServerLogger {
  warn(message: string): void;
}

export interface RespServerStats {
  readonly connectedClients: number;
  readonly totalConnectionsReceived: number;
  readonly totalCommandsProcessed: number;
  readonly rejectedConnections: number;
  readonly totalErrorReplies: number;
  readonly totalNetInputBytes: number;
  readonly totalNetOutputBytes: number;
}

export const PROTECTED_MODE_DENIED =
  "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";
export const MAX_CLIENTS_ERROR = "-ERR max number of clients reached\r\n";

/** Loopback peers (connIsLocal): 127.0.0.0/8, ::1, and their IPv4-mapped forms. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.replace(/^::ffff:/, "");
  return v4.startsWith("127.") || address === "::1";
}

export interface BindSpec {
  readonly host: string;
  readonly ipv6Only: boolean;
  readonly optional: boolean;
}

/** `*` → 0.0.0.0, `::*` → :: (IPv6 only, so both can listen on one port); `-x` optional. */
export function parseBind(entries: readonly string[]): BindSpec[] {
  return entries.map((raw) => {
    const optional = raw.startsWith("-");
    const addr = optional ? raw.slice(1) : raw;
    if (addr === "*") return { host: "0.0.0.0", ipv6Only: false, optional };
    if (addr === "::*") return { host: "::", ipv6Only: true, optional };
    return { host: addr, ipv6Only: addr.includes(":"), optional };
  });
}

const OPTIONAL_BIND_ERRORS = new Set([
  "EADDRNOTAVAIL",
  "EAFNOSUPPORT",
  "EPROTONOSUPPORT",
  "ENOTSUP",
]);

function listen(server: Server, spec: BindSpec, port: number): Promise<AddressInfo | undefined> {
  return new Promise((resolve, reject) => {
    if (spec.host === "") {
      // Node would take "" for every interface; Redis's getaddrinfo("") fails.
      const err = Object.assign(new ListenError("Name or service not known"), {
        syscall: "getaddrinfo",
        address: "",
        port,
      });
      reject(err);
      return;
    }
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off("listening", onListening);
      if (spec.optional && OPTIONAL_BIND_ERRORS.has(err.code ?? "")) resolve(undefined);
      else reject(err);
    };
    const onListening = (): void => {
      server.off("error", onError);
      resolve(server.address() as AddressInfo);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    listenOn(server, spec.host, port, spec.ipv6Only, 511);
  });
}

/** Listens on every bind address with one shared port (the first one picked when port is 0). */
export async function listenAll<S extends Server>(
  specs: readonly BindSpec[],
  firstPort: number,
  create: () => S,
): Promise<{ listeners: S[]; bound: AddressInfo[] }> {
  const listeners: S[] = [];
  const bound: AddressInfo[] = [];
  let port = firstPort;
  try {
    for (const spec of specs) {
      const server = create();
      const addr = await listen(server, spec, port);
      if (addr === undefined) continue;
      listeners.push(server);
      bound.push(addr);
      port = addr.port;
    }
    if (listeners.length === 0) throw new ListenError("No bind address could be used");
  } catch (err) {
    await Promise.all(listeners.map((l) => new Promise((r) => l.close(r))));
    throw err;
  }
  return { listeners, bound };
}

class Counters {
  totalConnections = 0;
  totalCommands = 0;
  rejected = 0;
  errors = 0;
  netIn = 0;
  netOut = 0;
}

/** Listens, then resolves with the running server. */
export async function startRespServer(
  options: RespServerOptions,
  host: ServerHost,
): Promise<RespServer> {
  const server = new RespServer(options, host);
  await server.listen();
  return server;
}

/** ACL passwords' SHA-256 (node:crypto is loaded at the first password: entropy.ts). */
function sha256Hex(text: string): string {
  return process
    .getBuiltinModule("node:crypto")
    .createHash("sha256")
    .update(text, "utf8")
    .digest("hex");
}

/**
 * One RESP server: its listeners, its sessions, the pub/sub hub and the counters INFO reports.
 * Built idle; `listen()` binds every address (and the TLS ones), or closes what it bound and
 * throws.
 */
export class RespServer {
  /** The ACL (users, requirepass) the server authenticates against. */
  readonly acl: Acl;
  private readonly options: RespServerOptions;
  private readonly limits: ClientLimits;
  private readonly maxClients: number;
  private readonly runId: string;
  private readonly hub = new PubSubHub();
  private readonly pause = new ServerPause();
  private readonly sessions = new Map<number, ClientSession>();
  private readonly counters = new Counters();
  private readonly startedAt = performance.now();
  private readonly boundAddrs: AddressInfo[] = [];
  private readonly tlsAddrs: AddressInfo[] = [];
  private readonly listeners: Server[] = [];
  private readonly tlsListeners: TlsServer[] = [];
  private readonly loopLag: EventLoopLag;
  private readonly env: SessionEnvironment;
  /**
   * The next client id. redis-sentinel's first connection is id 3: at start createClient(NULL)
   * made the modules' reused context client (id 1, moduleInitModulesSystem) and Lua's script
   * client (id 2, scriptingInit); its links to masters, replicas and peers are hiredis contexts
   * and take none, and neither do Vigil's.
   */
  private nextId = 3;

  constructor(options: RespServerOptions, host: ServerHost) {
    this.options = options;
    this.limits = { ...DEFAULT_CLIENT_LIMITS, ...options.limits };
    this.maxClients = options.maxClients ?? 10_000;
    this.loopLag = options.loopLag ?? new EventLoopLag();
    this.runId = options.runId ?? randomHex(40);
    this.acl = new Acl(sha256Hex, options.requirePass);
    this.env = this.sessionEnv(host);
  }

  /** What every session shares: the services its commands use and the server's counters. */
  private sessionEnv(host: ServerHost): SessionEnvironment {
    const { sessions, counters, hub, acl, pause } = this;
    const services: ServerServices = {
      host,
      acl,
      aclLog: new AclLog(() => Date.now()),
      pubsub: hub,
      infoFacts: () => this.infoFacts(),
      clients: (): ClientFacts[] => [...sessions.values()].map((s) => s.facts()),
      subscribersOf: (user) =>
        [...sessions.values()].filter(
          (s) => s.user === user && s.channels.size + s.patterns.size > 0,
        ),
      killClient: (id) => sessions.get(id)?.destroy(),
      clientPause: pause,
      randomHex,
      ...(this.options.aclFile === undefined ? {} : { aclFile: this.options.aclFile(acl) }),
    };
    return {
      services,
      limits: this.limits,
      now: () => performance.now(),
      commandProcessed: (isError: boolean) => {
        counters.totalCommands += 1;
        if (isError) counters.errors += 1;
      },
      bytesIn: (n: number) => (counters.netIn += n),
      bytesOut: (n: number) => (counters.netOut += n),
      closed: (s: ClientSession) => {
        // A refused connection was never registered; past maxclients it carries the id of the
        // next accepted one, whose entries must stay.
        if (sessions.get(s.id) !== s) return;
        sessions.delete(s.id);
        hub.unregister(s);
        pause.forget(s);
      },

      hold: (s: ClientSession) => {
        pause.hold(s);
      },
      warn: (m: string) => this.options.logger?.warn(m),
      authRequired: () => acl.defaultUserNeedsAuth(),
    };
  }

  /** Connections with CLIENT TRACKING on (tracking.c: server.tracking_clients). */
  private trackingClients(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.tracking !== undefined) n += 1;
    return n;
  }

  private infoFacts(): InfoFacts {
    const cpu = process.cpuUsage();
    const uptime = Math.floor((performance.now() - this.startedAt) / 1000);
    const { options, counters } = this;
    // node:os at the first INFO: a start without one does not load it (issue #18).
    const { arch, machine, release, type } = process.getBuiltinModule("node:os");
    return {
      os: `${type()} ${release()} ${machine()}`,
      archBits: arch().endsWith("64") ? 64 : 32,
      processId: process.pid,
      runId: this.runId,
      tcpPort: options.reportedPort ?? this.boundAddrs[0]?.port ?? 0,
      serverTimeUsec: BigInt(Date.now()) * 1000n,
      uptimeSeconds: uptime,
      hz: options.hz?.() ?? 10,
      configuredHz: 10,
      lruClock: Math.floor(Date.now() / 1000) & 0xffffff,
      executable: options.executable ?? process.argv[1] ?? "",
      configFile: options.configFile ?? "",
      connectedClients: this.sessions.size,
      blockedClients: this.pause.heldCount,
      trackingClients: this.trackingClients(),
      maxClients: this.maxClients,
      totalConnectionsReceived: counters.totalConnections,
      totalCommandsProcessed: counters.totalCommands,
      totalNetInputBytes: counters.netIn,
      totalNetOutputBytes: counters.netOut,
      rejectedConnections: counters.rejected,
      pubsubChannels: this.hub.channelCount,
      pubsubPatterns: this.hub.patternCount,
      totalErrorReplies: counters.errors,
      usedCpuSys: cpu.system / 1e6,
      usedCpuUser: cpu.user / 1e6,
      eventLoopLag: { p99Ms: this.loopLag.p99Ms(), histogram: this.loopLag.snapshot() },
    };
  }

  private readonly onConnection = (socket: Socket): void => {
    this.counters.totalConnections += 1;
    const session = new ClientSession(this.nextId, socket, this.env);
    // networking.c: acceptCommonHandler refuses past maxclients before createClient, so the
    // refused connection takes no id; protected mode refuses a created client, which took one.
    if (this.sessions.size >= this.maxClients) {
      this.counters.rejected += 1;
      session.rejectWith(MAX_CLIENTS_ERROR);
      return;
    }
    this.nextId += 1;
    if (
      this.options.protectedMode === true &&
      this.acl.defaultUserHasNopass() &&
      !isLoopback(session.remoteAddress)
    ) {
      session.rejectWith(PROTECTED_MODE_DENIED);
      return;
    }
    this.sessions.set(session.id, session);
    this.hub.register(session);
  };

  /** Binds the plain listeners (unless `port` is null), then the TLS ones. */
  async listen(): Promise<void> {
    const { options } = this;
    const specs = parseBind(options.bind ?? ["*", "-::*"]);
    try {
      if (options.port !== null) {
        const plain = await listenAll(specs, options.port, () =>
          createServer({ noDelay: true, pauseOnConnect: true }, this.onConnection),
        );
        this.listeners.push(...plain.listeners);
        this.boundAddrs.push(...plain.bound);
      }
      const tlsOptions = options.tls;
      if (tlsOptions !== undefined) {
        const secure = await listenAll(specs, tlsOptions.port, () =>
          createTlsListener(tlsOptions.contexts, this.onConnection, (m) => options.logger?.warn(m)),
        );
        this.listeners.push(...secure.listeners);
        this.tlsListeners.push(...secure.listeners);
        this.tlsAddrs.push(...secure.bound);
        this.boundAddrs.push(...secure.bound);
      }
    } catch (err) {
      await Promise.all(this.listeners.map((l) => new Promise((r) => l.close(r))));
      throw err;
    }
  }

  /** Delivers to channel and pattern subscribers; returns how many frames were delivered. */
  publish(channel: string, message: string): number {
    return this.hub.publish(channel, message);
  }

  /** The first listener's address. */
  address(): AddressInfo {
    return this.boundAddrs[0]!;
  }

  /** Every listener's address (plain ones first). */
  addresses(): readonly AddressInfo[] {
    return [...this.boundAddrs];
  }

  /** The event-loop lag histogram INFO all shows (since the start). */
  lag(): LagSnapshot {
    return this.loopLag.snapshot();
  }

  /** The TLS listeners' addresses (empty without TLS). */
  tlsAddresses(): readonly AddressInfo[] {
    return [...this.tlsAddrs];
  }

  /** Reloaded certificates for the TLS listeners' new connections (SIGHUP, tls-reload.ts). */
  renewTls(contexts: TlsContexts): void {
    for (const listener of this.tlsListeners) renewTlsListener(listener, contexts);
  }

  stats(): RespServerStats {
    const counters = this.counters;
    return {
      connectedClients: this.sessions.size,
      totalConnectionsReceived: counters.totalConnections,
      totalCommandsProcessed: counters.totalCommands,
      rejectedConnections: counters.rejected,
      totalErrorReplies: counters.errors,
      totalNetInputBytes: counters.netIn,
      totalNetOutputBytes: counters.netOut,
    };
  }

  /** Stops accepting, closes every client, resolves when the listeners are closed. */
  async close(): Promise<void> {
    const closing = this.listeners.map(
      (l) =>
        new Promise<void>((r) =>
          l.close(() => {
            r();
          }),
        ),
    );
    this.pause.stop();
    for (const s of [...this.sessions.values()]) s.destroy();
    await Promise.all(closing);
  }
}

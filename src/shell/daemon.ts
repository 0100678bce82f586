/**
 * Wires one running sentinel: core, runtime, links, scripts, scheduler, the RESP server and the
 * pidfile, and owns the ordered shutdown (fastify's onClose discipline, docs/ARCHITECTURE.md §4.4):
 * stop accepting clients, stop the tick, wait for the persist in flight, close the links, remove
 * the pidfile, flush the log. Nothing here decides anything the core decides.
 */
import { defaultIsExecutable, strerror } from "../config/load-config.js";
import { aclUserLines, loadUserLines } from "../config/user-directive.js";
import type { SecureContext } from "node:tls";
import type { ListenPlan } from "../config/tls-settings.js";
import {
  NOT_LISTENING,
  announcedPort,
  listenPlan,
  reportedPort,
  tlsNeeded,
  tlsSettings,
} from "../config/tls-settings.js";
import type { LoadedConfig, ServerSettings } from "../config/types.js";
import type { Command, Input } from "../core/index.js";
import { SentinelCore } from "../core/index.js";
import { ConfigError, TlsConfigError } from "../errors.js";
import { monotonicNow, wallNow } from "./clock.js";
import { ConfigStore } from "./config-store.js";
import { REDIS_VERSION } from "./config-report.js";
import { HostResolver } from "./host-resolver.js";
import { LinkManager } from "./link-manager.js";
import type { Logger } from "./logger.js";
import { createLogger, flushLogger, logAt, pinoFor } from "./logger.js";
import { removePidFile, writePidFile } from "./pidfile.js";
import { loadRedisClient } from "./redis-link.js";
import type { RespServer } from "./resp-server.js";
import { startRespServer } from "./resp-server.js";
import { Runtime, type CoreDriver } from "./runtime.js";
import { EventLoopLag } from "./event-loop-lag.js";
import { Scheduler } from "./scheduler.js";
import { ScriptRunner } from "./script-runner.js";
import { SentinelHost } from "./sentinel-host.js";
import type { Supervision } from "./supervision.js";
import { startSupervision } from "./supervision.js";
import { systemRandom } from "./system-random.js";
import type { TlsContexts } from "./tls-context.js";
import { buildTlsContexts } from "./tls-context.js";
import { reloadTls } from "./tls-reload.js";
import type { Readiness } from "./daemon-http.js";
import { startDaemonHttp } from "./daemon-http.js";
import type { HttpServer } from "./http/server.js";
import type { Telemetry } from "./http/telemetry.js";

export interface DaemonOptions {
  /** INFO executable. */
  readonly executable: string;
  /** process.exit, injectable. */
  readonly exit: (code: number) => void;
}

export interface Daemon {
  readonly logger: Logger;
  /** Ordered shutdown, then exit 0. Safe to call more than once. */
  shutdown(reason: string): Promise<void>;
  /** SIGHUP: re-reads the TLS files when TLS is in use (tls-reload.ts); else does nothing. */
  reloadTls(): void;
}

/** Redis's default pidfile for a daemonized server without one (server.c: createPidFile). */
export const DEFAULT_DAEMON_PIDFILE = "/var/run/redis.pid";

/**
 * The settings as the running daemon uses (and rewrites) them: a daemonized sentinel without a
 * pidfile writes Redis's default one, and the rewrite then names it, as redis-sentinel's does.
 */
export function effectiveServer(server: ServerSettings): ServerSettings {
  return server.daemonize && server.pidfile === ""
    ? { ...server, pidfile: DEFAULT_DAEMON_PIDFILE }
    : server;
}

/** redis-sentinel 7.0's first lines, as it writes them before it listens. */
function logBoot(logger: Logger, loaded: LoadedConfig): void {
  logAt(logger, "warning", "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
  logAt(
    logger,
    "warning",
    `Redis version=${REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid=${process.pid}, just started`,
  );
  logAt(logger, "warning", "Configuration loaded");
  logAt(logger, "notice", "monotonic clock: POSIX clock_gettime");
  if (loaded.server.aclfile !== "")
    logAt(logger, "warning", "aclfile is not supported: use user directives");
}

/** Carries out the core's commands: lookups by the resolver, everything else on the links. */
function commandExecutor(
  links: LinkManager,
  resolver: HostResolver,
  push: (input: Input) => void,
): { execute(command: Command): void } {
  return {
    execute(command) {
      if (command.type === "resolve") resolver.resolve(command.host, push);
      else links.execute(command);
    },
  };
}

/**
 * The core as the runtime drives it, counting its steps: the state changes only then, so the
 * host's read cache is stamped with the count (sentinel-host.ts).
 */
function countSteps(core: SentinelCore): { driver: CoreDriver; count: () => number } {
  let steps = 0;
  return {
    driver: {
      step: (now, input) => {
        steps += 1;
        core.step(now, input);
      },
      takeReady: () => core.takeReady(),
      snapshot: () => core.snapshot(),
      get state() {
        return core.state;
      },
    },
    count: () => steps,
  };
}

interface Parts {
  readonly core: SentinelCore;
  readonly scripts: ScriptRunner;
  readonly runtime: Runtime;
  readonly links: LinkManager;
  readonly scheduler: Scheduler;
  readonly host: SentinelHost;
  /** Fed by the scheduler's tick timer, shown by INFO all and the metrics endpoint. */
  readonly loopLag: EventLoopLag;
}

/** Builds the pieces; `publish` and `shutdown` reach the server and daemon created later. */
function wire(
  loaded: LoadedConfig,
  logger: Logger,
  resolver: HostResolver,
  hosts: ReadonlyMap<string, string | null>,
  linkTls: () => SecureContext | undefined,
  late: {
    publish: (channel: string, message: string) => void;
    users: () => readonly string[] | undefined;
    shutdown: () => void;
    exit: (code: number) => void;
    /** The HTTP endpoint's observers (shell/http/telemetry.ts), when metrics-port is on. */
    telemetry: () => Telemetry | null;
  },
): Parts {
  const settings = loaded.server;
  const core = new SentinelCore(loaded.sentinel, {
    random: systemRandom,
    now: monotonicNow(),
    port: announcedPort(settings),
    requirePass: settings.requirepass,
    hosts,
  });
  const scripts = new ScriptRunner({
    now: monotonicNow,
    timing: () => core.state.timing,
    onEvent: (event) => {
      runtime.emitEvent(event);
    },
  });
  const links = new LinkManager({
    push: (input) => {
      runtime.push(input);
    },
    logger,
    tls: linkTls,
  });
  const stepped = countSteps(core);
  const runtime = new Runtime({
    core: stepped.driver,
    store: new ConfigStore({
      file: loaded.file,
      format: loaded.format,
      stateFile: loaded.stateFile,
      server: settings,
      users: () => late.users() ?? settings.users,
      yamlMasters: loaded.yamlMasters,
      observeSave: (seconds, ok) => {
        late.telemetry()?.observeSave(seconds, ok);
      },
    }),
    commands: commandExecutor(links, resolver, (input) => {
      runtime.push(input);
    }),
    scripts,
    publish: late.publish,
    logger,
    now: monotonicNow,
    exit: late.exit,
    observeEvent: (event) => {
      late.telemetry()?.observeEvent(event);
    },
    // Regular ticks may wait while every record is quiet and no script is queued (scheduler.ts).
    afterRun: () => {
      scheduler.holdUntil(scripts.queueLength === 0 ? core.quietUntil() : 0);
    },
  });
  const loopLag = new EventLoopLag();
  const scheduler = new Scheduler({
    random: systemRandom,
    monotonicNow,
    wallNow,
    onLate: (lateMs) => {
      loopLag.record(lateMs);
    },
    onTick: (_now, wall, idleMs) => {
      runtime.push({ type: "tick", wallNow: wall, idleMs });
      scripts.tick();
    },
  });
  const host = new SentinelHost({
    runtime,
    state: () => core.state,
    scripts,
    now: monotonicNow,
    isExecutable: defaultIsExecutable,
    shutdown: late.shutdown,
    lookupHost: (host) => resolver.lookup(host),
    generation: stepped.count,
  });
  return { core, scripts, runtime, links, scheduler, host, loopLag };
}

async function listen(
  loaded: LoadedConfig,
  parts: Parts,
  logger: Logger,
  executable: string,
  plan: ListenPlan,
  tls: TlsContexts | undefined,
): Promise<RespServer> {
  const settings = loaded.server;
  const resp = await startRespServer(
    {
      port: plan.plain,
      ...(plan.tls !== null && tls !== undefined ? { tls: { port: plan.tls, contexts: tls } } : {}),
      reportedPort: reportedPort(settings),
      ...(settings.bind.length > 0 ? { bind: settings.bind } : {}),
      protectedMode: settings.protectedMode,
      requirePass: settings.requirepass,
      executable,
      configFile: loaded.file,
      hz: () => parts.scheduler.currentHz,
      loopLag: parts.loopLag,
      logger: {
        warn: (message) => {
          logAt(logger, "warning", message);
        },
      },
    },
    parts.host,
  );
  loadUserLines(resp.acl, settings.users);
  return resp;
}

export async function startDaemon(given: LoadedConfig, options: DaemonOptions): Promise<Daemon> {
  const loaded: LoadedConfig = { ...given, server: effectiveServer(given.server) };
  const settings = loaded.server;
  const logger = createLogger({
    level: loaded.sentinel.global.logLevel,
    logfile: settings.logfile,
    format: settings.logFormat,
    timestampFormat: settings.logTimestampFormat,
    ...(await pinoFor(settings.logFormat)),
  });
  const exitNow = (code: number): void => {
    flushLogger(logger);
    options.exit(code);
  };
  const supervision = await startSupervision(settings.supervised, logger);
  logBoot(logger, loaded);
  const plan = listenPlan(settings);
  if (plan === null) {
    logAt(logger, "warning", NOT_LISTENING);
    exitNow(1);
    throw new ConfigError({ file: loaded.file, line: 0, directive: "port", reason: NOT_LISTENING });
  }
  let resp: RespServer | null = null;
  let daemon: Daemon | null = null;
  let telemetry: Telemetry | null = null;
  const resolver = new HostResolver(logger);
  const hosts = await resolver.lookupConfigured(loaded.sentinel);
  const tls = configureTls(settings, logger, exitNow);
  const tlsOn = tlsSettings(settings.tls);
  // Replaced by a SIGHUP reload: each new link takes the current one.
  const linkTls = { current: tlsOn.replication ? tls?.client : undefined };
  const parts = wire(loaded, logger, resolver, hosts, () => linkTls.current, {
    publish: (channel, message) => {
      resp?.publish(channel, message);
    },
    users: () => (resp === null ? undefined : aclUserLines(resp.acl)),
    shutdown: () => {
      void daemon?.shutdown("SHUTDOWN");
    },
    exit: exitNow,
    telemetry: () => telemetry,
  });
  try {
    resp = await listen(loaded, parts, logger, options.executable, plan, tls);
  } catch (err: unknown) {
    // server.c: listenToPort's warning, then initServer's abort line.
    const where = err as { address?: unknown; port?: unknown; syscall?: unknown } | null;
    if (typeof where?.address === "string" && typeof where.port === "number") {
      const call = where.syscall === "getaddrinfo" ? "" : "bind: ";
      logAt(
        logger,
        "warning",
        `Warning: Could not create server TCP listening socket ${where.address}:${where.port}: ${call}${strerror(err)}`,
      );
    }
    const failed = plan.plain !== null ? `${plan.plain} (TCP)` : `${String(plan.tls)} (TLS)`;
    logAt(logger, "warning", `Failed listening on port ${failed}, aborting.`);
    exitNow(1);
    throw err;
  }
  const readiness: Readiness = { started: false, closing: false };
  let http: HttpServer | null = null;
  if (settings.metricsPort !== 0) {
    ({ http, telemetry } = await startDaemonHttp(loaded, parts, resp, readiness, logger, exitNow));
  }
  // server.c main: createPidFile, then the "Running mode" line.
  if (settings.pidfile !== "") {
    const failure = writePidFile(settings.pidfile);
    if (failure !== null) logAt(logger, "warning", `Failed to write PID file: ${failure}`);
  }
  logAt(logger, "notice", `Running mode=sentinel, port=${reportedPort(settings)}.`);
  // Links are opened by the first ticks: ioredis loads while PING is already answered.
  await loadRedisClient();
  await parts.runtime.start();
  parts.scheduler.start();
  supervision.ready();
  readiness.started = true;
  const server = resp;
  const shutdown = orderedShutdown(logger, server, parts, settings, supervision, exitNow, {
    http,
    telemetry,
    readiness,
  });
  daemon = { ...shutdown, reloadTls: tlsReload(settings, tls, server, linkTls, logger) };
  return daemon;
}

/**
 * SIGHUP's reload (tls-reload.ts), when TLS is in use: the files of the config as loaded are
 * read again with the start's checks; the listener and the next links take the new contexts.
 */
function tlsReload(
  settings: ServerSettings,
  tls: TlsContexts | undefined,
  server: RespServer,
  linkTls: { current: SecureContext | undefined },
  logger: Logger,
): () => void {
  const tlsOn = tlsSettings(settings.tls);
  const build = (): TlsContexts => buildTlsContexts(tlsOn, settings.tls["tls-cluster"] === "yes");
  const apply = (contexts: TlsContexts): void => {
    server.renewTls(contexts);
    if (tlsOn.replication) linkTls.current = contexts.client;
  };
  return () => {
    if (tls !== undefined) reloadTls(build, apply, logger);
  };
}

/**
 * Builds the TLS contexts when Redis would (a TLS port or TLS links, tls-settings.ts:
 * tlsNeeded). A setting that cannot be used is logged as Redis logs it, then the process exits 1.
 */
function configureTls(
  settings: ServerSettings,
  logger: Logger,
  exitNow: (code: number) => void,
): TlsContexts | undefined {
  const tls = tlsSettings(settings.tls);
  if (!tlsNeeded(tls, settings.tls)) return undefined;
  try {
    return buildTlsContexts(tls, settings.tls["tls-cluster"] === "yes");
  } catch (err: unknown) {
    if (!(err instanceof TlsConfigError)) throw err;
    logAt(logger, "warning", err.message);
    logAt(logger, "warning", "Failed to configure TLS. Check logs for more info.");
    exitNow(1);
    throw err;
  }
}

interface HttpParts {
  readonly http: HttpServer | null;
  readonly telemetry: Telemetry | null;
  readonly readiness: Readiness;
}

function orderedShutdown(
  logger: Logger,
  server: RespServer,
  parts: Parts,
  { pidfile }: ServerSettings,
  supervision: Supervision,
  exitNow: (code: number) => void,
  httpParts: HttpParts,
): Omit<Daemon, "reloadTls"> {
  let closing: Promise<void> | null = null;
  return {
    logger,
    shutdown() {
      closing ??= (async () => {
        logAt(logger, "warning", "User requested shutdown...");
        const stopping = supervision.stopping();
        httpParts.readiness.closing = true;
        httpParts.telemetry?.ring.release();
        await httpParts.http?.close();
        await server.close();
        parts.scheduler.stop();
        await parts.runtime.stop();
        parts.links.closeAll();
        await httpParts.telemetry?.failovers.flushed();
        if (pidfile !== "") {
          logAt(logger, "notice", "Removing the pid file.");
          removePidFile(pidfile);
        }
        logAt(logger, "warning", "Sentinel is now ready to exit, bye bye...");
        await stopping;
        exitNow(0);
      })();
      return closing;
    },
  };
}

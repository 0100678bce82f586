/**
 * Starts one running sentinel: its pieces (core, runtime, links, scripts, scheduler, built in
 * daemon-parts.ts), the RESP server and the pidfile, and owns the ordered shutdown (fastify's
 * onClose discipline, docs/ARCHITECTURE.md §4.4): stop accepting clients, stop the tick, wait for
 * the persist in flight, carry out the core's `shutdown` input (and wait briefly for the replies),
 * close the links, remove the pidfile, flush the log. Nothing here decides anything the core
 * decides.
 */
import { strerror } from "../config/load-config.js";
import { aclUserLines, loadUserLines } from "../config/user-directive.js";
import { aclFileAccess, loadAclFile } from "./acl-file-io.js";
import type { SecureContext } from "node:tls";
import type { ListenPlan } from "../config/tls-settings.js";
import {
  NOT_LISTENING,
  listenPlan,
  reportedPort,
  tlsNeeded,
  tlsSettings,
} from "../config/tls-settings.js";
import type { LoadedConfig, ServerSettings } from "../config/types.js";
import { setCommandRenames } from "../commands/live-commands.js";
import { ConfigError, TlsConfigError } from "../errors.js";
import { REDIS_VERSION } from "./config-report.js";
import type { Late, Parts } from "./daemon-parts.js";
import { wire } from "./daemon-parts.js";
import { HostResolver } from "./host-resolver.js";
import type { Logger } from "./logger.js";
import { createLogger, flushLogger, logAt, pinoFor } from "./logger.js";
import { removePidFile, writePidFile } from "./pidfile.js";
import { loadRedisClient } from "./redis-link.js";
import type { RespServer } from "./resp-server.js";
import { startRespServer } from "./resp-server.js";
import type { Supervision } from "./supervision.js";
import { startSupervision } from "./supervision.js";
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
function logBoot(logger: Logger): void {
  logAt(logger, "warning", "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
  logAt(
    logger,
    "warning",
    `Redis version=${REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid=${process.pid}, just started`,
  );
  logAt(logger, "warning", "Configuration loaded");
  logAt(logger, "notice", "monotonic clock: POSIX clock_gettime");
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
  // Before the first client: sessions read the fast paths the renames leave (fast-requests.ts).
  setCommandRenames(settings.renameCommands);
  const resp = await startRespServer(
    {
      port: plan.plain,
      ...(plan.tls !== null && tls !== undefined ? { tls: { port: plan.tls, contexts: tls } } : {}),
      reportedPort: reportedPort(settings),
      ...(settings.bind.length > 0 ? { bind: settings.bind } : {}),
      protectedMode: settings.protectedMode,
      maxClients: settings.maxclients,
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
      ...(settings.aclfile === ""
        ? {}
        : {
            aclFile: aclFileAccess(settings.aclfile, (m) => {
              logAt(logger, "warning", m);
            }),
          }),
    },
    parts.host,
  );
  loadUserLines(resp.acl, settings.users);
  return resp;
}

/** The one logger, as the config sets it up (pino is loaded only for the JSON format). */
async function openLogger(loaded: LoadedConfig): Promise<Logger> {
  const settings = loaded.server;
  return createLogger({
    level: loaded.sentinel.global.logLevel,
    logfile: settings.logfile,
    format: settings.logFormat,
    timestampFormat: settings.logTimestampFormat,
    ...(await pinoFor(settings.logFormat)),
  });
}

/** The ports to listen on. A config with none is logged as Redis logs it, then exit 1. */
function listenPlanOrExit(
  loaded: LoadedConfig,
  logger: Logger,
  exitNow: (code: number) => void,
): ListenPlan {
  const plan = listenPlan(loaded.server);
  if (plan === null) {
    logAt(logger, "warning", NOT_LISTENING);
    exitNow(1);
    throw new ConfigError({ file: loaded.file, line: 0, directive: "port", reason: NOT_LISTENING });
  }
  return plan;
}

/** server.c: listenToPort's warning, then initServer's abort line. */
function logListenFailure(logger: Logger, err: unknown, plan: ListenPlan): void {
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
}

/** What the pieces reach once it exists: set by startDaemon as each one is created. */
interface LateRefs {
  resp: RespServer | null;
  telemetry: Telemetry | null;
  daemon: Daemon | null;
}

function lateHooks(refs: LateRefs, exitNow: (code: number) => void): Late {
  return {
    publish: (channel, message) => {
      refs.resp?.publish(channel, message);
    },
    users: () => (refs.resp === null ? undefined : aclUserLines(refs.resp.acl)),
    shutdown: () => {
      void refs.daemon?.shutdown("SHUTDOWN");
    },
    exit: exitNow,
    telemetry: () => refs.telemetry,
  };
}

/** server.c main: createPidFile, then the "Running mode" line. */
function announceRunning(settings: ServerSettings, logger: Logger): void {
  if (settings.pidfile !== "") {
    const failure = writePidFile(settings.pidfile);
    if (failure !== null) logAt(logger, "warning", `Failed to write PID file: ${failure}`);
  }
  logAt(logger, "notice", `Running mode=sentinel, port=${reportedPort(settings)}.`);
}

export async function startDaemon(given: LoadedConfig, options: DaemonOptions): Promise<Daemon> {
  const loaded: LoadedConfig = { ...given, server: effectiveServer(given.server) };
  const settings = loaded.server;
  const logger = await openLogger(loaded);
  const exitNow = (code: number): void => {
    flushLogger(logger);
    options.exit(code);
  };
  const supervision = await startSupervision(settings.supervised, logger);
  logBoot(logger);
  const plan = listenPlanOrExit(loaded, logger, exitNow);
  const refs: LateRefs = { resp: null, telemetry: null, daemon: null };
  const resolver = new HostResolver(logger);
  const hosts = await resolver.lookupConfigured(loaded.sentinel);
  const tls = configureTls(settings, logger, exitNow);
  // Replaced by a SIGHUP reload: each new link takes the current one.
  const linkTls = { current: tlsSettings(settings.tls).replication ? tls?.client : undefined };
  const late = lateHooks(refs, exitNow);
  const parts = wire(loaded, logger, resolver, hosts, () => linkTls.current, late);
  let server: RespServer;
  try {
    server = await listen(loaded, parts, logger, options.executable, plan, tls);
  } catch (err: unknown) {
    logListenFailure(logger, err, plan);
    exitNow(1);
    throw err;
  }
  refs.resp = server;
  if (settings.aclfile !== "") {
    // acl.c: ACLLoadUsersAtStartup, once the port is bound.
    const errors = loadAclFile(server.acl, settings.aclfile);
    if (errors !== null) {
      logAt(logger, "warning", `Aborting Redis startup because of ACL errors: ${errors}`);
      exitNow(1);
      throw new ConfigError({ file: loaded.file, line: 0, directive: "aclfile", reason: errors });
    }
  }
  const readiness: Readiness = { started: false, closing: false };
  const started =
    settings.metricsPort === 0
      ? null
      : await startDaemonHttp(loaded, parts, server, readiness, logger, exitNow);
  refs.telemetry = started?.telemetry ?? null;
  announceRunning(settings, logger);
  // Links are opened by the first ticks: ioredis loads while PING is already answered.
  await loadRedisClient();
  await parts.runtime.start();
  parts.scheduler.start();
  supervision.ready();
  readiness.started = true;
  const http = { http: started?.http ?? null, telemetry: refs.telemetry, readiness };
  const shutdown = orderedShutdown(logger, server, parts, settings, supervision, exitNow, http);
  refs.daemon = { ...shutdown, reloadTls: tlsReload(settings, tls, server, linkTls, logger) };
  return refs.daemon;
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

/**
 * How long the shutdown waits for the replies to what it sent last (a coordinated failover's
 * FAILOVER ABORT) before it closes the links anyway: a shutdown never hangs on an instance.
 */
const SHUTDOWN_REPLY_WAIT_MS = 500;

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
        // The core's last word (Input `shutdown`): a coordinated failover's master waiting for
        // its promotion gets FAILOVER ABORT and CLIENT UNPAUSE, or its writes stay paused for up
        // to failover-timeout. Their replies are awaited, at most SHUTDOWN_REPLY_WAIT_MS.
        await parts.runtime.stop({ type: "shutdown" });
        await parts.links.transactionsSettled(SHUTDOWN_REPLY_WAIT_MS);
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

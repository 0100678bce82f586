/**
 * Wires one running sentinel: core, runtime, links, scripts, scheduler, the RESP server and the
 * pidfile, and owns the ordered shutdown (fastify's onClose discipline, architecture §2.4):
 * stop accepting clients, stop the tick, wait for the persist in flight, close the links, remove
 * the pidfile, flush the log. Nothing here decides anything the core decides.
 */
import { coreReplyToReply } from "../commands/sentinel.js";
import { defaultIsExecutable } from "../config/load-config.js";
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
import { TlsConfigError } from "../errors.js";
import { SentinelCore } from "../core/sentinel-core.js";
import type { MasterState, SentinelState } from "../core/state.js";
import { monotonicNow, wallNow } from "./clock.js";
import { ConfigStore } from "./config-store.js";
import { REDIS_VERSION } from "./config-report.js";
import { LinkManager } from "./link-manager.js";
import type { Logger } from "./logger.js";
import { createLogger, flushLogger, logAt } from "./logger.js";
import { removePidFile, writePidFile } from "./pidfile.js";
import { loadRedisClient } from "./redis-link.js";
import type { RespServer } from "./resp-server.js";
import { startRespServer } from "./resp-server.js";
import { Runtime } from "./runtime.js";
import { Scheduler } from "./scheduler.js";
import { ScriptRunner } from "./script-runner.js";
import { SentinelHost } from "./sentinel-host.js";
import { systemRandom } from "./system-random.js";
import type { TlsContexts } from "./tls-context.js";
import { buildTlsContexts } from "./tls-context.js";

/** Connect attempts never outlive a master's down-after (nor 10 s). */
const MAX_CONNECT_TIMEOUT = 10_000;
const MIN_CONNECT_TIMEOUT = 100;

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
}

/** The smallest down-after of all masters, capped at MAX_CONNECT_TIMEOUT. */
function smallestDownAfter(state: SentinelState): number {
  let smallest = MAX_CONNECT_TIMEOUT;
  for (const master of state.masters.values()) {
    smallest = Math.min(smallest, master.settings.downAfterPeriod);
  }
  return smallest;
}

/**
 * The master whose replica link this is: `slave:<master>:<ip:port>`, where the name may itself
 * hold colons. When several names fit, the last in table order wins; null when none does.
 */
function replicaLinkMaster(state: SentinelState, link: string): MasterState | null {
  let found: MasterState | null = null;
  let foundOrder = -1;
  for (let colon = link.indexOf(":", 6); colon !== -1; colon = link.indexOf(":", colon + 1)) {
    const master = state.masters.get(link.slice(6, colon));
    if (master === undefined) continue;
    if (found === null) {
      found = master;
      continue;
    }
    // Rare (a master name that is a prefix of another's): settle the order by the table.
    if (foundOrder === -1) foundOrder = tableOrder(state, found);
    const order = tableOrder(state, master);
    if (order > foundOrder) {
      found = master;
      foundOrder = order;
    }
  }
  return found;
}

function tableOrder(state: SentinelState, wanted: MasterState): number {
  let i = 0;
  for (const master of state.masters.values()) {
    if (master === wanted) return i;
    i++;
  }
  return -1;
}

/**
 * The connect timeout of a link: its master's down-after, or the smallest one for peers.
 * Looked up by name, not by a scan of every master: at a thousand masters the scan on each of
 * the startup connects was a visible part of the CPU.
 */
function connectTimeoutFor(state: SentinelState, link: string): number {
  let timeout = MAX_CONNECT_TIMEOUT;
  if (link.startsWith("master:")) {
    timeout = state.masters.get(link.slice(7))?.settings.downAfterPeriod ?? timeout;
  } else if (link.startsWith("slave:")) {
    timeout = replicaLinkMaster(state, link)?.settings.downAfterPeriod ?? timeout;
  } else if (link.startsWith("sentinel:")) {
    timeout = smallestDownAfter(state);
  }
  return Math.max(MIN_CONNECT_TIMEOUT, Math.min(timeout, MAX_CONNECT_TIMEOUT));
}

function splitUserLine(line: string): { name: string; rules: string[] } | null {
  const [name, ...rules] = line.trim().split(/\s+/);
  return name === undefined || name === "" ? null : { name, rules };
}

/** Redis's first startup lines (the rest follows once TLS is configured). */
function logBanner(logger: Logger): void {
  logAt(
    logger,
    "warning",
    "oO0OoO0OoO0Oo Vigil (Redis Sentinel compatible) is starting oO0OoO0OoO0Oo",
  );
  logAt(
    logger,
    "warning",
    `Redis version=${REDIS_VERSION}, bits=64, pid=${process.pid}, just started`,
  );
  logAt(logger, "warning", "Configuration loaded");
}

/** `Running mode=…`, then `Sentinel ID is <id>` comes later (sentinel.c: sentinelIsRunning). */
function logStartup(logger: Logger, loaded: LoadedConfig, port: number): void {
  logAt(logger, "notice", `Running mode=sentinel, port=${port}.`);
  if (loaded.server.daemonize)
    logAt(logger, "warning", "daemonize is not supported: running in the foreground");
  if (loaded.server.aclfile !== "")
    logAt(logger, "warning", "aclfile is not supported: use user directives");
}

interface Parts {
  readonly core: SentinelCore;
  readonly runtime: Runtime;
  readonly links: LinkManager;
  readonly scheduler: Scheduler;
  readonly host: SentinelHost;
}

/** Builds the pieces; `publish` and `shutdown` reach the server and daemon created later. */
function wire(
  loaded: LoadedConfig,
  logger: Logger,
  linkTls: SecureContext | undefined,
  late: {
    publish: (channel: string, message: string) => void;
    shutdown: () => void;
    exit: (code: number) => void;
  },
): Parts {
  const settings = loaded.server;
  const core = new SentinelCore(loaded.sentinel, {
    random: systemRandom,
    now: monotonicNow(),
    port: announcedPort(settings),
    requirePass: settings.requirepass,
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
    connectTimeout: (link) => connectTimeoutFor(core.state, link),
    tls: () => linkTls,
  });
  const runtime = new Runtime({
    core,
    store: new ConfigStore({ file: loaded.file, format: loaded.format, server: settings }),
    commands: links,
    scripts,
    publish: late.publish,
    logger,
    now: monotonicNow,
    renderReply: coreReplyToReply,
    exit: late.exit,
  });
  const scheduler = new Scheduler({
    random: systemRandom,
    monotonicNow,
    wallNow,
    onTick: (_now, wall) => {
      runtime.push({ type: "tick", wallNow: wall });
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
  });
  return { core, runtime, links, scheduler, host };
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
      logger: {
        warn: (message) => {
          logAt(logger, "warning", message);
        },
      },
    },
    parts.host,
  );
  for (const line of settings.users) {
    const user = splitUserLine(line);
    if (user !== null) resp.acl.setUser(user.name, user.rules);
  }
  return resp;
}

export async function startDaemon(loaded: LoadedConfig, options: DaemonOptions): Promise<Daemon> {
  const settings = loaded.server;
  const logger = createLogger({ level: settings.loglevel, logfile: settings.logfile });
  const exitNow = (code: number): void => {
    flushLogger(logger);
    options.exit(code);
  };
  let resp: RespServer | null = null;
  let daemon: Daemon | null = null;
  logBanner(logger);
  const plan = listenPlan(settings);
  if (plan === null) {
    logAt(logger, "warning", NOT_LISTENING);
    exitNow(1);
    throw new Error(NOT_LISTENING);
  }
  const tls = configureTls(settings, logger, exitNow);
  const tlsOn = tlsSettings(settings.tls);
  const parts = wire(loaded, logger, tlsOn.replication ? tls?.client : undefined, {
    publish: (channel, message) => {
      resp?.publish(channel, message);
    },
    shutdown: () => {
      void daemon?.shutdown("SHUTDOWN");
    },
    exit: exitNow,
  });
  logStartup(logger, loaded, reportedPort(settings));
  try {
    resp = await listen(loaded, parts, logger, options.executable, plan, tls);
  } catch (err: unknown) {
    const reason = err instanceof Error ? err.message : String(err);
    const where = plan.plain !== null ? `${plan.plain} (tcp)` : `${String(plan.tls)} (tls)`;
    logAt(logger, "warning", `Failed listening on port ${where}, aborting: ${reason}`);
    exitNow(1);
    throw err;
  }
  if (settings.pidfile !== "") {
    const failure = writePidFile(settings.pidfile);
    if (failure !== null) logAt(logger, "warning", `Failed to write PID file: ${failure}`);
  }
  logAt(logger, "notice", `Sentinel ID is ${parts.core.state.myId}`);
  // Links are opened by the first ticks: ioredis loads while PING is already answered.
  await loadRedisClient();
  await parts.runtime.start();
  parts.scheduler.start();
  daemon = orderedShutdown(logger, resp, parts, settings.pidfile, exitNow);
  return daemon;
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

function orderedShutdown(
  logger: Logger,
  server: RespServer,
  parts: Parts,
  pidfile: string,
  exitNow: (code: number) => void,
): Daemon {
  let closing: Promise<void> | null = null;
  return {
    logger,
    shutdown(reason) {
      closing ??= (async () => {
        logAt(logger, "warning", `User requested shutdown... (${reason})`);
        await server.close();
        parts.scheduler.stop();
        await parts.runtime.stop();
        parts.links.closeAll();
        if (pidfile !== "") removePidFile(pidfile);
        logAt(logger, "warning", "Sentinel is now ready to exit, bye bye...");
        exitNow(0);
      })();
      return closing;
    },
  };
}

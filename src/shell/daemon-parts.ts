/**
 * The pieces of one running sentinel (core, scripts, links, runtime, scheduler, host) built and
 * wired to one another. They call one another back: each callback runs only once all are built.
 * `Late` reaches what daemon.ts creates after them (the server, the HTTP endpoint, the daemon).
 */
import type { SecureContext } from "node:tls";
import { defaultIsExecutable } from "../config/load-config.js";
import { announcedPort } from "../config/tls-settings.js";
import type { LoadedConfig } from "../config/types.js";
import type { Command, Input } from "../core/index.js";
import { SentinelCore } from "../core/index.js";
import { monotonicNow, wallNow } from "./clock.js";
import { ConfigStore } from "./config-store.js";
import { EventLoopLag } from "./event-loop-lag.js";
import type { HostResolver } from "./host-resolver.js";
import type { Telemetry } from "./http/telemetry.js";
import { LinkManager } from "./link-manager.js";
import { flushLinkWrites } from "./resp-link.js";
import type { Logger } from "./logger.js";
import { Runtime, type CoreDriver } from "./runtime.js";
import { Scheduler } from "./scheduler.js";
import { ScriptRunner } from "./script-runner.js";
import { SentinelHost } from "./sentinel-host.js";
import { systemRandom } from "./system-random.js";

export interface Parts {
  readonly core: SentinelCore;
  readonly scripts: ScriptRunner;
  readonly runtime: Runtime;
  readonly links: LinkManager;
  readonly scheduler: Scheduler;
  readonly host: SentinelHost;
  /** Fed by the scheduler's tick timer, shown by INFO all and the metrics endpoint. */
  readonly loopLag: EventLoopLag;
}

/** What the pieces reach of the server and daemon created after them. */
export interface Late {
  publish: (channel: string, message: string) => void;
  users: () => readonly string[] | undefined;
  shutdown: () => void;
  exit: (code: number) => void;
  /** The HTTP endpoint's observers (shell/http/telemetry.ts), when metrics-port is on. */
  telemetry: () => Telemetry | null;
}

/** Carries out the core's commands: lookups by the resolver, everything else on the links. */
function commandExecutor(
  links: LinkManager,
  resolver: HostResolver,
  push: (input: Input) => void,
): { execute(command: Command): void; flush(): void } {
  return {
    execute(command) {
      if (command.type === "resolve") resolver.resolve(command.host, push);
      else links.execute(command);
    },
    flush: flushLinkWrites,
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
      commandsAheadOfPersist: () => core.commandsAheadOfPersist(),
      get state() {
        return core.state;
      },
    },
    count: () => steps,
  };
}

function newCore(loaded: LoadedConfig, hosts: ReadonlyMap<string, string | null>): SentinelCore {
  return new SentinelCore(loaded.sentinel, {
    random: systemRandom,
    now: monotonicNow(),
    port: announcedPort(loaded.server),
    requirePass: loaded.server.requirepass,
    hosts,
  });
}

/** The config rewrite: users as ACL SETUSER left them, save times to the metrics endpoint. */
function newStore(loaded: LoadedConfig, late: Late): ConfigStore {
  const settings = loaded.server;
  return new ConfigStore({
    file: loaded.file,
    format: loaded.format,
    stateFile: loaded.stateFile,
    server: settings,
    users: () => late.users() ?? settings.users,
    yamlMasters: loaded.yamlMasters,
    observeSave: (seconds, ok) => {
      late.telemetry()?.observeSave(seconds, ok);
    },
  });
}

/** The jittered tick: each one a tick input for the core and a turn of the script queue. */
function newScheduler(
  loopLag: EventLoopLag,
  push: (input: Input) => void,
  scripts: ScriptRunner,
): Scheduler {
  return new Scheduler({
    random: systemRandom,
    monotonicNow,
    wallNow,
    onLate: (lateMs) => {
      loopLag.record(lateMs);
    },
    onTick: (_now, wall, idleMs) => {
      push({ type: "tick", wallNow: wall, idleMs });
      scripts.tick();
    },
  });
}

/** Builds the pieces; `late` reaches the server and daemon created later. */
export function wire(
  loaded: LoadedConfig,
  logger: Logger,
  resolver: HostResolver,
  hosts: ReadonlyMap<string, string | null>,
  linkTls: () => SecureContext | undefined,
  late: Late,
): Parts {
  const core = newCore(loaded, hosts);
  const push = (input: Input): void => {
    runtime.push(input);
  };
  const scripts = new ScriptRunner({
    now: monotonicNow,
    timing: () => core.state.timing,
    onEvent: (event) => {
      runtime.emitEvent(event);
    },
  });
  const links = new LinkManager({ push, logger, tls: linkTls });
  const stepped = countSteps(core);
  const runtime = new Runtime({
    core: stepped.driver,
    store: newStore(loaded, late),
    commands: commandExecutor(links, resolver, push),
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
  const scheduler = newScheduler(loopLag, push, scripts);
  const host = new SentinelHost({
    runtime,
    state: () => core.state,
    scripts,
    now: monotonicNow,
    isExecutable: defaultIsExecutable,
    shutdown: late.shutdown,
    lookupHost: (name) => resolver.lookup(name),
    generation: stepped.count,
  });
  return { core, scripts, runtime, links, scheduler, host, loopLag };
}

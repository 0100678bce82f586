// The runtime tests' fakes: a core whose answers the test scripts, a config store whose saves
// the test completes by hand, and a harness recording what the runtime carried out in order.
import { DEFAULT_GLOBAL_SETTINGS } from "../../../src/core/model/config.js";
import type { PersistedState } from "../../../src/core/model/config.js";
import type { Input } from "../../../src/core/model/inputs.js";
import type { Command, CoreReply, Ready } from "../../../src/core/model/ready.js";
import type { SentinelState } from "../../../src/core/model/state.js";
import type { SentinelEvent } from "../../../src/core/model/events.js";
import { EVENT_LEVELS } from "../../../src/core/model/events.js";
import type { CoreAnswer } from "../../../src/commands/host.js";
import { pino } from "pino";
import { createLogger } from "../../../src/shell/logger.js";
import { Runtime } from "../../../src/shell/runtime.js";
import type { CoreDriver, PersistStore } from "../../../src/shell/runtime.js";

export const PERSISTED: PersistedState = {
  myId: "a".repeat(40),
  currentEpoch: 1n,
  global: DEFAULT_GLOBAL_SETTINGS,
  masters: [],
};

export function emptyReady(): Ready {
  return {
    persist: null,
    persistSoon: false,
    replies: [],
    commands: [],
    events: [],
    logs: [],
    notifications: [],
    scripts: [],
    exitCode: null,
    wakeAt: null,
    tickRecords: 0,
  };
}

export class FakeCore implements CoreDriver {
  readonly steps: Input[] = [];
  /** How many Readies were taken: one per batch. */
  takes = 0;
  /** What the core answers to each input. */
  respond: (input: Input) => Partial<Ready> = () => ({});
  private pending: Ready = emptyReady();
  /** Only the log level: the runtime reads nothing else of the state. */
  readonly state: Pick<SentinelState, "global"> = {
    global: { ...DEFAULT_GLOBAL_SETTINGS, logLevel: "debug" },
  };

  constructor(initial: Partial<Ready> = {}) {
    this.pending = { ...emptyReady(), ...initial };
  }

  step(_now: number, input: Input): void {
    this.steps.push(input);
    const out = this.respond(input);
    this.pending = {
      persist: out.persist ?? this.pending.persist,
      persistSoon: out.persistSoon ?? this.pending.persistSoon,
      replies: [...this.pending.replies, ...(out.replies ?? [])],
      commands: [...this.pending.commands, ...(out.commands ?? [])],
      events: [...this.pending.events, ...(out.events ?? [])],
      logs: [...this.pending.logs, ...(out.logs ?? [])],
      notifications: [...this.pending.notifications, ...(out.notifications ?? [])],
      scripts: [...this.pending.scripts, ...(out.scripts ?? [])],
      exitCode: out.exitCode ?? this.pending.exitCode,
      wakeAt: out.wakeAt !== undefined ? out.wakeAt : this.pending.wakeAt,
      tickRecords: out.tickRecords ?? this.pending.tickRecords,
    };
  }

  /** How many snapshots a deferred save took (Ready.persistSoon). */
  snapshots = 0;

  snapshot(): PersistedState {
    this.snapshots++;
    return PERSISTED;
  }

  /** SentinelCore.urgent: which inputs a turn steps first (absent: none). */
  urgent?: (input: Input) => boolean;

  /** Whether commandsAheadOfPersist announces the commands (SentinelCore's), else null. */
  announcesAhead = false;
  /** Called at each takeReady, when the real core takes its snapshot. */
  onTake: () => void = () => undefined;

  commandsAheadOfPersist(): readonly Command[] | null {
    const p = this.pending;
    return this.announcesAhead && p.persist !== null && p.exitCode === null ? p.commands : null;
  }

  takeReady(): Ready {
    this.onTake();
    this.takes++;
    const ready = this.pending;
    this.pending = emptyReady();
    return ready;
  }
}

/** A store whose saves complete only when the test says so. */
export class ManualStore implements PersistStore {
  readonly saved: PersistedState[] = [];
  readonly target = "/etc/vigil/sentinel.conf";
  private settle: { resolve: () => void; reject: (err: Error) => void } | null = null;

  save(state: PersistedState): Promise<void> {
    return new Promise((resolve, reject) => {
      this.saved.push(state);
      this.settle = { resolve, reject };
    });
  }

  get inFlight(): boolean {
    return this.settle !== null;
  }

  complete(): void {
    const s = this.settle;
    this.settle = null;
    s?.resolve();
  }

  fail(message: string): void {
    const s = this.settle;
    this.settle = null;
    s?.reject(new Error(message));
  }
}

/** The fixture's wall clock: 2021-08-09 08:21:59 local time. */
export const FIXTURE_WALL_NOW = new Date(2021, 7, 9, 8, 21, 59).getTime();

export function event(
  type: keyof typeof EVENT_LEVELS,
  text: string,
  master: string | null,
): SentinelEvent {
  return { type, level: EVENT_LEVELS[type], text, master };
}

export function adminReply(requestId: number, afterPersist: boolean): CoreReply {
  return { kind: "admin", requestId, result: { kind: "ok" }, afterPersist };
}

export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

export interface Harness {
  runtime: Runtime;
  core: FakeCore;
  store: ManualStore;
  order: string[];
  published: [string, string][];
  scripts: [string, readonly string[]][];
  exits: number[];
  lines: string[];
  /** Events handed to the runtime's observer, in order. */
  observed: SentinelEvent[];
  /** runtime.request as a promise of the answer. */
  request(make: (requestId: number) => Input): Promise<CoreAnswer>;
}

export function harness(
  core = new FakeCore(),
  onCommand: (command: Command, runtime: Runtime) => void = () => undefined,
  /** The runtime's monotonic clock. */
  now: () => number = () => 1000,
  /** The links' flush (resp-link.ts: flushLinkWrites). */
  onFlush: () => void = () => undefined,
): Harness {
  const store = new ManualStore();
  const order: string[] = [];
  const published: [string, string][] = [];
  const scripts: [string, readonly string[]][] = [];
  const exits: number[] = [];
  const lines: string[] = [];
  const observed: SentinelEvent[] = [];
  const logger = createLogger({
    level: "debug",
    logfile: "",
    format: "json",
    destination: { write: (l) => lines.push(l) },
    pino,
  });
  const runtime = new Runtime({
    core,
    store,
    commands: {
      execute: (c: Command) => {
        order.push(`command:${c.type}`);
        onCommand(c, runtime);
      },
      flush: () => {
        onFlush();
      },
    },
    scripts: { enqueue: (path, args) => scripts.push([path, args]) },
    publish: (channel, message) => published.push([channel, message]),
    logger,
    now,
    wallNow: () => FIXTURE_WALL_NOW,
    exit: (code) => exits.push(code),
    observeEvent: (e) => {
      observed.push(e);
    },
  });
  const request = (make: (requestId: number) => Input): Promise<CoreAnswer> =>
    new Promise((resolve) => {
      runtime.request(make, (answer) => {
        // Recorded when the runtime answers, among the commands it carries out.
        if (answer.kind !== "refused") order.push(`reply:${answer.requestId}`);
        resolve(answer);
      });
    });
  return { runtime, core, store, order, published, scripts, exits, lines, observed, request };
}

export const ADMIN_FLUSH = (requestId: number): Input => ({
  type: "admin",
  requestId,
  op: { op: "flushconfig" },
});

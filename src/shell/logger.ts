/**
 * The one logger of the process (docs/ARCHITECTURE.md §4.4). Lines go synchronously to stdout or to
 * `logfile` (log-file.ts: reopened when renamed away), never to stderr, in the `log-format`
 * chosen:
 *   legacy (default) — redis-sentinel's own lines, `<pid>:X 06 Dec 2026 07:38:00.266 # <text>`;
 *   logfmt           — Valkey's `pid=… role=sentinel timestamp="…" level=… message="…"`;
 *   json             — one pino JSON object per line. Redis's four levels map onto pino's
 *                      (debug → trace, verbose → debug, notice → info, warning → warn); events
 *                      carry `event` (the Redis name) and `master`; passwords are redacted.
 * pino is kept for json only: its output is always JSON, and turning each line back into text
 * would cost a JSON.parse per line. It is imported only then (loadPino): a sentinel logging
 * text has no use for its 1.5 MB (issue #18). Sentinel events are logged as `<event> <payload>`, the text
 * Redis writes, so grepping `+switch-master` finds the same lines as in Redis's logs.
 */
import type { Level, Logger as PinoLogger, pino } from "pino";
import type { EventLevel, SentinelEvent } from "../core/index.js";
import { assert } from "../core/index.js";
import { monotonicNow } from "./clock.js";
import type { LineSink } from "./log-file.js";
import { openLineSink } from "./log-file.js";
import type { LogTimestampFormat } from "./log-line.js";
import { legacyLine, logfmtLine, signalHandlerLine } from "./log-line.js";

export type { LogTimestampFormat } from "./log-line.js";

/** Redis's `loglevel` values (`nothing` silences everything). */
export type RedisLogLevel = EventLevel | "nothing";
export type LogFormat = "legacy" | "logfmt" | "json";

const RANK: Readonly<Record<RedisLogLevel, number>> = {
  debug: 0,
  verbose: 1,
  notice: 2,
  warning: 3,
  nothing: 4,
};

const PINO_LEVEL: Readonly<Record<EventLevel, Level>> = {
  debug: "trace",
  verbose: "debug",
  notice: "info",
  warning: "warn",
};

/** Anything that may hold a secret, wherever it appears in a logged object. */
const REDACT_PATHS = [
  "password",
  "pass",
  "authPass",
  "sentinelPass",
  "requirepass",
  "*.password",
  "*.pass",
  "*.authPass",
  "*.sentinelPass",
  "*.requirepass",
];

export interface LoggerOptions {
  readonly level: RedisLogLevel;
  /** "" = stdout (Redis's `logfile ""`). */
  readonly logfile: string;
  /** Default legacy, redis-sentinel's format. */
  readonly format?: LogFormat;
  readonly timestampFormat?: LogTimestampFormat;
  /** Overrides the destination (tests capture lines in memory). */
  readonly destination?: { write(line: string): void };
  /** Wall-clock ms of each line (tests). */
  readonly wallNow?: () => number;
  readonly pid?: number;
  /** pino itself, needed for the json format only (loadPino). */
  readonly pino?: Pino;
}

export type Pino = typeof pino;

/** pino, for `log-format json`. */
export async function loadPino(): Promise<Pino> {
  return (await import("pino")).pino;
}

/** pino when the format needs it, else nothing: what createLogger's `pino` option takes. */
export async function pinoFor(format: LogFormat): Promise<{ pino?: Pino }> {
  return format === "json" ? { pino: await loadPino() } : {};
}

export type LogFields = Readonly<Record<string, unknown>>;

export class Logger {
  private rank: number;
  private current: RedisLogLevel;
  private readonly sink: LineSink;
  private readonly format: LogFormat;
  private readonly timestampFormat: LogTimestampFormat;
  private readonly wallNow: () => number;
  private readonly pid: number;
  private readonly json: PinoLogger | null;

  constructor(options: LoggerOptions) {
    this.current = options.level;
    this.rank = RANK[options.level];
    this.format = options.format ?? "legacy";
    this.timestampFormat = options.timestampFormat ?? "legacy";
    this.wallNow = options.wallNow ?? Date.now;
    this.pid = options.pid ?? process.pid;
    const destination = options.destination;
    this.sink =
      destination === undefined
        ? openLineSink(options.logfile, monotonicNow)
        : {
            write: (line) => {
              destination.write(line);
            },
            reopen: () => undefined,
            close: () => undefined,
          };
    this.json = this.format === "json" ? this.jsonLogger(options.pino) : null;
  }

  private jsonLogger(pino: Pino | undefined): PinoLogger {
    assert(pino !== undefined, "log-format json needs pino (loadPino)");
    return pino(
      {
        // pino filters nothing: the level test is ours, so `loglevel` changes apply at once.
        level: "trace",
        base: { pid: this.pid },
        timestamp: pino.stdTimeFunctions.isoTime,
        redact: { paths: REDACT_PATHS, censor: "[redacted]" },
        messageKey: "msg",
      },
      {
        write: (line: string) => {
          this.sink.write(line);
        },
      },
    );
  }

  get level(): RedisLogLevel {
    return this.current;
  }

  /** `loglevel` at run time (SENTINEL CONFIG SET loglevel). */
  setLevel(level: RedisLogLevel): void {
    this.current = level;
    this.rank = RANK[level];
  }

  enabled(level: EventLevel): boolean {
    return RANK[level] >= this.rank;
  }

  /** One line at a Redis level; `fields` appear in json lines only. */
  log(level: EventLevel, text: string, fields?: LogFields): void {
    if (RANK[level] < this.rank) return;
    if (this.json !== null) {
      if (fields === undefined) this.json[PINO_LEVEL[level]](text);
      else this.json[PINO_LEVEL[level]](fields, text);
      return;
    }
    const line =
      this.format === "logfmt"
        ? logfmtLine(this.pid, this.wallNow(), level, text, this.timestampFormat)
        : legacyLine(this.pid, this.wallNow(), level, text, this.timestampFormat);
    this.sink.write(line);
  }

  /** Redis's serverLogFromHandler line (warning level), for signals. */
  fromSignalHandler(text: string): void {
    if (RANK.warning < this.rank) return;
    if (this.json !== null) this.log("warning", text);
    else this.sink.write(signalHandlerLine(this.pid, this.wallNow(), text));
  }

  reopen(): void {
    this.sink.reopen();
  }

  /** Writes whatever is buffered (nothing: every write is synchronous) and closes the file. */
  close(): void {
    this.sink.close();
  }
}

export function isRedisLogLevel(value: string): value is RedisLogLevel {
  return Object.hasOwn(RANK, value);
}

export function createLogger(options: LoggerOptions): Logger {
  return new Logger(options);
}

/** Logs `text` at a Redis level. */
export function logAt(logger: Logger, level: EventLevel, text: string): void {
  logger.log(level, text);
}

/** One line per Sentinel event: `<type> <payload>`, with its name and master in json lines. */
export function logEvent(logger: Logger, event: SentinelEvent): void {
  if (!logger.enabled(event.level)) return;
  const fields =
    event.master === null ? { event: event.type } : { master: event.master, event: event.type };
  logger.log(event.level, `${event.type} ${event.text}`, fields);
}

/** Kept for the shutdown order: every write is already synchronous. */
export function flushLogger(logger: Logger): void {
  logger.close();
}

/**
 * The one pino root of the process (architecture habit 14). Lines go synchronously to stdout or to
 * `logfile`, never to stderr. Redis's four log levels map onto pino's (debug → trace,
 * verbose → debug, notice → info, warning → warn) so `loglevel` keeps its meaning. Sentinel events
 * are logged with `event` = the Redis event name and `msg` = `<event> <payload>`, which is the text
 * Redis writes, so grepping `+switch-master` finds the same lines as in Redis's logs.
 */
import { pino } from "pino";
import type { DestinationStream, Level, Logger } from "pino";
import type { EventLevel, SentinelEvent } from "../core/events.js";

export type { Logger } from "pino";

/** Redis's `loglevel` values (`nothing` silences everything). */
export type RedisLogLevel = EventLevel | "nothing";

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
  /** Overrides the destination (tests capture lines in memory). */
  readonly destination?: DestinationStream;
}

export function isRedisLogLevel(value: string): value is RedisLogLevel {
  return ["debug", "verbose", "notice", "warning", "nothing"].includes(value);
}

export function pinoLevel(level: RedisLogLevel): Level | "silent" {
  return level === "nothing" ? "silent" : PINO_LEVEL[level];
}

export function createLogger(options: LoggerOptions): Logger {
  const destination =
    options.destination ??
    pino.destination({
      dest: options.logfile === "" ? 1 : options.logfile,
      sync: true,
      append: true,
      mkdir: false,
    });
  return pino(
    {
      level: pinoLevel(options.level),
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      messageKey: "msg",
    },
    destination,
  );
}

/** Logs `text` at a Redis level. */
export function logAt(logger: Logger, level: EventLevel, text: string): void {
  logger[PINO_LEVEL[level]](text);
}

/** One line per Sentinel event, bound to its master (a child logger) when it has one. */
export function logEvent(logger: Logger, event: SentinelEvent): void {
  const target = event.master === null ? logger : logger.child({ master: event.master });
  target[PINO_LEVEL[event.level]]({ event: event.type }, `${event.type} ${event.text}`);
}

/** Writes whatever is buffered (a no-op for the synchronous destination, kept for shutdown order). */
export function flushLogger(logger: Logger): void {
  try {
    logger.flush();
  } catch {
    // Nothing left to report to: the destination itself is gone.
  }
}

/**
 * The text printed on stderr when the config cannot be used, before any socket is opened.
 * Line errors keep redis-sentinel's report (config.c: loadServerConfigFromString) and add the
 * file:line and directive, so an operator with several files knows which one.
 */
import type { ConfigError } from "../errors.js";

/** The Redis version whose behaviour we reproduce (also in INFO and HELLO). */
export const REDIS_VERSION = "7.0.15";

export function configErrorReport(err: ConfigError): string {
  if (err.afterLines) {
    // config.c's checks after the last line (the log file): the header and the reason only.
    return `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n${err.reason}\n`;
  }
  if (err.line === 0) {
    // Whole-file failures (missing, unreadable, not writable): Redis prints one sentence.
    return `${err.reason}\n`;
  }
  const lines = [
    "",
    `*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***`,
    `Reading the configuration file, at line ${err.redisLine}`,
  ];
  if (err.text !== "") lines.push(`>>> '${err.text}'`);
  lines.push(err.reason);
  const directive = err.directive === "" ? "" : ` (directive '${err.directive}')`;
  lines.push(`at ${err.file}:${err.line}${directive}`);
  return `${lines.join("\n")}\n`;
}

/**
 * SIGHUP's TLS part (Vigil's own: redis-sentinel 7.0 re-reads certificates only by a restart,
 * docs/COMPATIBILITY.md, "TLS"). The tls-* files of the config as loaded are read again by the
 * build of the start, with the same checks; on success the new contexts are applied (new TLS
 * clients and new links use them, established connections keep theirs). On failure the reason
 * is logged with the start's line and the previous contexts stay in use.
 */
import type { Logger } from "./logger.js";
import { logAt } from "./logger.js";
import type { TlsContexts } from "./tls-context.js";

export const TLS_RELOADED = "TLS certificates reloaded";
export const TLS_RELOAD_FAILED = "TLS reload failed: keeping the previous certificates";

/** Builds, then applies; returns whether the new contexts were applied. Never throws. */
export function reloadTls(
  build: () => TlsContexts,
  apply: (contexts: TlsContexts) => void,
  logger: Logger,
): boolean {
  let contexts: TlsContexts;
  try {
    contexts = build();
  } catch (err: unknown) {
    // A signal must not end the process: anything the build throws is a reason to keep the old.
    const reason = err instanceof Error ? err.message : String(err);
    logAt(logger, "warning", reason);
    logAt(logger, "warning", TLS_RELOAD_FAILED);
    return false;
  }
  apply(contexts);
  logAt(logger, "notice", TLS_RELOADED);
  return true;
}

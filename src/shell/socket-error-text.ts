/**
 * The reason a link closed, in the words redis-sentinel prints after `#` in
 * `-cmd-link-reconnection` (strerror's, through hiredis) instead of Node's
 * `connect ECONNREFUSED 127.0.0.1:6379`. The core recognises a refusal by this text
 * (core: CONNECTION_REFUSED). Errors without an errno code (TLS, protocol) keep their message.
 */
import { CONNECTION_REFUSED } from "../core/index.js";

const STRERROR: Readonly<Record<string, string>> = {
  ECONNREFUSED: CONNECTION_REFUSED,
  ECONNRESET: "Connection reset by peer",
  ETIMEDOUT: "Connection timed out",
  EHOSTUNREACH: "No route to host",
  ENETUNREACH: "Network is unreachable",
  EPIPE: "Broken pipe",
  EADDRNOTAVAIL: "Cannot assign requested address",
  ECONNABORTED: "Software caused connection abort",
};

export function socketErrorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  return (code !== undefined ? STRERROR[code] : undefined) ?? err.message;
}

/**
 * Checks of Vigil's HTTP endpoint directives (docs/COMPATIBILITY.md, "HTTP endpoint"), shared
 * by the sentinel.conf and YAML front ends: `metrics-bind` takes what the listener can bind (an
 * IP address, `*` for every IPv4 one, `::*` for every IPv6 one, `-` in front = optional, as in
 * `bind`), and `metrics-port` must differ from the sentinel's own ports.
 */
import { isIpLiteral } from "../core/index.js";
import type { ServerSettings } from "./types.js";

export const BAD_METRICS_BIND =
  "metrics-bind takes IP addresses, * or ::* (optionally prefixed with -)";

export function isMetricsBindAddress(raw: string): boolean {
  const addr = raw.startsWith("-") ? raw.slice(1) : raw;
  return addr === "*" || addr === "::*" || isIpLiteral(addr);
}

/** The reason a loaded server section cannot serve HTTP, or null. */
export function metricsPortConflict(s: ServerSettings): string | null {
  if (s.metricsPort === 0) return null;
  const tlsPort = Number(s.tls["tls-port"] ?? "0");
  if (s.metricsPort === s.port || s.metricsPort === tlsPort) {
    return `metrics-port ${s.metricsPort} is the sentinel's own port`;
  }
  return null;
}

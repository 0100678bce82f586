/**
 * The daemon's part of the HTTP endpoint (`metrics-port`, shell/http): its telemetry and its
 * listener, loaded only when the port is set (prom-client stays out of a sentinel without
 * it). A port that cannot be bound stops the start as a taken sentinel port does: the bind
 * warning, then an abort line, exit 1.
 */
import { strerror } from "../config/load-config.js";
import type { LoadedConfig } from "../config/types.js";
import type { SentinelState } from "../core/index.js";
import { explainMaster } from "../core/index.js";
import { monotonicNow, wallNow } from "./clock.js";
import type { JsonValue } from "./http/json-text.js";
import type { SentinelReadout } from "./http/readout.js";
import type { HttpServer } from "./http/server.js";
import type { Telemetry } from "./http/telemetry.js";
import type { Logger } from "./logger.js";
import { logAt } from "./logger.js";
import type { RespServer } from "./resp-server.js";

export interface Readiness {
  started: boolean;
  closing: boolean;
}

export interface HttpSources {
  readonly core: { readonly state: SentinelState };
  readonly scripts: { readonly runningCount: number; readonly queueLength: number };
}

function readoutOf(parts: HttpSources, resp: RespServer): SentinelReadout {
  return {
    state: () => parts.core.state,
    now: monotonicNow,
    scripts: () => ({
      running: parts.scripts.runningCount,
      queueLength: parts.scripts.queueLength,
    }),
    lag: () => resp.lag(),
  };
}

export async function startDaemonHttp(
  loaded: LoadedConfig,
  parts: HttpSources,
  resp: RespServer,
  readiness: Readiness,
  logger: Logger,
  exitNow: (code: number) => void,
): Promise<{ http: HttpServer; telemetry: Telemetry }> {
  const { Telemetry } = await import("./http/telemetry.js");
  const { startHttpEndpoint } = await import("./http/endpoint.js");
  const settings = loaded.server;
  const warn = (message: string): void => {
    logAt(logger, "warning", message);
  };
  const readout = readoutOf(parts, resp);
  const telemetry = new Telemetry({ readout, configFile: loaded.file, warn });
  try {
    const http = await startHttpEndpoint({
      settings,
      readout,
      telemetry,
      notReady: () => (readiness.closing ? "shutting down" : readiness.started ? null : "starting"),
      acl: resp.acl,
      warn,
      // GET /v1/masters/<name>/why: SENTINEL WHY's explanation (core/explain), as JSON.
      // Its shape is plain JSON by construction (why-types.ts), with no index signature: one
      // JSON round trip turns it into the route's JsonValue.
      why: (name) =>
        JSON.parse(
          JSON.stringify(explainMaster(readout.state(), name, readout.now(), wallNow())),
        ) as JsonValue,
    });
    return { http, telemetry };
  } catch (err: unknown) {
    const where = err as { address?: unknown; port?: unknown } | null;
    if (typeof where?.address === "string" && typeof where.port === "number") {
      warn(
        `Warning: Could not create server TCP listening socket ${where.address}:${where.port}: bind: ${strerror(err)}`,
      );
    }
    warn(`Failed listening on metrics-port ${settings.metricsPort} (HTTP), aborting.`);
    await resp.close();
    exitNow(1);
    throw err;
  }
}

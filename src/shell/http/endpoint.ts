/**
 * Starts the HTTP endpoint of `metrics-port` for a running sentinel: the listener
 * (server.ts) answering with the route table (routes.ts), the password check of auth.ts
 * against the default user (requirepass).
 */
import type { Acl } from "../../commands/acl.js";
import type { ServerSettings } from "../../config/types.js";
import type { SentinelReadout } from "./readout.js";
import type { RouteContext } from "./routes.js";
import { route } from "./routes.js";
import type { HttpServer } from "./server.js";
import { startHttpServer } from "./server.js";
import type { Telemetry } from "./telemetry.js";

export interface EndpointOptions {
  readonly settings: ServerSettings;
  readonly readout: SentinelReadout;
  readonly telemetry: Telemetry;
  readonly notReady: () => string | null;
  readonly acl: Acl;
  readonly warn: (message: string) => void;
  /** GET /v1/masters/<name>/why: the explanation of SENTINEL WHY, wired when it exists. */
  readonly why?: RouteContext["why"];
}

export function startHttpEndpoint(options: EndpointOptions): Promise<HttpServer> {
  const { settings, acl } = options;
  const ctx: RouteContext = {
    readout: options.readout,
    telemetry: options.telemetry,
    notReady: options.notReady,
    // The default user's password as it is now (ACL SETUSER default may have changed it).
    check: settings.requirepass === "" ? null : (p) => acl.checkCredentials("default", p),
    metricsAuth: settings.metricsAuth,
    ...(options.why === undefined ? {} : { why: options.why }),
  };
  return startHttpServer({
    port: settings.metricsPort,
    bind: settings.metricsBind.length > 0 ? settings.metricsBind : settings.bind,
    handle: (method, url, authorization) => route(ctx, method, url, authorization),
    warn: options.warn,
  });
}

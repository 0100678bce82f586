/**
 * The HTTP listener of `metrics-port` (node:http, no framework), on the `metrics-bind`
 * addresses (default: `bind`'s, as the RESP listeners; resp-server.ts: parseBind, listenAll).
 * Requests are bounded: headers up to 8 KiB and 5 s, a whole request 10 s, idle keep-alive
 * connections 5 s, at most 64 connections; GET and HEAD carry no body, so any request with one
 * is refused with 400 and the connection closed without reading it.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { listenAll, parseBind } from "../resp-server.js";
import type { HttpResponse } from "./routes.js";
import { errorResponse } from "./routes.js";

export const HTTP_LIMITS = {
  maxHeaderSize: 8 * 1024,
  headersTimeout: 5_000,
  requestTimeout: 10_000,
  keepAliveTimeout: 5_000,
  /** Socket inactivity: above the longest long poll (routes.ts: MAX_WAIT_SECONDS). */
  socketTimeout: 40_000,
  maxConnections: 64,
} as const;

export interface HttpServerOptions {
  readonly port: number;
  /** Addresses as in `bind` (`-` = optional, `*`, `::*`); default every address. */
  readonly bind: readonly string[];
  readonly handle: (
    method: string,
    url: string,
    authorization: string | undefined,
  ) => Promise<HttpResponse>;
  readonly warn: (message: string) => void;
}

export interface HttpServer {
  addresses(): readonly AddressInfo[];
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

function send(req: IncomingMessage, res: ServerResponse, response: HttpResponse): void {
  const chunks =
    typeof response.body === "string" ? [Buffer.from(response.body, "utf8")] : response.body;
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  res.writeHead(response.status, { ...response.headers, "content-length": length });
  if (req.method !== "HEAD") {
    // One writev for the lot: no copy of a 1.5 MB exposition into a buffer of its own.
    res.cork();
    for (const chunk of chunks) res.write(chunk);
    res.uncork();
  }
  res.end();
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (hasBody(req)) {
      res.shouldKeepAlive = false;
      send(req, res, errorResponse(400, "A request body is not accepted"));
      return;
    }
    options
      .handle(req.method ?? "", req.url ?? "/", req.headers.authorization)
      .then((response) => {
        send(req, res, response);
      })
      .catch((err: unknown) => {
        options.warn(`HTTP ${req.method ?? ""} ${req.url ?? ""}: ${String(err)}`);
        if (!res.headersSent) send(req, res, errorResponse(500, "Internal error"));
      });
  };
  const create = (): Server => {
    const server = createServer(
      {
        maxHeaderSize: HTTP_LIMITS.maxHeaderSize,
        headersTimeout: HTTP_LIMITS.headersTimeout,
        requestTimeout: HTTP_LIMITS.requestTimeout,
        keepAliveTimeout: HTTP_LIMITS.keepAliveTimeout,
      },
      onRequest,
    );
    server.maxConnections = HTTP_LIMITS.maxConnections;
    server.setTimeout(HTTP_LIMITS.socketTimeout);
    return server;
  };
  const bind = options.bind.length > 0 ? options.bind : ["*", "-::*"];
  const { listeners, bound } = await listenAll(parseBind(bind), options.port, create);
  return {
    addresses: () => bound,
    close: async () => {
      await Promise.all(
        listeners.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => {
                resolve();
              });
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}

/**
 * The HTTP endpoint's routes (docs/COMPATIBILITY.md, "HTTP endpoint"). Handlers only read
 * in-memory state, render and return: nothing here waits for the sentinel's loop, and the one
 * wait (GET /v1/events?wait=) is a bounded promise. Unknown path → 404, a method other than
 * GET or HEAD → 405 with Allow, errors as `{"error": …}`.
 */
import type { PasswordCheck } from "./auth.js";
import { authorized } from "./auth.js";
import type { FailoverRecord } from "./failover-tracker.js";
import { JsonNumber, jsonText } from "./json-text.js";
import type { JsonValue } from "./json-text.js";
import { masterJson, mastersJson } from "./masters-json.js";
import type { SentinelReadout } from "./readout.js";
import type { Telemetry } from "./telemetry.js";

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Text, or bytes in chunks, sent one after the other (/metrics). */
  readonly body: string | readonly Buffer[];
}

export interface RouteContext {
  readonly readout: SentinelReadout;
  readonly telemetry: Telemetry;
  /** Why the sentinel is not ready (not started, shutting down), or null. */
  readonly notReady: () => string | null;
  /** Null when no password is needed (no requirepass). */
  readonly check: PasswordCheck | null;
  /** metrics-auth: /metrics and the probes need the password too. */
  readonly metricsAuth: boolean;
  /** GET /v1/masters/<name>/why (SENTINEL WHY); absent → 404. */
  readonly why?: (master: string) => JsonValue | null;
}

type Handler = (
  ctx: RouteContext,
  params: readonly string[],
  query: URLSearchParams,
) => HttpResponse | Promise<HttpResponse>;

interface Route {
  readonly pattern: RegExp;
  /** /metrics and the probes: open without a password under `metrics-auth no`. */
  readonly probe: boolean;
  readonly handler: Handler;
}

/** No tick for this long: the sentinel's loop is stuck (the tick runs 10–19 times a second). */
export const TICK_STALE_MS = 5_000;
/** Longest long poll of GET /v1/events, seconds. */
export const MAX_WAIT_SECONDS = 30;

const JSON_TYPE = "application/json; charset=utf-8";

export function json(status: number, value: JsonValue, headers = {}): HttpResponse {
  return {
    status,
    headers: { "content-type": JSON_TYPE, ...headers },
    body: `${jsonText(value)}\n`,
  };
}

function text(status: number, body: string): HttpResponse {
  return { status, headers: { "content-type": "text/plain; charset=utf-8" }, body };
}

export function errorResponse(status: number, message: string, headers = {}): HttpResponse {
  return json(status, { error: message }, headers);
}

const ROUTES: readonly Route[] = [
  { pattern: /^\/metrics$/, probe: true, handler: metrics },
  { pattern: /^\/healthz$/, probe: true, handler: healthz },
  { pattern: /^\/readyz$/, probe: true, handler: readyz },
  {
    pattern: /^\/v1\/masters$/,
    probe: false,
    handler: (ctx) => json(200, mastersJson(ctx.readout)),
  },
  { pattern: /^\/v1\/masters\/([^/]+)$/, probe: false, handler: master },
  { pattern: /^\/v1\/masters\/([^/]+)\/why$/, probe: false, handler: why },
  { pattern: /^\/v1\/events$/, probe: false, handler: events },
  { pattern: /^\/v1\/failovers$/, probe: false, handler: failovers },
];

async function metrics(ctx: RouteContext): Promise<HttpResponse> {
  const m = ctx.telemetry.metrics;
  return { status: 200, headers: { "content-type": m.contentType }, body: await m.render() };
}

function healthz(ctx: RouteContext): HttpResponse {
  const last = ctx.readout.state().previousTime;
  const age = ctx.readout.now() - last;
  if (last !== 0 && age > TICK_STALE_MS) {
    return errorResponse(503, `no tick for ${Math.round(age)} ms`);
  }
  return text(200, "ok\n");
}

function readyz(ctx: RouteContext): HttpResponse {
  const reason = ctx.notReady() ?? (ctx.readout.state().tilt ? "tilt" : null);
  return reason === null ? text(200, "ok\n") : json(503, { error: "not ready", reason });
}

function decoded(param: string | undefined): string | null {
  try {
    return decodeURIComponent(param ?? "");
  } catch {
    return null;
  }
}

function master(ctx: RouteContext, params: readonly string[]): HttpResponse {
  const name = decoded(params[0]);
  const body = name === null ? null : masterJson(ctx.readout, name);
  return body === null ? errorResponse(404, "No such master with that name") : json(200, body);
}

function why(ctx: RouteContext, params: readonly string[]): HttpResponse {
  const name = decoded(params[0]);
  if (ctx.why === undefined || name === null) return errorResponse(404, "Not found");
  const body = ctx.why(name);
  return body === null ? errorResponse(404, "No such master with that name") : json(200, body);
}

/** A non-negative integer query parameter; `fallback` when absent, null when invalid. */
function intParam(query: URLSearchParams, name: string, fallback: number): number | null {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (!/^\d{1,15}$/.test(raw)) return null;
  return Number(raw);
}

async function events(
  ctx: RouteContext,
  _params: readonly string[],
  query: URLSearchParams,
): Promise<HttpResponse> {
  const since = intParam(query, "since", 0);
  const wait = intParam(query, "wait", 0);
  if (since === null) return errorResponse(400, "since must be a non-negative integer");
  if (wait === null) return errorResponse(400, "wait must be a number of seconds");
  const slice = await ctx.telemetry.ring.wait(since, Math.min(wait, MAX_WAIT_SECONDS) * 1000);
  return json(200, {
    events: slice.events.map((e) => ({ ...e })),
    last: slice.last,
    truncated: slice.truncated,
  });
}

function recordJson(r: FailoverRecord): JsonValue {
  return {
    ...r,
    epoch: r.epoch === null ? null : new JsonNumber(r.epoch),
    phases: [...r.phases].map((p) => ({ ...p })),
    aborts: r.aborts.map((a) => ({
      ...a,
      epoch: a.epoch === null ? null : new JsonNumber(a.epoch),
    })),
  };
}

function failovers(ctx: RouteContext): HttpResponse {
  return json(200, { failovers: ctx.telemetry.failovers.list().map(recordJson) });
}

/** Answers one request: its method, path with query, and Authorization header. */
export async function route(
  ctx: RouteContext,
  method: string,
  url: string,
  authorization: string | undefined,
): Promise<HttpResponse> {
  const parsed = new URL(url, "http://localhost");
  for (const r of ROUTES) {
    const match = r.pattern.exec(parsed.pathname);
    if (match === null) continue;
    if (method !== "GET" && method !== "HEAD") {
      return errorResponse(405, "Method not allowed", { allow: "GET, HEAD" });
    }
    const open = r.probe && !ctx.metricsAuth;
    if (ctx.check !== null && !open && !authorized(authorization, ctx.check)) {
      return errorResponse(401, "Authentication required", {
        "www-authenticate": 'Basic realm="vigil", charset="UTF-8"',
      });
    }
    return r.handler(ctx, match.slice(1), parsed.searchParams);
  }
  return errorResponse(404, "Not found");
}

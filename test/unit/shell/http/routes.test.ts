// Proves the HTTP routes on a hand-built sentinel state: /metrics in the Prometheus text format
// with redis_exporter's sentinel names and labels and Vigil's own families, /v1/masters with
// the SENTINEL replies' field names and exact integers, the probes, 404/405 JSON, and the
// password (Basic or Bearer) with and without metrics-auth.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { SentinelState } from "../../../../src/core/index.js";
import type { SentinelReadout } from "../../../../src/shell/http/readout.js";
import { route } from "../../../../src/shell/http/routes.js";
import type { HttpResponse, RouteContext } from "../../../../src/shell/http/routes.js";
import { Telemetry } from "../../../../src/shell/http/telemetry.js";
import { addMaster, addPeer, addReplica, newState } from "../../../support/state-builder.js";

const NOW = 1_000_000;

type TextResponse = Omit<HttpResponse, "body"> & { readonly body: string };

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

/** `name{labels} value` lines of a Prometheus text exposition, comments left out. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    out.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return out;
}

describe("HTTP routes", () => {
  let dir = "";
  let state: SentinelState;
  let ctx: RouteContext;
  /** The response with its body as text (/metrics answers bytes). */
  const get = async (path: string, auth?: string, c: RouteContext = ctx): Promise<TextResponse> => {
    const res = await route(c, "GET", path, auth);
    const body = typeof res.body === "string" ? res.body : Buffer.concat(res.body).toString();
    return { ...res, body };
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "vigil-routes-"));
    state = newState();
    state.currentEpoch = 9007199254740993n;
    const m = addMaster(state, NOW, "mymaster", { ip: "10.0.0.1", port: 6379 });
    m.configEpoch = 9007199254740993n;
    addReplica(state, NOW, m, { ip: "10.0.0.2", port: 6379 }, { slaveReplOffset: 1234n });
    const down = addReplica(state, NOW, m, { ip: "10.0.0.3", port: 6379 });
    down.flags.add("s_down");
    down.link.cmdConnected = false;
    addPeer(state, NOW, m, { ip: "10.0.1.1", port: 26379 }, "b".repeat(40));
    const other = addMaster(state, NOW, "other", { ip: "10.0.0.9", port: 7000 });
    other.flags.add("s_down").add("o_down");
    const readout: SentinelReadout = {
      state: () => state,
      now: () => NOW,
      scripts: () => ({ running: 1, queueLength: 2 }),
      lag: () => null,
    };
    const telemetry = new Telemetry({
      readout,
      configFile: join(dir, "s.conf"),
      warn: () => undefined,
    });
    ctx = { readout, telemetry, notReady: () => null, check: null, metricsAuth: true };
  });

  afterEach(async () => {
    await ctx.telemetry.failovers.flushed();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves redis_exporter's sentinel metrics from the state at scrape time", async () => {
    const res = await get("/metrics");
    expect(res.status).to.equal(200);
    expect(res.headers["content-type"]).to.equal("text/plain; version=0.0.4; charset=utf-8");
    const s = samples(res.body);
    const mm = 'master_name="mymaster",master_address="10.0.0.1:6379"';
    expect(s.get("redis_sentinel_masters")).to.equal(2);
    expect(s.get("redis_sentinel_tilt")).to.equal(0);
    expect(s.get("redis_sentinel_running_scripts")).to.equal(1);
    expect(s.get("redis_sentinel_scripts_queue_length")).to.equal(2);
    expect(s.get("redis_sentinel_simulate_failure_flags")).to.equal(0);
    expect(s.get(`redis_sentinel_master_status{${mm},master_status="ok"}`)).to.equal(1);
    expect(
      s.get(
        'redis_sentinel_master_status{master_name="other",master_address="10.0.0.9:7000",master_status="odown"}',
      ),
    ).to.equal(0);
    expect(s.get(`redis_sentinel_master_slaves{${mm}}`)).to.equal(2);
    expect(s.get(`redis_sentinel_master_ok_slaves{${mm}}`)).to.equal(1);
    expect(s.get(`redis_sentinel_master_sentinels{${mm}}`)).to.equal(2);
    expect(s.get(`redis_sentinel_master_ok_sentinels{${mm}}`)).to.equal(2);
    expect(s.get(`redis_sentinel_master_setting_ckquorum{${mm}}`)).to.equal(2);
    expect(s.get(`redis_sentinel_master_setting_down_after_milliseconds{${mm}}`)).to.equal(30000);
    expect(s.get(`redis_sentinel_master_setting_failover_timeout{${mm}}`)).to.equal(180000);
    expect(s.get(`redis_sentinel_master_setting_parallel_syncs{${mm}}`)).to.equal(1);
    expect(
      s.get(
        'redis_sentinel_master_ckquorum_status{master_name="mymaster",message="OK 2 usable Sentinels. Quorum and failover authorization can be reached"}',
      ),
    ).to.equal(1);
    expect(s.get("vigil_current_epoch")).to.equal(9007199254740992);
    expect(s.get('vigil_link_up{master="mymaster",role="slave",addr="10.0.0.3:6379"}')).to.equal(0);
    expect(
      s.get('vigil_link_up{master="mymaster",role="sentinel",addr="10.0.1.1:26379"}'),
    ).to.equal(1);
    expect(s.get("vigil_event_loop_lag_seconds_count")).to.equal(0);
    expect(s.get('vigil_event_loop_lag_seconds_bucket{le="+Inf"}')).to.equal(0);
    expect(s.get("vigil_tilt_entries_total")).to.equal(0);
  });

  it("counts failovers, phases, TILT entries and config saves from what it observes", async () => {
    const t = ctx.telemetry;
    t.observeEvent({ type: "+tilt", level: "warning", text: "#tilt mode entered", master: null });
    t.observeEvent({
      type: "-failover-abort-no-good-slave",
      level: "warning",
      text: "master mymaster 10.0.0.1 6379",
      master: "mymaster",
    });
    t.observeSave(0.002, true);
    t.observeSave(0.004, false);
    const s = samples((await get("/metrics")).body);
    expect(s.get("vigil_tilt_entries_total")).to.equal(1);
    expect(s.get('vigil_failovers_total{master="mymaster",result="no-good-slave"}')).to.equal(1);
    expect(s.get('vigil_config_saves_total{result="ok"}')).to.equal(1);
    expect(s.get('vigil_config_saves_total{result="failed"}')).to.equal(1);
    expect(s.get("vigil_config_save_seconds_count")).to.equal(2);
    const events = JSON.parse((await get("/v1/events?since=0")).body) as {
      events: { seq: number; type: string }[];
      last: number;
    };
    expect(events.events.map((e) => [e.seq, e.type])).to.deep.equal([
      [1, "+tilt"],
      [2, "-failover-abort-no-good-slave"],
    ]);
    const failovers = (await get("/v1/failovers")).body;
    expect(failovers).to.match(/^\{"failovers":\[\{"id":1,"master":"mymaster","epoch":null,/);
  });

  it("lists the masters with SENTINEL MASTERS' fields, integers exact", async () => {
    const res = await get("/v1/masters");
    expect(res.status).to.equal(200);
    expect(res.body).to.include('"config-epoch":9007199254740993,');
    const list = JSON.parse(res.body) as Record<string, unknown>[];
    expect(list.map((m) => m["name"])).to.deep.equal(["mymaster", "other"]);
    expect(list[0]).to.deep.include({ ip: "10.0.0.1", port: 6379, quorum: 2, flags: "master" });
    expect(list[1]?.["flags"]).to.equal("s_down,o_down,master");
  });

  it("shows one master with its replicas and sentinels, 404 for an unknown one", async () => {
    const res = await get("/v1/masters/mymaster");
    const body = JSON.parse(res.body) as {
      master: Record<string, unknown>;
      replicas: Record<string, unknown>[];
      sentinels: Record<string, unknown>[];
    };
    expect(body.master["name"]).to.equal("mymaster");
    expect(body.replicas.map((r) => r["name"])).to.deep.equal(["10.0.0.2:6379", "10.0.0.3:6379"]);
    expect(body.replicas[0]).to.deep.include({
      "slave-repl-offset": 1234,
      "master-link-status": "ok",
    });
    expect(body.sentinels.map((p) => p["runid"])).to.deep.equal(["b".repeat(40)]);
    const missing = await get("/v1/masters/nope");
    expect(missing.status).to.equal(404);
    expect(JSON.parse(missing.body)).to.deep.equal({ error: "No such master with that name" });
    expect((await get("/v1/masters/mymaster/why")).status).to.equal(404);
  });

  it("answers 404 for an unknown path and 405 with Allow for another method", async () => {
    const missing = await get("/nowhere");
    expect(missing.status).to.equal(404);
    expect(JSON.parse(missing.body)).to.have.property("error");
    const post = await route(ctx, "POST", "/metrics", undefined);
    expect(post.status).to.equal(405);
    expect(post.headers["allow"]).to.equal("GET, HEAD");
    expect((await route(ctx, "HEAD", "/healthz", undefined)).status).to.equal(200);
    expect((await get("/v1/events?since=x")).status).to.equal(400);
  });

  it("reports readiness: 503 with the reason while starting or in TILT", async () => {
    expect((await get("/readyz")).status).to.equal(200);
    state.tilt = true;
    const tilt = await get("/readyz");
    expect(tilt.status).to.equal(503);
    expect(JSON.parse(tilt.body)).to.deep.equal({ error: "not ready", reason: "tilt" });
    const starting = await get("/readyz", undefined, { ...ctx, notReady: () => "starting" });
    expect(JSON.parse(starting.body)).to.deep.include({ reason: "starting" });
    expect((await get("/healthz")).body).to.equal("ok\n");
    state.previousTime = NOW - 6_000;
    expect((await get("/healthz")).status).to.equal(503);
  });

  it("needs the password for everything with metrics-auth yes", async () => {
    const locked = { ...ctx, check: (p: string) => p === "s3cret" };
    for (const path of ["/metrics", "/healthz", "/v1/masters"]) {
      const res = await get(path, undefined, locked);
      expect(res.status).to.equal(401);
      expect(res.headers["www-authenticate"]).to.match(/^Basic realm="vigil"/);
      expect((await get(path, basic("default", "wrong"), locked)).status).to.equal(401);
      expect((await get(path, basic("default", "s3cret"), locked)).status).to.equal(200);
      expect((await get(path, basic("anyone", "s3cret"), locked)).status).to.equal(200);
      expect((await get(path, "Bearer s3cret", locked)).status).to.equal(200);
    }
  });

  it("opens /metrics and the probes, never /v1, with metrics-auth no", async () => {
    const open = { ...ctx, check: (p: string) => p === "s3cret", metricsAuth: false };
    expect((await get("/metrics", undefined, open)).status).to.equal(200);
    expect((await get("/healthz", undefined, open)).status).to.equal(200);
    expect((await get("/readyz", undefined, open)).status).to.equal(200);
    expect((await get("/v1/masters", undefined, open)).status).to.equal(401);
    expect((await get("/v1/events", undefined, open)).status).to.equal(401);
  });
});

// Proves Vigil's HTTP endpoint (metrics-port) with real processes. Three Vigil sentinels, each
// with its own metrics-port, watch a real redis-server master and its replica: /metrics is
// scraped before, during (after +odown) and after a failover caused by kill -9 of the master,
// its text parsed, and the failover counter and phase histogram must have moved as the events
// say; /v1/events long-polls the events; /v1/failovers on the leader lists the failover with
// its four phases, also after that sentinel restarted. A lone sentinel with requirepass checks
// the password (Basic, Bearer), 404/405/400 over real HTTP, and a second Vigil asked for the
// same metrics-port exits non-zero with the bind error.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { freePort } from "./harness/ports.js";
import { RedisProcess } from "./harness/redis-process.js";
import { SentinelProcess, sentinelConfig } from "./harness/sentinel-process.js";
import { waitFor } from "./harness/wait-for.js";
import type { CapturedProcess } from "./shell-support/processes.js";
import { exitCodeWithin, spawnSentinelImpl, stopProcess } from "./shell-support/processes.js";

interface Endpoint {
  readonly sentinel: SentinelProcess;
  readonly http: number;
}

async function get(
  port: number,
  urlPath: string,
  init: { method?: string; auth?: string; body?: string } = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, {
    method: init.method ?? "GET",
    headers: init.auth === undefined ? {} : { authorization: init.auth },
    ...(init.body === undefined ? {} : { body: init.body }),
    signal: AbortSignal.timeout(40_000),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** `name{labels}` → value of a Prometheus text exposition. */
async function scrape(port: number): Promise<Map<string, number>> {
  const res = await get(port, "/metrics");
  expect(res.status).to.equal(200);
  const out = new Map<string, number>();
  for (const line of res.text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    out.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return out;
}

/** One request written as is; everything the server sends until it closes the connection. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.end(text));
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error("no answer within 10 s")));
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => {
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
  });
}

/** bin/vigil on `port` (logging to stdout), watching the master on `masterPort`. */
function startVigil(
  dir: string,
  port: number,
  masterPort: number,
  extra: readonly string[],
  suffix = "",
): CapturedProcess {
  const conf = path.join(dir, `sentinel${suffix}.conf`);
  const text = sentinelConfig(port, dir, {
    impl: "vigil",
    monitors: [{ name: "mymaster", port: masterPort, quorum: 1 }],
    extraConfig: extra,
  });
  fs.writeFileSync(conf, text.replace(/^logfile .*$/m, ""));
  return spawnSentinelImpl("vigil", [conf], dir);
}

interface RingEvent {
  seq: number;
  type: string;
  text: string;
}

async function eventsSince(port: number, since: number, wait = 0): Promise<RingEvent[]> {
  const res = await get(port, `/v1/events?since=${since}&wait=${wait}`);
  return (JSON.parse(res.text) as { events: RingEvent[] }).events;
}

describe("HTTP endpoint (metrics-port)", function () {
  this.timeout(120_000);
  const started: { cleanup(): Promise<void> }[] = [];

  afterEach(async () => {
    for (const p of started.splice(0).reverse()) await p.cleanup();
  });

  it("counts a real failover in /metrics and keeps its record across a restart", async () => {
    const master = await RedisProcess.start();
    started.push(master);
    const replica = await RedisProcess.start({ replicaOf: master.port });
    started.push(replica);
    const endpoints: Endpoint[] = [];
    for (let i = 0; i < 3; i++) {
      const http = await freePort();
      const sentinel = await SentinelProcess.start({
        impl: "vigil",
        monitors: [
          {
            name: "mymaster",
            port: master.port,
            quorum: 2,
            downAfterMs: 1000,
            failoverTimeoutMs: 10_000,
          },
        ],
        extraConfig: [`metrics-port ${http}`],
      });
      started.push(sentinel);
      endpoints.push({ sentinel, http });
    }
    const address = `127.0.0.1:${master.port}`;
    const labels = `master_name="mymaster",master_address="${address}"`;
    await waitFor(
      "every sentinel to know the replica and both peers (from /metrics)",
      async () => {
        for (const e of endpoints) {
          const m = await scrape(e.http);
          if (m.get(`redis_sentinel_master_ok_sentinels{${labels}}`) !== 3) return false;
          if (m.get(`redis_sentinel_master_ok_slaves{${labels}}`) !== 1) return false;
        }
        return true;
      },
      { timeoutMs: 30_000 },
    );
    // Before: the master is ok, no failover counted.
    for (const e of endpoints) {
      const before = await scrape(e.http);
      expect(before.get(`redis_sentinel_master_status{${labels},master_status="ok"}`)).to.equal(1);
      expect(before.get("redis_sentinel_masters")).to.equal(1);
      expect(
        before.get('vigil_link_up{master="mymaster",role="master",addr="' + address + '"}'),
      ).to.equal(1);
      expect([...before.keys()].some((k) => k.startsWith("vigil_failovers_total"))).to.equal(false);
    }
    const lastSeq = await Promise.all(
      endpoints.map(async (e) => (await eventsSince(e.http, 0)).at(-1)?.seq ?? 0),
    );

    await master.kill();

    // During: after +odown, the detection phase is in the histogram of that sentinel.
    const first = endpoints[0]!;
    await waitFor(
      "+odown in /v1/events (long poll)",
      async () => (await eventsSince(first.http, lastSeq[0]!, 5)).some((e) => e.type === "+odown"),
      { timeoutMs: 20_000 },
    );
    const during = await scrape(first.http);
    expect(
      during.get('vigil_failover_phase_seconds_count{master="mymaster",phase="detection"}'),
    ).to.be.at.least(1);
    expect(during.get(`redis_sentinel_master_status{${labels},master_status="ok"}`)).to.equal(
      undefined,
    );

    // After: every sentinel saw +switch-master and counted it.
    const switched = await waitFor(
      "+switch-master on every sentinel",
      async () => {
        const seen = await Promise.all(
          endpoints.map(async (e, i) =>
            (await eventsSince(e.http, lastSeq[i]!)).some((ev) => ev.type === "+switch-master"),
          ),
        );
        return seen.every(Boolean);
      },
      { timeoutMs: 45_000 },
    );
    expect(switched).to.equal(true);
    let leader: Endpoint | undefined;
    for (const e of endpoints) {
      const after = await scrape(e.http);
      expect(after.get('vigil_failovers_total{master="mymaster",result="switched"}')).to.equal(1);
      const events = await eventsSince(e.http, lastSeq[endpoints.indexOf(e)]!);
      if (events.some((ev) => ev.type === "+elected-leader")) {
        leader = e;
        for (const phase of ["detection", "election", "promotion", "reconfiguration"]) {
          expect(
            after.get(`vigil_failover_phase_seconds_count{master="mymaster",phase="${phase}"}`),
            phase,
          ).to.equal(1);
        }
      }
    }
    if (leader === undefined) throw new Error("no sentinel published +elected-leader");
    const myId = await leader.sentinel.command(["SENTINEL", "MYID"]);

    const check = async (): Promise<void> => {
      const res = await get(leader.http, "/v1/failovers");
      expect(res.status).to.equal(200);
      const list = (JSON.parse(res.text) as { failovers: Record<string, unknown>[] }).failovers;
      expect(list).to.have.length(1);
      const record = list[0]!;
      expect(record).to.deep.include({
        master: "mymaster",
        leader: myId,
        ledByUs: true,
        selectedReplica: `127.0.0.1:${replica.port}`,
        from: address,
        to: `127.0.0.1:${replica.port}`,
        result: "switched",
        excluded: [],
      });
      expect(record["epoch"]).to.be.a("number").and.at.least(1);
      const phases = record["phases"] as { phase: string; seconds: number }[];
      expect(phases.map((p) => p.phase)).to.deep.equal([
        "detection",
        "election",
        "promotion",
        "reconfiguration",
      ]);
      for (const p of phases) expect(p.seconds).to.be.at.least(0);
    };
    await check();
    // The record is written without holding the loop: on disk before the SIGKILL of restart().
    const file = `${leader.sentinel.configPath}.failovers.json`;
    await waitFor(
      "the failover record on disk",
      () => fs.existsSync(file) && fs.readFileSync(file, "utf8").includes('"switched"'),
      { timeoutMs: 10_000 },
    );
    await leader.sentinel.restart();
    await waitFor(
      "the HTTP endpoint after the restart",
      async () => (await get(leader.http, "/healthz")).status === 200,
      {
        timeoutMs: 10_000,
      },
    );
    await check();
  });

  it("asks for the password, answers 404/405/400, and exits non-zero on a taken port", async () => {
    const master = await RedisProcess.start();
    started.push(master);
    const http = await freePort();
    // Started by hand: the harness's readiness PING would get -NOAUTH.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vigil-http-auth-"));
    const vigil = startVigil(dir, await freePort(), master.port, [
      `metrics-port ${http}`,
      "requirepass s3cret",
    ]);
    started.push({
      cleanup: async () => {
        await stopProcess(vigil);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    });
    await waitFor(
      "the HTTP endpoint to answer",
      async () => (await get(http, "/healthz")).status === 401,
      {
        timeoutMs: 15_000,
      },
    );
    const basic = `Basic ${Buffer.from("default:s3cret").toString("base64")}`;
    const none = await get(http, "/metrics");
    expect(none.status).to.equal(401);
    expect(none.headers.get("www-authenticate")).to.match(/^Basic realm="vigil"/);
    expect((await get(http, "/v1/masters", { auth: "Bearer wrong" })).status).to.equal(401);
    expect((await get(http, "/metrics", { auth: basic })).status).to.equal(200);
    const masters = await get(http, "/v1/masters", { auth: "Bearer s3cret" });
    expect(masters.status).to.equal(200);
    const list = JSON.parse(masters.text) as Record<string, unknown>[];
    expect(list[0]).to.deep.include({ name: "mymaster", port: master.port, quorum: 1 });
    const one = await get(http, "/v1/masters/mymaster", { auth: basic });
    expect(Object.keys(JSON.parse(one.text) as object)).to.deep.equal([
      "master",
      "replicas",
      "sentinels",
    ]);
    const unknown = await get(http, "/v1/masters/nope", { auth: basic });
    expect(unknown.status).to.equal(404);
    expect(JSON.parse(unknown.text)).to.deep.equal({ error: "No such master with that name" });
    expect((await get(http, "/nowhere", { auth: basic })).status).to.equal(404);
    const post = await get(http, "/metrics", { method: "POST", auth: basic });
    expect(post.status).to.equal(405);
    expect(post.headers.get("allow")).to.equal("GET, HEAD");
    // A GET with a body (fetch cannot send one): refused, the connection closed.
    const raw = await rawRequest(
      http,
      `GET /readyz HTTP/1.1\r\nHost: x\r\nAuthorization: ${basic}\r\nContent-Length: 2\r\n\r\nxx`,
    );
    expect(raw.split("\r\n")[0]).to.equal("HTTP/1.1 400 Bad Request");
    expect(raw).to.include('{"error":"A request body is not accepted"}');

    // The same metrics-port for a second Vigil: the start fails as for a taken sentinel port.
    const second = startVigil(dir, await freePort(), master.port, [`metrics-port ${http}`], "2");
    const code = await exitCodeWithin(second, 15_000);
    expect(code).to.equal(1);
    const output = second.output.join("");
    expect(output).to.include(
      `Could not create server TCP listening socket 127.0.0.1:${http}: bind: Address already in use`,
    );
    expect(output).to.include(`Failed listening on metrics-port ${http} (HTTP), aborting.`);
  });
});

// Proves that /metrics writes its per-master and per-link families (master-families.ts, text
// written by hand with labels cached between scrapes) with exactly the bytes prom-client's
// Registry writes for the same samples: escaping of odd master names included, after the state
// changed between scrapes (a failover's new address, a master gone, a link down, SDOWN), and
// with every family in the order the Registry alone had them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Registry } from "prom-client";
import type { Gauge } from "prom-client";
import { masterSummary } from "../../../../src/commands/info-sentinel.js";
import { linkDisconnected } from "../../../../src/core/index.js";
import type { InstanceState, SentinelState } from "../../../../src/core/index.js";
import {
  CKQUORUM_HELP,
  LINK_UP_HELP,
  PER_MASTER,
  STATUS_HELP,
} from "../../../../src/shell/http/master-families.js";
import { familyHeader, labelPair, valueText } from "../../../../src/shell/http/prom-text.js";
import type { SentinelReadout } from "../../../../src/shell/http/readout.js";
import { sentinelReply } from "../../../../src/shell/http/readout.js";
import { Telemetry } from "../../../../src/shell/http/telemetry.js";
import { addMaster, addPeer, addReplica, newState } from "../../../support/state-builder.js";

const NOW = 1_000_000;
const ODD_NAMES = ["mymaster", 'q"uote', "back\\slash", "new\nline", "üñí", 'all\\"\n\\n'];

type Labels = Record<string, string | number>;
interface Sample {
  readonly labels: Labels;
  readonly value: number;
}

/** prom-client's own rendering of one gauge family with these samples. */
async function promClientText(name: string, help: string, values: Sample[]): Promise<string> {
  const registry = new Registry();
  const metric = {
    name,
    help,
    type: "gauge",
    aggregator: "sum",
    get: () => Promise.resolve({ name, help, type: "gauge", values }),
  };
  registry.registerMetric(metric as unknown as Gauge);
  return registry.getSingleMetricAsString(name);
}

/** The per-master and per-link families as prom-client writes them for `state`. */
async function expectedFamilies(
  readout: SentinelReadout,
  state: SentinelState,
): Promise<Map<string, string>> {
  const rows = [...state.masters.values()].map((master) => {
    const m = masterSummary(state, master);
    return { master, status: m.status, labels: { master_name: m.name, master_address: m.address } };
  });
  const out = new Map<string, string>();
  for (const [name, help, value] of PER_MASTER) {
    const values = rows.map((r) => ({ labels: r.labels, value: value(r.master, NOW) }));
    out.set(name, await promClientText(name, help, values));
  }
  const status = rows.map((r) => ({
    labels: { ...r.labels, master_status: r.status },
    value: r.status === "ok" ? 1 : 0,
  }));
  out.set(
    "redis_sentinel_master_status",
    await promClientText("redis_sentinel_master_status", STATUS_HELP, status),
  );
  const quorum = rows.map((r) => {
    const reply = sentinelReply(readout, ["ckquorum", r.master.name]);
    const message = "value" in reply && typeof reply.value === "string" ? reply.value : "";
    return {
      labels: { master_name: r.master.name, message },
      value: reply.type === "error" ? 0 : 1,
    };
  });
  const quorumName = "redis_sentinel_master_ckquorum_status";
  out.set(quorumName, await promClientText(quorumName, CKQUORUM_HELP, quorum));
  const links: Sample[] = [];
  for (const master of state.masters.values()) {
    const instances: InstanceState[] = [
      master,
      ...master.replicas.values(),
      ...master.sentinels.values(),
    ];
    for (const i of instances) {
      links.push({
        labels: { master: master.name, role: i.kind, addr: `${i.addr.ip}:${i.addr.port}` },
        value: linkDisconnected(i.link) ? 0 : 1,
      });
    }
  }
  out.set("vigil_link_up", await promClientText("vigil_link_up", LINK_UP_HELP, links));
  return out;
}

/** The exposition's families by name (each block from its HELP line). */
function familiesOf(text: string): Map<string, string> {
  expect(text.endsWith("\n")).to.equal(true);
  const out = new Map<string, string>();
  for (const block of text.slice(0, -1).split("\n\n")) {
    const name = /^# HELP (\S+) /.exec(block)?.[1];
    expect(name, block).to.be.a("string");
    out.set(name ?? "", block);
  }
  return out;
}

describe("/metrics text families", () => {
  let dir = "";
  let state: SentinelState;
  let readout: SentinelReadout;
  let telemetry: Telemetry;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "vigil-prom-text-"));
    state = newState();
    ODD_NAMES.forEach((name, i) => {
      const m = addMaster(state, NOW, name, { ip: `10.0.0.${i + 1}`, port: 6379 + i });
      m.link.lastAvailTime = NOW - i * 1234 - 7;
      if (i % 2 === 1) m.flags.add("s_down");
      if (i === 3) m.flags.add("o_down");
      const r = addReplica(state, NOW, m, { ip: `10.0.1.${i}`, port: 7000 + i });
      if (i === 2) {
        r.flags.add("s_down");
        r.link.cmdConnected = false;
      }
      if (i === 4) r.replicaAnnounced = false;
      if (i % 2 === 0) addPeer(state, NOW, m, { ip: "10.0.2.1", port: 26379 }, "b".repeat(40));
    });
    readout = {
      state: () => state,
      now: () => NOW,
      scripts: () => ({ running: 0, queueLength: 0 }),
      lag: () => null,
    };
    telemetry = new Telemetry({ readout, configFile: join(dir, "s.conf"), warn: () => undefined });
  });

  afterEach(async () => {
    await telemetry.failovers.flushed();
    rmSync(dir, { recursive: true, force: true });
  });

  const expectSameAsPromClient = async (): Promise<void> => {
    const got = familiesOf(Buffer.concat(await telemetry.metrics.render()).toString());
    const expected = await expectedFamilies(readout, state);
    expect(expected.size).to.equal(13);
    for (const [name, text] of expected) expect(got.get(name), name).to.equal(text);
  };

  it("writes the same bytes as prom-client for the same samples, odd names escaped", async () => {
    await expectSameAsPromClient();
    const text = Buffer.concat(await telemetry.metrics.render()).toString();
    expect(text).to.include(
      'redis_sentinel_master_slaves{master_name="all\\\\\\"\\n\\\\n",master_address="10.0.0.6:6384"} 1\n',
    );
    expect(text).to.include(
      'master_status{master_name="q\\"uote",master_address="10.0.0.2:6380",master_status="sdown"} 0\n',
    );
  });

  it("stays the same as prom-client's when the state changes between scrapes", async () => {
    await expectSameAsPromClient();
    const m = state.masters.get('q"uote');
    if (m === undefined) throw new Error("no master");
    // A failover: the master's address changes, its flags clear, a peer appears.
    m.addr = { ip: "10.0.9.9", port: 7777 };
    m.link.addr = m.addr;
    m.flags.delete("s_down");
    addPeer(state, NOW, m, { ip: "10.0.2.2", port: 26380 }, "c".repeat(40));
    // Another master goes away, a link drops, a setting moves.
    state.masters.delete("back\\slash");
    const first = state.masters.get("mymaster");
    if (first === undefined) throw new Error("no master");
    first.link.cmdConnected = false;
    first.settings = { ...first.settings, quorum: 3 };
    await expectSameAsPromClient();
    // The next scrape with nothing changed reuses what it wrote: still the same bytes.
    await expectSameAsPromClient();
    first.flags.add("s_down");
    await expectSameAsPromClient();
  });

  it("keeps every family in the order prom-client's Registry had them", async () => {
    const names = [
      ...familiesOf(Buffer.concat(await telemetry.metrics.render()).toString()).keys(),
    ];
    expect(names).to.deep.equal([
      "redis_sentinel_masters",
      "redis_sentinel_tilt",
      "redis_sentinel_running_scripts",
      "redis_sentinel_scripts_queue_length",
      "redis_sentinel_simulate_failure_flags",
      ...PER_MASTER.map(([name]) => name),
      "redis_sentinel_master_status",
      "redis_sentinel_master_ckquorum_status",
      "vigil_current_epoch",
      "vigil_link_up",
      "vigil_failovers_total",
      "vigil_failover_phase_seconds",
      "vigil_tilt_entries_total",
      "vigil_config_saves_total",
      "vigil_config_save_seconds",
      "vigil_event_loop_lag_seconds",
    ]);
  });

  it("writes a label and a value as prom-client does, special numbers included", async () => {
    const values = [
      0,
      -0,
      1,
      -1,
      1.5,
      0.1 + 0.2,
      1e21,
      1e-7,
      2 ** 53 + 2,
      NaN,
      Infinity,
      -Infinity,
    ];
    const label = 'a\\b"c\nd\\n';
    const samples = values.map((value) => ({ labels: { l: label }, value }));
    const help = "help\\with\nnewline";
    const expected = await promClientText("x", help, samples);
    const lines = values.map((v) => `\nx{${labelPair("l", label)}} ${valueText(v)}`);
    expect(familyHeader("x", help, "gauge") + lines.join("")).to.equal(expected);
  });
});

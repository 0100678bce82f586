// Proves the `# Sentinel` INFO section has redis-sentinel's exact field names, values and
// master lines (status odown > sdown > ok, sentinels counting ourselves, TILT seconds), plus
// Redis 8's and Valkey 9's sentinel_total_tilt where they put it.
import { expect } from "chai";
import { infoSentinelSection } from "../../../src/commands/info-sentinel.js";
import { addMaster, addPeer, addReplica, newState } from "../../support/state-builder.js";

const NOW = 1_000_000;

describe("infoSentinelSection", () => {
  it("renders the section of a sentinel with no masters", () => {
    expect(infoSentinelSection(newState(), NOW, { running: 0, queueLength: 0 })).to.equal(
      "# Sentinel\r\nsentinel_masters:0\r\nsentinel_tilt:0\r\nsentinel_tilt_since_seconds:-1\r\n" +
        "sentinel_total_tilt:0\r\n" +
        "sentinel_running_scripts:0\r\nsentinel_scripts_queue_length:0\r\nsentinel_simulate_failure_flags:0\r\n",
    );
  });

  it("renders one line per master with status, record address, replica and sentinel counts", () => {
    const state = newState();
    const a = addMaster(state, NOW, "a", { ip: "10.0.0.1", port: 6379 });
    addReplica(state, NOW, a, { ip: "10.0.0.2", port: 6379 });
    addPeer(state, NOW, a, { ip: "10.0.1.1", port: 26379 }, "b".repeat(40));
    addPeer(state, NOW, a, { ip: "10.0.1.2", port: 26379 }, "c".repeat(40));
    const b = addMaster(state, NOW, "b", { ip: "::1", port: 7000 });
    b.flags.add("s_down");
    const c = addMaster(state, NOW, "c", { ip: "10.0.0.9", port: 7001 });
    c.flags.add("s_down").add("o_down");
    const text = infoSentinelSection(state, NOW, { running: 1, queueLength: 3 });
    expect(text.split("\r\n")).to.deep.equal([
      "# Sentinel",
      "sentinel_masters:3",
      "sentinel_tilt:0",
      "sentinel_tilt_since_seconds:-1",
      "sentinel_total_tilt:0",
      "sentinel_running_scripts:1",
      "sentinel_scripts_queue_length:3",
      "sentinel_simulate_failure_flags:0",
      "master0:name=a,status=ok,address=10.0.0.1:6379,slaves=1,sentinels=3",
      "master1:name=b,status=sdown,address=::1:7000,slaves=0,sentinels=1",
      "master2:name=c,status=odown,address=10.0.0.9:7001,slaves=0,sentinels=1",
      "",
    ]);
  });

  it("reports TILT with whole seconds since it started, and the simulate-failure flags", () => {
    const state = newState();
    state.tilt = true;
    state.tiltStartTime = NOW - 12_999;
    state.totalTilt = 4;
    state.simulateFailureFlags = 3;
    const text = infoSentinelSection(state, NOW, { running: 0, queueLength: 0 });
    expect(text).to.contain(
      "sentinel_tilt:1\r\nsentinel_tilt_since_seconds:12\r\nsentinel_total_tilt:4\r\n",
    );
    expect(text).to.contain("sentinel_simulate_failure_flags:3\r\n");
  });
});

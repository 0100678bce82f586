// Proves SentinelHost's cached SENTINEL GET-MASTER-ADDR-BY-NAME (through the SENTINEL request
// path, commands/sentinel-request.ts): its bytes equal what the generic SENTINEL handler encodes, in RESP2 and RESP3, in any case, and it follows the core's
// state (an address change, a removed master) on the very next call. With hostnames: the
// announced host, and SENTINEL MONITOR of a name looked up before the core sees it.
import { expect } from "chai";
import { sentinelCommand } from "../../../src/commands/sentinel.js";
import { sentinelRequest } from "../../../src/commands/sentinel-request.js";
import type { SentinelState } from "../../../src/core/model/state.js";
import type { Reply } from "../../../src/protocol/reply.js";
import { R } from "../../../src/protocol/reply.js";
import { encodeReply } from "../../../src/protocol/resp-encoder.js";
import type { Input } from "../../../src/core/model/inputs.js";
import { SentinelHost } from "../../../src/shell/sentinel-host.js";
import { hostOver } from "./host-fixture.js";
import { addMaster, newState } from "../../support/state-builder.js";

const session = (protocol: 2 | 3) => ({
  id: 1,
  protocol,
  name: "",
  user: "default",
  addr: "127.0.0.1:1",
  laddr: "127.0.0.1:2",
});

function hostBytes(host: SentinelHost, args: string[], protocol: 2 | 3): string {
  const reply = sentinelRequest(args, host, session(protocol));
  expect(reply).not.to.be.instanceOf(Promise);
  return encodeReply(reply as Reply, protocol).toString("latin1");
}

function genericBytes(state: SentinelState, args: string[], protocol: 2 | 3): string {
  const outcome = sentinelCommand(args, {
    now: 1000,
    state,
    protocol,
    isExecutable: () => false,
    pendingScripts: [],
  });
  if (outcome.kind !== "reply") throw new Error("expected a reply");
  return encodeReply(outcome.reply, protocol).toString("latin1");
}

describe("SentinelHost GET-MASTER-ADDR-BY-NAME", () => {
  it("answers the same bytes as the generic handler, in RESP2 and RESP3", () => {
    const state = newState();
    addMaster(state, 0, "m", { ip: "10.0.0.1", port: 6379 });
    const host = hostOver(state);
    for (const protocol of [2, 3] as const) {
      for (const args of [
        ["get-master-addr-by-name", "m"],
        ["GET-MASTER-ADDR-BY-NAME", "m"],
        ["get-master-addr-by-name", "nope"],
        ["get-master-addr-by-name"],
        ["get-master-addr-by-name", "m", "x"],
      ]) {
        expect(hostBytes(host, args, protocol), args.join(" ")).to.equal(
          genericBytes(state, args, protocol),
        );
      }
    }
  });

  it("follows an address change and a removal on the next call", () => {
    const state = newState();
    const master = addMaster(state, 0, "m", { ip: "10.0.0.1", port: 6379 });
    const host = hostOver(state);
    const args = ["get-master-addr-by-name", "m"];
    expect(hostBytes(host, args, 2)).to.equal("*2\r\n$8\r\n10.0.0.1\r\n$4\r\n6379\r\n");
    master.addr = { ip: "10.0.0.2", port: 6380 };
    expect(hostBytes(host, args, 2)).to.equal("*2\r\n$8\r\n10.0.0.2\r\n$4\r\n6380\r\n");
    state.masters.delete("m");
    expect(hostBytes(host, args, 2)).to.equal("*-1\r\n");
    expect(hostBytes(host, args, 3)).to.equal("_\r\n");
  });
});

describe("SentinelHost and hostnames", () => {
  it("answers GET-MASTER-ADDR-BY-NAME with the IP of a name, or the name if announced", () => {
    const state = newState();
    state.global = { ...state.global, resolveHostnames: true };
    state.hosts.set("localhost", { ip: "127.0.0.1", answeredAt: 0, pending: false });
    addMaster(state, 0, "m", { ip: "localhost", port: 6379 });
    const host = hostOver(state);
    const args = ["get-master-addr-by-name", "m"];
    expect(hostBytes(host, args, 2)).to.equal("*2\r\n$9\r\n127.0.0.1\r\n$4\r\n6379\r\n");
    state.global = { ...state.global, announceHostnames: true };
    expect(hostBytes(host, args, 2)).to.equal("*2\r\n$9\r\nlocalhost\r\n$4\r\n6379\r\n");
  });

  it("looks a MONITOR hostname up first: refused if it does not resolve, else fed to the core", async () => {
    const state = newState();
    state.global = { ...state.global, resolveHostnames: true };
    const inputs: Input[] = [];
    const lookups: string[] = [];
    const host = new SentinelHost({
      runtime: {
        request: (make, done) => {
          inputs.push(make(7));
          done({ kind: "admin", requestId: 7, result: { kind: "ok" }, afterPersist: true });
        },
        push: (input) => inputs.push(input),
      },
      state: () => state,
      scripts: { pending: () => [], runningCount: 0, queueLength: 0 },
      now: () => 1000,
      isExecutable: () => false,
      shutdown: () => undefined,
      lookupHost: (name) => {
        lookups.push(name);
        return Promise.resolve(name === "localhost" ? "127.0.0.1" : null);
      },
    });
    const refused = await sentinelRequest(
      ["monitor", "a", "nowhere", "6379", "1"],
      host,
      session(2),
    );
    expect(refused).to.deep.equal(R.error("ERR Invalid IP address or hostname specified"));
    expect(inputs).to.deep.equal([]);
    const ok = await sentinelRequest(["monitor", "m", "localhost", "6379", "1"], host, session(2));
    expect(ok).to.deep.equal(R.ok());
    expect(inputs).to.deep.equal([
      { type: "host-resolved", host: "localhost", ip: "127.0.0.1" },
      {
        type: "admin",
        requestId: 7,
        op: { op: "monitor", name: "m", host: "localhost", port: 6379, quorum: 1 },
      },
    ]);
    // An IP is not looked up.
    await sentinelRequest(["monitor", "n", "10.0.0.1", "6379", "1"], host, session(2));
    expect(lookups).to.deep.equal(["nowhere", "localhost"]);
  });
});

describe("SentinelHost request view", () => {
  it("gives SENTINEL the state, clock and protocol of the call, and the scripts pending then", () => {
    const state = newState();
    const jobs = [
      { argv: ["/bin/a", "x"], running: true, pid: 42, runTime: 5, runDelay: 0, retryNum: 1 },
      { argv: ["/bin/b"], running: false, pid: 0, runTime: 0, runDelay: 30, retryNum: 2 },
    ];
    let asked = 0;
    const host = new SentinelHost({
      runtime: { request: () => undefined, push: () => undefined },
      state: () => state,
      scripts: {
        pending: () => {
          asked += 1;
          return jobs;
        },
        runningCount: 1,
        queueLength: 2,
      },
      now: () => 1234,
      isExecutable: () => true,
      shutdown: () => undefined,
    });
    const env = host.sentinelEnv(session(3));
    expect([env.now, env.state === state, env.protocol, env.isExecutable("/x")]).to.deep.equal([
      1234,
      true,
      3,
      true,
    ]);
    // Read only by SENTINEL PENDING-SCRIPTS, so only asked for then.
    expect(asked).to.equal(0);
    expect(env.pendingScripts).to.deep.equal([
      { argv: ["/bin/a", "x"], pid: 42, retryNum: 1, running: true, runTimeMs: 5 },
      { argv: ["/bin/b"], pid: 0, retryNum: 2, running: false, runDelayMs: 30 },
    ]);
    expect(asked).to.equal(1);
  });
});

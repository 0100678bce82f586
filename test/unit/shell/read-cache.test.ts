// Proves SentinelHost's read cache (read-cache.ts): SENTINEL MASTER / REPLICAS / SLAVES /
// SENTINELS and INFO sentinel answered by the host are the bytes the subcommand code and INFO
// encode, in RESP2 and RESP3; a cached reply is reused only for the same core step count and
// millisecond, and is rebuilt after either moves; errors (no such master) are never cached.
import { expect } from "chai";
import { buildInfo } from "../../../src/commands/info.js";
import { sentinelCommand } from "../../../src/commands/sentinel.js";
import { sentinelRequest } from "../../../src/commands/sentinel-request.js";
import type { SentinelState } from "../../../src/core/model/state.js";
import type { Reply } from "../../../src/protocol/reply.js";
import { R } from "../../../src/protocol/reply.js";
import { encodeReply } from "../../../src/protocol/resp-encoder.js";
import type { SentinelHost } from "../../../src/shell/sentinel-host.js";
import { hostOver } from "./host-fixture.js";
import type { HostClock as Clock } from "./host-fixture.js";
import { addMaster, addPeer, addReplica, newState } from "../../support/state-builder.js";

const session = (protocol: 2 | 3) => ({
  id: 1,
  protocol,
  name: "",
  user: "default",
  addr: "127.0.0.1:1",
  laddr: "127.0.0.1:2",
});

function bytesOf(reply: Reply | Promise<Reply>, protocol: 2 | 3): string {
  expect(reply).not.to.be.instanceOf(Promise);
  return encodeReply(reply as Reply, protocol).toString("latin1");
}

function hostBytes(host: SentinelHost, args: string[], protocol: 2 | 3): string {
  return bytesOf(sentinelRequest(args, host, session(protocol)), protocol);
}

function genericBytes(state: SentinelState, now: number, args: string[], protocol: 2 | 3) {
  const outcome = sentinelCommand(args, {
    now,
    state,
    protocol,
    isExecutable: () => false,
    pendingScripts: [],
  });
  if (outcome.kind !== "reply") throw new Error("expected a reply");
  return encodeReply(outcome.reply, protocol).toString("latin1");
}

function topology(): { state: SentinelState; clock: Clock } {
  const state = newState();
  const master = addMaster(state, 0, "m", { ip: "10.0.0.1", port: 6379 });
  addReplica(state, 0, master, { ip: "10.0.0.2", port: 6380 });
  addPeer(state, 0, master, { ip: "10.0.0.3", port: 26379 }, "b".repeat(40));
  return { state, clock: { now: 1000, generation: 1, running: 0 } };
}

describe("SentinelHost read cache", () => {
  it("answers the bytes the subcommand code encodes, in RESP2 and RESP3, in any case", () => {
    const { state, clock } = topology();
    const host = hostOver(state, clock);
    for (const protocol of [2, 3] as const) {
      for (const args of [
        ["master", "m"],
        ["MASTER", "m"],
        ["replicas", "m"],
        ["slaves", "m"],
        ["sentinels", "m"],
        ["master", "nope"],
        ["replicas", "nope"],
      ]) {
        // Twice: the second answer comes from the cache.
        for (let i = 0; i < 2; i++) {
          expect(hostBytes(host, args, protocol), args.join(" ")).to.equal(
            genericBytes(state, clock.now, args, protocol),
          );
        }
      }
    }
  });

  it("reuses a reply only within one core step count and one millisecond", () => {
    const { state, clock } = topology();
    const host = hostOver(state, clock);
    const master = state.masters.get("m")!;
    const before = hostBytes(host, ["master", "m"], 2);
    // Changed behind the host's back: the same step count and ms still answer from the cache.
    master.settings = { ...master.settings, quorum: 7 };
    expect(hostBytes(host, ["master", "m"], 2)).to.equal(before);
    clock.generation += 1;
    const afterStep = hostBytes(host, ["master", "m"], 2);
    expect(afterStep).to.include("$6\r\nquorum\r\n$1\r\n7\r\n");
    expect(afterStep).to.equal(genericBytes(state, clock.now, ["master", "m"], 2));
    clock.now += 1;
    expect(hostBytes(host, ["master", "m"], 2)).to.equal(
      genericBytes(state, clock.now, ["master", "m"], 2),
    );
    expect(hostBytes(host, ["master", "m"], 2)).not.to.equal(afterStep);
  });

  it("never caches an error: a master added in the same step count is found", () => {
    const { state, clock } = topology();
    const host = hostOver(state, clock);
    expect(sentinelRequest(["master", "x"], host, session(2))).to.deep.equal(
      R.error("ERR No such master with that name"),
    );
    addMaster(state, 0, "x", { ip: "10.0.0.9", port: 6379 });
    expect(hostBytes(host, ["master", "x"], 2)).to.equal(
      genericBytes(state, clock.now, ["master", "x"], 2),
    );
  });

  it("answers INFO sentinel as INFO renders it, following the script counters", () => {
    const { state, clock } = topology();
    const host = hostOver(state, clock);
    const info = (): string =>
      bytesOf(
        R.bulk(
          buildInfo(
            ["sentinel"],
            () => {
              throw new Error("INFO sentinel needs no process facts");
            },
            () => host.infoSentinelSection(),
          ),
        ),
        2,
      );
    expect(bytesOf(host.infoSentinelReply(), 2)).to.equal(info());
    expect(bytesOf(host.infoSentinelReply(), 2)).to.include("sentinel_running_scripts:0\r\n");
    clock.running = 1;
    expect(bytesOf(host.infoSentinelReply(), 2)).to.include("sentinel_running_scripts:1\r\n");
    expect(bytesOf(host.infoSentinelReply(), 2)).to.equal(info());
  });
});

// Proves that Vigil's SENTINEL replies have the shape real redis-sentinel 7.0.15 gives: for a
// live topology (master, one replica, two redis-sentinels) it captures raw RESP2 and RESP3 replies
// of one sentinel and compares them — field names and order, reply types, error texts, and every
// value that does not depend on timing or process ids — with what sentinelCommand returns for the
// equivalent hand-built state. With VIGIL_WRITE_FIXTURES=1 it also rewrites the captures used by
// test/unit/commands/sentinel-fixtures.test.ts.
import fs from "node:fs";
import net from "node:net";
import { expect } from "chai";
import { Topology } from "./harness/topology.js";
import { waitFor } from "./harness/wait-for.js";
import { encodeCommand, pairsToMap, type RespValue } from "./harness/resp-client.js";
import { firstReplyLength } from "../unit/commands/support/resp-shape.js";
import {
  comparable,
  equivalentState,
  ourRaw,
  shapeCases,
  type TopologyFacts,
} from "../unit/commands/support/shape-cases.js";

const FIXTURE = new URL("../unit/commands/fixtures/redis-sentinel-7.0.15.json", import.meta.url);

/** One connection that hands back each reply's raw bytes. */
class RawConnection {
  private buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;

  private readonly socket: net.Socket;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiter?.();
    });
  }

  static connect(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        socket.removeListener("error", reject);
        resolve(new RawConnection(socket));
      });
      socket.once("error", reject);
    });
  }

  async call(args: readonly string[], timeoutMs = 2_000): Promise<Buffer> {
    this.socket.write(encodeCommand(["SENTINEL", ...args]));
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const length = firstReplyLength(this.buffer);
      if (length !== null) {
        const reply = this.buffer.subarray(0, length);
        this.buffer = this.buffer.subarray(length);
        return reply;
      }
      const left = deadline - performance.now();
      if (left <= 0)
        throw new Error(`no reply to SENTINEL ${args.join(" ")} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  async hello3(): Promise<void> {
    this.socket.write(encodeCommand(["HELLO", "3"]));
    const deadline = performance.now() + 2_000;
    while (firstReplyLength(this.buffer) === null) {
      if (performance.now() > deadline) throw new Error("no reply to HELLO 3");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    this.buffer = this.buffer.subarray(firstReplyLength(this.buffer) ?? 0);
  }

  close(): void {
    this.socket.destroy();
  }
}

function firstPeer(reply: RespValue): Map<string, string> {
  if (!Array.isArray(reply) || reply.length !== 1)
    throw new Error(`expected one peer, got ${JSON.stringify(reply)}`);
  return pairsToMap(reply[0] ?? null);
}

describe("SENTINEL replies compared with a live redis-sentinel 7.0.15", function () {
  this.timeout(60_000);
  let topology: Topology;
  let facts: TopologyFacts;
  const conns: RawConnection[] = [];

  before(async () => {
    topology = await Topology.start({ replicas: 1, sentinels: ["redis", "redis"], quorum: 2 });
    const [sentinel, other] = topology.sentinels;
    if (sentinel === undefined || other === undefined) throw new Error("topology has no sentinels");
    // The peer's link may still be connecting right after discovery: wait until the real
    // sentinel shows it connected, since the compared state has a connected peer.
    const peer = await waitFor(
      "redis-sentinel to show its peer connected",
      async () => {
        const found = firstPeer(await sentinel.command(["SENTINEL", "SENTINELS", "mymaster"]));
        return found.get("flags") === "sentinel" ? found : null;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    facts = {
      masterPort: topology.master.port,
      replicaPort: topology.replicas[0]?.port ?? 0,
      peerPort: Number(peer.get("port")),
      peerRunId: peer.get("runid") ?? "",
    };
    expect(facts.peerPort).to.equal(other.port);
  });

  after(async () => {
    for (const conn of conns) conn.close();
    await topology.teardown();
  });

  async function captureAll(): Promise<
    { args: readonly string[]; resp2: string; resp3: string }[]
  > {
    const sentinel = topology.sentinels[0];
    if (sentinel === undefined) throw new Error("no sentinel");
    const resp2 = await RawConnection.connect(sentinel.port);
    const resp3 = await RawConnection.connect(sentinel.port);
    conns.push(resp2, resp3);
    await resp3.hello3();
    const captured = [];
    for (const c of shapeCases(facts)) {
      const raw2 = await resp2.call(c.args);
      const raw3 = await resp3.call(c.args);
      captured.push({ args: c.args, resp2: raw2.toString("utf8"), resp3: raw3.toString("utf8") });
    }
    return captured;
  }

  it("gives the same replies, in RESP2 and RESP3, for every compared subcommand", async () => {
    const captured = await captureAll();
    if (process.env["VIGIL_WRITE_FIXTURES"] === "1") {
      fs.writeFileSync(FIXTURE, JSON.stringify({ facts, cases: captured }, null, 2) + "\n");
    }
    const now = 1_000_000;
    const state = equivalentState(facts, now);
    const cases = shapeCases(facts);
    for (const [i, c] of cases.entries()) {
      const real = captured[i];
      if (real === undefined) throw new Error("capture missing");
      const label = `SENTINEL ${c.args.join(" ")}`;
      expect(comparable(c, ourRaw(c, state, now, 2)), `${label} (RESP2)`).to.deep.equal(
        comparable(c, real.resp2),
      );
      expect(comparable(c, ourRaw(c, state, now, 3)), `${label} (RESP3)`).to.deep.equal(
        comparable(c, real.resp3),
      );
    }
  });
});

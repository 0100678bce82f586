// Proves SENTINEL WHY (Vigil's extension) names the blocking condition on real processes, read
// through redis-cli as a person would (plain RESP2 output) and as JSON (`redis-cli -3 --json`,
// the object GET /v1/masters/<name>/why serves), in the three set-ups of issue #15:
// (a) quorum unreachable: of 3 sentinels two are stopped and the master is killed → sdown-only
//     with the two stopped peers among those not asked or not answering, and no-quorum;
// (b) no promotable replica: every replica has replica-priority 0 → odown and no-good-slave
//     with priority-0 for each replica;
// (c) a vote already given: every sentinel got a vote request for a made-up leader in epoch 10
//     before the master died → odown, voted-for-other-leader (that leader, epoch "10") and
//     waiting-failover-timeout with the time it opens.
import { expect } from "chai";
import { redisCli } from "./support/clients.js";
import type { SentinelProcess } from "./harness/sentinel-process.js";
import { startTopology, type Topology } from "./harness/topology.js";
import { waitFor } from "./harness/wait-for.js";

interface Condition {
  code: string;
  words: string;
  data: Record<string, unknown>;
}
interface Why {
  master: string;
  status: string;
  currentEpoch: string;
  blocking: Condition[];
  replicas: { name: string; promotable: number; rule: string | null }[];
  peers: { runId: string }[];
}

async function whyJson(sentinel: SentinelProcess): Promise<Why> {
  const out = await redisCli(sentinel.port, ["-3", "--json", "SENTINEL", "WHY", "mymaster"]);
  if (out.code !== 0) throw new Error(`redis-cli: ${out.stderr}`);
  return JSON.parse(out.stdout) as Why;
}

async function whyText(sentinel: SentinelProcess): Promise<string> {
  return (await redisCli(sentinel.port, ["SENTINEL", "WHY", "mymaster"])).stdout;
}

function codes(why: Why): string[] {
  return why.blocking.map((c) => c.code);
}

function find(why: Why, code: string): Condition {
  const found = why.blocking.find((c) => c.code === code);
  if (found === undefined) throw new Error(`no ${code} in ${JSON.stringify(why)}`);
  return found;
}

/** Waits until WHY on `sentinel` names every code in `want`. */
async function waitForCodes(sentinel: SentinelProcess, want: readonly string[]): Promise<Why> {
  return waitFor(
    `SENTINEL WHY to name ${want.join(", ")}`,
    async () => {
      const why = await whyJson(sentinel);
      if (want.every((c) => codes(why).includes(c))) return why;
      throw new Error(`status ${why.status}, codes ${codes(why).join(",")}`);
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );
}

async function myIds(t: Topology): Promise<string[]> {
  return Promise.all(t.sentinels.map(async (s) => String(await s.command(["SENTINEL", "MYID"]))));
}

describe("SENTINEL WHY on real processes", function () {
  this.timeout(120_000);
  let t: Topology | undefined;

  afterEach(async () => {
    await t?.teardown();
    t = undefined;
  });

  async function start(redisArgs: readonly string[] = []): Promise<Topology> {
    t = await startTopology({
      sentinels: ["vigil", "vigil", "vigil"],
      quorum: 2,
      failoverTimeoutMs: 60_000,
      redisArgs,
    });
    return t;
  }

  it("names sdown-only and no-quorum when two of three sentinels are stopped", async () => {
    const topo = await start();
    const ids = await myIds(topo);
    const [s0, s1, s2] = topo.sentinels;
    if (s0 === undefined || s1 === undefined || s2 === undefined) throw new Error("3 sentinels");
    expect(codes(await whyJson(s0))).to.deep.equal([]);
    await s1.kill();
    await s2.kill();
    await topo.master.kill();

    const why = await waitForCodes(s0, ["sdown-only", "no-quorum", "no-majority-reachable"]);
    expect(why.status).to.equal("sdown");
    const sdown = find(why, "sdown-only").data;
    expect(sdown["downVotes"]).to.equal(1);
    expect(sdown["quorum"]).to.equal(2);
    const silent = [...(sdown["noAnswer"] as string[]), ...(sdown["notAsked"] as string[])];
    expect(silent.sort()).to.deep.equal([ids[1], ids[2]].sort());
    expect(find(why, "no-quorum").data).to.include({ usable: 1, quorum: 2 });

    const text = await whyText(s0);
    expect(text).to.include("sdown-only").and.include("no-quorum");
    expect(text).to.include(String(ids[1]));
    const unknown = await redisCli(s0.port, ["SENTINEL", "WHY", "nosuch"]);
    expect(unknown.stdout.trim()).to.equal("ERR No such master with that name");
  });

  it("names no-good-slave with each replica's rule when every replica has priority 0", async () => {
    const topo = await start(["--replica-priority", "0"]);
    const [s0] = topo.sentinels;
    if (s0 === undefined) throw new Error("no sentinel");
    await topo.master.kill();

    const why = await waitForCodes(s0, ["no-good-slave"]);
    await waitFor("ODOWN", async () => (await whyJson(s0)).status === "odown", {
      timeoutMs: 20_000,
    });
    const odown = await whyJson(s0);
    expect(codes(odown)).to.include("no-good-slave");
    expect(odown.replicas).to.have.length(2);
    for (const r of odown.replicas) expect(r).to.include({ promotable: 0, rule: "priority-0" });
    const listed = (find(why, "no-good-slave").data["replicas"] as { rule: string }[]).map(
      (r) => r.rule,
    );
    expect(listed).to.deep.equal(["priority-0", "priority-0"]);
    const text = await whyText(s0);
    expect(text).to.include("no-good-slave").and.include("replica-priority 0");
  });

  it("names voted-for-other-leader with the leader and epoch after a vote for another", async () => {
    const topo = await start();
    const leader = "f".repeat(40);
    for (const s of topo.sentinels) {
      const reply = await s.command([
        "SENTINEL",
        "IS-MASTER-DOWN-BY-ADDR",
        "127.0.0.1",
        topo.master.port,
        10,
        leader,
      ]);
      expect(reply).to.deep.equal([0, leader, 10]);
    }
    await topo.master.kill();
    const [s0] = topo.sentinels;
    if (s0 === undefined) throw new Error("no sentinel");

    const why = await waitForCodes(s0, ["voted-for-other-leader", "waiting-failover-timeout"]);
    await waitFor("ODOWN", async () => (await whyJson(s0)).status === "odown", {
      timeoutMs: 20_000,
    });
    expect(find(why, "voted-for-other-leader").data).to.include({
      leader,
      leaderEpoch: "10",
    });
    const gate = find(why, "waiting-failover-timeout").data;
    expect(gate["failoverTimeoutMs"]).to.equal(60_000);
    expect(gate["opensAt"])
      .to.be.a("number")
      .within(Date.now(), Date.now() + 120_000);
    const text = await whyText(s0);
    expect(text).to.include("voted-for-other-leader").and.include(leader);
  });
});

/**
 * The returning-master invariant (src/core/monitor/superseded-master.ts): a sentinel never
 * converts the current master of a group into a replica before Redis's wait would have let it.
 *
 * Ground truth: the current master of a group is the replica promoted (`+promoted-slave`) in the
 * highest epoch so far, the first node before any promotion: the configuration of the highest
 * epoch is the one every sentinel ends up with (hello rule). A `+convert-to-slave` of a node that
 * is that master and still has role master, sent before four hello periods have passed since the
 * sentinel saw it report master and since its last SDOWN (sentinel.c's wait, after which Redis
 * converts it too), is a violation: the early conversion demoted the real master. Early
 * conversions of other nodes are counted, to show the runs exercise the rule.
 */
import type { Addr } from "../../../src/core/basics/addr.js";
import { addrEquals, addrKey } from "../../../src/core/basics/addr.js";
import type { Epoch } from "../../../src/core/basics/epoch.js";
import type { SentinelEvent } from "../../../src/core/model/events.js";
import { SafetyViolation } from "./checker.js";
import type { FakeRedis } from "./fake-redis.js";
import type { SimSentinel } from "./sim-sentinel.js";

interface Truth {
  epoch: Epoch;
  addr: Addr;
}

/** `slave <ip:port> <ip> <port> @ …` (the `%@` of a replica) → its address. */
function replicaAddr(text: string): Addr | null {
  const words = text.split(" ");
  const port = Number(words[3]);
  if (words[0] !== "slave" || words[2] === undefined || !Number.isInteger(port)) return null;
  return { ip: words[2], port };
}

export class ConvertWatch {
  private readonly truth = new Map<string, Truth>();
  private readonly groups: ReadonlyMap<string, readonly FakeRedis[]>;
  /** `+convert-to-slave` sent before Redis's wait was over (every sentinel, every master). */
  early = 0;

  constructor(groups: ReadonlyMap<string, readonly FakeRedis[]>) {
    this.groups = groups;
    for (const [name, group] of groups) {
      const first = group[0];
      if (first !== undefined) this.truth.set(name, { epoch: 0n, addr: first.addr });
    }
  }

  /** After every step of any sentinel, with its events (its commands already sent). */
  onStep(sentinel: SimSentinel, events: readonly SentinelEvent[], now: number): void {
    const state = sentinel.state;
    if (state === null) return;
    for (const event of events) {
      if (event.master === null) continue;
      const master = state.masters.get(event.master);
      if (master !== undefined && event.type === "+switch-master") {
        this.learnSwitch(master.name, master.configEpoch, master.addr);
        continue;
      }
      const addr = replicaAddr(event.text);
      if (master === undefined || addr === null) continue;
      if (event.type === "+promoted-slave") {
        this.learnSwitch(master.name, master.failoverEpoch, addr);
        continue;
      }
      if (event.type !== "+convert-to-slave") continue;
      const replica = master.replicas.get(addrKey(addr));
      if (replica === undefined) continue;
      const wait = state.timing.publishPeriod * 4;
      const lastDown = Math.max(replica.sDownSinceTime, replica.oDownSinceTime);
      const redisWaited =
        now - replica.roleReportedTime > wait && (lastDown === 0 || now - lastDown > wait);
      if (redisWaited) continue;
      this.early++;
      const truth = this.truth.get(master.name);
      const node = this.groups.get(master.name)?.find((n) => addrEquals(n.addr, addr));
      if (truth === undefined || node?.role !== "master") continue;
      if (!addrEquals(truth.addr, addr)) continue;
      throw new SafetyViolation(
        `${sentinel.name}: converted ${node.name}, the master promoted in epoch ${truth.epoch}, ` +
          `${now - replica.roleReportedTime} ms after it saw it report master (config epoch ${master.configEpoch})`,
      );
    }
  }

  /**
   * `addr` was promoted in `epoch`. Seen at the leader's +promoted-slave, or at a +switch-master
   * (a config epoch is only ever the epoch of the promotion that made it): the leader may crash
   * while it writes the promotion, its +promoted-slave lost, after its hellos carried the new
   * configuration to the others (core/model/ready.ts: commandsBeforePersist).
   */
  private learnSwitch(name: string, epoch: Epoch, addr: Addr): void {
    const truth = this.truth.get(name);
    if (truth === undefined || epoch > truth.epoch) this.truth.set(name, { epoch, addr });
  }
}

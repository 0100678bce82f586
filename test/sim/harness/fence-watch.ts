/**
 * The self-fencing invariant (src/core/detection/fence.ts): a sentinel never fences a master
 * while a majority of the sentinels can see it. Ground truth from the simulated network, sampled
 * at every step: a sentinel is "seen by a majority" while it runs (not paused) and has clean
 * two-way paths to enough running sentinels to make, with itself, a majority of all of them. A
 * `+fence` from a sentinel seen by a majority for longer than down-after + SLACK_MS is a
 * violation. SLACK_MS covers what a sentinel needs to hear from healed peers again: a ping
 * period, TCP's retransmission back-off (up to 3 s in the simulated network) and the paths'
 * delays. A fence that fires without the condition (the option off, or a broken majority count)
 * is caught; fences on the minority side of partitions are counted, to show the runs exercise it.
 */
import { SafetyViolation } from "./checker.js";
import type { FakeNetwork } from "./fake-network.js";
import type { SimSentinel } from "./sim-sentinel.js";

export const SLACK_MS = 5000;

export class FenceWatch {
  /** Sentinel name → since when it has been seen by a majority (absent: not now). */
  private readonly seenSince = new Map<string, number>();
  /** `+fence` events seen (every sentinel, every master). */
  fences = 0;

  private readonly sentinels: readonly SimSentinel[];
  private readonly network: FakeNetwork;
  private readonly downAfter: number;

  constructor(sentinels: readonly SimSentinel[], network: FakeNetwork, downAfter: number) {
    this.sentinels = sentinels;
    this.network = network;
    this.downAfter = downAfter;
  }

  private clean(a: string, b: string): boolean {
    if (!this.network.connected(a, b)) return false;
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      const path = this.network.path(x, y);
      if (path.loss > 0 || path.maxDelay > 20) return false;
    }
    return true;
  }

  private seenByMajority(s: SimSentinel): boolean {
    if (!s.up || s.paused) return false;
    let others = 0;
    for (const peer of this.sentinels) {
      if (peer === s || !peer.up || peer.paused) continue;
      if (this.clean(s.host, peer.host)) others++;
    }
    return others + 1 >= Math.floor(this.sentinels.length / 2) + 1;
  }

  /** After every step of any sentinel: sample the ground truth, then check its `+fence`s. */
  onStep(sentinel: SimSentinel, fenced: number, now: number): void {
    for (const s of this.sentinels) {
      if (!this.seenByMajority(s)) this.seenSince.delete(s.name);
      else if (!this.seenSince.has(s.name)) this.seenSince.set(s.name, now);
    }
    if (fenced === 0) return;
    this.fences += fenced;
    const since = this.seenSince.get(sentinel.name);
    if (since !== undefined && now - since > this.downAfter + SLACK_MS) {
      throw new SafetyViolation(
        `${sentinel.name}: +fence while a majority of the sentinels has seen it for ${now - since} ms`,
      );
    }
  }
}

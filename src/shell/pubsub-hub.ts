/**
 * Channel and pattern subscriptions of the RESP server's clients, and delivery of what the
 * sentinel publishes (+switch-master, +sdown, … — docs/PROTOCOL.md §8.1).
 *
 * Delivery follows pubsub.c: exact-channel subscribers first, then every pattern that matches
 * (Redis glob, case-sensitive), one `message` / `pmessage` frame each; the count returned is
 * the number of frames delivered. A frame is encoded once per protocol (RESP2 array, RESP3
 * push) and the same bytes are written to every receiver.
 */
import type { ClientState, PubSubRegistry } from "../commands/context.js";
import { globMatch } from "../core/index.js";
import { R } from "../protocol/reply.js";
import { encodeReply } from "../protocol/resp-encoder.js";

/** A connection that can receive frames (ClientSession). */
export interface Subscriber {
  readonly state: ClientState;
  deliver(frame: Buffer): void;
}

function addTo(index: Map<string, Set<Subscriber>>, key: string, sub: Subscriber): void {
  let set = index.get(key);
  if (set === undefined) {
    set = new Set();
    index.set(key, set);
  }
  set.add(sub);
}

function removeFrom(index: Map<string, Set<Subscriber>>, key: string, sub: Subscriber): void {
  const set = index.get(key);
  if (set === undefined) return;
  set.delete(sub);
  if (set.size === 0) index.delete(key);
}

export class PubSubHub implements PubSubRegistry {
  private readonly channels = new Map<string, Set<Subscriber>>();
  private readonly patterns = new Map<string, Set<Subscriber>>();
  private readonly subscribers = new Map<number, Subscriber>();

  /** Makes a connection known; required before it can subscribe. */
  register(sub: Subscriber): void {
    this.subscribers.set(sub.state.id, sub);
  }

  /** Drops a closed connection and all its subscriptions. */
  unregister(sub: Subscriber): void {
    for (const ch of sub.state.channels) removeFrom(this.channels, ch, sub);
    for (const p of sub.state.patterns) removeFrom(this.patterns, p, sub);
    sub.state.channels.clear();
    sub.state.patterns.clear();
    this.subscribers.delete(sub.state.id);
  }

  get channelCount(): number {
    return this.channels.size;
  }

  get patternCount(): number {
    return this.patterns.size;
  }

  subscribe(client: ClientState, channel: string): boolean {
    return this.change(client, channel, client.channels, this.channels, true);
  }

  unsubscribe(client: ClientState, channel: string): boolean {
    return this.change(client, channel, client.channels, this.channels, false);
  }

  psubscribe(client: ClientState, pattern: string): boolean {
    return this.change(client, pattern, client.patterns, this.patterns, true);
  }

  punsubscribe(client: ClientState, pattern: string): boolean {
    return this.change(client, pattern, client.patterns, this.patterns, false);
  }

  /** Delivers to channel then pattern subscribers; returns the number of frames delivered. */
  publish(channel: string, message: string): number {
    let delivered = 0;
    const exact = this.channels.get(channel);
    if (exact !== undefined) {
      const frames = new FrameCache(() => [R.bulk("message"), R.bulk(channel), R.bulk(message)]);
      for (const sub of exact) {
        sub.deliver(frames.get(sub.state.protocol));
        delivered += 1;
      }
    }
    for (const [pattern, subs] of this.patterns) {
      if (!globMatch(pattern, channel)) continue;
      const frames = new FrameCache(() => [
        R.bulk("pmessage"),
        R.bulk(pattern),
        R.bulk(channel),
        R.bulk(message),
      ]);
      for (const sub of subs) {
        sub.deliver(frames.get(sub.state.protocol));
        delivered += 1;
      }
    }
    return delivered;
  }

  private change(
    client: ClientState,
    name: string,
    own: Set<string>,
    index: Map<string, Set<Subscriber>>,
    add: boolean,
  ): boolean {
    const sub = this.subscribers.get(client.id);
    if (add === own.has(name)) return false;
    if (add) {
      own.add(name);
      if (sub !== undefined) addTo(index, name, sub);
    } else {
      own.delete(name);
      if (sub !== undefined) removeFrom(index, name, sub);
    }
    return true;
  }
}

/** Encodes a push frame lazily, once per protocol version. */
class FrameCache {
  private resp2: Buffer | undefined;
  private resp3: Buffer | undefined;
  private readonly items: () => ReturnType<typeof R.bulk>[];

  constructor(items: () => ReturnType<typeof R.bulk>[]) {
    this.items = items;
  }

  get(protocol: 2 | 3): Buffer {
    if (protocol === 2) return (this.resp2 ??= encodeReply(R.push(this.items()), 2));
    return (this.resp3 ??= encodeReply(R.push(this.items()), 3));
  }
}

/**
 * Encoded replies of the read-only SENTINEL subcommands and of INFO sentinel, shared by every
 * request that asks the same question about the same state in the same millisecond.
 *
 * Such a reply is a function of the core's state, `now` (its ages are `now - t` in whole ms)
 * and the arguments, and the state changes only when the runtime steps the core. So the cache
 * is stamped with the core's step count and `now`: a step or a new millisecond empties it, and
 * a hit is the very bytes the subcommand code would have encoded. Under load (many clients, or
 * pipelines) most requests of a millisecond are hits; an idle sentinel encodes as before.
 */
import type { Reply } from "../protocol/reply.js";
import { encodeReply } from "../protocol/resp-encoder.js";

/** Distinct questions kept per stamp (random master names cannot grow it without bound). */
const MAX_ENTRIES = 64;

export class ReadCache {
  private generation = -1;
  private now = -1;
  /** Per protocol (index 0: RESP2, 1: RESP3), encoded replies by question. */
  private readonly replies = [new Map<string, Reply>(), new Map<string, Reply>()] as const;

  /**
   * The reply to `key` for this state generation and millisecond: cached, or `build()` encoded
   * for `protocol` and kept. An error reply (or undefined) is returned as it is and not kept:
   * an error is counted as one, which a pre-encoded reply would hide.
   */
  get<T extends Reply | undefined>(
    generation: number,
    now: number,
    protocol: 2 | 3,
    key: string,
    build: () => T,
  ): Reply | T {
    if (generation !== this.generation || now !== this.now) {
      this.generation = generation;
      this.now = now;
      this.replies[0].clear();
      this.replies[1].clear();
    }
    const replies = this.replies[protocol - 2]!;
    const hit = replies.get(key);
    if (hit !== undefined) return hit;
    const reply = build();
    if (reply === undefined || reply.type === "error") return reply;
    // A copy of its own: an encoded reply is a view on a shared slab, which it must not pin.
    const encoded: Reply = { type: "raw", bytes: new Uint8Array(encodeReply(reply, protocol)) };
    if (replies.size < MAX_ENTRIES) replies.set(key, encoded);
    return encoded;
  }
}

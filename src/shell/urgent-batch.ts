/**
 * The batch a turn steps (docs/ARCHITECTURE.md §4.1, "Failover inputs first"), shared by the
 * runtime and the simulation's executor so that both step the same inputs in the same order.
 * When the queue holds urgent inputs (core records/urgent-input.ts) beside routine ones, the
 * urgent ones make a batch of their own, stepped and carried out first; the routine ones and
 * every tick stay queued for the next batch, in their order. An urgent input stays behind a
 * routine input of its own connection (a link keeps its order: a reply never overtakes the
 * connect or close before it), and a request from a client behind an earlier one (an admin
 * command), so that each client's replies keep their order, and nothing overtakes a failed
 * save's `persist-failed`.
 */
import { inputLink, type Input } from "../core/index.js";

/** A core that says which inputs go first (SentinelCore.urgent); without it, none does. */
export interface UrgentSource {
  urgent?(input: Input): boolean;
}

/** Removes and returns the next batch from `queue` (all of it unless urgent inputs go first). */
export function takeBatch(queue: Input[], urgent: (input: Input) => boolean): Input[] {
  if (queue.length < 2 || !queue.some(urgent)) return queue.splice(0);
  const first: Input[] = [];
  const rest: Input[] = [];
  const held = new Set<string>();
  // A failed save is fed back first thing (runtime.ts): nothing overtakes it.
  let barrier = false;
  for (const input of queue) {
    const key = orderKey(input);
    if (input.type === "persist-failed") barrier = true;
    if (!barrier && input.type !== "tick" && urgent(input) && (key === null || !held.has(key))) {
      first.push(input);
    } else {
      rest.push(input);
      if (key !== null) held.add(key);
    }
  }
  if (first.length === 0 || rest.length === 0) return queue.splice(0);
  queue.length = 0;
  queue.push(...rest);
  return first;
}

/** What an input keeps its order within: its connection, or the clients' requests. */
function orderKey(input: Input): string | null {
  if (input.type === "is-master-down-request" || input.type === "admin") return "requests";
  const link = inputLink(input);
  return link === null ? null : `link:${link}`;
}

/**
 * Which record each unanswered hello PUBLISH on a link was sent for. A peer's link is shared by
 * its records under several masters, each publishing its own master's hello; replies come back
 * in order on the connection, so a FIFO per link tells whose `last_pub_time` a reply advances
 * (sentinel.c passes the record as the reply callback's privdata). Emptied when the cmd
 * connection opens or closes, as no reply of an older connection can follow.
 */
import type { InstanceState, LinkState } from "./state.js";

const queues = new WeakMap<LinkState, InstanceState[]>();

export function notePendingHello(link: LinkState, instance: InstanceState): void {
  const queue = queues.get(link);
  if (queue === undefined) queues.set(link, [instance]);
  else queue.push(instance);
}

/** The record whose hello this reply answers, null when none is outstanding. */
export function takePendingHello(link: LinkState): InstanceState | null {
  return queues.get(link)?.shift() ?? null;
}

export function forgetPendingHellos(link: LinkState): void {
  queues.delete(link);
}

/**
 * Which record each unanswered hello PUBLISH on a link was sent for. A peer's link is shared by
 * its records under several masters, each publishing its own master's hello; replies come back
 * in order on the connection, so a FIFO per link tells whose `last_pub_time` a reply advances
 * (sentinel.c passes the record as the reply callback's privdata). Emptied when the cmd
 * connection opens or closes, as no reply of an older connection can follow. A record's
 * `helloSentTime` is set when its hello goes out and zeroed when a reply for it is taken, the
 * queue is forgotten, or a new configuration forces a hello (failover/progress.ts); a forced hello
 * may be queued behind an older one: the first reply zeroes.
 */
import type { InstanceState, LinkState } from "../model/state.js";

const queues = new WeakMap<LinkState, InstanceState[]>();

export function notePendingHello(link: LinkState, instance: InstanceState, now: number): void {
  instance.helloSentTime = now;
  const queue = queues.get(link);
  if (queue === undefined) queues.set(link, [instance]);
  else queue.push(instance);
}

/** The record whose hello this reply answers, null when none is outstanding. */
export function takePendingHello(link: LinkState): InstanceState | null {
  const instance = queues.get(link)?.shift() ?? null;
  if (instance !== null) instance.helloSentTime = 0;
  return instance;
}

export function forgetPendingHellos(link: LinkState): void {
  for (const instance of queues.get(link) ?? []) instance.helloSentTime = 0;
  queues.delete(link);
}

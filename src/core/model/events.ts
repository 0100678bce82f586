/**
 * Sentinel events with Redis's exact names and levels (docs/PROTOCOL.md §8). The core emits
 * them in Ready.events; the shell logs them (`<type> <text>`), publishes them on the channel named
 * after the type, and queues the master's notification script for warning-level ones.
 */
export const EVENT_LEVELS = {
  "+monitor": "warning",
  "-monitor": "warning",
  "+set": "warning",
  "+reset-master": "warning",
  "+slave": "notice",
  "+sentinel": "notice",
  "+sentinel-invalid-addr": "notice",
  "+sentinel-address-switch": "notice",
  "+sentinel-address-update": "notice",
  // Vigil: SENTINEL FORGET-SENTINEL removed a peer; one run id heard from two addresses in turn.
  "-sentinel": "warning",
  "+sentinel-duplicate-runid": "warning",
  "+reboot": "notice",
  "+role-change": "verbose",
  "-role-change": "verbose",
  "+convert-to-slave": "notice",
  "+fix-slave-config": "notice",
  "+sdown": "warning",
  "-sdown": "warning",
  "+odown": "warning",
  "-odown": "warning",
  "+new-epoch": "warning",
  "+vote-for-leader": "warning",
  "+try-failover": "warning",
  "+elected-leader": "warning",
  "+failover-state-select-slave": "warning",
  "-failover-abort-not-elected": "warning",
  "-failover-abort-no-good-slave": "warning",
  "-failover-abort-slave-timeout": "warning",
  // Valkey 9: a coordinated failover without a second of failover-timeout left for FAILOVER.
  "-failover-abort-master-timeout": "warning",
  // Vigil: a configuration in our failover's epoch or later, known before our promotion.
  "-failover-abort-newer-config": "warning",
  "+selected-slave": "warning",
  "+promoted-slave": "warning",
  "+failover-state-send-slaveof-noone": "notice",
  "+failover-state-wait-promotion": "notice",
  "+failover-state-reconf-slaves": "warning",
  "+failover-end-for-timeout": "warning",
  "+failover-end": "warning",
  "+slave-reconf-sent": "notice",
  "+slave-reconf-inprog": "notice",
  "+slave-reconf-done": "notice",
  "-slave-reconf-sent-timeout": "notice",
  "+slave-reconf-sent-be": "notice",
  "+switch-master": "warning",
  "+config-update-from": "warning",
  "+fence": "warning",
  "-fence": "warning",
  "+tilt": "warning",
  "-tilt": "warning",
  "-script-error": "warning",
  "-script-timeout": "warning",
  "+script-child": "debug",
  "-script-child": "debug",
  "-cmd-link-reconnection": "debug",
  "-pubsub-link-reconnection": "debug",
} as const;

export type SentinelEventType = keyof typeof EVENT_LEVELS;
export type EventLevel = "debug" | "verbose" | "notice" | "warning";

export interface SentinelEvent {
  readonly type: SentinelEventType;
  readonly level: EventLevel;
  /** The payload exactly as Redis publishes it (the message on the event's channel). */
  readonly text: string;
  /** The master the event concerns (for its notification script and the log binding). */
  readonly master: string | null;
}

export function isSentinelEventType(name: string): name is SentinelEventType {
  return Object.hasOwn(EVENT_LEVELS, name);
}

/** The `%@` instance prefix: `<type> <name> <ip> <port>[ @ <master> <ip> <port>]`. */
export function formatInstance(
  kind: "master" | "slave" | "sentinel",
  name: string,
  ip: string,
  port: number,
  master?: { readonly name: string; readonly ip: string; readonly port: number },
): string {
  const own = `${kind} ${name} ${ip} ${port}`;
  return master === undefined ? own : `${own} @ ${master.name} ${master.ip} ${master.port}`;
}

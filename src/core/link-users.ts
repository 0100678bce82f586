/**
 * Finding the records behind a link id. Replies arrive per link; a master or replica link has
 * one user, a peer link is shared by the peer's records under every master that knows it.
 */
import type { InstanceState, LinkId, LinkState, MasterState, SentinelState } from "./state.js";

export interface LinkUser {
  readonly master: MasterState;
  readonly instance: InstanceState;
}

export function linkUsers(state: SentinelState, id: LinkId): LinkUser[] {
  const users: LinkUser[] = [];
  for (const master of state.masters.values()) {
    if (master.link.id === id) users.push({ master, instance: master });
    for (const replica of master.replicas.values()) {
      if (replica.link.id === id) users.push({ master, instance: replica });
    }
    for (const peer of master.sentinels.values()) {
      if (peer.link.id === id) users.push({ master, instance: peer });
    }
  }
  return users;
}

export function findLink(state: SentinelState, id: LinkId): LinkState | null {
  const first = linkUsers(state, id)[0];
  return first === undefined ? null : first.instance.link;
}

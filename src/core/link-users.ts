/**
 * Finding the records behind a link id. Replies arrive per link; a master or replica link has
 * one user, a peer link is shared by the peer's records under every master that knows it.
 *
 * Every reply looks its link up, so at a thousand masters a scan of all records per reply was
 * most of the CPU. The single user of a master or replica link is cached and checked on each
 * hit (still the record the state holds under that name, still on that link); a miss or a stale
 * entry falls back to the scan, as do peer links, whose users may be many.
 */
import type { InstanceState, LinkId, LinkState, MasterState, SentinelState } from "./state.js";

export interface LinkUser {
  readonly master: MasterState;
  readonly instance: InstanceState;
}

const singleUsers = new WeakMap<SentinelState, Map<LinkId, LinkUser>>();
/** Entries for links that are gone are only dropped when looked up: bound the cache. */
const MAX_CACHED = 1 << 18;

function stillCurrent(state: SentinelState, id: LinkId, user: LinkUser): boolean {
  const { master, instance } = user;
  if (state.masters.get(master.name) !== master || instance.link.id !== id) return false;
  return instance === master || master.replicas.get(instance.name) === instance;
}

export function linkUsers(state: SentinelState, id: LinkId): LinkUser[] {
  let cache = singleUsers.get(state);
  const cached = cache?.get(id);
  if (cached !== undefined && stillCurrent(state, id, cached)) return [cached];
  const users = scanLinkUsers(state, id);
  const only = users[0];
  if (users.length === 1 && only !== undefined && only.instance.kind !== "sentinel") {
    if (cache === undefined || cache.size >= MAX_CACHED) {
      cache = new Map();
      singleUsers.set(state, cache);
    }
    cache.set(id, only);
  } else {
    cache?.delete(id);
  }
  return users;
}

function scanLinkUsers(state: SentinelState, id: LinkId): LinkUser[] {
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

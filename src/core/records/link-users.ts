/**
 * Finding the records behind a link id. Replies arrive per link; a master or replica link has
 * one user, a peer link is shared by the peer's records under every master that knows it.
 *
 * Every reply looks its link up, so at a thousand masters a scan of all records per reply was
 * most of the CPU. The single user of a master or replica link is cached and checked on each
 * hit (still the record the state holds under that name, still on that link); a miss or a stale
 * entry falls back to the scan, as do peer links, whose users may be many.
 *
 * Most replies only need the first user (firstLinkUser). On a peer link that one is found
 * without the scan: peer records are keyed by run id and their link id is made of it
 * (instances.ts: createPeer, peerLinkId), so the first master, in table order, that holds the
 * run id holds it. A peer sends a hello for every master every 2 s: with three sentinels at a
 * thousand masters, a scan per PUBLISH reply was a million record checks a second.
 */
import { peerLinkId } from "./instances.js";
import type {
  InstanceState,
  LinkId,
  LinkState,
  MasterState,
  SentinelState,
} from "../model/state.js";

const PEER_LINK_PREFIX = peerLinkId("");

export interface LinkUser {
  readonly master: MasterState;
  readonly instance: InstanceState;
}

/** The single user of a master or replica link, as the one-element array linkUsers returns. */
const singleUsers = new WeakMap<SentinelState, Map<LinkId, readonly [LinkUser]>>();
/** Entries for links that are gone are only dropped when looked up: bound the cache. */
const MAX_CACHED = 1 << 18;

function stillCurrent(state: SentinelState, id: LinkId, user: LinkUser): boolean {
  const { master, instance } = user;
  if (state.masters.get(master.name) !== master || instance.link.id !== id) return false;
  return instance === master || master.replicas.get(instance.name) === instance;
}

/** Every record on the link. The array is shared: read it, never change it. */
export function linkUsers(state: SentinelState, id: LinkId): readonly LinkUser[] {
  let cache = singleUsers.get(state);
  const cached = cache?.get(id);
  if (cached !== undefined && stillCurrent(state, id, cached[0])) return cached;
  const users = scanLinkUsers(state, id);
  const only = users[0];
  if (users.length === 1 && only !== undefined && only.instance.kind !== "sentinel") {
    if (cache === undefined || cache.size >= MAX_CACHED) {
      cache = new Map();
      singleUsers.set(state, cache);
    }
    cache.set(id, [only]);
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

/** linkUsers(state, id)[0], without listing every user of a peer link. */
export function firstLinkUser(state: SentinelState, id: LinkId): LinkUser | undefined {
  if (!id.startsWith(PEER_LINK_PREFIX)) return linkUsers(state, id)[0];
  const runId = id.slice(PEER_LINK_PREFIX.length);
  for (const master of state.masters.values()) {
    const peer = master.sentinels.get(runId);
    if (peer?.link.id === id) return { master, instance: peer };
  }
  return undefined;
}

export function findLink(state: SentinelState, id: LinkId): LinkState | null {
  const first = firstLinkUser(state, id);
  return first === undefined ? null : first.instance.link;
}

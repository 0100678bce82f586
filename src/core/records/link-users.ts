/**
 * Finding the records behind a link id. Replies arrive per link; a master or replica link has
 * one user, a peer link is shared by the peer's records under every master that knows it.
 *
 * Every reply looks its link up, so at a thousand masters a scan of all records per reply was
 * most of the CPU. The single user of a master or replica link is found from the link id
 * (directUser) and cached, checked on each hit (still the record the state holds under that
 * name, still on that link); peer links, whose users may be many, are scanned.
 *
 * Most replies only need the first user (firstLinkUser). On a peer link that one is found
 * without the scan: peer records are keyed by run id and their link id is made of it
 * (instances.ts: createPeer, peerLinkId), so the first master, in table order, that holds the
 * run id holds it. A peer sends a hello for every master every 2 s: with three sentinels at a
 * thousand masters, a scan per PUBLISH reply was a million record checks a second.
 */
import { masterLinkId, peerLinkId } from "./instances.js";
import type { InstanceState, LinkId, MasterState, SentinelState } from "../model/state.js";

const PEER_LINK_PREFIX = peerLinkId("");

export interface LinkUser {
  readonly master: MasterState;
  readonly instance: InstanceState;
}

/** The single user of a master or replica link, as the one-element array linkUsers returns. */
const singleUsers = new WeakMap<SentinelState, Map<LinkId, readonly [LinkUser]>>();
/** Entries for links that are gone are only dropped when looked up: bound the cache. */
const MAX_CACHED = 1 << 18;

const MASTER_LINK_PREFIX = masterLinkId("");
const REPLICA_LINK_PREFIX = "slave:";

/**
 * The user of a master or replica link, found from its id alone: a master's link id is made of
 * its name and a replica's of its master's name and its own key (instances.ts: masterLinkId,
 * replicaLinkId, createReplica), and records are never re-keyed. A master name may hold ':', so
 * each split of a replica id is tried. Two map lookups per split instead of a walk over every
 * record: at ten thousand masters the walk, made for the first reply of every link, held the
 * loop for seconds at start-up (TILT).
 */
function directUser(state: SentinelState, id: LinkId): LinkUser | undefined {
  if (id.startsWith(MASTER_LINK_PREFIX)) {
    const master = state.masters.get(id.slice(MASTER_LINK_PREFIX.length));
    return master?.link.id === id ? { master, instance: master } : undefined;
  }
  if (!id.startsWith(REPLICA_LINK_PREFIX)) return undefined;
  const rest = id.slice(REPLICA_LINK_PREFIX.length);
  for (let at = rest.indexOf(":"); at >= 0; at = rest.indexOf(":", at + 1)) {
    const master = state.masters.get(rest.slice(0, at));
    if (master === undefined) continue;
    const replica = master.replicas.get(rest.slice(at + 1));
    if (replica?.link.id === id) return { master, instance: replica };
  }
  return undefined;
}

function stillCurrent(state: SentinelState, id: LinkId, user: LinkUser): boolean {
  const { master, instance } = user;
  if (state.masters.get(master.name) !== master || instance.link.id !== id) return false;
  return instance === master || master.replicas.get(instance.name) === instance;
}

const NO_USERS: readonly LinkUser[] = [];

/** A peer's link, which may have many users; any other has one at most (firstLinkUser's). */
function isPeerLink(id: LinkId): boolean {
  return id.startsWith(PEER_LINK_PREFIX);
}

/** Every record on the link. The array is shared: read it, never change it. */
export function linkUsers(state: SentinelState, id: LinkId): readonly LinkUser[] {
  if (isPeerLink(id)) return scanLinkUsers(state, id);
  let cache = singleUsers.get(state);
  const cached = cache?.get(id);
  if (cached !== undefined && stillCurrent(state, id, cached[0])) return cached;
  const only = directUser(state, id);
  if (only === undefined) {
    cache?.delete(id);
    return NO_USERS;
  }
  if (cache === undefined || cache.size >= MAX_CACHED) {
    cache = new Map();
    singleUsers.set(state, cache);
  }
  const users: readonly [LinkUser] = [only];
  cache.set(id, users);
  return users;
}

/** Every record on a link, by a walk over all records (peer links, shared by masters). */
export function scanLinkUsers(state: SentinelState, id: LinkId): LinkUser[] {
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

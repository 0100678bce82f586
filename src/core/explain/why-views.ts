/**
 * The per-instance parts of a MasterWhy: each peer as the failure detector and the election see
 * it (sentinel.c: the master_down flag and leader of sentinelReceiveIsMasterDownReply), and
 * each replica with the selection rule that keeps it out, read from replica-selection.ts.
 */
import type { CoreView } from "../model/context.js";
import { linkUsable } from "../records/instances.js";
import { announceHost } from "../records/hosts.js";
import { instanceName } from "../records/instance-text.js";
import { replicaVerdicts, selectReplica } from "../failover/replica-selection.js";
import type { ReplicaExclusion } from "../failover/replica-selection.js";
import type { MasterState, PeerState, ReplicaState, SentinelState } from "../model/state.js";
import type { PeerWhy, ReplicaWhy } from "./why-types.js";

/** Whether the peer's last is-master-down-by-addr answer still counts (ask-peers.ts ages it). */
export function answerValid(view: CoreView, peer: PeerState): boolean {
  return view.now - peer.lastMasterDownReplyTime <= view.state.timing.askPeriod * 5;
}

export function peerWhy(view: CoreView, peer: PeerState): PeerWhy {
  const valid = answerValid(view, peer);
  const voted = peer.leader !== "";
  return {
    runId: peer.runId,
    ip: announceHost(view.state, peer.addr),
    port: peer.addr.port,
    linkConnected: linkUsable(peer.link),
    sdown: peer.flags.has("s_down"),
    askPendingMs: peer.askSentTime === 0 ? null : view.now - peer.askSentTime,
    answeredAgoMs: valid ? view.now - peer.lastMasterDownReplyTime : null,
    saysMasterDown: peer.flags.has("master_down"),
    votedLeader: voted ? peer.leader : null,
    votedLeaderEpoch: voted ? String(peer.leaderEpoch) : null,
  };
}

function replicaWhy(
  view: CoreView,
  replica: ReplicaState,
  exclusion: ReplicaExclusion | null,
  best: boolean,
): ReplicaWhy {
  return {
    name: instanceName(view.state, replica),
    runId: replica.runId,
    priority: replica.slavePriority,
    replOffset: BigInt.asIntN(64, replica.slaveReplOffset).toString(),
    promotable: exclusion === null,
    best,
    rule: exclusion?.code ?? null,
    words: exclusion?.words ?? null,
    value: exclusion?.value ?? null,
    limit: exclusion?.limit ?? null,
  };
}

/** Every replica, in table order, with its verdict from the one set of selection rules. */
export function replicasWhy(view: CoreView, master: MasterState): ReplicaWhy[] {
  const chosen = selectReplica(view, master);
  return replicaVerdicts(view, master).map(({ replica, exclusion }) =>
    replicaWhy(view, replica, exclusion, replica === chosen),
  );
}

/**
 * For the failover record at `+selected-slave` time: each replica of master `name` left out and
 * the rule that left it out, as `{ replica: "<ip>:<port>", rule, words }` ([] for an unknown
 * master). The rules read the master's SDOWN, not the failover state, so a call right after the
 * step that selected the replica gives the selection's own verdicts.
 */
export function excludedReplicas(
  state: SentinelState,
  name: string,
  now: number,
): { replica: string; rule: string; words: string }[] {
  const master = state.masters.get(name);
  if (master === undefined) return [];
  const view: CoreView = { now, state };
  const out: { replica: string; rule: string; words: string }[] = [];
  for (const { replica, exclusion } of replicaVerdicts(view, master)) {
    if (exclusion === null) continue;
    out.push({
      replica: instanceName(state, replica),
      rule: exclusion.code,
      words: exclusion.words,
    });
  }
  return out;
}

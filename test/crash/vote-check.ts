// Reads the votes out of sentinel logs (redis-sentinel's and Vigil's lines): a sentinel's own
// `+vote-for-leader <leader> <epoch>` events, and the `<voter> voted for <leader> <epoch>` lines a
// candidate logs when a peer's is-master-down-by-addr reply carries a vote. A voter that appears
// with two leaders for one epoch voted twice in it, whether across a restart or not.

export interface Vote {
  readonly voter: string;
  readonly leader: string;
  readonly epoch: bigint;
  /** Which log and line said so. */
  readonly source: string;
}

const MY_ID = /Sentinel ID is ([0-9a-f]{40})/;
const OWN_VOTE = /\+vote-for-leader ([0-9a-f]{40}) (\d+)/;
const PEER_VOTE = /([0-9a-f]{40}) voted for ([0-9a-f]{40}) (\d+)/;

/** The votes one log tells of. `name` labels the log in `source`. */
export function votesInLog(name: string, text: string): { votes: Vote[]; ids: Set<string> } {
  const votes: Vote[] = [];
  const ids = new Set<string>();
  let me = "";
  text.split("\n").forEach((line, i) => {
    const source = `${name}:${i + 1}`;
    const id = MY_ID.exec(line);
    if (id !== null) {
      me = id[1]!;
      ids.add(me);
      return;
    }
    const own = OWN_VOTE.exec(line);
    if (own !== null) {
      votes.push({
        voter: me === "" ? `(unknown, ${name})` : me,
        leader: own[1]!,
        epoch: BigInt(own[2]!),
        source,
      });
      return;
    }
    const peer = PEER_VOTE.exec(line);
    if (peer !== null)
      votes.push({ voter: peer[1]!, leader: peer[2]!, epoch: BigInt(peer[3]!), source });
  });
  return { votes, ids };
}

/** Every (voter, epoch) with more than one leader, described; empty when none. */
export function doubleVotes(votes: readonly Vote[]): string[] {
  const seen = new Map<string, Vote>();
  const problems: string[] = [];
  for (const v of votes) {
    const key = `${v.voter} ${v.epoch}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, v);
    else if (first.leader !== v.leader) {
      problems.push(
        `${v.voter} voted for ${first.leader} (${first.source}) and ${v.leader} (${v.source}) in epoch ${v.epoch}`,
      );
    }
  }
  return problems;
}

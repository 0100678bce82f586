/**
 * One SENTINEL request (args after the word SENTINEL): the subcommand code (sentinel.ts) answers
 * from the host's read view, or names the input the core must answer; the host only queues that
 * input, and its answer is rendered here. So a request enters the command code once.
 */
import type { Reply } from "../protocol/reply.js";
import { R } from "../protocol/reply.js";
import type { CoreAnswer, ServerHost, SessionInfo } from "./host.js";
import type { SentinelSubcommand } from "./sentinel.js";
import { coreReplyToReply, findSentinelSubcommand } from "./sentinel.js";

const GET_MASTER_ADDR = "get-master-addr-by-name";

/**
 * Read-only subcommands of one master name whose reply is a function of the state, `now` and
 * that name: the host may answer them from its cache (ServerHost.readReply).
 */
export const CACHED_READS: ReadonlySet<string> = new Set([
  "master",
  "replicas",
  "slaves",
  "sentinels",
]);

/** The client's reply for the core's answer. */
export function answerReply(answer: CoreAnswer): Reply {
  return answer.kind === "refused" ? R.error(answer.message) : coreReplyToReply(answer);
}

export function sentinelRequest(
  args: readonly string[],
  host: ServerHost,
  session: SessionInfo,
): Reply | Promise<Reply> {
  const found = findSentinelSubcommand(args);
  return "handler" in found ? subcommandRequest(found, args, host, session) : found;
}

/** sentinelRequest for the entry `args[0]` names, its arity already checked. */
export function subcommandRequest(
  entry: SentinelSubcommand,
  args: readonly string[],
  host: ServerHost,
  session: SessionInfo,
): Reply | Promise<Reply> {
  const sub = entry.name;
  if (host.masterAddrReply !== undefined && sub === GET_MASTER_ADDR) {
    return host.masterAddrReply(args[1] ?? "");
  }
  if (host.readReply !== undefined && CACHED_READS.has(sub)) {
    const cached = host.readReply(sub, args[1] ?? "", session.protocol);
    if (cached !== undefined) return cached;
  }
  const outcome = entry.handler(args, host.sentinelEnv(session));
  if (outcome.kind === "reply") return outcome.reply;
  const override = outcome.overrideReply;
  // The asker's name tells the core which peer asks (ask-peers.ts: askingPeer).
  const input =
    outcome.input.type === "is-master-down-request"
      ? { ...outcome.input, asker: session.name }
      : outcome.input;
  // The core step happens either way; with an override the client gets it instead (sentinel-types.ts).
  return host.submit(input).then((answer) => override ?? answerReply(answer));
}

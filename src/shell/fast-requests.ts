/**
 * The requests a ClientSession answers on a fast path (client-session.ts fastRequest): matched
 * as bytes before the general parser, answered from replies the host keeps encoded.
 */
import type { ServerHost } from "../commands/host.js";
import { isRenamedAway } from "../commands/live-commands.js";
import { KnownRequest } from "../protocol/known-request.js";
import type { Reply } from "../protocol/reply.js";

/**
 * Requests answered on a fast path: matched as bytes, no argv, no dispatch (see fastRequest).
 * The first is the request every client makes on every (re)connect; the others are what
 * monitoring polls. Same replies, same bookkeeping as the general path.
 */
export interface FastRequest {
  readonly known: KnownRequest;
  /** The command's full name (ACL check, CLIENT LIST cmd). */
  readonly fullName: string;
  /** The reply, or undefined to run the request through the general path. */
  answer(host: ServerHost, tail: string, protocol: 2 | 3): Reply | undefined;
}

/** PING's reply, the same bytes in RESP2 and RESP3. */
const PONG: Reply = { type: "raw", bytes: Buffer.from("+PONG\r\n", "latin1") };

export const FAST_REQUESTS: readonly FastRequest[] = [
  {
    known: new KnownRequest(["sentinel", "get-master-addr-by-name"]),
    fullName: "sentinel|get-master-addr-by-name",
    answer: (host, name) => host.masterAddrReply?.(name),
  },
  { known: new KnownRequest(["ping"], false), fullName: "ping", answer: () => PONG },
  {
    known: new KnownRequest(["sentinel", "master"]),
    fullName: "sentinel|master",
    answer: (host, name, protocol) => host.readReply?.("master", name, protocol),
  },
  {
    known: new KnownRequest(["sentinel", "replicas"]),
    fullName: "sentinel|replicas",
    answer: (host, name, protocol) => host.readReply?.("replicas", name, protocol),
  },
  {
    known: new KnownRequest(["info"]),
    fullName: "info",
    answer: (host, section) =>
      section.toLowerCase() === "sentinel" ? host.infoSentinelReply?.() : undefined,
  },
];

/**
 * FAST_REQUESTS less those whose command rename-command took away from its name (a renamed
 * PING must answer "unknown command", not PONG); read by each session when it starts.
 */
export function liveFastRequests(): readonly FastRequest[] {
  const live = FAST_REQUESTS.filter((f) => !isRenamedAway(f.known.words[0] ?? ""));
  return live.length === FAST_REQUESTS.length ? FAST_REQUESTS : live;
}

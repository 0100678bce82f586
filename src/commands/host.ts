/**
 * What the client-facing server needs from the sentinel runtime (docs/PROTOCOL.md §9).
 *
 * The RESP server owns connections, the RESP codec and the generic Redis commands (PING, INFO,
 * HELLO, AUTH, CLIENT, COMMAND, ACL, pub/sub); everything sentinel-specific goes through this
 * interface, which src/shell/sentinel-host.ts implements on top of the runtime and the core.
 * A SENTINEL request enters the command code once (sentinel-request.ts): the pure subcommand
 * code reads `sentinelEnv()`, and the host is handed only the core input, if any.
 */
import type { CoreReply } from "../core/index.js";
import type { Reply } from "../protocol/reply.js";
import type { SentinelCommandEnv, SentinelCoreInput } from "./sentinel-types.js";

/**
 * The core's answer to a submitted input, or the error the client gets instead (the persist it
 * waited for failed, the sentinel is shutting down, a MONITOR hostname did not resolve).
 */
export type CoreAnswer = CoreReply | { readonly kind: "refused"; readonly message: string };

/** A read-only view of the calling connection, handed to the host with each SENTINEL call. */
export interface SessionInfo {
  /** CLIENT ID: unique per process, increasing from 1. */
  readonly id: number;
  /** 2 or 3, as negotiated with HELLO; the reply is encoded for it after the host answers. */
  readonly protocol: 2 | 3;
  /** CLIENT SETNAME value, "" when unset. */
  readonly name: string;
  /** The ACL user the connection is authenticated as ("default" by default). */
  readonly user: string;
  /** Remote address `ip:port` (CLIENT LIST addr). */
  readonly addr: string;
  /** Local address `ip:port` (CLIENT LIST laddr). */
  readonly laddr: string;
}

export interface ServerHost {
  /** What the SENTINEL subcommand code reads for one call of this session. */
  sentinelEnv(session: SessionInfo): SentinelCommandEnv;
  /** Queues a SENTINEL request's input for the core; resolves once its answer may be sent. */
  submit(input: SentinelCoreInput): Promise<CoreAnswer>;
  /**
   * SENTINEL GET-MASTER-ADDR-BY-NAME <name>, answered without building argv (the RESP server's
   * fast path for the request every client makes). Optional: without it the request goes
   * through the subcommand code like any other.
   */
  masterAddrReply?(name: string): Reply;
  /**
   * A read-only SENTINEL subcommand's reply (CACHED_READS: `master`, `replicas`, … with one
   * master name), encoded for `protocol`, or undefined when the host keeps no such cache or the
   * answer is an error (the subcommand code then answers). Optional, like masterAddrReply.
   */
  readReply?(sub: string, name: string, protocol: 2 | 3): Reply | undefined;
  /** INFO sentinel's whole reply, encoded (the same bytes in RESP2 and RESP3). Optional. */
  infoSentinelReply?(): Reply;
  /** Text of the `# Sentinel` INFO section (without trailing blank line). */
  infoSentinelSection(): string;
  /** Master names for ROLE. */
  masterNames(): readonly string[];
  /** A peer PUBLISHed on __sentinel__:hello. */
  helloReceived(payload: string): void;
  /** SHUTDOWN was called (the host performs the ordered shutdown). */
  shutdown(): void;
}

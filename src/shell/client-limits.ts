/**
 * The per-connection limits of the RESP server's sessions (client-session.ts): Redis's
 * client-query-buffer-limit and client-output-buffer-limit classes, with Vigil's defaults.
 */
import type { ParserLimits } from "../protocol/resp-parser.js";

export interface ClientLimits {
  /** client-query-buffer-limit for one client (we default to 64 MB; Redis 1 GB). */
  readonly queryBufferLimit: number;
  /** Stop reading a client's requests while this much output is waiting. */
  readonly outputPauseBytes: number;
  /** client-output-buffer-limit normal (Redis: 0 = unlimited; we close past 64 MB). */
  readonly normalOutputHardBytes: number;
  /** client-output-buffer-limit pubsub 32mb 8mb 60. */
  readonly pubsubOutputHardBytes: number;
  readonly pubsubOutputSoftBytes: number;
  readonly pubsubOutputSoftMs: number;
  readonly parser: Partial<ParserLimits>;
}

export const DEFAULT_CLIENT_LIMITS: ClientLimits = {
  queryBufferLimit: 64 * 1024 * 1024,
  outputPauseBytes: 1024 * 1024,
  normalOutputHardBytes: 64 * 1024 * 1024,
  pubsubOutputHardBytes: 32 * 1024 * 1024,
  pubsubOutputSoftBytes: 8 * 1024 * 1024,
  pubsubOutputSoftMs: 60_000,
  parser: {},
};

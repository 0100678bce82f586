/**
 * The one place where ioredis's `unknown` replies become typed facts for the core
 * (docs/ARCHITECTURE.md §4.2). Each function mirrors the check sentinel.c makes on the raw hiredis reply.
 */
import type { ReplyText } from "../core/index.js";
import type { CallResult } from "./link-contract.js";

const PONG_TEXT: ReplyText = Object.freeze({ kind: "ok", text: "PONG" });

/**
 * A status or bulk reply as text, told apart when the link knows (`bulk`), an error reply as its
 * text; null when the link closed first.
 */
export function narrowReplyText(result: CallResult): ReplyText | null {
  switch (result.kind) {
    case "reply": {
      const { value } = result;
      if (typeof value === "string") {
        // Every PING's answer: one object for all of them.
        if (value === "PONG" && result.bulk !== true) return PONG_TEXT;
        return { kind: result.bulk === true ? "bulk" : "ok", text: value };
      }
      if (value instanceof Uint8Array)
        return { kind: "ok", text: Buffer.from(value).toString("utf8") };
      if (typeof value === "number" || typeof value === "bigint") {
        return { kind: "ok", text: String(value) };
      }
      // Arrays and nils carry nothing the core reads as text (e.g. PING in subscribe mode).
      return { kind: "ok", text: "" };
    }
    case "error":
      return { kind: "error", text: result.text };
    case "closed":
      return null;
  }
}

export interface MasterDownReply {
  readonly down: boolean;
  readonly leader: string;
  readonly leaderEpoch: bigint;
}

/** An integer reply, exact (the parser hands long ones over as bigints). */
function asInteger(value: unknown): bigint | null {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  return null;
}

/**
 * sentinel.c: sentinelReceiveIsMasterDownReply accepts only [integer, string, integer];
 * anything else (an error, a wrong shape) is ignored, which the core receives as null.
 */
export function narrowIsMasterDownReply(value: unknown): MasterDownReply | null {
  if (!Array.isArray(value) || value.length !== 3) return null;
  const [down, leader, epoch] = value as readonly unknown[];
  const downValue = asInteger(down);
  const epochValue = asInteger(epoch);
  if (downValue === null || epochValue === null || typeof leader !== "string") return null;
  return { down: downValue === 1n, leader, leaderEpoch: epochValue };
}

/** Error replies nested in an EXEC result (the transaction ran; some commands failed). */
export function execFailures(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const failures: string[] = [];
  for (const item of value as readonly unknown[]) {
    if (item instanceof Error) failures.push(item.message);
  }
  return failures;
}

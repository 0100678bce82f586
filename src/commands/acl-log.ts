/**
 * ACL LOG (acl.c 7.0: addACLLogEntry, aclCommand "log"): the newest entries first, at most
 * acllog-max-len (128). An entry equal to one of the 10 newest in reason, context, object and
 * user, created less than 60 s before, is counted into it instead (and moves to the front with
 * the new time and client info). A sentinel has no MULTI or scripts, so the context is always
 * `toplevel`. The clock is injected (milliseconds).
 */
import type { Reply } from "../protocol/reply.js";
import { R } from "../protocol/reply.js";

export type AclLogReason = "auth" | "command" | "channel";

export interface AclLogEntry {
  count: number;
  readonly reason: AclLogReason;
  readonly context: "toplevel";
  readonly object: string;
  readonly username: string;
  createdMs: number;
  clientInfo: string;
}

const GROUPING_MAX_MS = 60_000;
const SCAN_FOR_MATCH = 10;
export const ACL_LOG_MAX_LEN = 128;

export class AclLog {
  private entries: AclLogEntry[] = [];
  private readonly nowMs: () => number;
  private readonly maxLen: number;

  constructor(nowMs: () => number, maxLen = ACL_LOG_MAX_LEN) {
    this.nowMs = nowMs;
    this.maxLen = maxLen;
  }

  add(reason: AclLogReason, object: string, username: string, clientInfo: string): void {
    const now = this.nowMs();
    const scan = Math.min(SCAN_FOR_MATCH, this.entries.length);
    for (let i = 0; i < scan; i++) {
      const e = this.entries[i]!;
      if (
        e.reason === reason &&
        e.object === object &&
        e.username === username &&
        now - e.createdMs <= GROUPING_MAX_MS
      ) {
        e.count += 1;
        e.createdMs = now;
        e.clientInfo = clientInfo;
        this.entries.splice(i, 1);
        this.entries.unshift(e);
        return;
      }
    }
    this.entries.unshift({
      count: 1,
      reason,
      context: "toplevel",
      object,
      username,
      createdMs: now,
      clientInfo,
    });
    if (this.entries.length > this.maxLen) this.entries.length = this.maxLen;
  }

  reset(): void {
    this.entries = [];
  }

  get length(): number {
    return this.entries.length;
  }

  /** The newest `count` entries as ACL LOG replies them (7 fields, age as a double). */
  reply(count: number): Reply {
    const now = this.nowMs();
    return R.array(
      this.entries.slice(0, Math.max(0, count)).map((e) =>
        R.map([
          [R.bulk("count"), R.integer(e.count)],
          [R.bulk("reason"), R.bulk(e.reason)],
          [R.bulk("context"), R.bulk(e.context)],
          [R.bulk("object"), R.bulk(e.object)],
          [R.bulk("username"), R.bulk(e.username)],
          [R.bulk("age-seconds"), R.double((now - e.createdMs) / 1000)],
          [R.bulk("client-info"), R.bulk(e.clientInfo)],
        ]),
      ),
    );
  }
}

/**
 * Which inputs a turn steps ahead of the others (docs/ARCHITECTURE.md §4.1, "Failover inputs
 * first"): a peer's is-master-down-by-addr request or answer (ODOWN and the votes), and the
 * replies and connection events of a master, or one of its replicas, that is SDOWN, ODOWN or
 * failing over (the promoted replica's INFO, the SLAVEOF transaction's reply). At three
 * sentinels × 1,000 masters a turn stepped 400-1,200 routine replies in 50-100 ms, and an input
 * of the failover waited behind all of them (issue #18). A peer's link is shared by every
 * master it monitors with us: only its is-master-down answers count.
 */
import type { Input } from "../model/inputs.js";
import type { SentinelState } from "../model/state.js";
import { firstLinkUser } from "./link-users.js";

export function isUrgentInput(state: SentinelState, input: Input): boolean {
  switch (input.type) {
    case "is-master-down-request":
    case "is-master-down-reply":
      return true;
    case "ping-reply":
    case "info-reply":
    case "publish-reply":
    case "command-done":
    case "link-connected":
    case "link-closed": {
      const user = firstLinkUser(state, input.link);
      if (user === undefined || user.instance.kind === "sentinel") return false;
      const flags = user.master.flags;
      return flags.has("failover_in_progress") || flags.has("s_down") || flags.has("o_down");
    }
    case "tick":
    case "hello-received":
    case "admin":
    case "host-resolved":
    case "persist-failed":
    case "shutdown":
      return false;
  }
}

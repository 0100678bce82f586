/**
 * The client-reconfig-script job (docs/PROTOCOL.md §11; sentinel.c: sentinelCallClientReconfScript):
 * `<master> <leader|observer> start <from-ip> <from-port> <to-ip> <to-port>`, queued only when the
 * master has a script configured. The leader runs it at the promotion, observers at the switch.
 */
import type { Addr } from "../basics/addr.js";
import type { CoreContext } from "../model/context.js";
import { announceHost } from "../records/hosts.js";
import type { MasterState } from "../model/state.js";

export function queueClientReconfigScript(
  ctx: CoreContext,
  master: MasterState,
  role: "leader" | "observer",
  from: Addr,
  to: Addr,
): void {
  const path = master.settings.clientReconfigScript;
  if (path === "") return;
  ctx.out.script({
    kind: "client-reconfig",
    master: master.name,
    path,
    args: [
      master.name,
      role,
      "start",
      announceHost(ctx.state, from),
      String(from.port),
      announceHost(ctx.state, to),
      String(to.port),
    ],
  });
}

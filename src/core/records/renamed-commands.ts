/**
 * SENTINEL SET <master> rename-command takes effect on the next command sent, not at the next
 * connection: sentinel.c maps every command name when it sends it (sentinelInstanceMapCommand,
 * which reads the master's table for the master, its replicas and its sentinels alike). The
 * shell keeps one map per link, given with each connect; this tells it the new map for every
 * link of the master, so that the next PING of a connection already open goes out under its new
 * name (and `rename-command PING PONG` makes the master SDOWN, as in Redis).
 *
 * A peer's link is shared by every master that knows the peer; it follows the first of them
 * (link-users.ts: firstLinkUser), the one whose record connects it (the tick walks the masters in
 * table order).
 */
import type { CoreContext } from "../model/context.js";
import { firstLinkUser } from "./link-users.js";
import type { MasterState } from "../model/state.js";

/**
 * The map a link looks command names up in: lowercase original name → new name. The settings
 * keep each original name as it was given (the config file and SENTINEL SET), so the rewrite
 * writes it back unchanged; sentinel.c's table compares names without case.
 */
export function linkRenames(
  renamed: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  return Object.fromEntries(Object.entries(renamed).map(([from, to]) => [from.toLowerCase(), to]));
}

export function announceRenamedCommands(ctx: CoreContext, master: MasterState): void {
  const renamedCommands = linkRenames(master.settings.renamedCommands);
  ctx.out.command({ type: "rename-commands", link: master.link.id, renamedCommands });
  for (const replica of master.replicas.values()) {
    ctx.out.command({ type: "rename-commands", link: replica.link.id, renamedCommands });
  }
  for (const peer of master.sentinels.values()) {
    if (firstLinkUser(ctx.state, peer.link.id)?.master !== master) continue;
    ctx.out.command({ type: "rename-commands", link: peer.link.id, renamedCommands });
  }
}

/**
 * A connection's CLIENT LIST line (networking.c: catClientInfoString): 7.0's fields followed by
 * 7.2's `lib-name=`/`lib-ver=`. Shared by CLIENT LIST/INFO and ACL LOG's client-info.
 */
import type { ClientFacts, CommandContext } from "./context.js";

/** One CLIENT LIST line (without the trailing newline). */
export function formatClientLine(c: ClientFacts): string {
  const pubsub = c.subscriptions + c.patternSubscriptions > 0;
  const t = c.tracking;
  // networking.c: getClientInfoString's flag order (P, b, t, B, …, e).
  const flags =
    `${pubsub ? "P" : ""}${c.blocked === true ? "b" : ""}${t !== undefined ? "t" : ""}${t?.bcast === true ? "B" : ""}${c.noEvict ? "e" : ""}` ||
    "N";
  const fields: (readonly [string, string | number])[] = [
    ["id", c.id],
    ["addr", c.addr],
    ["laddr", c.laddr],
    ["fd", c.fd],
    ["name", c.name],
    ["age", c.ageSeconds],
    ["idle", c.idleSeconds],
    ["flags", flags],
    ["db", 0],
    ["sub", c.subscriptions],
    ["psub", c.patternSubscriptions],
    ["ssub", 0],
    ["multi", -1],
    ["qbuf", c.queryBufferBytes],
    ["qbuf-free", 0],
    ["argv-mem", 0],
    ["multi-mem", 0],
    ["rbs", 16384],
    ["rbp", 0],
    ["obl", 0],
    ["oll", 0],
    ["omem", c.outputBytes],
    ["tot-mem", c.queryBufferBytes + c.outputBytes],
    ["events", "r"],
    ["cmd", c.lastCommand],
    ["user", c.user],
    ["redir", t === undefined ? -1 : t.redirect],
    ["resp", c.protocol],
    ["lib-name", c.libName],
    ["lib-ver", c.libVersion],
  ];
  return fields.map(([k, v]) => `${k}=${String(v)}`).join(" ");
}

/** The CLIENT LIST line of the calling connection ("" if the server does not list it). */
export function clientInfoOf(ctx: CommandContext): string {
  const me = ctx.server.clients().find((c) => c.id === ctx.client.id);
  return me === undefined ? "" : formatClientLine(me);
}

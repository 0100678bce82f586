/**
 * `server.listen({ host, port, ipv6Only, exclusive: true, backlog })` for a bind address, without
 * the two detours Node takes before it binds an IP address (lib/net.js: Server#listen →
 * lookupAndListen → listenInCluster → Server#_listen2). dns.lookup checks the address with
 * net.isIP, whose IPv6 regular expression, compiled at the first IPv6 address (`::`, the default
 * `-::*`), took ~1.3 MB of V8 zone memory at once; then listenInCluster loads node:cluster (and
 * with it node:child_process, node:dgram and node:dns) to ask whether this process is a cluster
 * worker, which an `exclusive` listen never uses. Both came at the end of the start, at its peak
 * (issue #18): a one-master sentinel's peak RSS 48.8 → 47.1 MB with the default bind, 48.3 →
 * 47.4 MB with `bind 127.0.0.1`.
 *
 * An IP address (ipFamily) is bound through `_listen2`, the function listenInCluster itself
 * calls: the same handle, the same 'listening' and 'error' events, the same errors. Anything
 * else (a host name, an address that is not one, a Node without `_listen2`) goes through
 * listen() as before, so its errors (getaddrinfo's) stay Node's own.
 */
import type { Server } from "node:net";
import { SocketAddress, isIPv4 } from "node:net";

/** lib/net.js: Server.prototype._listen2 (setupListenHandle). */
type Listen2 = (
  this: Server,
  address: string,
  port: number,
  addressType: 4 | 6,
  backlog: number,
  fd: undefined,
  flags: number,
) => void;

/** uv.h's UV_TCP_IPV6ONLY, the flag listen({ ipv6Only: true }) binds with (lib/net.js: getFlags). */
const UV_TCP_IPV6ONLY = 1;

/**
 * 4 or 6 for an IP address libuv binds as given (IPv6 with a zone too), else 0. IPv4 is read
 * with net.isIPv4, as dns.lookup reads it (its expression is small, and compiled already for the
 * links' net.connect); IPv6 by libuv itself, through net.SocketAddress.
 */
export function ipFamily(host: string): 0 | 4 | 6 {
  if (isIPv4(host)) return 4;
  if (!host.includes(":")) return 0;
  try {
    return new SocketAddress({ address: host, family: "ipv6" }).family === "ipv6" ? 6 : 0;
  } catch {
    return 0;
  }
}

function listen2Of(server: Server): Listen2 | null {
  const found = (server as unknown as { _listen2?: unknown })._listen2;
  return typeof found === "function" ? (found as Listen2) : null;
}

/** Starts listening; 'listening' or 'error' follows on `server`, as after listen(). */
export function listenOn(
  server: Server,
  host: string,
  port: number,
  ipv6Only: boolean,
  backlog: number,
): void {
  const listen2 = listen2Of(server);
  // A port listen() would refuse (ERR_SOCKET_BAD_PORT) is left to it.
  const portOk = Number.isInteger(port) && port >= 0 && port <= 65535;
  const addressType = listen2 !== null && portOk ? ipFamily(host) : 0;
  if (listen2 === null || addressType === 0) {
    server.listen({ port, host, ipv6Only, exclusive: true, backlog });
    return;
  }
  listen2.call(server, host, port, addressType, backlog, undefined, ipv6Only ? UV_TCP_IPV6ONLY : 0);
}

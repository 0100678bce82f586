/**
 * Instance addresses. A host is an IP literal, or a hostname when `resolve-hostnames yes`.
 * The key form matches Redis's replica table keys: `ip:port`, or `[ip]:port` for IPv6.
 */
export interface Addr {
  readonly ip: string;
  readonly port: number;
}

export function addrKey(addr: Addr): string {
  return addr.ip.includes(":") ? `[${addr.ip}]:${addr.port}` : `${addr.ip}:${addr.port}`;
}

/** Hosts compare case-insensitively (hostnames), ports exactly. sentinel.c: sentinelAddrEqualsHostname */
export function addrEquals(a: Addr, b: Addr): boolean {
  return a.port === b.port && a.ip.toLowerCase() === b.ip.toLowerCase();
}

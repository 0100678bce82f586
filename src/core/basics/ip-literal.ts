/**
 * Address validation without I/O, the one place for it (core, commands and the config loader):
 * with `resolve-hostnames no` Redis accepts only IP literals (anetResolve with ANET_IP_ONLY,
 * sentinel.c: createSentinelAddr → "Can't resolve instance hostname."); with `yes` a hostname is
 * kept and resolved by the shell.
 */

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

function hexGroups(text: string): number | null {
  if (text === "") return 0;
  const groups = text.split(":");
  return groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g)) ? groups.length : null;
}

/**
 * RFC 4291 text forms, including `::` compression and a trailing dotted IPv4 part (two groups).
 * A `%zone` suffix must not be empty. (glibc's getaddrinfo, which Redis uses, also wants the
 * zone to name an interface; that needs I/O, so it is left to the lookup.)
 */
export function isIpv6(text: string): boolean {
  const zone = text.indexOf("%");
  if (zone === text.length - 1) return false;
  let body = zone === -1 ? text : text.slice(0, zone);
  let ipv4Groups = 0;
  const lastColon = body.lastIndexOf(":");
  if (lastColon >= 0 && body.slice(lastColon + 1).includes(".")) {
    if (!isIpv4(body.slice(lastColon + 1))) return false;
    body = `${body.slice(0, lastColon + 1)}0`;
    ipv4Groups = 1;
  }
  const halves = body.split("::");
  if (halves.length > 2) return false;
  if (halves.length === 1) {
    const n = hexGroups(body);
    return n !== null && n + ipv4Groups === 8;
  }
  const before = hexGroups(halves[0]!);
  const after = hexGroups(halves[1]!);
  return before !== null && after !== null && before + after + ipv4Groups < 8;
}

export function isIpLiteral(text: string): boolean {
  return isIpv4(text) || isIpv6(text);
}

/** RFC 1123 host names (what a resolver could be asked about). */
export function isHostname(text: string): boolean {
  return (
    text.length > 0 &&
    text.length <= 253 &&
    /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/.test(
      text,
    )
  );
}

/** Whether a host is acceptable as an instance address under the resolve-hostnames setting. */
export function isAcceptableHost(host: string, resolveHostnames: boolean): boolean {
  return isIpLiteral(host) || (resolveHostnames && isHostname(host));
}

/** createSentinelAddr: port must be 0–65535 (0 = known but never connected). */
export function isValidPort(port: number): boolean {
  return Number.isInteger(port) && port >= 0 && port <= 65535;
}

/**
 * Address validation without I/O: with `resolve-hostnames no` Redis accepts only IP literals
 * (anetResolve with ANET_IP_ONLY); with `yes` a hostname is kept and resolved by the shell.
 */

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

/** RFC 4291 text forms, including `::` compression and a trailing dotted IPv4 part. */
export function isIpv6(text: string): boolean {
  const zone = text.indexOf("%");
  const body = zone === -1 ? text : text.slice(0, zone);
  if (body.length === 0 || body.length > 45) return false;
  const halves = body.split("::");
  if (halves.length > 2) return false;
  const groups: string[] = [];
  for (const half of halves) {
    if (half !== "") groups.push(...half.split(":"));
  }
  let count = 0;
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i] ?? "";
    if (i === groups.length - 1 && group.includes(".")) {
      if (!isIpv4(group)) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(group)) {
      count += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? count < 8 : count === 8;
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

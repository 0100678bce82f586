/**
 * IP literal checks without node:net (the config parsers are pure). With `resolve-hostnames no`
 * Redis resolves instance hosts with AI_NUMERICHOST, so only literals are accepted
 * (sentinel.c: createSentinelAddr → "Can't resolve instance hostname.").
 */

export function isIPv4(s: string): boolean {
  const parts = s.split(".");
  return (
    parts.length === 4 &&
    parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255 && (p === "0" || !p.startsWith("0")))
  );
}

function isHexGroups(s: string): number | null {
  if (s === "") return 0;
  const groups = s.split(":");
  return groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g)) ? groups.length : null;
}

export function isIPv6(input: string): boolean {
  const pct = input.indexOf("%");
  const s = pct >= 0 ? input.slice(0, pct) : input;
  if (pct >= 0 && pct === input.length - 1) return false;
  let body = s;
  let extra = 0;
  const lastColon = s.lastIndexOf(":");
  if (lastColon >= 0 && s.slice(lastColon + 1).includes(".")) {
    // Embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
    if (!isIPv4(s.slice(lastColon + 1))) return false;
    body = s.slice(0, lastColon + 1) + "0";
    extra = 1;
  }
  const halves = body.split("::");
  if (halves.length > 2) return false;
  if (halves.length === 1) {
    const n = isHexGroups(body);
    return n !== null && n + extra === 8;
  }
  const a = isHexGroups(halves[0]!);
  const b = isHexGroups(halves[1]!);
  return a !== null && b !== null && a + b + extra < 8;
}

export function isIpLiteral(s: string): boolean {
  return isIPv4(s) || isIPv6(s);
}

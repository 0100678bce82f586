/**
 * Hostnames with `resolve-hostnames yes` (docs/COMPATIBILITY.md, "Hostnames"). An address keeps
 * the host as it was given (`Addr.ip`: an IP literal or a name); the IP a name resolves to lives
 * in `state.hosts`, filled by `host-resolved` inputs. The core never resolves: it asks the shell
 * with a `resolve` command (dns.lookup, off the event loop) and uses the last answer meanwhile.
 *
 * sentinel.c resolves synchronously at every use (createSentinelAddr, sentinelAddrEqualsHostname);
 * here a name is asked again when used more than REFRESH_MS after its last answer, and a name never
 * answered yet makes the decision that needs it wait for the input to repeat (INFO, hellos and
 * votes are periodic). A failed lookup is remembered as "" (no IP), as Redis keeps an unresolved
 * address with an empty IP.
 */
import type { Addr } from "../basics/addr.js";
import type { CoreContext } from "../model/context.js";
import { isIpLiteral } from "../basics/ip-literal.js";
import type { SentinelState } from "../model/state.js";

/** A name is looked up again when used this long after its last answer (the ping period). */
export const REFRESH_MS = 1000;
/** Past this many names, those not in flight are forgotten (hellos can carry any name). */
const MAX_HOSTS = 4096;

/** Hosts compare case-insensitively (instance-text.ts: hostEquals). */
function hostEquals(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** A name the shell must look up (lowercase: names compare case-insensitively). */
function isName(host: string): boolean {
  return host !== "" && !isIpLiteral(host);
}

/**
 * The IP of `host` as far as known: an IP literal is its own; a name gives its last answer ("" =
 * does not resolve), or null while never answered. With resolve-hostnames off only IPs are
 * accepted, so the text is taken as it is (no pattern test on the hot paths: hellos, INFO).
 */
export function knownIp(state: SentinelState, host: string): string | null {
  if (!state.global.resolveHostnames || !isName(host)) return host;
  return state.hosts.get(host.toLowerCase())?.ip ?? null;
}

/** Asks the shell for `host` unless an answer is fresh or a lookup is in flight. */
export function wantHost(ctx: CoreContext, host: string): void {
  if (!isName(host) || !ctx.state.global.resolveHostnames) return;
  const key = host.toLowerCase();
  const hosts = ctx.state.hosts;
  let entry = hosts.get(key);
  if (entry === undefined) {
    if (hosts.size >= MAX_HOSTS) {
      for (const [name, e] of hosts) if (!e.pending) hosts.delete(name);
    }
    entry = { ip: null, answeredAt: 0, pending: false };
    hosts.set(key, entry);
  } else if (entry.pending || (entry.ip !== null && ctx.now - entry.answeredAt < REFRESH_MS)) {
    return;
  }
  entry.pending = true;
  ctx.out.command({ type: "resolve", host });
}

/** knownIp, asking for the name when it is stale or unknown. */
export function lookupIp(ctx: CoreContext, host: string): string | null {
  wantHost(ctx, host);
  return knownIp(ctx.state, host);
}

/** The `host-resolved` input: `ip` null = the lookup failed. */
export function onHostResolved(ctx: CoreContext, host: string, ip: string | null): void {
  const key = host.toLowerCase();
  const entry = ctx.state.hosts.get(key) ?? { ip: null, answeredAt: 0, pending: false };
  entry.ip = ip ?? "";
  entry.answeredAt = ctx.now;
  entry.pending = false;
  ctx.state.hosts.set(key, entry);
}

/**
 * sentinel.c: sentinelAddrEqualsHostname — does `host` (a replica's master_host, a hello's master
 * address) name the address `addr`? The same text matches at once; otherwise both IPs must be
 * known and equal. null = not known yet (a lookup was asked for): decide on a later input.
 */
export function hostMatches(ctx: CoreContext, addr: Addr, host: string): boolean | null {
  if (hostEquals(addr.ip, host)) return true;
  const a = lookupIp(ctx, addr.ip);
  const b = lookupIp(ctx, host);
  if (a === null || b === null) return null;
  return a !== "" && hostEquals(a, b);
}

/**
 * sentinel.c: sentinelAddrOrHostnameEqual — same port, and the same host text or the same known IP.
 * Never waits: an address whose IP is not known yet matches by its text only.
 */
export function sameAddr(state: SentinelState, a: Addr, b: Addr): boolean {
  if (a.port !== b.port) return false;
  if (hostEquals(a.ip, b.ip)) return true;
  if (!state.global.resolveHostnames || (!isName(a.ip) && !isName(b.ip))) return false;
  const ipA = knownIp(state, a.ip);
  return ipA !== null && ipA !== "" && ipA === knownIp(state, b.ip);
}

/**
 * sentinel.c: announceSentinelAddr — the host shown for an address in events, replies, hellos and
 * commands: the name as given with announce-hostnames, else its IP ("" when it has none).
 */
export function announceHost(state: SentinelState, addr: Addr): string {
  if (state.global.announceHostnames) return addr.ip;
  return knownIp(state, addr.ip) ?? "";
}

/** announceHost, or the name itself when it has no IP (SLAVEOF: let the replica resolve it). */
export function announceHostForCommand(state: SentinelState, addr: Addr): string {
  const host = announceHost(state, addr);
  return host === "" ? addr.ip : host;
}

/** The announced form of an address: `host` and the `ip:port` / `[ip]:port` name of a replica. */
export function announcedAddr(state: SentinelState, addr: Addr): Addr {
  if (!isName(addr.ip)) return addr;
  return { ip: announceHost(state, addr), port: addr.port };
}

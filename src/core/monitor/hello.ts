/**
 * Hello messages on `__sentinel__:hello` (docs/PROTOCOL.md §4; sentinel.c: sentinelSendHello,
 * sentinelProcessHelloMessage, sentinelReceiveHelloMessages). They are how sentinels find each
 * other and how a new master address (with its higher config epoch) reaches every observer.
 *
 *   <ip>,<port>,<runid>,<current_epoch>,<master name>,<master ip>,<master port>,<config_epoch>
 */
import type { Addr } from "../basics/addr.js";
import { queueClientReconfigScript } from "../failover/client-reconfig.js";
import type { CoreContext } from "../model/context.js";
import type { Epoch } from "../basics/epoch.js";
import { helloEpoch } from "../basics/epoch.js";
import { createPeer, removePeer } from "../records/instances.js";
import { announceHost, hostMatches, knownIp, lookupIp, sameAddr } from "../records/hosts.js";
import { currentMasterAddress, instanceText } from "../records/instance-text.js";
import { isAcceptableHost, isValidPort } from "../basics/ip-literal.js";
import { closeLink } from "../records/link-health.js";
import { firstLinkUser, type LinkUser } from "../records/link-users.js";
import { atoi } from "../basics/redis-int.js";
import { serverIdentity } from "../records/server-identity.js";
import type { InstanceState, LinkId, MasterState, PeerState } from "../model/state.js";
import { resetMasterAndChangeAddress } from "../failover/switch-master.js";
import { abortSupersededFailover, failoverSuperseded } from "../failover/superseded.js";

export interface Hello {
  readonly ip: string;
  readonly port: number;
  readonly runId: string;
  readonly currentEpoch: Epoch;
  readonly masterName: string;
  readonly masterIp: string;
  readonly masterPort: number;
  readonly masterConfigEpoch: Epoch;
}

/** The payload we publish through `instance`, or null when our address is not known yet. */
export function formatHello(
  ctx: CoreContext,
  instance: InstanceState,
  master: MasterState,
): string | null {
  const global = ctx.state.global;
  const ip = global.announceIp !== "" ? global.announceIp : instance.link.localIp;
  if (ip === "") return null;
  const port = global.announcePort !== 0 ? global.announcePort : serverIdentity(ctx.state).port;
  const addr = currentMasterAddress(master);
  const { myId, currentEpoch } = ctx.state;
  const host = announceHost(ctx.state, addr);
  return `${ip},${port},${myId},${currentEpoch},${master.name},${host},${addr.port},${master.configEpoch}`;
}

/**
 * Splits a payload; null unless it has exactly 8 fields. Numbers parse like C's atoi/strtoull,
 * except that an epoch outside [0, 2^63-1] voids the hello (epoch.ts: helloEpoch).
 */
export function parseHello(payload: string): Hello | null {
  const t = payload.split(",");
  if (t.length !== 8) return null;
  const [ip, port, runId, epoch, name, masterIp, masterPort, configEpoch] = t as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const currentEpoch = helloEpoch(epoch);
  const masterConfigEpoch = helloEpoch(configEpoch);
  if (currentEpoch === null || masterConfigEpoch === null) return null;
  return {
    ip,
    port: atoi(port),
    runId,
    currentEpoch,
    masterName: name,
    masterIp,
    masterPort: atoi(masterPort),
    masterConfigEpoch,
  };
}

/** getSentinelRedisInstanceByAddrAndRunID over one master's peers (same IP or same name). */
function findPeer(
  ctx: CoreContext,
  master: MasterState,
  addr: Addr | null,
  runId: string | null,
): PeerState | null {
  for (const peer of master.sentinels.values()) {
    if (runId !== null && peer.runId !== runId) continue;
    if (addr !== null && !sameAddr(ctx.state, peer.addr, addr)) continue;
    return peer;
  }
  return null;
}

/** Drops every peer of `master` with this run id; returns how many went. */
function removeMatchingPeers(ctx: CoreContext, master: MasterState, runId: string): number {
  let removed = 0;
  for (const peer of [...master.sentinels.values()]) {
    if (peer.runId !== runId) continue;
    removePeer(ctx, master, peer.name);
    removed++;
  }
  return removed;
}

/**
 * sentinel.c: sentinelUpdateSentinelAddressInAllMasters. The peer changed address: its shared
 * link is closed (it reconnects to the new address) and its records elsewhere re-addressed.
 */
function updatePeerAddressInAllMasters(
  ctx: CoreContext,
  peer: PeerState,
  master: MasterState,
): void {
  closeLink(ctx, peer.link);
  peer.link.addr = peer.addr;
  let reconfigured = 0;
  for (const other of ctx.state.masters.values()) {
    const match = other.sentinels.get(peer.runId);
    if (match === undefined || match === peer) continue;
    match.addr = peer.addr;
    reconfigured++;
  }
  if (reconfigured > 0) {
    ctx.out.event(
      "+sentinel-address-update",
      `${instanceText(ctx.state, peer, master)} ${reconfigured} additional matching instances`,
      master.name,
    );
  }
}

/** A run id back at the address it left less than this long ago is taken for two sentinels. */
const DUPLICATE_WINDOW_PERIODS = 5;
/** Reported at most this often per master and run id. */
const DUPLICATE_REPORT_INTERVAL = 60_000;

/**
 * Vigil: a run id switching back to the address it had just before, within a few hello periods,
 * is two sentinels sharing one id (a copied `sentinel myid`). Redis takes each hello for an
 * address switch and flips between them silently; Vigil still does, and reports it (event and
 * log, once a minute), so the operator can give one of them a new id.
 */
function trackAddressSwitch(
  ctx: CoreContext,
  master: MasterState,
  before: PeerState,
  peer: PeerState,
): void {
  peer.previousAddr = before.addr;
  peer.addrSince = ctx.now;
  peer.duplicateReportTime = before.duplicateReportTime;
  const window = ctx.state.timing.publishPeriod * DUPLICATE_WINDOW_PERIODS;
  if (
    before.previousAddr === null ||
    !sameAddr(ctx.state, before.previousAddr, peer.addr) ||
    ctx.now - before.addrSince > window
  ) {
    return;
  }
  if (
    peer.duplicateReportTime !== 0 &&
    ctx.now - peer.duplicateReportTime < DUPLICATE_REPORT_INTERVAL
  )
    return;
  peer.duplicateReportTime = ctx.now;
  const a = before.addr;
  const b = peer.addr;
  const text =
    `${instanceText(ctx.state, master, master)} ip ${a.ip} port ${a.port} and ip ${b.ip} ` +
    `port ${b.port} for ${peer.runId}`;
  ctx.out.log(
    "warning",
    `Two sentinels announce the same run id ${peer.runId} (${a.ip}:${a.port} and ${b.ip}:${b.port}): give one of them a new 'sentinel myid'`,
  );
  ctx.out.event("+sentinel-duplicate-runid", text, master.name);
}

/** docs/PROTOCOL.md §4.3 step 3: a hello from a run id / address pair we do not know yet. */
function learnPeer(ctx: CoreContext, master: MasterState, hello: Hello): PeerState | null {
  const addr = { ip: hello.ip, port: hello.port };
  const before = master.sentinels.get(hello.runId);
  // An address sentinel.c's createSentinelAddr cannot take logs this line at each of its calls
  // for the hello: the lookup by address and run id, by address alone, and the creation.
  const unusable =
    isValidPort(hello.port) && !isAcceptableHost(hello.ip, ctx.state.global.resolveHostnames);
  const unresolved = (): void => {
    if (unusable) ctx.out.log("warning", `Failed to resolve hostname '${hello.ip}'`);
  };
  unresolved();
  const removed = removeMatchingPeers(ctx, master, hello.runId);
  if (removed > 0) {
    ctx.out.event(
      "+sentinel-address-switch",
      `${instanceText(ctx.state, master, master)} ip ${hello.ip} port ${hello.port} for ${hello.runId}`,
      master.name,
    );
  } else {
    unresolved();
    const other = findPeer(ctx, master, addr, null);
    if (other !== null) {
      // Another run id claims this address: the old one is gone, everywhere.
      ctx.out.event("+sentinel-invalid-addr", instanceText(ctx.state, other, master), master.name);
      const staleId = other.runId;
      for (const m of ctx.state.masters.values()) removeMatchingPeers(ctx, m, staleId);
    }
  }
  // createSentinelRedisInstance refuses an address it could not use.
  unresolved();
  if (!isValidPort(hello.port) || unusable) return null;
  const peer = createPeer(ctx, master, addr, hello.runId);
  if (removed === 0) ctx.out.event("+sentinel", instanceText(ctx.state, peer, master), master.name);
  if (removed > 0) updatePeerAddressInAllMasters(ctx, peer, master);
  if (before !== undefined) trackAddressSwitch(ctx, master, before, peer);
  ctx.out.flushSoon();
  return peer;
}

/** docs/PROTOCOL.md §4.3 step 5: a newer configuration of the master, maybe a new address (observer switch). */
function adoptMasterConfig(
  ctx: CoreContext,
  master: MasterState,
  peer: PeerState,
  hello: Hello,
): void {
  const newAddr = { ip: hello.masterIp, port: hello.masterPort };
  const same = newAddr.port === master.addr.port && hostMatches(ctx, master.addr, newAddr.ip);
  // Vigil: past our promotion we advertise the promoted replica (currentMasterAddress), and a
  // newer configuration back at the record's old address supersedes our failover too. sentinel.c
  // compares with the old address only: it takes the newer epoch, then switches to its own
  // promoted replica at the failover's end under that epoch, a split no hello heals
  // (docs/COMPATIBILITY.md, "A newer configuration ends our failover").
  const advertised = currentMasterAddress(master);
  const stillOurs =
    advertised === master.addr ||
    (newAddr.port === advertised.port && hostMatches(ctx, advertised, newAddr.ip));
  // Our master's name not looked up yet: the next hello carries the same configuration.
  if (same === null || stillOurs === null) return;
  master.configEpoch = hello.masterConfigEpoch;
  if (same && stillOurs) {
    // Vigil: before our promotion, a configuration of the same address in our failover's epoch
    // or later ends the failover; sentinel.c goes on and its promotion lowers the config epoch
    // back to its failover epoch (failover/superseded.ts).
    if (failoverSuperseded(master, hello.masterConfigEpoch)) {
      abortSupersededFailover(ctx, master, peer);
    }
    return;
  }
  ctx.out.event("+config-update-from", instanceText(ctx.state, peer, master), master.name);
  // The new address as the hello gave it, the old one as we announce it (sentinel.c).
  const oldAddr = same ? advertised : master.addr;
  const from = announceHost(ctx.state, oldAddr);
  ctx.out.event(
    "+switch-master",
    `${master.name} ${from} ${oldAddr.port} ${newAddr.ip} ${newAddr.port}`,
    master.name,
  );
  // createSentinelAddr: a name that does not resolve leaves the master where it was.
  if (
    !isValidPort(newAddr.port) ||
    !isAcceptableHost(newAddr.ip, ctx.state.global.resolveHostnames) ||
    knownIp(ctx.state, newAddr.ip) === ""
  ) {
    return;
  }
  resetMasterAndChangeAddress(ctx, master, newAddr, "soon");
  queueClientReconfigScript(ctx, master, "observer", oldAddr, master.addr);
}

/** Whether `host` is a name (with resolve-hostnames) never answered yet; asks for it if so. */
function unknownName(ctx: CoreContext, host: string): boolean {
  if (!ctx.state.global.resolveHostnames || !isAcceptableHost(host, true)) return false;
  return lookupIp(ctx, host) === null;
}

/** A peer whose hello carried an older configuration of the master than ours. */
export interface StalePeer {
  readonly master: MasterState;
  readonly peer: PeerState;
}

/** The master name of a payload (its fifth field), or null with fewer than six fields. */
function helloMasterName(payload: string): string | null {
  let at = 0;
  for (let field = 0; field < 4; field++) {
    at = payload.indexOf(",", at) + 1;
    if (at === 0) return null;
  }
  const end = payload.indexOf(",", at);
  return end === -1 ? null : payload.slice(at, end);
}

/**
 * The fast path: a peer's hello arrives several times (through the master, through each replica,
 * as a direct PUBLISH), the same text every time for as long as nothing changes. The same text
 * as the one the peer's record last took in full, while the record keeps the address it had then,
 * our epoch is no older and the master's configuration epoch no older than the hello's, would
 * find the same record and change nothing but lastHelloTime: the result is that of processHello
 * without splitting and reading the fields. Undefined: take the hello in full. Not with
 * resolve-hostnames (a name's lookup may have changed what the address matches).
 *
 * A hello that names no master of ours (another deployment's sentinels publishing on the same
 * instance), or has fewer than six fields, is dropped here: processHello drops it too, after
 * splitting it.
 */
function repeatedHello(ctx: CoreContext, payload: string): StalePeer | null | undefined {
  const name = helloMasterName(payload);
  const master = name === null ? undefined : ctx.state.masters.get(name);
  if (master === undefined) return null;
  if (ctx.state.global.resolveHostnames) return undefined;
  for (const peer of master.sentinels.values()) {
    const seen = peer.seenHello;
    if (seen?.payload !== payload) continue;
    if (
      peer.addr !== seen.addr ||
      seen.currentEpoch > ctx.state.currentEpoch ||
      master.configEpoch < seen.masterConfigEpoch
    ) {
      return undefined;
    }
    peer.lastHelloTime = ctx.now;
    return seen.masterConfigEpoch < master.configEpoch ? { master, peer } : null;
  }
  return undefined;
}

/**
 * sentinel.c: sentinelProcessHelloMessage (docs/PROTOCOL.md §4.3). Also runs in TILT. Returns the
 * sender when its configuration of the master is older than ours (answer-stale-peer.ts).
 */
export function processHello(ctx: CoreContext, payload: string): StalePeer | null {
  // We are not interested in meeting ourselves.
  if (payload.includes(ctx.state.myId)) return null;
  const repeated = repeatedHello(ctx, payload);
  if (repeated !== undefined) return repeated;
  const hello = parseHello(payload);
  if (hello === null) return null;
  const master = ctx.state.masters.get(hello.masterName);
  if (master === undefined) return null;
  // A name we never looked up: wait for its lookup, the next hello (2 s later) is handled.
  if (unknownName(ctx, hello.ip) || unknownName(ctx, hello.masterIp)) return null;

  let peer = findPeer(ctx, master, { ip: hello.ip, port: hello.port }, hello.runId);
  peer ??= learnPeer(ctx, master, hello);

  if (hello.currentEpoch > ctx.state.currentEpoch) {
    ctx.state.currentEpoch = hello.currentEpoch;
    ctx.out.flush();
    ctx.out.event("+new-epoch", String(ctx.state.currentEpoch), master.name);
  }

  if (peer !== null && master.configEpoch < hello.masterConfigEpoch) {
    adoptMasterConfig(ctx, master, peer, hello);
  }
  if (peer === null) return null;
  peer.lastHelloTime = ctx.now;
  peer.seenHello = {
    payload,
    addr: peer.addr,
    currentEpoch: hello.currentEpoch,
    masterConfigEpoch: hello.masterConfigEpoch,
  };
  return hello.masterConfigEpoch < master.configEpoch ? { master, peer } : null;
}

/**
 * A hello from a pub/sub message (`via` = that link) or from a peer's PUBLISH (`via` null).
 * `first`: via's first record (firstLinkUser), when the caller looked it up.
 */
export function onHelloReceived(
  ctx: CoreContext,
  via: LinkId | null,
  payload: string,
  first: LinkUser | undefined = via === null ? undefined : firstLinkUser(ctx.state, via),
): StalePeer | null {
  // Any pub/sub traffic proves the connection alive (our own hellos echo back).
  if (first !== undefined) first.instance.link.pcLastActivity = ctx.now;
  return processHello(ctx, payload);
}

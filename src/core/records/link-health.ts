/**
 * Link bookkeeping (docs/PROTOCOL.md §2.1–2.3, §2.5; sentinel.c: sentinelReconnectInstance,
 * sentinelSendPing, sentinelPingReplyCallback, instanceLinkCloseConnection,
 * sentinelCheckSubjectivelyDown's forced closes).
 *
 * A connection is `connecting` from the `connect` command until the shell answers with
 * link-connected / link-closed, and `closing` from the `close` command until link-closed, so the
 * core never has two requests in flight for one connection. A connection being made counts as
 * present (instances.ts: linkDisconnected), one being closed does not. A close resets what was
 * in flight on the connection (forgetCmdInFlight) and the connected flags but keeps every clock:
 * `actPingTime` in particular keeps counting towards SDOWN.
 */
import type { CoreContext } from "../model/context.js";
import type { ReplyText } from "../model/inputs.js";
import { lookupIp } from "./hosts.js";
import { CONNECTION_REFUSED, linkDisconnected } from "./instances.js";
import { instanceText } from "./instance-text.js";
import { firstLinkUser, linkUsers, type LinkUser } from "./link-users.js";
import { forgetPendingHellos } from "./pending-hellos.js";
import { linkRenames } from "./renamed-commands.js";
import type { LinkAuth } from "../model/ready.js";
import { serverIdentity } from "./server-identity.js";
import type { ConnKind, InstanceState, LinkId, LinkState, MasterState } from "../model/state.js";

/** sentinel.c: sentinelSendAuthIfNeeded (docs/PROTOCOL.md §2.2). */
export function linkAuth(
  ctx: CoreContext,
  instance: InstanceState,
  master: MasterState,
): LinkAuth | null {
  if (instance.kind === "sentinel") {
    const global = ctx.state.global;
    if (global.sentinelPass !== "") return { user: global.sentinelUser, pass: global.sentinelPass };
    // Old configs: requirepass is used for both incoming and outgoing authentication.
    const { requirePass } = serverIdentity(ctx.state);
    return requirePass === "" ? null : { user: "", pass: requirePass };
  }
  const { authPass, authUser } = master.settings;
  return authPass === "" ? null : { user: authUser, pass: authPass };
}

/** Connect attempts never outlive a master's down-after, nor 10 s, nor take under 100 ms. */
const MAX_CONNECT_TIMEOUT = 10_000;
const MIN_CONNECT_TIMEOUT = 100;

/**
 * How long the shell may try to connect: the master's down-after for a master or replica link;
 * for a peer's link, shared by every master that knows the peer, the smallest of all.
 */
export function connectTimeout(
  ctx: CoreContext,
  instance: InstanceState,
  master: MasterState,
): number {
  let timeout = master.settings.downAfterPeriod;
  if (instance.kind === "sentinel") {
    for (const m of ctx.state.masters.values()) {
      timeout = Math.min(timeout, m.settings.downAfterPeriod);
    }
  }
  return Math.max(MIN_CONNECT_TIMEOUT, Math.min(timeout, MAX_CONNECT_TIMEOUT));
}

function clientName(ctx: CoreContext, conn: ConnKind): string {
  return `sentinel-${ctx.state.myId.slice(0, 8)}-${conn}`;
}

/** Monitoring half: connect what is missing, at most once per ping period per link. */
export function reconnectInstance(
  ctx: CoreContext,
  instance: InstanceState,
  master: MasterState,
): void {
  const link = instance.link;
  if (!linkDisconnected(link)) return;
  // Port 0 marks an invalid address: never connected.
  if (instance.addr.port === 0) return;
  // sentinel.c throttles with sentinel_ping_period (SENTINEL DEBUG PING-PERIOD, 1000 ms).
  if (ctx.now - link.lastReconnTime < ctx.state.timing.pingPeriod) return;
  // A connection whose close is not yet answered comes back after link-closed (sent at once).
  const cmd = !link.cmdConnected && !link.cmdConnecting && !link.cmdClosing;
  const pubsub =
    link.needsPubsub && !link.pubsubConnected && !link.pubsubConnecting && !link.pubsubClosing;
  if (!cmd && !pubsub) return;
  // A name is looked up again at each reconnect (sentinel.c: sentinelReconnectInstance); never
  // answered yet: wait for it; no IP: nothing to connect to until a later lookup gives one.
  const ip = lookupIp(ctx, instance.addr.ip);
  if (ip === null) return;
  link.lastReconnTime = ctx.now;
  link.addr = instance.addr;
  if (ip === "") return;

  const common = {
    link: link.id,
    addr: ip === instance.addr.ip ? instance.addr : { ip, port: instance.addr.port },
    auth: linkAuth(ctx, instance, master),
    renamedCommands: linkRenames(master.settings.renamedCommands),
    connectTimeoutMs: connectTimeout(ctx, instance, master),
  };
  if (cmd) {
    link.cmdConnecting = true;
    // The PING is pipelined with the connect (sentinel.c: "Send a PING ASAP when
    // reconnecting"), so it is pending from now even if the connection is refused: a dropped
    // link goes SDOWN down-after past the first reconnect attempt, not past the last reply.
    link.lastPingTime = ctx.now;
    if (link.actPingTime === 0) link.actPingTime = ctx.now;
    link.cmdGen = ++ctx.state.linkGen;
    ctx.out.command({
      type: "connect",
      conn: "cmd",
      clientName: clientName(ctx, "cmd"),
      gen: link.cmdGen,
      ...common,
    });
  }
  if (pubsub) {
    link.pubsubConnecting = true;
    link.pubsubGen = ++ctx.state.linkGen;
    ctx.out.command({
      type: "connect",
      conn: "pubsub",
      clientName: clientName(ctx, "pubsub"),
      gen: link.pubsubGen,
      ...common,
    });
  }
}

/** sentinel.c: sentinelSendPing. */
export function sendPing(ctx: CoreContext, link: LinkState): void {
  ctx.out.command({ type: "ping", link: link.id });
  link.pendingCommands++;
  link.lastPingTime = ctx.now;
  // Only when the previous PING was answered: otherwise we are still waiting since the first.
  if (link.actPingTime === 0) link.actPingTime = link.lastPingTime;
}

/**
 * A cmd connection opened or closed: no reply of the one before can follow, so nothing sent on
 * it is pending any more (commands, the INFO in flight, the hellos awaiting their reply).
 */
function forgetCmdInFlight(link: LinkState): void {
  link.pendingCommands = 0;
  link.infoSentTime = 0;
  forgetPendingHellos(link);
}

/** sentinel.c: instanceLinkCloseConnection, as a request to the shell. */
export function closeConnection(ctx: CoreContext, link: LinkState, conn: ConnKind): void {
  if (conn === "cmd") {
    if (!link.cmdConnected && !link.cmdConnecting) return;
    ctx.out.command({ type: "close", link: link.id, conn });
    link.cmdConnected = false;
    link.cmdConnecting = false;
    link.cmdClosing = true;
    forgetCmdInFlight(link);
  } else {
    if (!link.pubsubConnected && !link.pubsubConnecting) return;
    ctx.out.command({ type: "close", link: link.id, conn });
    link.pubsubConnected = false;
    link.pubsubConnecting = false;
    link.pubsubClosing = true;
  }
}

export function closeLink(ctx: CoreContext, link: LinkState): void {
  closeConnection(ctx, link, "cmd");
  closeConnection(ctx, link, "pubsub");
}

/** `first`: the link's first record (firstLinkUser), when the caller looked it up. */
export function onLinkConnected(
  ctx: CoreContext,
  id: LinkId,
  conn: ConnKind,
  localIp: string,
  first: LinkUser | undefined = firstLinkUser(ctx.state, id),
): void {
  if (first === undefined) return;
  const link = first.instance.link;
  // Queued before the close went out: that connection is going away.
  if (conn === "cmd" ? link.cmdClosing : link.pubsubClosing) return;
  if (conn === "cmd") {
    link.cmdConnected = true;
    link.cmdConnecting = false;
    link.cmdRefused = false;
    link.cmdConnTime = ctx.now;
    link.localIp = localIp;
    forgetCmdInFlight(link);
    // "Send a PING ASAP when reconnecting" (the shell sends AUTH and CLIENT SETNAME before it).
    sendPing(ctx, link);
  } else {
    link.pubsubConnected = true;
    link.pubsubConnecting = false;
    link.pubsubRefused = false;
    link.pubsubConnTime = ctx.now;
    link.pcLastActivity = ctx.now;
  }
}

/**
 * A connected master's command connection dropped: a tick at once, whose reconnect sends the
 * PING that starts the down-after count (as redis-sentinel's next timer event would), and one
 * just past down-after, when SDOWN may be declared by the usual rule (strictly longer). A
 * refused reconnect of a link that was not connected asks for nothing: a dead master would
 * tick every second.
 */
function wakeAfterDrop(ctx: CoreContext, master: MasterState): void {
  ctx.out.wake(ctx.now);
  ctx.out.wake(ctx.now + master.settings.downAfterPeriod + 1);
}

export function onLinkClosed(
  ctx: CoreContext,
  id: LinkId,
  conn: ConnKind,
  reason: string,
  first: LinkUser | undefined = firstLinkUser(ctx.state, id),
): void {
  if (first === undefined) return;
  const link = first.instance.link;
  const neverConnected = conn === "cmd" ? !link.cmdConnected : !link.pubsubConnected;
  // Our own close (closeConnection) is no failed reconnection: sentinel.c reports none for it.
  const closing = conn === "cmd" ? link.cmdClosing : link.pubsubClosing;
  // The reconnect throttle is per link (one attempt per ping period). A live connection that
  // was up before the last attempt was made did not come from it: that attempt was for the other
  // connection. Redis sees both drop together (docs/PROTOCOL.md §7.5's CLIENT KILL TYPE normal + pubsub are one
  // event-loop pass before its next tick); Vigil may step them one tick apart, and throttling
  // the second for a ping period leaves the link "disconnected" without PINGs long enough for a
  // spurious SDOWN at a short down-after. Throttle it from its own connect instead.
  const connTime = conn === "cmd" ? link.cmdConnTime : link.pubsubConnTime;
  if (!neverConnected && connTime < link.lastReconnTime) link.lastReconnTime = connTime;
  if (conn === "cmd" && !neverConnected && first.instance.kind === "master") {
    wakeAfterDrop(ctx, first.master);
  }
  const refused = neverConnected && !closing && reason === CONNECTION_REFUSED;
  if (conn === "cmd") {
    link.cmdConnected = false;
    link.cmdConnecting = false;
    link.cmdClosing = false;
    link.cmdRefused = refused;
    forgetCmdInFlight(link);
  } else {
    link.pubsubConnected = false;
    link.pubsubConnecting = false;
    link.pubsubClosing = false;
    link.pubsubRefused = refused;
  }
  if (neverConnected && !closing && reason !== "") {
    const type = conn === "cmd" ? "-cmd-link-reconnection" : "-pubsub-link-reconnection";
    ctx.out.event(
      type,
      `${instanceText(ctx.state, first.instance, first.master)} #${reason}`,
      first.master.name,
    );
  }
}

/** A reply (or failure) of any command ends one pending command. */
export function commandDone(link: LinkState): void {
  if (link.pendingCommands > 0) link.pendingCommands--;
}

function stripDash(text: string): string {
  return text.startsWith("-") ? text.slice(1) : text;
}

/** sentinel.c: sentinelPingReplyCallback. */
export function onPingReply(
  ctx: CoreContext,
  id: LinkId,
  reply: ReplyText,
  first: LinkUser | undefined = firstLinkUser(ctx.state, id),
): void {
  if (first === undefined) return;
  const link = first.instance.link;
  commandDone(link);
  // sentinel.c reads status and error replies only: a bulk string proves nothing, even "PONG"
  // (a PING renamed to RANDOMKEY answering the key "PONG").
  const text =
    reply.kind === "error" ? stripDash(reply.text) : reply.kind === "ok" ? reply.text : "";
  if (text.startsWith("PONG") || text.startsWith("LOADING") || text.startsWith("MASTERDOWN")) {
    link.lastAvailTime = ctx.now;
    link.actPingTime = 0;
    // Only a master's record is ever flagged (info-refresh.ts), and a master's link has one
    // record: a peer's link, whose records are one per master, was walked here for nothing.
    if (text.startsWith("PONG")) first.instance.flags.delete("master_reboot");
  } else if (text.startsWith("BUSY")) {
    // A script keeps the instance busy: kill it, once per SDOWN period.
    const busy = linkUsers(ctx.state, id).find(
      (u) => u.instance.flags.has("s_down") && !u.instance.flags.has("script_kill_sent"),
    );
    if (busy !== undefined && link.cmdConnected) {
      ctx.out.command({ type: "script-kill", link: link.id });
      link.pendingCommands++;
      busy.instance.flags.add("script_kill_sent");
    }
  }
  link.lastPongTime = ctx.now;
}

/**
 * Acting half (docs/PROTOCOL.md §2.5): force a reconnect of a connection that looks dead
 * although the socket is open — a PING pending for more than down-after/2 with no reply of any
 * kind, or a pub/sub connection silent for three hello periods (our own hellos echo back).
 */
export function closeUnhealthyConnections(
  ctx: CoreContext,
  instance: InstanceState,
  master: MasterState,
): void {
  const link = instance.link;
  const now = ctx.now;
  const timing = ctx.state.timing;
  // The rarely true tests first: this runs for every record at every tick, and each time field
  // read is a memory access of its own (a boxed number) that the healthy case does not need.
  if (link.actPingTime !== 0 && link.cmdConnected) {
    const halfDownAfter = master.settings.downAfterPeriod / 2;
    if (
      now - link.actPingTime > halfDownAfter &&
      now - link.lastPongTime > halfDownAfter &&
      now - link.cmdConnTime > timing.minLinkReconnectPeriod
    ) {
      closeConnection(ctx, link, "cmd");
    }
  }
  if (
    link.pubsubConnected &&
    now - link.pcLastActivity > timing.publishPeriod * 3 &&
    now - link.pubsubConnTime > timing.minLinkReconnectPeriod
  ) {
    closeConnection(ctx, link, "pubsub");
  }
}

/** Our PING on the link has gone unanswered for more than `period`. */
export function linkStalled(ctx: CoreContext, link: LinkState, period: number): boolean {
  return link.actPingTime !== 0 && ctx.now - link.actPingTime > period;
}

/**
 * Vigil: the path to an instance is known to be back (a peer cut off with it answers again). A
 * command connection stalled for `period`, or a connect attempt older than a quarter of it, is
 * dropped; the next tick makes a new one (reconnectInstance, once the shell answers the close).
 * An attempt just made is kept. Used by monitor/answer-stale-peer.ts and failover/heal-hold.ts.
 */
export function reconnectIfStalled(ctx: CoreContext, link: LinkState, period: number): void {
  if (link.cmdClosing) return;
  if (link.cmdConnected) {
    if (!linkStalled(ctx, link, period)) return;
    closeConnection(ctx, link, "cmd");
  } else if (link.cmdConnecting) {
    if (ctx.now - link.lastReconnTime < period / 4) return;
    closeConnection(ctx, link, "cmd");
  } else {
    return;
  }
  link.lastReconnTime = 0;
  ctx.out.wake(ctx.now);
}

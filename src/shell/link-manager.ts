/**
 * Carries out the core's link commands (Ready.commands) on real Redis connections and turns every
 * reply and every close into an Input. One entry per LinkId holds its command connection and, for
 * masters and replicas, its pub/sub connection (sentinel.c: instanceLink with cc and pc).
 *
 * Rules kept here:
 * - every command name passes through the link's rename-command map (docs/PROTOCOL.md §2.3);
 * - a new connection sends AUTH (if any) and CLIENT SETNAME, pipelined, replies ignored; a pub/sub
 *   connection then subscribes to `__sentinel__:hello` (sentinel.c: sentinelReconnectInstance);
 * - replies of a connection that was closed or replaced are dropped, and a command that never got
 *   a reply produces no input: the link-closed input resets the core's pending count instead;
 * - every input from a connection carries the generation the core gave its connect (`gen`), so
 *   the core can drop what an older connection left in the queue (core/records/link-generation.ts);
 * - `close` answers with link-closed at once for every connection named, held or not; `forget` is
 *   silent.
 *
 * The replies of the periodic commands (PING, INFO, PUBLISH) go to callbacks made once per
 * connection (link-connection.ts), so a command costs no allocation here beyond its input.
 */
import type { SecureContext } from "node:tls";
import type { Command, ConnKind, Input, LinkAuth, LinkId } from "../core/index.js";
import type { Logger } from "./logger.js";
import { logAt } from "./logger.js";
import { ConnectPacer } from "./connect-pacer.js";
import { createRedisLink } from "./redis-link.js";
import type { CallCallback, CallResult, RedisLink, RedisLinkFactory } from "./link-contract.js";
import type { ConnectCommand, ConnectionOwner, LinkEntry } from "./link-connection.js";
import { Connection, HELLO_CHANNEL } from "./link-connection.js";
import { execFailures, narrowIsMasterDownReply } from "./reply-narrowing.js";

export { HELLO_CHANNEL };

export interface LinkManagerOptions {
  /** Where every reply and close goes (the runtime's input queue). */
  readonly push: (input: Input) => void;
  readonly logger: Logger;
  readonly createLink?: RedisLinkFactory;
  /**
   * tls-replication: the context every new connection (master, replica, peer sentinel) uses;
   * asked at each connect, so reloaded certificates apply to the next connections.
   */
  readonly tls?: () => SecureContext | undefined;
}

function tlsOption(context: SecureContext | undefined): { tls?: SecureContext } {
  return context === undefined ? {} : { tls: context };
}

type Argument = string | number;

const NO_ARGS: readonly Argument[] = [];

export class LinkManager implements ConnectionOwner {
  private readonly entries = new Map<LinkId, LinkEntry>();
  private readonly options: LinkManagerOptions;
  /** Where every reply and close goes (LinkManagerOptions.push). */
  readonly push: (input: Input) => void;
  private readonly createLink: RedisLinkFactory;
  /** New connections are opened at most CONNECTS_PER_TURN per turn (connect-pacer.ts). */
  private readonly pacer = new ConnectPacer();
  /** Transactions sent whose replies are not all in (transactionsSettled). */
  private transactionsInFlight = 0;
  /**
   * Links with a transaction whose replies are not all in: the INFO the core sends behind a
   * SLAVEOF NO ONE is how it sees the promotion, so it goes out at once too (RedisLink.flushNow).
   */
  private readonly reconfiguring = new Map<LinkId, number>();
  private settledWaiters: (() => void)[] = [];

  constructor(options: LinkManagerOptions) {
    this.options = options;
    this.push = options.push;
    this.createLink = options.createLink ?? createRedisLink;
  }

  /** Number of links with at least one connection (open or opening). */
  get openLinks(): number {
    let n = 0;
    for (const entry of this.entries.values()) if (entry.cmd !== null || entry.pubsub !== null) n++;
    return n;
  }

  execute(command: Command): void {
    switch (command.type) {
      case "connect":
        this.connect(command);
        return;
      case "close":
        this.close(command.link, command.conn);
        return;
      case "forget":
        this.forget(command.link);
        return;
      case "ping":
        this.sendPeriodic(command.link, "ping", NO_ARGS, "onPing");
        return;
      case "info":
        this.sendPeriodic(command.link, "info", NO_ARGS, "onInfo");
        return;
      case "publish-hello":
        this.sendPeriodic(command.link, "publish", [HELLO_CHANNEL, command.payload], "onPublish");
        return;
      case "ask-master-down":
        this.askMasterDown(command);
        return;
      case "replicaof":
        this.replicaOf(command.link, command.target, command.abortFailover === true);
        return;
      case "transaction":
        this.transaction(command.link, command.steps);
        return;
      case "script-kill":
        this.send(command.link, "script", ["KILL"], (_result, gen) => ({
          type: "command-done",
          link: command.link,
          gen,
        }));
        return;
      case "client-pause":
      case "client-unpause":
        // Self-fencing (core/detection/fence.ts).
        this.send(
          command.link,
          "client",
          command.type === "client-pause" ? ["PAUSE", String(command.ms), "WRITE"] : ["UNPAUSE"],
          (_result, gen) => ({ type: "command-done", link: command.link, gen }),
        );
        return;
      case "rename-commands": {
        // Read at every send (sentinel.c: sentinelInstanceMapCommand); the next connect brings
        // the same map again.
        const entry = this.entries.get(command.link);
        if (entry !== undefined) entry.renamed = command.renamedCommands;
        return;
      }
      case "resolve":
        // Lookups are the HostResolver's (the daemon routes them there); nothing for a link.
        return;
    }
  }

  /**
   * Resolves true once every transaction sent has all its replies (or lost its connection), or
   * false after `timeoutMs`: the shutdown waits this long for the replies to the FAILOVER ABORT
   * it sent (core/failover/coordinated.ts: abortHandoversAtShutdown) before it closes the links,
   * and never longer, whatever an instance does.
   */
  transactionsSettled(timeoutMs: number): Promise<boolean> {
    if (this.transactionsInFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.settledWaiters = this.settledWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.settledWaiters.push(done);
    });
  }

  /** Closes every connection without reporting (shutdown). */
  closeAll(): void {
    this.pacer.clear();
    for (const id of [...this.entries.keys()]) this.forget(id);
  }

  /** Connects not opened yet (connect-pacer.ts). */
  get queuedConnects(): number {
    return this.pacer.queued;
  }

  private connect(command: ConnectCommand): void {
    let entry = this.entries.get(command.link);
    if (entry === undefined) {
      entry = { renamed: command.renamedCommands, cmd: null, pubsub: null };
      this.entries.set(command.link, entry);
    }
    entry.renamed = command.renamedCommands;
    const previous = entry[command.conn];
    if (previous !== null) this.drop(entry, command.conn);
    const conn = new Connection(this, entry, command);
    entry[command.conn] = conn;
    const opened = entry;
    this.pacer.pace(() => {
      // Closed, forgotten or replaced while it waited: nothing to open.
      if (!conn.current || this.entries.get(command.link) !== opened) return false;
      this.open(conn);
      return true;
    });
  }

  private open(conn: Connection): void {
    const { addr, connectTimeoutMs } = conn.command;
    conn.link = this.createLink(
      {
        host: addr.ip,
        port: addr.port,
        connectTimeout: connectTimeoutMs,
        ...tlsOption(this.options.tls?.()),
      },
      conn,
    );
  }

  /**
   * sentinel.c: sentinelReconnectInstance — AUTH, CLIENT SETNAME (+ SUBSCRIBE), replies ignored,
   * except an error answering SUBSCRIBE: hiredis keeps no reply callback for a SUBSCRIBE, so its
   * error reply arrives as a spontaneous one, which hiredis takes for a server about to close
   * the connection and closes it first; the link shows `disconnected` until the next attempt (a
   * master whose default user went off answers every reconnection with NOAUTH: the link stays
   * disconnected until SENTINEL SET auth-user/auth-pass give it a user that can log in).
   */
  handshake(
    entry: LinkEntry,
    conn: Connection,
    kind: ConnKind,
    auth: LinkAuth | null,
    clientName: string,
  ): void {
    const link = conn.link;
    if (link === null) return;
    const name = (cmd: string): string => entry.renamed[cmd] ?? cmd;
    // Replies arrive in order: the failures are logged in the order the commands were sent.
    const logFailure: CallCallback = (result) => {
      if (result.kind !== "error") return;
      logAt(
        this.options.logger,
        "verbose",
        `Link setup command failed on ${clientName}: ${result.text}`,
      );
    };
    if (auth !== null) {
      link.call(name("auth"), auth.user === "" ? [auth.pass] : [auth.user, auth.pass], logFailure);
    }
    link.call(name("client"), ["SETNAME", clientName], logFailure);
    if (kind !== "pubsub") return;
    link.subscribe(name("subscribe"), HELLO_CHANNEL, (result) => {
      logFailure(result);
      if (result.kind === "error") this.refused(entry, conn, result.text);
    });
  }

  /** The pub/sub connection's SUBSCRIBE was refused: closed, reported as a drop (see handshake). */
  private refused(entry: LinkEntry, conn: Connection, reason: string): void {
    if (entry.pubsub !== conn) return;
    this.drop(entry, "pubsub");
    this.options.push({
      type: "link-closed",
      link: conn.id,
      conn: "pubsub",
      reason,
      gen: conn.gen,
    });
  }

  private close(id: LinkId, which: ConnKind | "both"): void {
    const entry = this.entries.get(id);
    const kinds: readonly ConnKind[] = which === "both" ? ["cmd", "pubsub"] : [which];
    for (const kind of kinds) {
      // The core waits for this answer before it reconnects (cmdClosing / pubsubClosing). A
      // connection we do not hold is answered too, with no reason (nothing was open, so no
      // -link-reconnection event): left unanswered, a core that believed it open would wait
      // forever and the link would never come back.
      const conn = entry === undefined ? null : entry[kind];
      if (entry === undefined || conn === null) {
        this.options.push({ type: "link-closed", link: id, conn: kind, reason: "" });
        continue;
      }
      this.drop(entry, kind);
      this.options.push({
        type: "link-closed",
        link: id,
        conn: kind,
        reason: "closed by sentinel",
        gen: conn.gen,
      });
    }
  }

  private forget(id: LinkId): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.drop(entry, "cmd");
    this.drop(entry, "pubsub");
    this.entries.delete(id);
  }

  private drop(entry: LinkEntry, kind: ConnKind): void {
    const conn = entry[kind];
    entry[kind] = null;
    conn?.link?.close();
  }

  /** PING, INFO or PUBLISH on the cmd connection, answered through that connection's callback. */
  private sendPeriodic(
    id: LinkId,
    command: string,
    args: readonly Argument[],
    callback: "onPing" | "onInfo" | "onPublish",
  ): void {
    const entry = this.entries.get(id);
    const conn = entry?.cmd ?? null;
    if (entry === undefined || conn === null || !conn.connected || conn.link === null) {
      logAt(this.options.logger, "debug", `Command dropped: link ${id} is not connected`);
      return;
    }
    conn.link.call(entry.renamed[command] ?? command, args, conn[callback]);
    if (callback === "onInfo" && this.reconfiguring.has(id)) conn.link.flushNow?.();
  }

  /** The connected command connection of a link, or null (the command is then dropped). */
  private commandConnection(
    id: LinkId,
  ): { entry: LinkEntry; conn: Connection; link: RedisLink } | null {
    const entry = this.entries.get(id);
    const conn = entry?.cmd ?? null;
    if (entry === undefined || conn === null || !conn.connected || conn.link === null) {
      logAt(this.options.logger, "debug", `Command dropped: link ${id} is not connected`);
      return null;
    }
    return { entry, conn, link: conn.link };
  }

  /** Sends one command on the cmd connection; `toInput` runs unless the link closed first. */
  private send(
    id: LinkId,
    command: string,
    args: readonly Argument[],
    toInput: (result: CallResult, gen: number) => Input,
  ): void {
    const target = this.commandConnection(id);
    if (target === null) return;
    const { entry, conn, link } = target;
    link.call(entry.renamed[command] ?? command, args, (result) => {
      if (result.kind === "closed" || entry.cmd !== conn) return;
      this.options.push(toInput(result, conn.gen));
    });
  }

  private askMasterDown(command: Extract<Command, { type: "ask-master-down" }>): void {
    const { ip, port, epoch, runId } = command;
    const args = ["is-master-down-by-addr", ip, port, String(epoch), runId];
    this.send(command.link, "sentinel", args, (result, gen) => ({
      type: "is-master-down-reply",
      link: command.link,
      master: command.master,
      reply: result.kind === "reply" ? narrowIsMasterDownReply(result.value) : null,
      gen,
    }));
    // A vote request (sentinel.c asks with its own run id only as a candidate) goes out now.
    if (runId !== "*") this.entries.get(command.link)?.cmd?.link?.flushNow?.();
  }

  /** docs/PROTOCOL.md §7.5: the reconfiguration transaction, pipelined, replies only logged. */
  private replicaOf(
    id: LinkId,
    target: { readonly ip: string; readonly port: number } | null,
    abortFailover: boolean,
  ): void {
    this.pipelineTransaction(id, [
      ...(abortFailover ? [["failover", "ABORT"]] : []),
      ["slaveof", ...(target === null ? ["NO", "ONE"] : [target.ip, target.port])],
      ["config", "REWRITE"],
      ["client", "KILL", "TYPE", "normal"],
      ["client", "KILL", "TYPE", "pubsub"],
    ]);
  }

  /** The core's other transactions (the coordinated failover's): MULTI, the steps, EXEC. */
  private transaction(id: LinkId, steps: readonly (readonly string[])[]): void {
    this.pipelineTransaction(id, steps);
  }

  /**
   * MULTI, each step (a lower-case command name mapped through rename-command, then its
   * arguments), EXEC, pipelined; failures are logged, one command-done answers the whole.
   */
  private pipelineTransaction(id: LinkId, body: readonly (readonly (string | number)[])[]): void {
    const conn = this.commandConnection(id);
    if (conn === null) return;
    const { entry, link } = conn;
    const name = (cmd: string): string => entry.renamed[cmd] ?? cmd;
    const steps: readonly (readonly [string, readonly Argument[]])[] = [
      [name("multi"), []],
      ...body.map(([cmd, ...args]) => [name(String(cmd ?? "").toLowerCase()), args] as const),
      [name("exec"), []],
    ];
    const settled: CallResult[] = [];
    const onResult: CallCallback = (result) => {
      settled.push(result);
      if (settled.length < steps.length) return;
      const left = (this.reconfiguring.get(id) ?? 1) - 1;
      if (left > 0) this.reconfiguring.set(id, left);
      else this.reconfiguring.delete(id);
      this.transactionSettled();
      if (settled.some((r) => r.kind === "closed") || entry.cmd !== conn.conn) return;
      const failures = settled.flatMap((r) => (r.kind === "error" ? [r.text] : []));
      const last = settled[settled.length - 1];
      if (last?.kind === "reply") failures.push(...execFailures(last.value));
      for (const failure of failures) {
        logAt(this.options.logger, "verbose", `Reconfiguration of ${id}: ${failure}`);
      }
      this.options.push({ type: "command-done", link: id, gen: conn.conn.gen });
    };
    this.transactionsInFlight++;
    this.reconfiguring.set(id, (this.reconfiguring.get(id) ?? 0) + 1);
    for (const [cmd, args] of steps) link.call(cmd, args, onResult);
    // A failover's reconfiguration goes out now (RedisLink.flushNow).
    link.flushNow?.();
  }

  private transactionSettled(): void {
    this.transactionsInFlight--;
    if (this.transactionsInFlight > 0) return;
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const done of waiters) done();
  }
}

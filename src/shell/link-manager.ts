/**
 * Carries out the core's link commands (Ready.commands) on real Redis connections and turns every
 * reply and every close into an Input. One entry per LinkId holds its command connection and, for
 * masters and replicas, its pub/sub connection (sentinel.c: instanceLink with cc and pc).
 *
 * Rules kept here:
 * - every command name passes through the link's rename-command map (sentinel-protocol §2.3);
 * - a new connection sends AUTH (if any) and CLIENT SETNAME, pipelined, replies ignored; a pub/sub
 *   connection then subscribes to `__sentinel__:hello` (sentinel.c: sentinelReconnectInstance);
 * - replies of a connection that was closed or replaced are dropped, and a command that never got
 *   a reply produces no input: the link-closed input resets the core's pending count instead;
 * - `close` answers with link-closed at once for every connection it closes; `forget` is silent.
 */
import type { Command, LinkAuth } from "../core/ready.js";
import type { Input } from "../core/inputs.js";
import type { ConnKind, LinkId } from "../core/state.js";
import type { Logger } from "./logger.js";
import { logAt } from "./logger.js";
import { createRedisLink } from "./redis-link.js";
import type { CallResult, RedisLink, RedisLinkFactory } from "./redis-link.js";
import { execFailures, narrowIsMasterDownReply, narrowReplyText } from "./reply-narrowing.js";

export const HELLO_CHANNEL = "__sentinel__:hello";

interface Connection {
  link: RedisLink | null;
  connected: boolean;
}

interface LinkEntry {
  renamed: Readonly<Record<string, string>>;
  cmd: Connection | null;
  pubsub: Connection | null;
}

export interface LinkManagerOptions {
  /** Where every reply and close goes (the runtime's input queue). */
  readonly push: (input: Input) => void;
  readonly logger: Logger;
  /** Connect timeout for a link, in ms. */
  readonly connectTimeout: (link: LinkId) => number;
  readonly createLink?: RedisLinkFactory;
}

type Argument = string | number;

function stripMappedPrefix(ip: string): string {
  return ip.startsWith("::ffff:") && ip.includes(".") ? ip.slice("::ffff:".length) : ip;
}

export class LinkManager {
  private readonly entries = new Map<LinkId, LinkEntry>();
  private readonly options: LinkManagerOptions;
  private readonly createLink: RedisLinkFactory;

  constructor(options: LinkManagerOptions) {
    this.options = options;
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
        this.sendText(command.link, "ping", [], (reply) => ({
          type: "ping-reply",
          link: command.link,
          reply,
        }));
        return;
      case "info":
        this.sendText(command.link, "info", [], (reply) => ({
          type: "info-reply",
          link: command.link,
          reply,
        }));
        return;
      case "publish-hello":
        this.send(command.link, "publish", [HELLO_CHANNEL, command.payload], (result) => ({
          type: "publish-reply",
          link: command.link,
          ok: result.kind === "reply",
        }));
        return;
      case "ask-master-down":
        this.askMasterDown(command);
        return;
      case "replicaof":
        this.replicaOf(command.link, command.target);
        return;
      case "script-kill":
        this.send(command.link, "script", ["KILL"], () => ({
          type: "command-done",
          link: command.link,
        }));
        return;
    }
  }

  /** Closes every connection without reporting (shutdown). */
  closeAll(): void {
    for (const id of [...this.entries.keys()]) this.forget(id);
  }

  private connect(command: Extract<Command, { type: "connect" }>): void {
    let entry = this.entries.get(command.link);
    if (entry === undefined) {
      entry = { renamed: command.renamedCommands, cmd: null, pubsub: null };
      this.entries.set(command.link, entry);
    }
    entry.renamed = command.renamedCommands;
    const previous = entry[command.conn];
    if (previous !== null) this.drop(entry, command.conn);
    const conn: Connection = { link: null, connected: false };
    entry[command.conn] = conn;
    const kind = command.conn;
    const current = (): boolean => entry[kind] === conn;
    conn.link = this.createLink(
      {
        host: command.addr.ip,
        port: command.addr.port,
        connectTimeout: this.options.connectTimeout(command.link),
      },
      {
        onReady: () => {
          if (!current() || conn.link === null) return;
          conn.connected = true;
          this.handshake(entry, conn.link, kind, command.auth, command.clientName);
          const localIp = stripMappedPrefix(conn.link.localAddress());
          this.options.push({ type: "link-connected", link: command.link, conn: kind, localIp });
        },
        onClosed: (reason) => {
          if (!current()) return;
          entry[kind] = null;
          this.options.push({ type: "link-closed", link: command.link, conn: kind, reason });
        },
        onMessage: (channel, message) => {
          if (!current() || kind !== "pubsub" || channel !== HELLO_CHANNEL) return;
          this.options.push({ type: "hello-received", via: command.link, payload: message });
        },
      },
    );
  }

  /** sentinel.c: sentinelReconnectInstance — AUTH, CLIENT SETNAME (+ SUBSCRIBE), replies ignored. */
  private handshake(
    entry: LinkEntry,
    link: RedisLink,
    kind: ConnKind,
    auth: LinkAuth | null,
    clientName: string,
  ): void {
    const name = (cmd: string): string => entry.renamed[cmd] ?? cmd;
    const pending: Promise<CallResult>[] = [];
    if (auth !== null) {
      pending.push(
        link.call(name("auth"), auth.user === "" ? [auth.pass] : [auth.user, auth.pass]),
      );
    }
    pending.push(link.call(name("client"), ["SETNAME", clientName]));
    if (kind === "pubsub") pending.push(link.subscribe(name("subscribe"), HELLO_CHANNEL));
    void Promise.all(pending).then((results) => {
      for (const result of results) {
        if (result.kind === "error") {
          logAt(
            this.options.logger,
            "verbose",
            `Link setup command failed on ${clientName}: ${result.text}`,
          );
        }
      }
    });
  }

  private close(id: LinkId, which: ConnKind | "both"): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    const kinds: readonly ConnKind[] = which === "both" ? ["cmd", "pubsub"] : [which];
    for (const kind of kinds) {
      if (entry[kind] === null) continue;
      this.drop(entry, kind);
      this.options.push({
        type: "link-closed",
        link: id,
        conn: kind,
        reason: "closed by sentinel",
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
    toInput: (result: CallResult) => Input | null,
  ): void {
    const target = this.commandConnection(id);
    if (target === null) return;
    const { entry, conn, link } = target;
    void link.call(entry.renamed[command] ?? command, args).then((result) => {
      if (result.kind === "closed" || entry.cmd !== conn) return;
      const input = toInput(result);
      if (input !== null) this.options.push(input);
    });
  }

  private sendText(
    id: LinkId,
    command: string,
    args: readonly Argument[],
    toInput: (reply: NonNullable<ReturnType<typeof narrowReplyText>>) => Input,
  ): void {
    this.send(id, command, args, (result) => {
      const reply = narrowReplyText(result);
      return reply === null ? null : toInput(reply);
    });
  }

  private askMasterDown(command: Extract<Command, { type: "ask-master-down" }>): void {
    const args = ["is-master-down-by-addr", command.ip, command.port, command.epoch, command.runId];
    this.send(command.link, "sentinel", args, (result) => ({
      type: "is-master-down-reply",
      link: command.link,
      master: command.master,
      reply: result.kind === "reply" ? narrowIsMasterDownReply(result.value) : null,
    }));
  }

  /** sentinel-protocol §7.5: the reconfiguration transaction, pipelined, replies only logged. */
  private replicaOf(
    id: LinkId,
    target: { readonly ip: string; readonly port: number } | null,
  ): void {
    const conn = this.commandConnection(id);
    if (conn === null) return;
    const { entry, link } = conn;
    const name = (cmd: string): string => entry.renamed[cmd] ?? cmd;
    const steps: readonly (readonly [string, readonly Argument[]])[] = [
      [name("multi"), []],
      [name("slaveof"), target === null ? ["NO", "ONE"] : [target.ip, target.port]],
      [name("config"), ["REWRITE"]],
      [name("client"), ["KILL", "TYPE", "normal"]],
      [name("client"), ["KILL", "TYPE", "pubsub"]],
      [name("exec"), []],
    ];
    const results = steps.map(([cmd, args]) => link.call(cmd, args));
    void Promise.all(results).then((settled) => {
      if (settled.some((r) => r.kind === "closed") || entry.cmd !== conn.conn) return;
      const failures = settled.flatMap((r) => (r.kind === "error" ? [r.text] : []));
      const last = settled[settled.length - 1];
      if (last?.kind === "reply") failures.push(...execFailures(last.value));
      for (const failure of failures) {
        logAt(this.options.logger, "verbose", `Reconfiguration of ${id}: ${failure}`);
      }
      this.options.push({ type: "command-done", link: id });
    });
  }
}

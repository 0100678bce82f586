/**
 * The client side of a simulated sentinel: the core's link commands (connect, close, forget and
 * the commands sent on a link) carried out on the fake network, as src/shell/link-manager.ts
 * does on real sockets. Replies, connects and closes come back to the core as inputs, each
 * tagged with the generation of the connect that opened its connection, queued for the next
 * batch (never stepped re-entrantly). A connect attempt gives up after the core's timeout.
 */
import type { Input } from "../../../src/core/model/inputs.js";
import type { Command } from "../../../src/core/model/ready.js";
import type { ConnKind, LinkId } from "../../../src/core/model/state.js";
import { Connection } from "./connection.js";
import type { ClientEnd, Request, Response } from "./connection.js";
import type { SentinelEnv } from "./sim-sentinel.js";

/** The simulated process the links belong to. */
export interface SimLinksHost extends ClientEnd {
  readonly env: SentinelEnv;
  /** Bumped by every start: connections of an earlier life are dead. */
  readonly incarnation: number;
  /** Queues the input for the process's next batch. */
  push(input: Input): void;
}

interface LinkEntry {
  cmd: Connection | null;
  pubsub: Connection | null;
  /** Pending connect attempts: the core's generation of each (0 = none pending). */
  cmdAttempt: number;
  pubsubAttempt: number;
  /** The generation of the open connection of each kind: its inputs carry it (`gen`). */
  cmdGen: number;
  pubsubGen: number;
}

function text(response: Response): { kind: "ok" | "error"; text: string } {
  if (response.kind === "vote") return { kind: "error", text: "ERR unexpected reply" };
  return { kind: response.kind, text: response.text };
}

export class SimLinks {
  private readonly owner: SimLinksHost;
  private readonly links = new Map<LinkId, LinkEntry>();

  constructor(owner: SimLinksHost) {
    this.owner = owner;
  }

  /** Carries out one of the core's link commands. */
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
        this.send(command.link, { kind: "ping" }, (r, gen) => ({
          type: "ping-reply",
          link: command.link,
          reply: text(r),
          gen,
        }));
        return;
      case "info":
        this.send(command.link, { kind: "info" }, (r, gen) => ({
          type: "info-reply",
          link: command.link,
          reply: text(r),
          gen,
        }));
        return;
      case "publish-hello":
        this.send(command.link, { kind: "publish", payload: command.payload }, (r, gen) => ({
          type: "publish-reply",
          link: command.link,
          ok: r.kind !== "error",
          gen,
        }));
        return;
      case "ask-master-down": {
        const request: Request = {
          kind: "is-master-down",
          ip: command.ip,
          port: command.port,
          epoch: command.epoch,
          runId: command.runId,
        };
        this.send(command.link, request, (r, gen) => ({
          type: "is-master-down-reply",
          link: command.link,
          master: command.master,
          reply:
            r.kind === "vote"
              ? { down: r.down, leader: r.leader, leaderEpoch: r.leaderEpoch }
              : null,
          gen,
        }));
        return;
      }
      case "replicaof":
        this.send(command.link, { kind: "replicaof", target: command.target }, (_r, gen) => ({
          type: "command-done",
          link: command.link,
          gen,
        }));
        return;
      case "transaction":
        // Only SENTINEL FAILOVER … COORDINATED sends one; the simulation never asks for it.
        throw new Error(`the simulation does not model transactions (${command.link})`);
      case "script-kill":
        this.send(command.link, { kind: "script-kill" }, (_r, gen) => ({
          type: "command-done",
          link: command.link,
          gen,
        }));
        return;
      case "client-pause":
      case "client-unpause":
        this.send(
          command.link,
          command.type === "client-pause"
            ? { kind: "client-pause", ms: command.ms }
            : { kind: "client-unpause" },
          (_r, gen) => ({ type: "command-done", link: command.link, gen }),
        );
        return;
      case "rename-commands":
        // Simulated instances take requests by kind, not by name.
        return;
      case "resolve":
        // The simulated nodes have IP addresses only: with resolve-hostnames off the core never
        // asks for a lookup.
        throw new Error(`unexpected lookup of ${command.host} in the simulation`);
    }
  }

  private entry(link: LinkId): LinkEntry {
    let entry = this.links.get(link);
    if (entry === undefined) {
      entry = { cmd: null, pubsub: null, cmdAttempt: 0, pubsubAttempt: 0, cmdGen: 0, pubsubGen: 0 };
      this.links.set(link, entry);
    }
    return entry;
  }

  private connect(command: Extract<Command, { type: "connect" }>): void {
    const { link, conn: kind, addr, gen, connectTimeoutMs } = command;
    const entry = this.entry(link);
    entry[kind]?.closeByClient();
    entry[kind] = null;
    // The core's generations are unique and never 0: they serve as the attempt tokens.
    const attempt = gen;
    if (kind === "cmd") entry.cmdAttempt = attempt;
    else entry.pubsubAttempt = attempt;
    const net = this.owner.env.network;
    const server = this.owner.env.lookupServer(addr);
    const incarnation = this.owner.incarnation;
    const current = (): boolean =>
      this.owner.incarnation === incarnation &&
      this.links.get(link) === entry &&
      (kind === "cmd" ? entry.cmdAttempt : entry.pubsubAttempt) === attempt;
    const fail = (delay: number, reason: string): void => {
      this.owner.env.clock.after(delay, () => {
        this.owner.deliver(() => {
          if (!current()) return;
          this.clearAttempt(entry, kind);
          this.owner.push({ type: "link-closed", link, conn: kind, reason, gen });
        });
      });
    };
    if (server === null) {
      fail(connectTimeoutMs, "connect ETIMEDOUT");
      return;
    }
    const rtt = net.delay(this.owner.host, server.host) + net.delay(server.host, this.owner.host);
    this.owner.env.clock.after(rtt, () => {
      this.owner.deliver(() => {
        if (!current()) return;
        if (!net.connected(this.owner.host, server.host)) {
          fail(Math.max(0, connectTimeoutMs - rtt), "connect ETIMEDOUT");
          return;
        }
        if (!server.up) {
          this.clearAttempt(entry, kind);
          this.owner.push({
            type: "link-closed",
            link,
            conn: kind,
            reason: "connect ECONNREFUSED",
            gen,
          });
          return;
        }
        this.clearAttempt(entry, kind);
        const conn = new Connection(net, this.owner, server, kind, command.clientName);
        entry[kind] = conn;
        if (kind === "cmd") entry.cmdGen = gen;
        else entry.pubsubGen = gen;
        conn.onServerClose = (reason) => {
          if (entry[kind] !== conn || this.links.get(link) !== entry) return;
          entry[kind] = null;
          this.owner.push({ type: "link-closed", link, conn: kind, reason, gen });
        };
        conn.onMessage = (payload) => {
          if (entry[kind] !== conn) return;
          this.owner.push({ type: "hello-received", via: link, payload, gen });
        };
        server.accept(conn);
        if (kind === "pubsub") conn.request({ kind: "subscribe" }, () => undefined);
        this.owner.push({
          type: "link-connected",
          link,
          conn: kind,
          localIp: this.owner.host,
          gen,
        });
      });
    });
  }

  private clearAttempt(entry: LinkEntry, kind: ConnKind): void {
    if (kind === "cmd") entry.cmdAttempt = 0;
    else entry.pubsubAttempt = 0;
  }

  private close(link: LinkId, which: ConnKind | "both"): void {
    const entry = this.links.get(link);
    const kinds: readonly ConnKind[] = which === "both" ? ["cmd", "pubsub"] : [which];
    for (const kind of kinds) {
      // As link-manager.ts: every close is answered, with no reason when nothing was held.
      if (entry === undefined) {
        this.owner.push({ type: "link-closed", link, conn: kind, reason: "" });
        continue;
      }
      const attempt = kind === "cmd" ? entry.cmdAttempt : entry.pubsubAttempt;
      const conn = entry[kind];
      conn?.closeByClient();
      entry[kind] = null;
      if (conn === null && attempt === 0) {
        this.owner.push({ type: "link-closed", link, conn: kind, reason: "" });
        continue;
      }
      this.clearAttempt(entry, kind);
      const gen = conn !== null ? (kind === "cmd" ? entry.cmdGen : entry.pubsubGen) : attempt;
      this.owner.push({
        type: "link-closed",
        link,
        conn: kind,
        reason: "closed by sentinel",
        gen,
      });
    }
  }

  private forget(link: LinkId): void {
    const entry = this.links.get(link);
    if (entry === undefined) return;
    entry.cmd?.closeByClient();
    entry.pubsub?.closeByClient();
    this.links.delete(link);
  }

  private send(
    link: LinkId,
    request: Request,
    toInput: (response: Response, gen: number) => Input,
  ): void {
    const entry = this.links.get(link);
    const conn = entry?.cmd ?? null;
    // Not connected: the shell drops the command (link-manager.ts: commandConnection).
    if (entry === undefined || conn === null) return;
    const gen = entry.cmdGen;
    conn.request(request, (response) => {
      if (this.links.get(link)?.cmd !== conn) return;
      this.owner.push(toInput(response, gen));
    });
  }

  /** Drops every connection without a word (the process crashed). */
  dropAll(): void {
    for (const entry of this.links.values()) {
      entry.cmd?.closeByClient();
      entry.pubsub?.closeByClient();
    }
    this.links.clear();
  }
}
